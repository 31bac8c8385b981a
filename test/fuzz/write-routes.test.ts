/**
 * Hostile input for every write route of the OpenAPI document (issue "Proof", part 2).
 *
 * The write operations (POST, PUT, PATCH, DELETE) are read from the document the code generates, so
 * a new route is fuzzed, or fails here for want of a generator in test/fuzz/routes.ts. Each gets
 * FUZZ_RUNS generated requests (default 1000): valid bodies, valid bodies mutated (hostile values at
 * any depth, keys removed or added, arrays bloated), raw JSON text (duplicate and prototype keys,
 * 1e400, escaped lone surrogates and NUL, truncation), wrong content types and encodings, hostile
 * query strings, bogus Idempotency-Keys and other headers, path ids that are foreign, deleted, not
 * UUIDs or not even valid URL escapes, and now and then the wrong caller.
 *
 * For every response: no 5xx; every 4xx is application/problem+json with type, title, detail, code
 * and the response's status; and the database changed exactly as the answer says. Triggers keep a
 * per-table content fingerprint (test/fuzz/fingerprint.ts), read after every request: a refusal or
 * an idempotent replay must leave every table as it was, an acceptance may change only its own
 * tables, by the rows its answer accounts for. At the end the fingerprint is recomputed from the
 * tables, the row counts are checked against the ledger of accepted answers, and Object.prototype
 * must be clean. After each route, and in full at the end, the data the accepted writes left behind
 * is read back (profile, analytics, mentee dashboard, lists): a stored value that breaks a read is a
 * refusal that was missed.
 *
 * Reproduce: FUZZ_SEED=<seed printed on failure> FUZZ_RUNS=<n> npx vitest run test/fuzz
 * (routes share one database and run in document order, so run the whole file).
 */
import type { LookupAddress } from 'node:dns'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { webhookDeliveries } from '../../src/db/schema.js'
import { queryRows } from '../../src/db/client.js'
import { generateOpenapi } from '../../scripts/openapi-document.js'
import { useTestApp } from '../helpers/app.js'
import { createAdmin, createAdvisor, createStudent } from '../helpers/factories.js'
import { blockBody, assessmentBody, activityBody } from '../helpers/bodies.js'
import { installFingerprint, readFingerprint, recomputeFingerprint } from './fingerprint.js'
import {
  inputArb,
  type Operation,
  type Outcome,
  plainRequest,
  prepare,
  readBack,
  sendAndCheck,
  type World,
} from './harness.js'
import { SPECS, sharedResolvers } from './routes.js'

// Webhook URLs resolve through this fake DNS, so the run never touches the network and is the same
// everywhere: *.invalid does not resolve, internal.* is private, rebind.* is public and private.
vi.mock('node:dns', async (importOriginal) => {
  const dns = await importOriginal<typeof import('node:dns')>()
  const answer = (hostname: string): LookupAddress[] | undefined =>
    hostname.endsWith('.invalid')
      ? undefined
      : hostname === 'localhost'
        ? [{ address: '127.0.0.1', family: 4 }]
        : hostname.startsWith('internal.')
          ? [{ address: '10.0.0.7', family: 4 }]
          : hostname.startsWith('rebind.')
            ? [
                { address: '93.184.216.34', family: 4 },
                { address: '192.168.0.1', family: 4 },
              ]
            : [{ address: '93.184.216.34', family: 4 }]
  const lookup = (hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: Error | null,
      addresses?: LookupAddress[],
    ) => void
    const addresses = answer(hostname)
    process.nextTick(() =>
      addresses
        ? cb(null, addresses)
        : cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })),
    )
  }
  return { ...dns, default: { ...dns, lookup }, lookup }
})

const SEED = Number(process.env.FUZZ_SEED ?? 20261128)
/** Generated requests per write route. */
// 1,000 per route on real PostgreSQL (CI); 250 on the embedded default, so a laptop's `npm test`
// stays quick (PGlite runs the same queries about 4× slower). `npm run fuzz` runs 10,000.
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.TEST_DATABASE_URL ? 1000 : 250))

/** Each route draws its own stream (same base seed), so routes do not get the same inputs in lockstep. */
function routeSeed(operationId: string): number {
  let hash = 2166136261
  for (const ch of operationId) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619)
  return (SEED ^ hash) >>> 0
}

const t = useTestApp({ RATE_LIMIT_PER_MINUTE: '1000000000', RATE_LIMIT_ANON_PER_MINUTE: '1000000000' })

type Doc = {
  paths: Record<string, Record<string, { operationId?: string; parameters?: { in: string; name: string }[] }>>
}
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const

/** The write operations of an OpenAPI document, in document order. */
function writeOperations(doc: Doc): Operation[] {
  const ops: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of WRITE_METHODS) {
      const op = item[method]
      if (!op) continue
      const parameters = op.parameters ?? []
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        // From the template, not `parameters`: a parameter the document forgets is still in the URL.
        paramNames: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? ''),
        idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      })
    }
  return ops
}

const operations = writeOperations((await generateOpenapi()) as Doc)
const byId = new Map(operations.map((op) => [op.operationId, op]))

