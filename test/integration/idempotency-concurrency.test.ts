// Concurrent duplicates of one write (the fault check bench/faults/idempotency-storm.ts, as a test).
// On PGlite the statements of concurrent requests are serialised, on PostgreSQL (TEST_DATABASE_URL)
// they truly race; the promise is the same on both: one record, whatever the interleaving.
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { useTestApp } from '../helpers/app.js'
import { blockBody } from '../helpers/bodies.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
const STORM = 100

let base = ''
beforeAll(async () => {
  // Real sockets, so the requests reach the server at once rather than one after the other.
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
})

interface Answer {
  status: number
  replayed: boolean
  body: { id?: string; code?: string } & Record<string, unknown>
}

async function post(student: TestUser, body: unknown, key?: string): Promise<Answer> {
  const res = await fetch(`${base}/v1/students/me/blocks`, {
    method: 'POST',
    headers: {
      ...student.auth,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: JSON.stringify(body),
  })
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    body: (await res.json()) as Answer['body'],
  }
}

const storm = (n: number, send: (i: number) => Promise<Answer>) =>
  Promise.all(Array.from({ length: n }, (_, i) => send(i)))

async function counts(student: TestUser) {
  const [row] = await queryRows<{ blocks: number; keys: number; completed: number; events: number }>(
    t.database.db,
    sql`select
      (select count(*)::int from blocks where student_id = ${student.id}) as blocks,
      (select count(*)::int from idempotency_keys where user_id = ${student.id}) as keys,
      (select count(*)::int from idempotency_keys where user_id = ${student.id} and completed_at is not null) as completed,
      (select count(*)::int from outbox_events where student_id = ${student.id}) as events`,
  )
  return row
}

describe('Idempotency-Key under concurrency', () => {
  test(`${STORM} concurrent POSTs of one body with one key store one block; every caller ends with its id`, async () => {
    const student = await createStudent(t.database.db)
    const body = blockBody({ note: 'storm' })
    const first = await storm(STORM, () => post(student, body, 'storm-1'))

    const fresh = first.filter((a) => a.status === 201 && !a.replayed)
    expect(fresh).toHaveLength(1)
    const original = fresh[0]!.body
    for (const a of first) {
      if (a === fresh[0]) continue
      if (a.status === 409) expect(a.body.code).toBe('idempotency.in_flight')
      else {
        // A replay is the first response again: same status, same body.
        expect(a.status).toBe(201)
        expect(a.replayed).toBe(true)
        expect(a.body).toEqual(original)
      }
    }

    // A 409 says "retry shortly": once the first request has finished, every retry is the replay.
    const retried = await Promise.all(
      first.map((a) => (a.status === 409 ? post(student, body, 'storm-1') : Promise.resolve(a))),
    )
    expect(new Set(retried.map((a) => a.status))).toEqual(new Set([201]))
    expect(new Set(retried.map((a) => a.body.id))).toEqual(new Set([original.id]))

    expect(await counts(student)).toEqual({ blocks: 1, keys: 1, completed: 1, events: 1 })
  })

  test('one key with different bodies at once: one block; the others are 409 in flight or 422 key reused', async () => {
    const student = await createStudent(t.database.db)
    const answers = await storm(20, (i) => post(student, blockBody({ note: `body ${i}` }), 'storm-2'))
    const created = answers.filter((a) => a.status === 201)
    expect(created).toHaveLength(1)
    for (const a of answers.filter((x) => x.status !== 201))
      expect([
        [409, 'idempotency.in_flight'],
        [422, 'idempotency.key_reused'],
      ]).toContainEqual([a.status, a.body.code])
    expect(await counts(student)).toEqual({ blocks: 1, keys: 1, completed: 1, events: 1 })
  })

  test(`${STORM} concurrent POSTs with one externalId and no key: one block, one 201, the rest 200 updates of it`, async () => {
    const student = await createStudent(t.database.db)
    const body = blockBody({ externalId: 'uw-storm-1' })
    const answers = await storm(STORM, () => post(student, body))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 200)).toHaveLength(STORM - 1)
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
    const [row] = await queryRows<{ blocks: number; created: number; systems: number }>(
      t.database.db,
      sql`select
        (select count(*)::int from blocks where student_id = ${student.id}) as blocks,
        (select count(*)::int from outbox_events where student_id = ${student.id} and type = 'block.created') as created,
        (select coalesce(sum(total), 0)::int from block_systems where student_id = ${student.id}) as systems`,
    )
    // The breakdown was replaced by each update, never duplicated: it still sums to the block.
    expect(row).toEqual({ blocks: 1, created: 1, systems: 40 })
  })

  test('distinct keys at once are distinct writes: no false deduplication', async () => {
    const student = await createStudent(t.database.db)
    const body = blockBody()
    const answers = await storm(50, (i) => post(student, body, `distinct-${i}`))
    expect(answers.every((a) => a.status === 201 && !a.replayed)).toBe(true)
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(50)
    expect(await counts(student)).toEqual({ blocks: 50, keys: 50, completed: 50, events: 50 })
  })
})
