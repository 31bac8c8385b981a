/**
 * Fault: an idempotency storm. 100 concurrent POST /blocks of one body with one Idempotency-Key,
 * on real PostgreSQL, through the real service.
 *
 * What the service promises (src/modules/sync/idempotency.ts, api.md "Conventions"): the first
 * request to claim the key does the write; a duplicate that arrives while it is still running gets
 * 409 idempotency.in_flight ("retry shortly"); one that arrives after it finished gets the stored
 * response replayed (same status and body, Idempotent-Replayed: true). So PASS means: exactly one
 * block, one outbox event, one fresh 201; every other answer a replay of it or a 409 in_flight; and
 * once the 409s retry, all 100 callers hold the same block id.
 *
 * A second storm checks the other dedup path: 100 concurrent POSTs with the same externalId and no
 * key → still one block (one 201, the rest 200 updates of it).
 */
import http from 'node:http'
import { isDeepStrictEqual } from 'node:util'
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
  jsonOf,
  ms,
  percentile,
  report,
  runScript,
  sleep,
  saveLogs,
  startService,
} from './lib.js'

const SCRIPT = 'idempotency-storm'
const CONCURRENCY = Number(process.env.FAULTS_STORM_CONCURRENCY ?? 100)

type Kind = 'fresh 2xx' | 'replayed 2xx' | '409 in_flight' | 'other'
const kindOf = (r: HttpOutcome): Kind => {
  if (r.error === null && r.status !== null && r.status >= 200 && r.status < 300)
    return r.headers['idempotent-replayed'] === 'true' ? 'replayed 2xx' : 'fresh 2xx'
  if (r.status === 409 && jsonOf(r)?.code === 'idempotency.in_flight') return '409 in_flight'
  return 'other'
}
const describe = (r: HttpOutcome) =>
  r.error ? `error ${r.error}` : `${r.status} ${(jsonOf(r)?.code as string | undefined) ?? ''}`.trim()

/** Opens `n` keep-alive sockets first, so the storm is n requests written at once, not n handshakes. */
async function warmAgent(url: string, n: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n })
  await Promise.all(
    Array.from({ length: n }, () => httpRequest(url, { method: 'GET', path: '/health/live', agent })),
  )
  return agent
}