let world: World
let tables: string[] = []
let startRows = new Map<string, number>()
const resolvers = sharedResolvers()
const PROTOTYPE_NAMES = {
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
}

interface RouteStats {
  inputs: number
  statuses: Map<number, number>
  origins: Map<string, number>
  queries: number
  keys: number
  headers: number
  wrongCallers: number
  ms: number
}
const stats = new Map<string, RouteStats>()
const count = (map: Map<string | number, number>, key: string | number) =>
  map.set(key, (map.get(key) ?? 0) + 1)

function expectPrototypesClean() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES.object)
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(PROTOTYPE_NAMES.array)
  expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(PROTOTYPE_NAMES.function)
  const probe = {} as Record<string, unknown>
  for (const key of ['polluted', 'isAdmin', 'role', 'scopes']) expect(probe[key], key).toBeUndefined()
}

beforeAll(async () => {
  const db = t.database.db
  const student = await createStudent(db)
  const peer = await createStudent(db)
  const advisor = await createAdvisor(db)
  const admin = await createAdmin(db)
  tables = await installFingerprint(db)
  world = {
    app: t.app,
    db,
    seed: SEED,
    student,
    peer,
    advisor,
    admin,
    users: [student, peer, advisor, admin].map(({ id, role }) => ({ id, role })),
    tokens: { live: [], revoked: [] },
    records: {
      blocks: { live: [], deleted: [], foreign: [] },
      assessments: { live: [], deleted: [], foreign: [] },
      activities: { live: [], deleted: [], foreign: [] },
    },
    webhooks: { live: [], deleted: [] },
    deliveries: [],
    grants: [],
    emails: [],
    keyCounter: 0,
    replays: new Map(),
    fingerprint: undefined,
    ledger: new Map(),
    call: async (operationId, options): Promise<Outcome> => {
      const operation = byId.get(operationId)
      const spec = SPECS[operationId]
      if (!operation || !spec) throw new Error(`setup needs ${operationId}, which is not in the document`)
      const outcome = await sendAndCheck(plainRequest(operation, options, world), spec, world)
      if (outcome.status >= 300)
        throw new Error(`setup call ${operationId} failed: ${outcome.status} ${JSON.stringify(outcome.body)}`)
      return outcome
    },
  }

  // Records to update and delete (some deleted already), and another student's to be refused.
  const me = { studentId: 'me' }
  const kinds = [
    ['Block', 'blockId', blockBody],
    ['Assessment', 'assessmentId', assessmentBody],
    ['Activity', 'activityId', activityBody],
  ] as const
  for (const [name, param, body] of kinds) {
    for (let i = 0; i < 6; i++)
      await world.call(`create${name}`, { caller: student, params: me, body: body() })
    for (let i = 0; i < 3; i++) await world.call(`create${name}`, { caller: peer, params: me, body: body() })
    const kind = ({ Block: 'blocks', Assessment: 'assessments', Activity: 'activities' } as const)[name]
    for (const id of world.records[kind].live.slice(0, 2))
      await world.call(`delete${name}`, { caller: student, params: { ...me, [param]: id } })
  }
  // Advisors to grant, one granted; tokens to revoke.
  for (let i = 0; i < 3; i++)
    await world.call('createUser', {
      caller: admin,
      body: { role: 'advisor', name: `Advisor ${i}`, email: `fuzz-advisor-${i}@example.test` },
    })
  await world.call('createUser', {
    caller: admin,
    body: { role: 'student', name: 'Taken', email: 'taken@example.test' },
  })
  await world.call('grantAdvisor', { caller: student, params: me, body: { advisorId: advisor.id } })
  for (const user of [peer, advisor])
    for (let i = 0; i < 2; i++)
      await world.call('createToken', {
        caller: admin,
        params: { userId: user.id },
        body: { name: `spare ${i}` },
      })

  // Deliveries to redeliver: three per caller, one on a disabled subscription, one mid-attempt.
  const hook = { url: 'https://hooks.fuzz.example/redeliver', events: ['block.created'] }
  for (const caller of [student, advisor, admin, student]) {
    const { body } = await world.call('createWebhook', { caller, body: hook })
    const webhookId = String(body.id)
    world.webhooks.live = world.webhooks.live.filter((w) => w.id !== webhookId)
    const rows = await db
      .insert(webhookDeliveries)
      .values(
        [0, 1, 2].map((i) => ({
          subscriptionId: webhookId,
          eventId: crypto.randomUUID(),
          eventType: 'block.created',
          payload: { fuzz: i },
          status: (['failed', 'succeeded', 'pending'] as const)[i],
          attempts: i,
          lockedUntil: i === 2 ? new Date(Date.now() + 3_600_000) : null,
        })),
      )
      .returning({ id: webhookDeliveries.id })
    for (const row of rows) world.deliveries.push({ webhookId, deliveryId: row.id, ownerId: caller.id })
    world.fingerprint = undefined // written behind the harness's back
  }
  const disabled = world.deliveries.at(-1)?.webhookId ?? ''
  await db.execute(
    sql`update webhook_subscriptions set disabled_at = now(), disabled_reason = 'fuzz' where id = ${disabled}`,
  )
  for (const caller of [student, advisor, admin])
    for (let i = 0; i < 2; i++)
      await world.call('createWebhook', { caller, body: { ...hook, url: `https://hooks.fuzz.example/${i}` } })

  world.fingerprint = undefined
  world.ledger = new Map()
  startRows = new Map([...(await readFingerprint(db))].map(([table, s]) => [table, s.rows]))
}, 120_000)

