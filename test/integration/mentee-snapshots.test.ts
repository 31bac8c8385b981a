/**
 * The dashboard's stored figures (mentee_snapshots, migration 0007) are a cache: served while the
 * student's data version, day and engine key are unchanged, recomputed as soon as any of them moves.
 * Each case below first proves the cache is in use (a marker planted in the stored figures comes
 * back), then makes one change, and checks the next dashboard row equals a fresh computation.
 */
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { advisorGrants } from '../../src/db/schema.js'
import { listMentees, menteeRow } from '../../src/modules/advisors/mentees.service.js'
import {
  loadAnalyticsInput,
  loadVersionedAnalyticsInputs,
  todayIn,
} from '../../src/modules/analytics/analytics.repository.js'
import { DEFAULT_ANALYTICS_CONFIG, mergeAnalyticsConfig } from '../../src/modules/analytics/config.js'
import { computeAnalytics } from '../../src/modules/analytics/engine.js'
import { useTestApp } from '../helpers/app.js'
import { activityBody, assessmentBody, blockBody } from '../helpers/bodies.js'
import { createAdvisor, createStudent, type TestUser } from '../helpers/factories.js'

let queries = 0
const t = useTestApp({}, { onQuery: () => void queries++ })

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const at = (offset: number, hour = 10) => `${day(offset)}T${String(hour).padStart(2, '0')}:00:00Z`
/** A 7-day pace no computation produces (negative): seen in a row, it came from the stored figures. */
const MARKER = -7

interface Setup {
  student: TestUser
  advisor: TestUser
  blockId: string
  assessmentId: string
  activityId: string
}

async function setUp(): Promise<Setup> {
  const student = await createStudent(t.database.db)
  const advisor = await createAdvisor(t.database.db)
  await t.database.db.insert(advisorGrants).values({ studentId: student.id, advisorId: advisor.id })
  const ok = (res: { status: number; body: { id?: string } }, status = 201) => {
    expect(res.status).toBe(status)
    return res.body.id ?? ''
  }
  ok(
    await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .send({ examDate: day(40), prepStartDate: day(-30), targetScore: 255 }),
    200,
  )
  let blockId = ''
  for (let i = 0; i < 5; i++)
    blockId = ok(
      await t.http
        .post('/v1/students/me/blocks')
        .set(student.auth)
        .send(blockBody({ takenAt: at(-i) })),
    )
  const assessmentId = ok(
    await t.http
      .post('/v1/students/me/assessments')
      .set(student.auth)
      .send(assessmentBody({ takenAt: at(-3) })),
  )
  const activityId = ok(
    await t.http
      .post('/v1/students/me/activities')
      .set(student.auth)
      .send(activityBody({ date: day(-1) })),
  )
  return { student, advisor, blockId, assessmentId, activityId }
}

async function dashboardRow(advisor: TestUser) {
  const res = await t.http.get('/v1/advisors/me/mentees').set(advisor.auth)
  expect(res.status).toBe(200)
  expect(res.body.data).toHaveLength(1)
  return res.body.data[0] as { studentId: string; pace7: number } & Record<string, unknown>
}

/** The row as the engine computes it now, without any stored figures. */
async function freshRow(student: TestUser, config = DEFAULT_ANALYTICS_CONFIG, now = new Date()) {
  const [user] = await queryRows<{ name: string; timezone: string }>(
    t.database.db,
    sql`select name, timezone from users where id = ${student.id}`,
  )
  if (!user) throw new Error('no user')
  const input = await loadAnalyticsInput(t.database.db, {
    studentId: student.id,
    timezone: user.timezone,
    asOf: todayIn(user.timezone, now),
  })
  if (!input) throw new Error('no input')
  return JSON.parse(
    JSON.stringify(menteeRow({ id: student.id, name: user.name }, computeAnalytics(input, config))),
  )
}

async function plantMarker(student: TestUser) {
  await t.database.db.execute(
    sql`update mentee_snapshots set figures = jsonb_set(figures, '{pace7}', ${String(MARKER)}::jsonb)
        where student_id = ${student.id}`,
  )
}

const changes: [string, (s: Setup) => Promise<unknown>][] = [
  [
    'a block logged',
    (s) =>
      t.http
        .post('/v1/students/me/blocks')
        .set(s.student.auth)
        .send(blockBody({ takenAt: at(0, 1) })),
  ],
  [
    'a block corrected',
    (s) =>
      t.http
        .patch(`/v1/students/me/blocks/${s.blockId}`)
        .set(s.student.auth)
        .send({ correctCount: 10, systems: [{ system: 'cardio', total: 40, correct: 10 }] }),
  ],
  ['a block deleted', (s) => t.http.delete(`/v1/students/me/blocks/${s.blockId}`).set(s.student.auth)],
  [
    'a self-assessment logged',
    (s) =>
      t.http
        .post('/v1/students/me/assessments')
        .set(s.student.auth)
        .send(assessmentBody({ form: 'NBME 13', takenAt: at(-1), score: 230 })),
  ],
  [
    'a self-assessment corrected',
    (s) =>
      t.http.patch(`/v1/students/me/assessments/${s.assessmentId}`).set(s.student.auth).send({ score: 221 }),
  ],
  [
    'a self-assessment deleted',
    (s) => t.http.delete(`/v1/students/me/assessments/${s.assessmentId}`).set(s.student.auth),
  ],
  [
    'an activity logged',
    (s) =>
      t.http
        .post('/v1/students/me/activities')
        .set(s.student.auth)
        .send(activityBody({ date: day(0), type: 'simulation_day', minutes: 480, blocks: 8 })),
  ],
  [
    'an activity deleted',
    (s) => t.http.delete(`/v1/students/me/activities/${s.activityId}`).set(s.student.auth),
  ],
  [
    'the exam date moved',
    (s) =>
      t.http
        .patch('/v1/students/me/profile')
        .set(s.student.auth)
        .send({ examDate: day(9) }),
  ],
  [
    'the UWorld bank size changed',
    (s) =>
      t.http
        .patch('/v1/students/me/profile')
        .set(s.student.auth)
        .send({ qbanks: { uworld: { totalQuestions: 200 } } }),
  ],
  [
    'the time zone changed',
    (s) =>
      t.http.patch('/v1/students/me/profile').set(s.student.auth).send({ timezone: 'Pacific/Kiritimati' }),
  ],
  [
    'a breakdown row changed by SQL, bypassing the API',
    (s) => t.database.db.execute(sql`update block_systems set correct = 0 where block_id = ${s.blockId}`),
  ],
]

