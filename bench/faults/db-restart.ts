/**
 * Fault: PostgreSQL restarts under write load. On a throwaway cluster of its own (never the
 * machine's), the service (src/server.ts, job queue and webhook worker on) takes POST /blocks from
 * 8 writers, each request with a unique Idempotency-Key, for ~10 s; 3 s in, the cluster stops
 * (`pg_ctl stop -m fast`, or immediate with FAULTS_DB_STOP_MODE=immediate: a crash, WAL replay on
 * start), stays down 2 s and starts again. The service itself is never restarted.
 *
 * Recorded: every 2xx-acknowledged block (key → id), every failure, and GET /health/ready every
 * 100 ms. After the load, each failed request is retried once with its key (what a client does).
 *
 * PASS when:
 * - the service process survives and stays the same process;
 * - readiness answers 503 while the database is down and 200 again after, by itself;
 * - failed writes are 503 problem+json (database.unavailable), never a 500 or a dropped connection;
 * - writes succeed before and after the restart;
 * - every acknowledged block is in the database under its id, and its key's stored response names
 *   that id; nothing is half-written: every block's per-system rows sum to its questionCount and it
 *   has its block.created outbox event, no event lacks its block, and blocks equal completed keys;
 * - a retried failure gets 201 (never written), a 201 replay (written, acknowledgement lost) or a
 *   409 in_flight (its claim was stranded by the outage; it expires after 60 s): no duplicates;
 * - the webhook worker resumes: no outbox event is left undispatched.
 */
import { blockBody } from '../../test/helpers/bodies.js'
import { createCluster, type Cluster } from './cluster.js'
import {
  check,
  countBy,
  createFaultDatabase,
  createStudent,
  type FaultDatabase,
  formatCounts,
  httpRequest,
  type HttpOutcome,
  jsonOf,
  ms,
  report,
  runScript,
  type Service,
  sleep,
  saveLogs,
  startService,
  summariseLogs,
} from './lib.js'

const SCRIPT = 'db-restart'
const LOAD_MS = Number(process.env.FAULTS_RESTART_LOAD_MS ?? 10_000)
const RESTART_AT_MS = 3_000
const DOWN_MS = 2_000
/** Writers keep going at least this long after the database is back. */
const AFTER_UP_MS = 3_000
const WRITERS = 8
const STOP_MODE = process.env.FAULTS_DB_STOP_MODE === 'immediate' ? 'immediate' : 'fast'

interface Write {
  key: string
  body: string
  startedAt: number
  outcome: HttpOutcome
}
interface Probe {
  at: number
  status: number | null
  error: string | null
}

const isOk = (r: HttpOutcome) => r.error === null && r.status !== null && r.status >= 200 && r.status < 300
const outcomeOf = (r: HttpOutcome) =>
  r.error !== null
    ? `error ${r.error}`
    : `${r.status}${isOk(r) ? '' : ` ${(jsonOf(r)?.code as string | undefined) ?? ''}`}`.trim()