afterAll(() => {
  const lines = [...stats].map(([id, s]) => {
    const statuses = [...s.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`)
    const origins = [...s.origins].map(([o, n]) => `${o} ${n}`).join(', ')
    return `${id.padEnd(26)} ${String(s.inputs).padStart(6)} in ${(s.ms / 1000).toFixed(1)}s  [${statuses.join(' ')}]  bodies: ${origins}; query ${s.queries}, key ${s.keys}, headers ${s.headers}, wrong caller ${s.wrongCallers}`
  })
  console.log(`fuzz seed ${SEED}, ${RUNS} inputs per write route\n${lines.join('\n')}`)
})

describe(`write routes under hostile input (seed ${SEED}, ${RUNS} per route)`, () => {
  test('the document has write routes, each with a generator; no generator is stale', async () => {
    expect(operations.length).toBeGreaterThan(0)
    const missing = operations.filter((op) => !SPECS[op.operationId]).map((op) => `${op.method} ${op.path}`)
    expect(missing, 'write routes without a generator in test/fuzz/routes.ts').toEqual([])
    const stale = Object.keys(SPECS).filter((id) => !byId.has(id))
    expect(stale, 'generators for operations the document no longer has').toEqual([])
    // The running app serves the same document the routes were read from.
    expect(writeOperations(t.app.swagger() as unknown as Doc)).toEqual(operations)
    const unknownParams = operations.flatMap((op) =>
      op.paramNames
        .filter((p) => !resolvers[p] && !SPECS[op.operationId]?.params?.[p])
        .map((p) => `${op.operationId} {${p}}`),
    )
    expect(unknownParams, 'path parameters without a generator').toEqual([])
  })

  for (const operation of operations) {
    test(
      `${operation.method} ${operation.path} (${operation.operationId})`,
      async () => {
        const spec = SPECS[operation.operationId]
        if (!spec)
          throw new Error(`no generator for ${operation.method} ${operation.path} in test/fuzz/routes.ts`)
        const s: RouteStats = {
          inputs: 0,
          statuses: new Map(),
          origins: new Map(),
          queries: 0,
          keys: 0,
          headers: 0,
          wrongCallers: 0,
          ms: 0,
        }
        stats.set(operation.operationId, s)
        const started = performance.now()
        await fc.assert(
          fc.asyncProperty(inputArb(operation.paramNames, spec.body), async (input) => {
            const sent = await prepare(operation, spec, input, world, resolvers)
            const outcome = await sendAndCheck(sent, spec, world)
            s.inputs++
            count(s.statuses, outcome.status)
            count(s.origins, input.body.kind === 'json' ? input.body.origin : input.body.kind)
            if (input.query !== '') s.queries++
            if (input.key.kind !== 'none') s.keys++
            if (input.headers.length > 0) s.headers++
            if (input.caller.kind !== 'right') s.wrongCallers++
          }),
          // Requests change the database, so a shrunk counterexample would run against other state:
          // report the first failure as it was, with the seed that replays the run.
          { seed: routeSeed(operation.operationId), numRuns: RUNS, endOnFailure: true },
        )
        s.ms = performance.now() - started
        expect(s.inputs).toBe(RUNS)
        await readBack(world, { full: false })
        expectPrototypesClean()
      },
      RUNS * 300 + 120_000,
    )
  }

  test('nothing was stored behind the fingerprint, every row is accounted for, and no prototype is polluted', async () => {
    const kept = await readFingerprint(world.db)
    const recomputed = await recomputeFingerprint(world.db, tables)
    expect(recomputed).toEqual(kept)
    const rows = Object.fromEntries(
      tables.map((table) => [table, (kept.get(table)?.rows ?? 0) - (startRows.get(table) ?? 0)]),
    )
    const ledger = Object.fromEntries(tables.map((table) => [table, world.ledger.get(table) ?? 0]))
    expect(rows).toEqual(ledger)
    // The accepted answers did create rows: the run reached the write paths, not just the validators.
    const written = ['blocks', 'assessments', 'activities', 'users', 'api_tokens', 'webhook_subscriptions']
    if (RUNS >= 100) for (const table of written) expect(rows[table], table).toBeGreaterThan(0)
    const [orphans] = await queryRows<{ n: number }>(
      world.db,
      sql`select count(*)::int as n from block_systems s left join blocks b on b.id = s.block_id where b.id is null`,
    )
    expect(orphans?.n).toBe(0)
    await readBack(world, { full: true })
    expectPrototypesClean()
  })
})
