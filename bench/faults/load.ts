/** A short autocannon run for the fault scripts (a trimmed copy of bench/lib/load.ts). */
import autocannon, { type Request, type Result } from 'autocannon'

export interface LoadResult {
  requestsPerSec: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  responses: number
  statusCodes: Record<string, number>
  errors: number
  timeouts: number
}

let runNo = 0

/**
 * `connections` keep-alive connections POSTing `body` to `path` for `durationSec`, each request
 * with a fresh Idempotency-Key (so every one is a real write, never a replay).
 */
export async function postLoad(
  baseUrl: string,
  {
    path,
    headers,
    body,
    durationSec,
    connections,
  }: {
    path: string
    headers: Record<string, string>
    body: string
    durationSec: number
    connections: number
  },
): Promise<LoadResult> {
  const prefix = `faults-${process.pid}-${++runNo}`
  let n = 0
  const template: Request = {
    method: 'POST',
    path,
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    // setupRequest, not autocannon's [<id>] placeholder: that one assumes a 27-character id.
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `${prefix}-${++n}` } }),
  }
  const result: Result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationSec,
    pipelining: 1,
    timeout: 10,
    requests: [template],
    // Each connection its own copy of the request (else the first requests share one key).
    setupClient: (client) => client.setRequests([{ ...template }]),
  })
  return {
    requestsPerSec: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    responses: Object.values(result.statusCodeStats).reduce((sum, { count }) => sum + count, 0),
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([k, { count }]) => [k, count]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
  }
}