async function main() {
  const db = await createFaultDatabase(FAULTS_BASE_URL, SCRIPT)
  let service: Awaited<ReturnType<typeof startService>> | undefined
  try {
    // No worker or queue: this check is about the request path only.
    service = await startService({
      DATABASE_URL: db.url,
      DB_POOL_MAX: '20',
      JOBS_ENABLED: 'false',
      WEBHOOKS_ENABLED: 'false',
    })
    const { url } = service
    const student = await createStudent(db.database, 'storm')
    const path = `/v1/students/${student.id}/blocks`

    // ---- Storm 1: one Idempotency-Key, one body -------------------------------------------------
    const body = JSON.stringify(blockBody({ note: 'idempotency storm' }))
    const key = `storm-${Date.now()}`
    const agent = await warmAgent(url, CONCURRENCY)
    const send = () =>
      httpRequest(url, {
        method: 'POST',
        path,
        headers: { ...student.auth, 'idempotency-key': key },
        body,
        agent,
      })
    const first = await Promise.all(Array.from({ length: CONCURRENCY }, send))
    const kinds = countBy(first, kindOf)
    const latencies = first.map((r) => r.endedAt - r.startedAt)

    // Callers that got 409 retry "shortly", as the problem says, until they get the stored answer.
    const final = [...first]
    let retries = 0
    for (let round = 0; round < 20 && final.some((r) => kindOf(r) === '409 in_flight'); round++) {
      await sleep(100)
      await Promise.all(
        final.map(async (r, i) => {
          if (kindOf(r) !== '409 in_flight') return
          retries++
          final[i] = await send()
        }),
      )
    }
    agent.destroy()

    const fresh = first.filter((r) => kindOf(r) === 'fresh 2xx')
    const original = fresh[0] ? jsonOf<{ id: string }>(fresh[0]) : undefined
    const ids = new Set(final.filter((r) => r.status && r.status < 300).map((r) => jsonOf(r)?.id))
    const replaysIdentical = first
      .filter((r) => kindOf(r) === 'replayed 2xx')
      .every((r) => r.status === fresh[0]?.status && isDeepStrictEqual(jsonOf(r), original))
    const others = first.filter((r) => kindOf(r) === 'other').map(describe)

    const [stored] = await db.rows<{ blocks: number; keys: number; completed: number; events: number }>(
      `select (select count(*)::int from blocks where student_id = $1) as blocks,
              (select count(*)::int from idempotency_keys where user_id = $1) as keys,
              (select count(*)::int from idempotency_keys where user_id = $1 and completed_at is not null) as completed,
              (select count(*)::int from outbox_events where student_id = $1) as events`,
      [student.id],
    )
    const [storedBlock] = await db.rows<{ id: string }>(`select id from blocks where student_id = $1`, [
      student.id,
    ])

    // ---- Storm 2: one externalId, no key ------------------------------------------------------
    const other = await createStudent(db.database, 'storm-external')
    const externalBody = JSON.stringify(blockBody({ externalId: 'uw-test-4711', note: 'externalId storm' }))
    const agent2 = await warmAgent(url, CONCURRENCY)
    const external = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        httpRequest(url, {
          method: 'POST',
          path: `/v1/students/${other.id}/blocks`,
          headers: other.auth,
          body: externalBody,
          agent: agent2,
        }),
      ),
    )
    agent2.destroy()
    const externalStatuses = countBy(external, describe)
    const externalIds = new Set(external.map((r) => jsonOf(r)?.id))
    const [externalStored] = await db.rows<{ blocks: number; bad_sums: number; created: number }>(
      `select (select count(*)::int from blocks where student_id = $1) as blocks,
              (select count(*)::int from blocks b where b.student_id = $1 and b.question_count <>
                 (select coalesce(sum(total), 0) from block_systems s where s.block_id = b.id)) as bad_sums,
              (select count(*)::int from outbox_events where student_id = $1 and type = 'block.created') as created`,
      [other.id],
    )

    report(
      SCRIPT,
      {
        'concurrent requests': CONCURRENCY,
        'first answers': formatCounts(kinds),
        'latency p50 / p99 / max': `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} / ${ms(Math.max(...latencies))}`,
        '409 retries until settled': retries,
        'blocks stored': stored?.blocks ?? -1,
        'idempotency records (completed)': `${stored?.keys ?? -1} (${stored?.completed ?? -1})`,
        'outbox events': stored?.events ?? -1,
        'externalId storm answers': formatCounts(externalStatuses),
        'externalId storm blocks stored': externalStored?.blocks ?? -1,
      },
      [
        check('exactly one block stored', stored?.blocks === 1, `${stored?.blocks} block(s)`),
        check(
          'exactly one fresh write',
          fresh.length === 1 && fresh[0]?.status === 201,
          `${fresh.length} fresh 2xx (status ${fresh.map((r) => r.status).join(',') || '-'})`,
        ),
        check(
          'every other answer is a replay or 409 idempotency.in_flight',
          others.length === 0,
          others.length === 0 ? 'yes' : `unexpected: ${formatCounts(countBy(others, (o) => o))}`,
        ),
        check(
          'replays repeat the first response (status and body)',
          replaysIdentical,
          replaysIdentical ? 'identical' : 'a replay differs',
        ),
        check(
          'after retrying the 409s all callers hold the same block id',
          ids.size === 1 && final.every((r) => kindOf(r) !== '409 in_flight' && kindOf(r) !== 'other'),
          `${ids.size} distinct id(s): ${[...ids].join(', ')}; stored ${storedBlock?.id ?? 'none'}`,
        ),
        check(
          'that id is the stored block',
          ids.size === 1 && [...ids][0] === storedBlock?.id,
          storedBlock?.id ?? 'none',
        ),
        check(
          'one idempotency record, completed; one outbox event',
          stored?.keys === 1 && stored.completed === 1 && stored.events === 1,
          `${stored?.keys} record(s), ${stored?.completed} completed, ${stored?.events} event(s)`,
        ),
        check(
          'externalId storm: one block, one 201, the rest 200 with its id',
          externalStored?.blocks === 1 &&
            externalIds.size === 1 &&
            externalStatuses['201'] === 1 &&
            externalStatuses['200'] === CONCURRENCY - 1 &&
            externalStored.bad_sums === 0 &&
            externalStored.created === 1,
          `${externalStored?.blocks} block(s), ${externalIds.size} id(s), ${externalStored?.created} block.created, ${externalStored?.bad_sums} bad breakdown sum(s)`,
        ),
      ],
    )
  } finally {
    saveLogs(SCRIPT, service)
    await service?.stop()
    await db.drop()
  }
}

runScript(SCRIPT, main)
