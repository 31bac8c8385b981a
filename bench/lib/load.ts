import autocannon, { type Instance, type Request, type Result } from 'autocannon'
import type { CpuPerRequest } from './cpu.js'

export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  /** Bodies sent in turn (JSON strings, serialised up front so the load generator stays cheap). */
  bodies?: readonly string[]
  /** A header given a fresh value on every request, e.g. Idempotency-Key. */
  uniqueHeader?: string
  /** Replaced in the body by a fresh value on every request (the same as uniqueHeader's), e.g. an externalId. */
  uniqueBodyToken?: string
}

export interface LoadResult {
  /** Mean responses per second over the run. */
  requestsPerSec: number
  latencyMs: { p50: number; p90: number; p99: number; average: number; max: number }
  responses: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  durationSec: number
  /** Concurrent keep-alive connections of the run. */
  connections: number
  /** Where the run's CPU went, per response (set by the runner around measured runs; null if unknown). */
  cpu?: CpuPerRequest | null
}

const running = new Set<Instance>()

/** Ends every load in flight (Ctrl-C): each resolves with what it measured so far. */
export function stopAllLoads(): void {
  for (const instance of running) instance.stop()
}

let runNo = 0

function autocannonRequest(request: LoadRequest): Request {
  const { bodies, uniqueHeader, uniqueBodyToken } = request
  const headers = { ...request.headers, ...(bodies ? { 'content-type': 'application/json' } : {}) }
  if (!bodies && !uniqueHeader) return { method: request.method, path: request.path, headers }
  const bodyFor = (n: number, unique: string) => {
    const body = bodies?.[n % bodies.length]
    return body !== undefined && uniqueBodyToken ? body.replaceAll(uniqueBodyToken, unique) : body
  }
  // setupRequest rather than autocannon's `[<id>]` replacement: that one patches Content-Length
  // assuming a 27-character id, which its generator does not guarantee, and makes one id per request.
  const prefix = `bench-${process.pid}-${++runNo}`
  let n = 0
  return {
    method: request.method,
    path: request.path,
    headers,
    setupRequest: (req) => {
      n += 1
      const unique = `${prefix}-${n}`
      return {
        ...req,
        headers: { ...req.headers, ...(uniqueHeader ? { [uniqueHeader]: unique } : {}) },
        ...(bodies ? { body: bodyFor(n, unique) } : {}),
      }
    },
  }
}

function summarise(result: Result, connections: number): LoadResult {
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  )
  return {
    requestsPerSec: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      average: result.latency.average,
      max: result.latency.max,
    },
    responses: Object.values(statusCodes).reduce((a, b) => a + b, 0),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationSec: result.duration,
    connections,
  }
}

/** One autocannon run against `baseUrl`: `connections` keep-alive connections for `durationSec`. */
export async function runLoad(
  baseUrl: string,
  request: LoadRequest,
  { durationSec, connections }: { durationSec: number; connections: number },
): Promise<LoadResult> {
  const template = autocannonRequest(request)
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration: durationSec,
    pipelining: 1,
    timeout: 10,
    requests: [template],
    // Connections otherwise share one request object, and each sends its first request from the
    // buffer that object holds last: 50 first requests with one Idempotency-Key. A copy each avoids it.
    setupClient: (client) => client.setRequests([{ ...template }]),
  })
  running.add(instance)
  try {
    return summarise(await instance, connections)
  } finally {
    running.delete(instance)
  }
}