async function main() {
  let cluster: Cluster | undefined
  let db: FaultDatabase | undefined
  let service: Service | undefined
  try {
    cluster = await createCluster()
    db = await createFaultDatabase(cluster.baseUrl, SCRIPT)
    service = await startService({
      DATABASE_URL: db.url,
      JOBS_ENABLED: 'true',
      WEBHOOKS_ENABLED: 'true',
      WEBHOOK_POLL_MS: '200',
    })
    const { url, pid } = service
    const student = await createStudent(db.database, 'restart')
    const path = `/v1/students/${student.id}/blocks`

    const t0 = performance.now()
    const writes: Write[] = []
    const probes: Probe[] = []
    const marks = { stopAt: 0, downAt: 0, startAt: 0, upAt: 0 }
    let endAt = t0 + LOAD_MS
    let stop = false

    const readiness = async () => {
      while (!stop) {
        const r = await httpRequest(url, { method: 'GET', path: '/health/ready', timeoutMs: 10_000 })
        probes.push({ at: r.endedAt, status: r.status, error: r.error })
        await sleep(100)
      }
    }
    let n = 0
    const writer = async (w: number) => {
      while (performance.now() < endAt) {
        const key = `restart-${w}-${++n}`
        const body = JSON.stringify(blockBody({ note: `db restart ${key}` }))
        const startedAt = performance.now()
        const outcome = await httpRequest(url, {
          method: 'POST',
          path,
          headers: { ...student.auth, 'idempotency-key': key },
          body,
          timeoutMs: 15_000,
        })
        writes.push({ key, body, startedAt, outcome })
        // A client backs off a little after a failure instead of spinning.
        if (!isOk(outcome)) await sleep(100)
      }
    }
    const restart = async () => {
      await sleep(RESTART_AT_MS)
      marks.stopAt = performance.now()
      await cluster!.stop(STOP_MODE)
      marks.downAt = performance.now()
      await sleep(DOWN_MS)
      marks.startAt = performance.now()
      await cluster!.start()
      marks.upAt = performance.now()
      endAt = Math.max(endAt, marks.upAt + AFTER_UP_MS)
    }

    const probing = readiness()
    await Promise.all([restart(), ...Array.from({ length: WRITERS }, (_, w) => writer(w))])
    // A little more readiness after the load, then stop probing.
    await sleep(500)
    stop = true
    await probing

    // Clients retry what failed, with the same key.
    const failed = writes.filter((w) => !isOk(w.outcome))
    const retries: { write: Write; outcome: HttpOutcome }[] = []
    for (const write of failed)
      retries.push({
        write,
        outcome: await httpRequest(url, {
          method: 'POST',
          path,
          headers: { ...student.auth, 'idempotency-key': write.key },
          body: write.body,
        }),
      })
    const retryKind = (r: HttpOutcome) =>
      r.status === 201 && r.headers['idempotent-replayed'] === 'true'
        ? '201 replayed (had been written)'
        : r.status === 201
          ? '201 (had not been written)'
          : r.status === 409 && jsonOf(r)?.code === 'idempotency.in_flight'
            ? '409 in_flight (claim stranded by the outage)'
            : outcomeOf(r)

    // Give the webhook worker a few polls to dispatch what is left.
    await sleep(2_000)

    // ---- What the database holds -----------------------------------------------------------------
    const acked = new Map<string, string>()
    for (const w of writes) if (isOk(w.outcome)) acked.set(w.key, jsonOf<{ id: string }>(w.outcome)!.id)
    for (const r of retries)
      if (isOk(r.outcome)) acked.set(r.write.key, jsonOf<{ id: string }>(r.outcome)!.id)
    const ackedIds = [...acked.values()]
    const ackedFirstTime = writes.filter((w) => isOk(w.outcome)).length

    const [missing] = await db.rows<{ n: number }>(
      `select count(*)::int as n from unnest($1::uuid[]) as a(id) where not exists (select 1 from blocks b where b.id = a.id)`,
      [ackedIds],
    )
    const keyRows = await db.rows<{ key: string; id: string | null; completed: boolean }>(
      `select key, response_body->>'id' as id, completed_at is not null as completed
         from idempotency_keys where user_id = $1`,
      [student.id],
    )
    const storedByKey = new Map(keyRows.map((r) => [r.key, r]))
    const keyMismatch = [...acked].filter(([key, id]) => storedByKey.get(key)?.id !== id)
    const [integrity] = await db.rows<{
      blocks: number
      bad_sums: number
      no_event: number
      orphan_events: number
      undispatched: number
      completed_keys: number
      stranded_keys: number
    }>(
      `select
         (select count(*)::int from blocks where student_id = $1) as blocks,
         (select count(*)::int from blocks b where b.student_id = $1 and b.question_count <>
            (select coalesce(sum(s.total), 0) from block_systems s where s.block_id = b.id)) as bad_sums,
         (select count(*)::int from blocks b where b.student_id = $1 and not exists
            (select 1 from outbox_events e where e.resource_id = b.id and e.type = 'block.created')) as no_event,
         (select count(*)::int from outbox_events e where e.student_id = $1 and not exists
            (select 1 from blocks b where b.id = e.resource_id)) as orphan_events,
         (select count(*)::int from outbox_events where dispatched_at is null) as undispatched,
         (select count(*)::int from idempotency_keys where user_id = $1 and completed_at is not null) as completed_keys,
         (select count(*)::int from idempotency_keys where user_id = $1 and completed_at is null) as stranded_keys`,
      [student.id],
    )

    // ---- Readiness and recovery -------------------------------------------------------------------
    const rel = (t: number) => `${((t - t0) / 1000).toFixed(2)} s`
    const down503 = probes.filter((p) => p.at > marks.downAt && p.at < marks.startAt && p.status === 503)
    const down200 = probes.filter((p) => p.at > marks.downAt && p.at < marks.startAt && p.status === 200)
    const firstReady = probes.find((p) => p.at > marks.upAt && p.status === 200)
    const afterReady = firstReady ? probes.filter((p) => p.at > firstReady.at) : []
    const firstWrite = writes.find((w) => w.startedAt > marks.upAt && isOk(w.outcome))
    const first503 = probes.find((p) => p.at > marks.stopAt && p.status === 503)
    const probeErrors = probes.filter((p) => p.error !== null)
    const failures = writes.filter((w) => !isOk(w.outcome))
    const clean503 = failures.filter(
      (w) =>
        w.outcome.status === 503 &&
        w.outcome.error === null &&
        (w.outcome.headers['content-type'] ?? '').includes('application/problem+json') &&
        jsonOf(w.outcome)?.code === 'database.unavailable',
    )
    const writesBefore = writes.filter((w) => w.outcome.endedAt < marks.stopAt && isOk(w.outcome)).length
    const writesAfter = writes.filter((w) => w.startedAt > marks.upAt && isOk(w.outcome)).length
    const retryKinds = countBy(retries, (r) => retryKind(r.outcome))
    const retryBad = retries.filter((r) => !/^(201|409 in_flight)/.test(retryKind(r.outcome)))
    const logs = service.logs()
    const alive = service.child.exitCode === null && service.child.signalCode === null

    report(
      SCRIPT,
      {
        cluster: `own, port ${cluster.port}, stop mode ${STOP_MODE}, down ${DOWN_MS} ms`,
        timeline: `stop ${rel(marks.stopAt)} → down ${rel(marks.downAt)} → start ${rel(marks.startAt)} → up ${rel(marks.upAt)}; load until ${rel(endAt)}`,
        'writes sent': `${writes.length} (${formatCounts(countBy(writes, (w) => outcomeOf(w.outcome)))})`,
        'acknowledged (first try)': `${ackedFirstTime} (before stop ${writesBefore}, after up ${writesAfter})`,
        'failed with 503 / other': `${clean503.length} / ${failures.length - clean503.length}`,
        'retries of the failures': formatCounts(retryKinds),
        'acknowledged in all / in the database by id': `${acked.size} / ${acked.size - (missing?.n ?? 0)}`,
        'blocks in the database': `${integrity?.blocks} (completed keys ${integrity?.completed_keys}, stranded claims ${integrity?.stranded_keys})`,
        'readiness probes': `${probes.length} (${formatCounts(countBy(probes, (p) => (p.error ? `error ${p.error}` : String(p.status))))})`,
        'readiness 503 after stop began': first503 ? ms(first503.at - marks.stopAt) : 'never',
        'readiness recovery (up → 200)': firstReady ? ms(firstReady.at - marks.upAt) : 'never',
        'write recovery (up → first 2xx)': firstWrite ? ms(firstWrite.outcome.endedAt - marks.upAt) : 'never',
        'client-visible outage (first to last failure)': failures.length
          ? ms(
              Math.max(...failures.map((w) => w.outcome.endedAt)) -
                Math.min(...failures.map((w) => w.startedAt)),
            )
          : 'none',
        'service warnings and errors': summariseLogs(logs, 40),
      },
      [
        check(
          'the service survived, same process',
          alive && service.pid === pid,
          `pid ${pid}, alive ${alive}`,
        ),
        check(
          'readiness 503 while the database was down',
          down503.length > 0 && down200.length === 0,
          `${down503.length} × 503, ${down200.length} × 200 in the down window`,
        ),
        check(
          'readiness 200 again after, without a restart of the service',
          firstReady !== undefined && afterReady.every((p) => p.status === 200),
          firstReady
            ? `after ${ms(firstReady.at - marks.upAt)}; ${afterReady.filter((p) => p.status !== 200).length} non-200 since`
            : 'never',
        ),
        check(
          'readiness always answered',
          probeErrors.length === 0,
          `${probeErrors.length} probe(s) without an answer`,
        ),
        check(
          'failed writes are 503 problem+json database.unavailable',
          clean503.length === failures.length,
          failures.length === clean503.length
            ? `${failures.length}/${failures.length}`
            : formatCounts(
                countBy(
                  failures.filter((w) => !clean503.includes(w)),
                  (w) => outcomeOf(w.outcome),
                ),
              ),
        ),
        check(
          'writes succeed before and after the restart',
          writesBefore > 0 && writesAfter > 0,
          `${writesBefore} before, ${writesAfter} after`,
        ),
        check(
          'every acknowledged block is in the database by id',
          acked.size > 0 && missing?.n === 0,
          `${missing?.n} of ${acked.size} missing`,
        ),
        check(
          "each acknowledged key's stored response names that block",
          keyMismatch.length === 0,
          `${keyMismatch.length} mismatch(es)`,
        ),
        check(
          'nothing half-written: sums, outbox events, no orphans, blocks = completed keys',
          integrity !== undefined &&
            integrity.bad_sums === 0 &&
            integrity.no_event === 0 &&
            integrity.orphan_events === 0 &&
            integrity.blocks === integrity.completed_keys,
          `${integrity?.bad_sums} bad sums, ${integrity?.no_event} without event, ${integrity?.orphan_events} orphan events, ${integrity?.blocks} blocks vs ${integrity?.completed_keys} completed keys`,
        ),
        check(
          'no duplicates: one block per acknowledged key, nothing unacknowledged stored',
          integrity !== undefined && new Set(ackedIds).size === acked.size && integrity.blocks === acked.size,
          `${integrity?.blocks} blocks, ${acked.size} acknowledged keys, ${new Set(ackedIds).size} distinct ids`,
        ),
        check(
          'retried failures: 201, 201 replay or 409 in_flight only',
          retryBad.length === 0,
          retryBad.length === 0
            ? formatCounts(retryKinds)
            : formatCounts(countBy(retryBad, (r) => outcomeOf(r.outcome))),
        ),
        check(
          'webhook worker resumed: no outbox event left undispatched',
          integrity?.undispatched === 0,
          `${integrity?.undispatched} undispatched`,
        ),
      ],
    )
  } finally {
    saveLogs(SCRIPT, service)
    await service?.stop(5_000).catch(() => undefined)
    await db?.drop().catch(() => undefined)
    await cluster?.destroy()
  }
}

runScript(SCRIPT, main)
