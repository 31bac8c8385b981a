/**
 * Fault: SIGTERM under load. The service (src/server.ts on real PostgreSQL, job queue and webhook
 * worker on, SHUTDOWN_TIMEOUT_MS=10000) takes POST /blocks from keep-alive and fresh-connection
 * clients plus slow POST /blocks/batch requests (250 blocks each: seconds under load); SIGTERM
 * arrives while slow requests are running, one of them on a keep-alive connection that stays idle
 * afterwards.
 *
 * Which requests the server had read before SIGTERM comes from its own log: every request carries
 * an x-request-id, and the service logs "incoming request" (with that id) before the line it logs
 * on SIGTERM. A request the client had written but the server had not read yet is not in flight.
 *
 * PASS when:
 * - every request in flight at SIGTERM (read by the server, not yet answered) completes with 2xx;
 * - every request the server read gets a whole response: 2xx, or 503 problem+json while draining;
 * - no response is cut off mid-way; nothing but 2xx and 503 problem+json comes back;
 * - requests the server never read are refused (ECONNREFUSED) or, when the client had already
 *   written them to a connection the kernel accepted, reset before any response byte: counted and
 *   shown, since the server never saw them and they are safe to retry;
 * - the process exits 0 within SHUTDOWN_TIMEOUT_MS, without logging an error, and every
 *   acknowledged block is stored with its outbox event.
 */
import http from 'node:http'
import { blockBody } from '../../test/helpers/bodies.js'
import {
  check,
  countBy,
  createFaultDatabase,
  createStudent,
  FAULTS_BASE_URL,
  formatCounts,
  httpRequest,
  type HttpOutcome,
  ms,
  percentile,
  report,
  runScript,
  type Service,
  sleep,
  saveLogs,
  startService,
  summariseLogs,
} from './lib.js'

const SCRIPT = 'sigterm'
const SHUTDOWN_TIMEOUT_MS = 10_000
const WARM_MS = Number(process.env.FAULTS_SIGTERM_WARM_MS ?? 3_000)
const BATCH_SIZE = 250
const SIGTERM_LOG = 'shutting down: finishing in-flight requests'

/**
 * keep-alive: POST /blocks on a shared keep-alive agent, again and again;
 * fresh: POST /blocks on a new connection each time;
 * slow: POST /blocks/batch (BATCH_SIZE blocks) on a new connection each time;
 * slow idle: POST /blocks/batch on its own keep-alive connection, and nothing more after SIGTERM:
 *   the connection then sits idle, and must not hold the shutdown up.
 */
type Client = 'keep-alive' | 'fresh' | 'slow' | 'slow idle'
interface Sent {
  id: string
  client: Client
  startedAt: number
  outcome?: HttpOutcome
}

const isOk = (r: HttpOutcome) => r.error === null && r.status !== null && r.status >= 200 && r.status < 300
const isProblem503 = (r: HttpOutcome) =>
  r.error === null &&
  r.status === 503 &&
  (r.headers['content-type'] ?? '').includes('application/problem+json')
const outcomeOf = (r: HttpOutcome) =>
  r.error === null
    ? String(r.status)
    : r.midResponse
      ? `mid-response ${r.error}`
      : r.error === 'ECONNREFUSED'
        ? 'refused'
        : `reset before response (${r.error})`

/** Request ids the server logged as "incoming" before it logged SIGTERM, and after. */
function readByServer(lines: readonly string[]) {
  const before = new Set<string>()
  const after = new Set<string>()
  let signalled = false
  for (const line of lines) {
    let entry: { msg?: unknown; reqId?: unknown }
    try {
      entry = JSON.parse(line) as typeof entry
    } catch {
      continue
    }
    if (entry.msg === SIGTERM_LOG) signalled = true
    else if (entry.msg === 'incoming request' && typeof entry.reqId === 'string')
      (signalled ? after : before).add(entry.reqId)
  }
  return { before, after, signalled }
}

