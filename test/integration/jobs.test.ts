import { eq, sql } from 'drizzle-orm'
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { openPglite, queryRows } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { users } from '../../src/db/schema.js'
import {
  CHECKINS_QUEUE,
  MAINTENANCE_CRON,
  MAINTENANCE_QUEUE,
  runCheckinJob,
  startJobs,
} from '../../src/jobs/queue.js'
import { DEFAULT_ANALYTICS_CONFIG } from '../../src/modules/analytics/config.js'
import { testConfig } from '../helpers/app.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'
import { createStudent } from '../helpers/factories.js'

const log = pino({ level: 'silent' })

/** The embedded database, whatever TEST_DATABASE_URL says, so CI covers the PGlite adapter too. */
async function openEmbedded(): Promise<TestDatabase> {
  const database = await openPglite()
  await runMigrations(database)
  return { ...database, destroy: () => database.close() }
}

const schemaExists = async (database: TestDatabase) =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.schemata where schema_name = 'pgboss'`,
    )
  )[0]?.n === 1

const checkinsOf = async (database: TestDatabase, studentId: string) =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from checkins where student_id = ${studentId}`,
    )
  )[0]?.n ?? 0

async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() > until) return value
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** A student whose account predates last week, so the due mode owes it last week's check-in. */
async function dueStudent(database: TestDatabase) {
  const student = await createStudent(database.db, { timezone: 'Europe/Berlin' })
  await database.db
    .update(users)
    .set({ createdAt: new Date(Date.now() - 30 * 86_400_000) })
    .where(eq(users.id, student.id))
  return student
}

describe.each([
  ['the test database', openTestDatabase],
  ['an embedded PGlite', openEmbedded],
] as const)('the job queue on %s', (_name, open) => {
  test('starts in the pgboss schema, schedules the check-ins, works a job end to end, and stops', async () => {
    const database = await open()
    try {
      const student = await dueStudent(database)
      const jobs = await startJobs({
        config: testConfig(),
        database,
        log,
        pollingIntervalSeconds: 0.5,
      })
      expect(jobs).not.toBeNull()
      if (!jobs) return
      try {
        expect(await schemaExists(database)).toBe(true)
        const schedules = await jobs.boss.getSchedules()
        expect(schedules.sort((a, b) => a.name.localeCompare(b.name))).toMatchObject([
          { name: CHECKINS_QUEUE, cron: '0 * * * *', timezone: 'UTC' },
          { name: MAINTENANCE_QUEUE, cron: MAINTENANCE_CRON, timezone: 'UTC' },
        ])

        // stately queue: when the schedule already queued a run, send() answers null and that run counts.
        await jobs.boss.send(CHECKINS_QUEUE, {})
        expect(
          await eventually(
            () => checkinsOf(database, student.id),
            (n) => n > 0,
          ),
        ).toBe(1)
        const completed = await eventually(
          () => jobs.boss.getQueueSize(CHECKINS_QUEUE, { before: 'completed' }),
          (n) => n === 0,
        )
        expect(completed).toBe(0) // nothing left created, retrying or active
      } finally {
        await jobs.stop()
      }
      await jobs.stop() // twice is harmless
      // The database is still usable after the queue stopped (the queue never closes it).
      expect(await checkinsOf(database, student.id)).toBe(1)
    } finally {
      await database.destroy()
    }
  })
})

test('JOBS_ENABLED=false starts nothing: no pgboss schema, no worker', async () => {
  const database = await openEmbedded()
  try {
    const jobs = await startJobs({ config: testConfig({ JOBS_ENABLED: 'false' }), database, log })
    expect(jobs).toBeNull()
    expect(await schemaExists(database)).toBe(false)
  } finally {
    await database.destroy()
  }
})

test('the job body can run directly: due check-ins once, then nothing', async () => {
  const database = await openTestDatabase()
  try {
    const student = await dueStudent(database)
    const run = () => runCheckinJob({ db: database.db, analyticsConfig: DEFAULT_ANALYTICS_CONFIG })
    expect(await run()).toEqual({ created: 1, skipped: 0, notDue: 0 })
    expect(await run()).toEqual({ created: 0, skipped: 1, notDue: 0 })
    expect(await checkinsOf(database, student.id)).toBe(1)
  } finally {
    await database.destroy()
  }
})
