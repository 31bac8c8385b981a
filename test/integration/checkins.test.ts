import { eq, sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { users } from '../../src/db/schema.js'
import { addDays, DEFAULT_ANALYTICS_CONFIG, mondayOf } from '../../src/modules/analytics/index.js'
import { runCheckins } from '../../src/modules/checkins/checkins.service.js'
import { useTestApp } from '../helpers/app.js'
import { activityBody, assessmentBody, blockBody } from '../helpers/bodies.js'
import { createAdmin, createAdvisor, createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
const db = () => t.database.db

/** A Monday–Sunday week three weeks before the real today: over in every time zone. */
const WEEK_START = mondayOf(new Date(Date.now() - 21 * 86_400_000).toISOString().slice(0, 10))
const WEEK_END = addDays(WEEK_START, 6)
const day = (offset: number) => addDays(WEEK_START, offset)

const countRows = async (query: ReturnType<typeof sql>) =>
  (await queryRows<{ n: number }>(db(), query))[0]?.n ?? -1

const backdate = (student: TestUser, createdAt: string) =>
  db()
    .update(users)
    .set({ createdAt: new Date(createdAt) })
    .where(eq(users.id, student.id))

describe('a week logged through the API, summarised by hand', () => {
  let student: TestUser
  let admin: TestUser
  let assessmentId = ''
  let form = ''

  beforeAll(async () => {
    student = await createStudent(db(), { timezone: 'America/New_York' })
    admin = await createAdmin(db())
    const as = (path: string) => `/v1/students/${student.id}${path}`
    const ok = (res: { status: number; body: unknown }, status = 201) =>
      expect(res.status, JSON.stringify(res.body)).toBe(status)
    // Prep started three weeks before the week's Monday: its Sunday is day 27, plan week 4 (heavy_qbank).
    ok(
      await t.http
        .patch(as('/profile'))
        .set(student.auth)
        .send({
          prepStartDate: day(-21),
          examDate: day(100),
          studyDaysPerWeek: 5,
          timezone: 'America/New_York',
          qbanks: { uworld: { totalQuestions: 2000 } },
        }),
      200,
    )
    const blocks = [
      // Before the week: five blocks of 40 new questions...
      ...[10, 9, 8, 7, 6].map((back) =>
        blockBody({ takenAt: `${day(-back)}T16:00:00Z`, questionCount: 40, correctCount: 24, systems: [] }),
      ),
      // ...and one at 23:00 on the Sunday before in New York (03:00Z on the Monday): not in the week.
      blockBody({ takenAt: `${day(0)}T03:00:00Z`, questionCount: 40, correctCount: 20, systems: [] }),
      // The week: 40 + 40 new and 20 review, 32 + 28 + 15 correct, 100 + 50 review minutes.
      blockBody({
        takenAt: `${day(0)}T16:00:00Z`,
        questionCount: 40,
        correctCount: 32,
        reviewMinutes: 100,
        systems: [],
      }),
      blockBody({ takenAt: `${day(2)}T16:00:00Z`, questionCount: 40, correctCount: 28, systems: [] }),
      // 23:00 on Sunday in New York is 03:00Z on Monday: in the week.
      blockBody({
        takenAt: `${day(7)}T03:00:00Z`,
        questionCount: 20,
        correctCount: 15,
        pass: 'review',
        reviewMinutes: 50,
        systems: [],
      }),
      // The Monday after: not in the week.
      blockBody({ takenAt: `${day(7)}T16:00:00Z`, questionCount: 40, correctCount: 40, systems: [] }),
    ]
    ok(await t.http.post(as('/blocks/batch')).set(student.auth).send({ blocks }), 200)
    for (const [type, offset, minutes] of [
      ['explanation_review', 1, 60],
      ['content_review', 3, 120],
      ['content_review', 5, 90],
      ['content_review', 7, 200], // the Monday after
    ] as const)
      ok(
        await t.http
          .post(as('/activities'))
          .set(student.auth)
          .send(activityBody({ type, date: day(offset), minutes })),
      )
    ok(
      await t.http
        .post(as('/assessments'))
        .set(student.auth)
        .send(assessmentBody({ form: 'NBME 11', takenAt: `${day(-14)}T15:00:00Z`, score: 238 })),
    )
    const nbme = await t.http
      .post(as('/assessments'))
      .set(student.auth)
      .send(assessmentBody({ form: 'NBME 12', takenAt: `${day(3)}T15:00:00Z`, score: 245 }))
    ok(nbme)
    assessmentId = nbme.body.id
    form = nbme.body.form
  })

  test('an admin run for that week creates the check-in; GET returns the hand-computed figures', async () => {
    const run = await t.http
      .post('/v1/checkins/run')
      .set(admin.auth)
      .send({ weekOf: day(2) })
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    expect(run.body).toMatchObject({ weekStart: WEEK_START, weekEnd: WEEK_END, notDue: 0 })
    expect(run.body.created).toBeGreaterThanOrEqual(1)

    const list = await t.http.get(`/v1/students/${student.id}/checkins`).set(student.auth)
    expect(list.status).toBe(200)
    expect(list.body.nextCursor).toBeNull()
    expect(list.body.data).toHaveLength(1)
    const checkin = list.body.data[0]
    expect(checkin).toMatchObject({
      studentId: student.id,
      weekStart: WEEK_START,
      weekEnd: WEEK_END,
      phase: 'heavy_qbank',
      planWeek: 4,
      // 40 + 40 + 20; 80 new; 32 + 28 + 15 = 75 correct; target 60–80 a day × 5 study days.
      questions: {
        total: 100,
        new: 80,
        review: 20,
        correct: 75,
        target: { min: 300, max: 400 },
        vsTarget: 'below',
      },
      percentCorrect: 75,
      // 240 of 2000 before (12.0 %), 320 after (16.0 %).
      uworld: { percentComplete: 16, percentCompleteBefore: 12, change: 4, newQuestions: 80 },
      // Mon, Tue, Wed, Thu, Sat, Sun.
      studyDays: 6,
      // 100 + 50 block minutes + 60 explanation review = 3.5 h; 100 questions × 3.0–4.5 min = 5.0–7.5 h.
      reviewHours: 3.5,
      reviewHoursTarget: { min: 5, max: 7.5 },
      // 120 + 90 min; the 200 on the Monday after do not count.
      contentReviewHours: 3.5,
      contentReviewHoursTarget: { min: 4, max: 6 },
      assessments: [{ id: assessmentId, form, takenOn: day(3), score: 245 }],
      trendStatus: 'improving',
      latestScore: 245,
      weakSystems: [],
      // 11.4 new a day leaves 1680 questions for ~147 days: the first pass would end after exam − 14.
      flags: ['behind_pace'],
    })
    expect(checkin.recommendations.map((r: { id: string }) => r.id)).toContain('first-pass-pace')
    expect(Date.parse(checkin.createdAt)).not.toBeNaN()

    const one = await t.http.get(`/v1/students/me/checkins/${checkin.id}`).set(student.auth)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(checkin)
    expect(one.headers.etag).toBeTruthy()
    const again = await t.http
      .get(`/v1/students/me/checkins/${checkin.id}`)
      .set(student.auth)
      .set('If-None-Match', one.headers.etag as string)
    expect(again.status).toBe(304)
  })

  test('a rerun creates nothing new, and checkin.created was written once', async () => {
    const run = await t.http.post('/v1/checkins/run').set(admin.auth).send({ weekOf: WEEK_END })
    expect(run.status).toBe(200)
    expect(run.body.created).toBe(0)
    expect(run.body.skipped).toBeGreaterThanOrEqual(1)
    expect(
      await countRows(sql`select count(*)::int as n from checkins where student_id = ${student.id}`),
    ).toBe(1)
    const events = await queryRows<{ resource_id: string; payload: Record<string, unknown> }>(
      db(),
      sql`select resource_id, payload from outbox_events
          where student_id = ${student.id} and type = 'checkin.created'`,
    )
    const [row] = await queryRows<{ id: string }>(
      db(),
      sql`select id from checkins where student_id = ${student.id}`,
    )
    expect(events).toEqual([
      {
        resource_id: row?.id,
        payload: {
          studentId: student.id,
          checkinId: row?.id,
          weekStart: WEEK_START,
          weekEnd: WEEK_END,
          flags: ['behind_pace'],
        },
      },
    ])
  })

  test('another student cannot see it (404); a granted advisor can; an ungranted one cannot', async () => {
    const { body } = await t.http.get('/v1/students/me/checkins').set(student.auth)
    const id = body.data[0].id as string
    const other = await createStudent(db())
    expect((await t.http.get(`/v1/students/${student.id}/checkins`).set(other.auth)).status).toBe(404)
    expect((await t.http.get(`/v1/students/${student.id}/checkins/${id}`).set(other.auth)).status).toBe(404)
    // Not under the other student's own id either.
    expect((await t.http.get(`/v1/students/me/checkins/${id}`).set(other.auth)).status).toBe(404)
    const advisor = await createAdvisor(db())
    expect((await t.http.get(`/v1/students/${student.id}/checkins/${id}`).set(advisor.auth)).status).toBe(404)
    await t.http.post('/v1/students/me/advisors').set(student.auth).send({ advisorId: advisor.id })
    const seen = await t.http.get(`/v1/students/${student.id}/checkins/${id}`).set(advisor.auth)
    expect(seen.status).toBe(200)
    expect(seen.body.weekStart).toBe(WEEK_START)
  })
})

describe('POST /v1/checkins/run', () => {
  test('only an admin may run it: 403 for a student or an advisor, 401 without a token', async () => {
    const student = await createStudent(db())
    const advisor = await createAdvisor(db())
    for (const caller of [student, advisor]) {
      const res = await t.http.post('/v1/checkins/run').set(caller.auth).send({})
      expect(res.status).toBe(403)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
    expect((await t.http.post('/v1/checkins/run').send({})).status).toBe(401)
    // An admin-role user whose token lacks the admin scope is not enough either.
    const narrow = await createAdmin(db(), { scopes: ['progress:read'] })
    expect((await t.http.post('/v1/checkins/run').set(narrow.auth).send({})).status).toBe(403)
  })

  test('weekOf must be a date; the body may be empty or absent', async () => {
    const admin = await createAdmin(db())
    const bad = await t.http.post('/v1/checkins/run').set(admin.auth).send({ weekOf: '2026-02-30' })
    expect(bad.status).toBe(400)
    const empty = await t.http.post('/v1/checkins/run').set(admin.auth).send({})
    expect(empty.status, JSON.stringify(empty.body)).toBe(200)
    expect(empty.body.weekStart).toBeUndefined()
    const absent = await t.http.post('/v1/checkins/run').set(admin.auth)
    expect(absent.status, JSON.stringify(absent.body)).toBe(200)
    expect(absent.body.created).toBe(0) // the first run did everything that was due
  })

  test('two runs at once create one check-in per student and week, and one event each', async () => {
    const admin = await createAdmin(db())
    await Promise.all([createStudent(db()), createStudent(db(), { timezone: 'Pacific/Auckland' })])
    const weekOf = day(-14)
    const students = await countRows(sql`select count(*)::int as n from users where role = 'student'`)
    const runs = await Promise.all(
      [1, 2].map(() => t.http.post('/v1/checkins/run').set(admin.auth).send({ weekOf })),
    )
    for (const r of runs) expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(runs[0]!.body.created + runs[1]!.body.created).toBe(students)
    expect(runs[0]!.body.skipped + runs[1]!.body.skipped).toBe(students)
    const weekStart = addDays(WEEK_START, -14)
    expect(
      await countRows(sql`select count(*)::int as n from checkins where week_start = ${weekStart}`),
    ).toBe(students)
    expect(
      await countRows(
        sql`select count(*)::int as n from outbox_events
            where type = 'checkin.created' and payload->>'weekStart' = ${weekStart}`,
      ),
    ).toBe(students)
  })
})

describe('the due mode (what the hourly job runs)', () => {
  const config = DEFAULT_ANALYTICS_CONFIG

  test('at 2026-11-30T10:00Z Auckland (Monday 23:00) is due for 11-23, Pago Pago (Sunday 23:00) only for 11-16', async () => {
    const auckland = await createStudent(db(), { timezone: 'Pacific/Auckland' })
    const pago = await createStudent(db(), { timezone: 'Pacific/Pago_Pago' })
    await backdate(auckland, '2026-01-01T00:00:00Z')
    await backdate(pago, '2026-01-01T00:00:00Z')
    const studentIds = [auckland.id, pago.id]
    const weeksOf = async (s: TestUser) =>
      (
        await queryRows<{ week_start: string }>(
          db(),
          sql`select week_start::text from checkins where student_id = ${s.id} order by week_start`,
        )
      ).map((r) => r.week_start)

    const first = await runCheckins(db(), { now: new Date('2026-11-30T10:00:00Z'), config, studentIds })
    expect(first).toEqual({ created: 2, skipped: 0, notDue: 0 })
    expect(await weeksOf(auckland)).toEqual(['2026-11-23'])
    expect(await weeksOf(pago)).toEqual(['2026-11-16'])

    // An hour later it is Monday in Pago Pago too; Auckland has nothing new to do.
    const second = await runCheckins(db(), { now: new Date('2026-11-30T11:00:00Z'), config, studentIds })
    expect(second).toEqual({ created: 1, skipped: 1, notDue: 0 })
    expect(await weeksOf(pago)).toEqual(['2026-11-16', '2026-11-23'])
  })

  test('an account newer than the week is not due; a week not over yet is not due either', async () => {
    const fresh = await createStudent(db(), { timezone: 'Pacific/Auckland' })
    await backdate(fresh, '2026-11-30T09:00:00Z') // Monday 22:00 in Auckland, after the week of 11-23
    const now = new Date('2026-11-30T10:00:00Z')
    const studentIds = [fresh.id]
    expect(await runCheckins(db(), { now, config, studentIds })).toEqual({
      created: 0,
      skipped: 0,
      notDue: 1,
    })
    // Asked for explicitly, that week is summarised anyway...
    expect(await runCheckins(db(), { now, config, studentIds, weekOf: '2026-11-25' })).toEqual({
      weekStart: '2026-11-23',
      weekEnd: '2026-11-29',
      created: 1,
      skipped: 0,
      notDue: 0,
    })
    // ...but never a week that has not ended in the student's time zone.
    const pago = await createStudent(db(), { timezone: 'Pacific/Pago_Pago' })
    expect(
      await runCheckins(db(), { now, config, studentIds: [pago.id], weekOf: '2026-11-29' }),
    ).toMatchObject({ created: 0, notDue: 1 })
  })

  test('pages: 5 students through pages of 2 each get their check-in', async () => {
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => createStudent(db())))
    const studentIds = five.map((s) => s.id)
    const result = await runCheckins(db(), {
      now: new Date(),
      weekOf: day(-35),
      config,
      studentIds,
      pageSize: 2,
    })
    expect(result).toMatchObject({ created: 5, skipped: 0, notDue: 0 })
  })
})

describe('listing', () => {
  test('newest week first, paginated with a cursor', async () => {
    const student = await createStudent(db())
    for (const back of [0, 7, 14]) {
      await runCheckins(db(), {
        now: new Date(),
        weekOf: day(-back),
        config: DEFAULT_ANALYTICS_CONFIG,
        studentIds: [student.id],
      })
    }
    const first = await t.http.get('/v1/students/me/checkins?limit=2').set(student.auth)
    expect(first.status).toBe(200)
    expect(first.body.data.map((c: { weekStart: string }) => c.weekStart)).toEqual([day(0), day(-7)])
    expect(first.body.data[0].flags).toContain('inactive')
    const next = await t.http
      .get(`/v1/students/me/checkins?limit=2&cursor=${first.body.nextCursor}`)
      .set(student.auth)
    expect(next.body).toMatchObject({ nextCursor: null })
    expect(next.body.data.map((c: { weekStart: string }) => c.weekStart)).toEqual([day(-14)])
    expect((await t.http.get('/v1/students/me/checkins?cursor=nope').set(student.auth)).status).toBe(400)
    expect(
      (await t.http.get('/v1/students/me/checkins/00000000-0000-4000-8000-000000000000').set(student.auth))
        .status,
    ).toBe(404)
  })
})