async function main() {
  const db = await createFaultDatabase(FAULTS_BASE_URL, SCRIPT)
  let service: Service | undefined
  try {
    service = await startService({
      DATABASE_URL: db.url,
      // info: the request log tells which requests the server had read when SIGTERM came.
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      JOBS_ENABLED: 'true',
      WEBHOOKS_ENABLED: 'true',
      WEBHOOK_POLL_MS: '200',
    })
    const { url } = service
    const student = await createStudent(db.database, 'sigterm')
    const path = `/v1/students/${student.id}/blocks`
    const body = JSON.stringify(blockBody())
    const batch = JSON.stringify({ blocks: Array.from({ length: BATCH_SIZE }, () => blockBody()) })
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 })
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })

    const sent: Sent[] = []
    const inFlight = new Set<Sent>()
    let stop = false
    let sigterm = false
    let n = 0
    const loop = async (client: Client) => {
      while (!stop && !(client === 'slow idle' && sigterm)) {
        const entry: Sent = { id: `sigterm-${++n}`, client, startedAt: performance.now() }
        sent.push(entry)
        inFlight.add(entry)
        entry.outcome = await httpRequest(url, {
          method: 'POST',
          path: client.startsWith('slow') ? `${path}/batch` : path,
          headers: { ...student.auth, 'x-request-id': entry.id },
          body: client.startsWith('slow') ? batch : body,
          agent: client === 'keep-alive' ? keepAlive : client === 'slow idle' ? idleAgent : false,
        })
        inFlight.delete(entry)
        // After shutdown every request fails at once: do not spin.
        if (!isOk(entry.outcome)) await sleep(20)
      }
    }
    const clients = [
      ...Array.from({ length: 4 }, () => loop('keep-alive')),
      ...Array.from({ length: 4 }, () => loop('fresh')),
      loop('slow'),
      loop('slow idle'),
    ]

    // Load for a while, then SIGTERM while the keep-alive batch has been running for 200 ms+.
    await sleep(WARM_MS)
    const slowRunning = () =>
      [...inFlight].some((e) => e.client === 'slow idle' && performance.now() - e.startedAt > 200)
    for (let waited = 0; !slowRunning() && waited < 20_000; waited += 10) await sleep(10)
    const sigtermAt = performance.now()
    const pendingAtSigterm = [...inFlight]
    sigterm = true
    service.child.kill('SIGTERM')
    const exit = await Promise.race([
      service.exited,
      sleep(SHUTDOWN_TIMEOUT_MS + 5_000).then(() => undefined),
    ])
    const exitMs = exit ? exit.at - sigtermAt : Number.NaN
    // Keep knocking for a moment after the exit: those must be refused.
    await sleep(500)
    stop = true
    await Promise.all(clients)
    keepAlive.destroy()
    idleAgent.destroy()

    const logs = service.logs()
    const read = readByServer(logs)
    const done = sent.filter((e): e is Sent & { outcome: HttpOutcome } => e.outcome !== undefined)
    const serverRead = done.filter((e) => read.before.has(e.id) || read.after.has(e.id))
    const inFlightAtSigterm = pendingAtSigterm.filter((e) => read.before.has(e.id))
    const notYetRead = pendingAtSigterm.filter((e) => !read.before.has(e.id))
    const inFlightFailed = inFlightAtSigterm.filter((e) => !isOk(e.outcome!))
    const readFailed = serverRead.filter((e) => !isOk(e.outcome) && !isProblem503(e.outcome))
    const neverRead = done.filter((e) => !read.before.has(e.id) && !read.after.has(e.id))
    const neverReadBad = neverRead.filter(
      (e) => e.outcome.error === null || e.outcome.midResponse, // an answer with no request logged?
    )
    const midResponse = done.filter((e) => e.outcome.midResponse)
    const unexpected = done.filter(
      (e) => e.outcome.error === null && !isOk(e.outcome) && !isProblem503(e.outcome),
    )
    const after = done.filter((e) => e.startedAt >= sigtermAt)
    const before = done.filter((e) => e.outcome.endedAt < sigtermAt)
    const fastLatencies = before
      .filter((e) => !e.client.startsWith('slow'))
      .map((e) => e.outcome.endedAt - e.startedAt)
    const lastServed = Math.max(
      sigtermAt,
      ...done.filter((e) => isOk(e.outcome)).map((e) => e.outcome.endedAt),
    )
    const idleLast = done.filter((e) => e.client === 'slow idle').at(-1)

    // Every acknowledged block is stored with its event: no half-committed batch at shutdown.
    const [stored] = await db.rows<{ blocks: number; events: number }>(
      `select (select count(*)::int from blocks where student_id = $1) as blocks,
              (select count(*)::int from outbox_events where student_id = $1) as events`,
      [student.id],
    )
    const ackedBlocks = done
      .filter((e) => isOk(e.outcome))
      .reduce((sum, e) => sum + (e.client.startsWith('slow') ? BATCH_SIZE : 1), 0)

    const byClient = (list: readonly Sent[]) => formatCounts(countBy(list, (e) => e.client))
    const byOutcome = (list: readonly Sent[]) => formatCounts(countBy(list, (e) => outcomeOf(e.outcome!)))
    report(
      SCRIPT,
      {
        'answered before SIGTERM': `${before.length} (${byOutcome(before)})`,
        'fast POST p50 / p99 before SIGTERM': `${ms(percentile(fastLatencies, 50))} / ${ms(percentile(fastLatencies, 99))}`,
        'in flight at SIGTERM (read by the server)': `${inFlightAtSigterm.length} (${byClient(inFlightAtSigterm)})`,
        '  their outcomes': byOutcome(inFlightAtSigterm),
        '  slow ones took': inFlightAtSigterm
          .filter((e) => e.client.startsWith('slow'))
          .map((e) => `${e.client} ${ms(e.outcome!.endedAt - e.startedAt)}`)
          .join(', '),
        'written but not yet read at SIGTERM': `${notYetRead.length} (${byOutcome(notYetRead)})`,
        'read by the server after SIGTERM': `${read.after.size} (${byOutcome(done.filter((e) => read.after.has(e.id)))})`,
        'started after SIGTERM': `${after.length}`,
        '  keep-alive': byOutcome(after.filter((e) => e.client === 'keep-alive')),
        '  fresh connection': byOutcome(after.filter((e) => e.client !== 'keep-alive')),
        'last 2xx after SIGTERM': ms(lastServed - sigtermAt),
        'idle keep-alive: last answer said Connection': String(idleLast?.outcome.headers.connection ?? '-'),
        'exit code / after SIGTERM': exit
          ? `${exit.code} / ${ms(exitMs)} (limit ${SHUTDOWN_TIMEOUT_MS} ms)`
          : 'no exit',
        'blocks acknowledged / stored / events': `${ackedBlocks} / ${stored?.blocks} / ${stored?.events}`,
        'service warnings and errors': summariseLogs(logs, 40),
      },
      [
        check(
          'the service logged SIGTERM',
          read.signalled,
          read.signalled ? 'yes' : 'no SIGTERM line in the log',
        ),
        check(
          'slow requests were in flight at SIGTERM, one on a keep-alive connection',
          inFlightAtSigterm.some((e) => e.client === 'slow idle'),
          byClient(inFlightAtSigterm.filter((e) => e.client.startsWith('slow'))),
        ),
        check(
          'every request in flight at SIGTERM completed with 2xx',
          inFlightFailed.length === 0,
          inFlightFailed.length === 0
            ? `${inFlightAtSigterm.length}/${inFlightAtSigterm.length}`
            : `failed: ${byOutcome(inFlightFailed)}`,
        ),
        check(
          'every request the server read got a whole 2xx or 503 problem+json',
          readFailed.length === 0,
          readFailed.length === 0
            ? `${serverRead.length}/${serverRead.length}`
            : `failed: ${byOutcome(readFailed)}`,
        ),
        check('no response cut off mid-way', midResponse.length === 0, `${midResponse.length}`),
        check(
          'only 2xx and 503 problem+json answers',
          unexpected.length === 0,
          unexpected.length === 0 ? 'yes' : byOutcome(unexpected),
        ),
        check(
          'requests the server never read: refused, or reset before any byte',
          neverReadBad.length === 0,
          `${byOutcome(neverRead)}`,
        ),
        check(
          'process exits 0 within SHUTDOWN_TIMEOUT_MS',
          exit?.code === 0 && exitMs <= SHUTDOWN_TIMEOUT_MS,
          exit ? `code ${exit.code} after ${ms(exitMs)}` : 'still running',
        ),
        check('no error logged', summariseLogs(logs, 50) === 'none', summariseLogs(logs, 50)),
        check(
          'every acknowledged block is stored, each with its outbox event',
          stored !== undefined && stored.blocks >= ackedBlocks && stored.events === stored.blocks,
          `${ackedBlocks} acknowledged, ${stored?.blocks} stored, ${stored?.events} events`,
        ),
      ],
    )
  } finally {
    saveLogs(SCRIPT, service)
    await service?.stop(2_000)
    await db.drop()
  }
}

runScript(SCRIPT, main)
