import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { runMaintenance } from '../../src/jobs/maintenance.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const NOW = new Date('2026-11-28T03:17:00Z')
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString()
const DAY = 24

let database: TestDatabase
let student: TestUser
beforeAll(async () => {
  database = await openTestDatabase()
  student = await createStudent(database.db)
  const db = database.db
  const s = student.id
  await db.execute(sql`insert into idempotency_keys (user_id, key, request_hash, created_at) values
    (${s}, 'old', 'h', ${ago(25)}), (${s}, 'fresh', 'h', ${ago(23)})`)
  await db.execute(sql`insert into rate_limit_counters (key, window_start, hits) values
    ('token:old', ${ago(2)}, 5), ('token:fresh', ${ago(0.5)}, 5)`)
  await db.execute(sql`insert into outbox_events (type, student_id, payload, created_at, dispatched_at) values
    ('block.created', ${s}, '{"tag":"old-dispatched"}', ${ago(31 * DAY)}, ${ago(31 * DAY)}),
    ('block.created', ${s}, '{"tag":"old-pending"}', ${ago(31 * DAY)}, null),
    ('block.created', ${s}, '{"tag":"recent"}', ${ago(29 * DAY)}, ${ago(29 * DAY)}),
    ('recommendations.changed', ${s}, '{"tag":"old-announcement"}', ${ago(40 * DAY)}, ${ago(40 * DAY)}),
    ('recommendations.changed', ${s}, '{"tag":"latest-announcement"}', ${ago(35 * DAY)}, ${ago(35 * DAY)})`)
  await db.execute(sql`insert into webhook_subscriptions (id, owner_id, url, events, secret) values
    ('00000000-0000-4000-8000-000000000001', ${s}, 'https://example.com/h', '{block.created}', 'whsec_x')`)
  await db.execute(sql`insert into webhook_deliveries
      (subscription_id, event_id, event_type, payload, status, created_at, completed_at) values
    ('00000000-0000-4000-8000-000000000001', gen_random_uuid(), 'block.created', '{"tag":"old-succeeded"}', 'succeeded', ${ago(31 * DAY)}, ${ago(31 * DAY)}),
    ('00000000-0000-4000-8000-000000000001', gen_random_uuid(), 'block.created', '{"tag":"recent-failed"}', 'failed', ${ago(11 * DAY)}, ${ago(10 * DAY)}),
    ('00000000-0000-4000-8000-000000000001', gen_random_uuid(), 'block.created', '{"tag":"old-pending"}', 'pending', ${ago(40 * DAY)}, null)`)
})
afterAll(async () => database?.destroy())

const tags = async (table: 'outbox_events' | 'webhook_deliveries') =>
  (
    await queryRows<{ tag: string }>(
      database.db,
      sql`select payload->>'tag' as tag from ${sql.identifier(table)} where payload ? 'tag' order by 1`,
    )
  ).map((r) => r.tag)

test('deletes what outlived its retention, keeps the rest, and a second run deletes nothing', async () => {
  expect(await runMaintenance(database.db, NOW)).toEqual({
    idempotencyKeys: 1,
    rateLimitCounters: 1,
    outboxEvents: 2,
    webhookDeliveries: 1,
  })
  const keys = await queryRows<{ key: string }>(
    database.db,
    sql`select key from idempotency_keys where user_id = ${student.id}`,
  )
  expect(keys.map((k) => k.key)).toEqual(['fresh'])
  const counters = await queryRows<{ key: string }>(
    database.db,
    sql`select key from rate_limit_counters where key like 'token:%' order by key`,
  )
  expect(counters.map((c) => c.key)).toEqual(['token:fresh'])
  // Pending events are never dropped; the latest announcement is what the next change is compared to.
  expect(await tags('outbox_events')).toEqual(['latest-announcement', 'old-pending', 'recent'])
  expect(await tags('webhook_deliveries')).toEqual(['old-pending', 'recent-failed'])

  expect(await runMaintenance(database.db, NOW)).toEqual({
    idempotencyKeys: 0,
    rateLimitCounters: 0,
    outboxEvents: 0,
    webhookDeliveries: 0,
  })
})