describe('stored dashboard figures', () => {
  test.each(changes)('are recomputed after %s', async (_label, change) => {
    const s = await setUp()
    expect(await dashboardRow(s.advisor)).toEqual(await freshRow(s.student))
    await plantMarker(s.student)
    expect((await dashboardRow(s.advisor)).pace7).toBe(MARKER) // served from the stored figures

    const res = (await change(s)) as { status?: number }
    if (res.status !== undefined) expect(res.status).toBeLessThan(300)

    const row = await dashboardRow(s.advisor)
    expect(row.pace7).not.toBe(MARKER)
    expect(row).toEqual(await freshRow(s.student))
  })

  test('are recomputed on a new day and for other thresholds, and kept otherwise', async () => {
    const s = await setUp()
    const query = { sort: 'risk', limit: 50 } as const
    const list = (now: Date, config = DEFAULT_ANALYTICS_CONFIG) =>
      listMentees(t.database.db, { advisorId: s.advisor.id, now, config, query })
    const now = new Date()
    await list(now)
    await plantMarker(s.student)
    expect((await list(now)).data[0]?.pace7).toBe(MARKER)

    // Other thresholds (ANALYTICS_OVERRIDES): another engine key.
    const stricter = mergeAnalyticsConfig({ plateau: { minGain: 9 } } as never)
    const other = await list(now, stricter)
    expect(other.data[0]?.pace7).not.toBe(MARKER)
    expect(JSON.parse(JSON.stringify(other.data[0]))).toEqual(await freshRow(s.student, stricter, now))

    // Back to the defaults, then the next day: recomputed as of the new day.
    await list(now)
    await plantMarker(s.student)
    const tomorrow = new Date(now.getTime() + 86_400_000)
    const next = await list(tomorrow)
    expect(next.data[0]?.pace7).not.toBe(MARKER)
    expect(JSON.parse(JSON.stringify(next.data[0]))).toEqual(
      await freshRow(s.student, DEFAULT_ANALYTICS_CONFIG, tomorrow),
    )
  })

  test('a read with nothing changed is one query; a rejected write changes nothing', async () => {
    const s = await setUp()
    await dashboardRow(s.advisor)
    await plantMarker(s.student)
    let before = queries
    await dashboardRow(s.advisor)
    // token lookup and the grants-with-snapshots query (the rate limiter's counter is raw SQL too)
    const warm = queries - before
    const bad = await t.http
      .post('/v1/students/me/blocks')
      .set(s.student.auth)
      .send(blockBody({ correctCount: 99 }))
    expect(bad.status).toBe(422)
    before = queries
    expect((await dashboardRow(s.advisor)).pace7).toBe(MARKER)
    expect(queries - before).toBe(warm)
  })

  test('the batched load reports the version and the stored time zone from its own snapshot', async () => {
    const s = await setUp()
    const moved = await t.http
      .patch('/v1/students/me/profile')
      .set(s.student.auth)
      .send({ timezone: 'Asia/Kolkata' })
    expect(moved.status).toBe(200)
    const [before] = await queryRows<{ version: string | number }>(
      t.database.db,
      sql`select coalesce(sum(version), 0) as version from student_data_versions where student_id = ${s.student.id}`,
    )
    // A caller that read an older time zone: the result says which one is stored now.
    const asOf = todayIn('UTC', new Date())
    const loaded = await loadVersionedAnalyticsInputs(t.database.db, [
      { studentId: s.student.id, timezone: 'UTC', asOf },
    ])
    expect(loaded.get(s.student.id)).toMatchObject({
      dataVersion: Number(before?.version),
      timezone: 'Asia/Kolkata',
    })
  })

  test('a revoked grant hides the mentee at once, whatever is stored', async () => {
    const s = await setUp()
    await dashboardRow(s.advisor)
    const revoked = await t.http.delete(`/v1/students/me/advisors/${s.advisor.id}`).set(s.student.auth)
    expect(revoked.status).toBe(204)
    const res = await t.http.get('/v1/advisors/me/mentees').set(s.advisor.auth)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([])
  })

  test('deleting a student removes its stored figures and version with it', async () => {
    const s = await setUp()
    await dashboardRow(s.advisor)
    await t.database.db.execute(sql`delete from users where id = ${s.student.id}`)
    const [left] = await queryRows<{ snapshots: number; versions: number }>(
      t.database.db,
      sql`select (select count(*)::int from mentee_snapshots where student_id = ${s.student.id}) as snapshots,
                 (select count(*)::int from student_data_versions where student_id = ${s.student.id}) as versions`,
    )
    expect(left).toEqual({ snapshots: 0, versions: 0 })
    expect((await t.http.get('/v1/advisors/me/mentees').set(s.advisor.auth)).body.data).toEqual([])
  })
})
