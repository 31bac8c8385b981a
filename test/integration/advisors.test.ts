import { describe, expect, test } from 'vitest'
import { advisorGrants } from '../../src/db/schema.js'
import { useTestApp } from '../helpers/app.js'
import { blockBody } from '../helpers/bodies.js'
import { createAdmin, createAdvisor, createStudent, type TestUser } from '../helpers/factories.js'

let queries = 0
const t = useTestApp({}, { onQuery: () => void queries++ })

/** Dates relative to the real today (the dashboard evaluates each mentee as of its today). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const at = (offset: number, hour = 10) => `${day(offset)}T${String(hour).padStart(2, '0')}:00:00Z`

const grant = (student: TestUser, advisor: TestUser) =>
  t.http.post(`/v1/students/${student.id}/advisors`).set(student.auth).send({ advisorId: advisor.id })

async function seed(student: TestUser, profile: object, blocks: object[], assessments: object[]) {
  expect((await t.http.patch('/v1/students/me/profile').set(student.auth).send(profile)).status).toBe(200)
  if (blocks.length > 0) {
    const res = await t.http.post('/v1/students/me/blocks/batch').set(student.auth).send({ blocks })
    expect(res.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true)
  }
  for (const a of assessments)
    expect((await t.http.post('/v1/students/me/assessments').set(student.auth).send(a)).status).toBe(201)
}

const dailyBlocks = (days: number, perDay: number, correct: number) =>
  Array.from({ length: days }, (_, i) =>
    blockBody({
      takenAt: at(-i),
      questionCount: perDay,
      correctCount: correct,
      systems: [{ system: 'cardiovascular', total: perDay, correct }],
    }),
  )

describe('grants', () => {
  test('a student grants, lists and revokes an advisor; revocation takes effect on the next request', async () => {
    const student = await createStudent(t.database.db)
    const advisor = await createAdvisor(t.database.db, { name: 'Dr. Rao' })
    const profile = `/v1/students/${student.id}/profile`
    expect((await t.http.get(profile).set(advisor.auth)).status).toBe(404)
    const granted = await grant(student, advisor)
    expect(granted.status).toBe(201)
    expect(granted.body).toMatchObject({ advisorId: advisor.id, name: 'Dr. Rao' })
    expect((await grant(student, advisor)).status).toBe(200)
    const list = await t.http.get('/v1/students/me/advisors').set(student.auth)
    expect(list.body.data.map((g: { advisorId: string }) => g.advisorId)).toEqual([advisor.id])
    expect((await t.http.get(profile).set(advisor.auth)).status).toBe(200)
    expect((await t.http.patch(profile).set(advisor.auth).send({ targetScore: 200 })).status).toBe(403)
    expect((await t.http.delete(`/v1/students/me/advisors/${advisor.id}`).set(student.auth)).status).toBe(204)
    expect((await t.http.get(profile).set(advisor.auth)).status).toBe(404)
    expect((await t.http.delete(`/v1/students/me/advisors/${advisor.id}`).set(student.auth)).status).toBe(404)
  })

  test('only advisors can be granted; an admin may manage grants', async () => {
    const student = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const res = await t.http.post('/v1/students/me/advisors').set(student.auth).send({ advisorId: other.id })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('grant.not_an_advisor')
    const admin = await createAdmin(t.database.db)
    const advisor = await createAdvisor(t.database.db)
    expect(
      (
        await t.http
          .post(`/v1/students/${student.id}/advisors`)
          .set(admin.auth)
          .send({ advisorId: advisor.id })
      ).status,
    ).toBe(201)
  })

  test('an advisor cannot grant itself access', async () => {
    const student = await createStudent(t.database.db)
    const advisor = await createAdvisor(t.database.db)
    const res = await t.http
      .post(`/v1/students/${student.id}/advisors`)
      .set(advisor.auth)
      .send({ advisorId: advisor.id })
    expect(res.status).toBe(404)
  })
})

describe('mentee dashboard', () => {
  test('three mentees in different states, sorted by risk, with the outline fields', async () => {
    const advisor = await createAdvisor(t.database.db)
    const plateau = await createStudent(t.database.db, { name: 'Plateau' })
    const behind = await createStudent(t.database.db, { name: 'Behind' })
    const onTrack = await createStudent(t.database.db, { name: 'On track' })
    const stranger = await createStudent(t.database.db, { name: 'Not a mentee' })

    // Week 6 of a dedicated plan; three scores over 28 days, the latest only 2 above the best before.
    await seed(
      plateau,
      {
        prepStartDate: day(-40),
        examDate: day(30),
        targetScore: 260,
        qbanks: { uworld: { totalQuestions: 1200 } },
      },
      [
        ...dailyBlocks(7, 60, 36),
        ...Array.from({ length: 12 }, (_, i) =>
          blockBody({
            takenAt: at(-10 - i),
            questionCount: 60,
            correctCount: 30,
            systems: [{ system: 'renal', total: 60, correct: 30 }],
          }),
        ),
      ],
      [
        { form: 'nbme-10', takenAt: at(-30), score: 230 },
        { form: 'nbme-11', takenAt: at(-16), score: 238 },
        { form: 'nbme-12', takenAt: at(-2), score: 240 },
      ],
    )
    // Three weeks in, 10 questions logged in the last week, no self-assessment yet.
    await seed(
      behind,
      { prepStartDate: day(-20), examDate: day(40) },
      [blockBody({ takenAt: at(-1), questionCount: 10, correctCount: 6, systems: [] })],
      [],
    )
    // Same start, a small bank nearly done at a steady 60 a day, scores rising.
    await seed(
      onTrack,
      {
        prepStartDate: day(-20),
        examDate: day(70),
        targetScore: 250,
        qbanks: { uworld: { totalQuestions: 1000 } },
      },
      dailyBlocks(14, 60, 45),
      [
        { form: 'uwsa-1', takenAt: at(-15), score: 240 },
        { form: 'nbme-12', takenAt: at(-3), score: 248 },
      ],
    )
    for (const s of [plateau, behind, onTrack]) expect((await grant(s, advisor)).status).toBe(201)

    const res = await t.http.get('/v1/advisors/me/mentees').set(advisor.auth)
    expect(res.status).toBe(200)
    const rows = res.body.data as {
      name: string
      risk: number
      trendStatus: string
      highPriority: string[]
    }[]
    expect(rows.map((r) => r.name).sort()).toEqual(['Behind', 'On track', 'Plateau'])
    expect(rows.map((r) => r.name)).not.toContain('Not a mentee')
    expect([...rows].sort((a, b) => b.risk - a.risk).map((r) => r.name)).toEqual(rows.map((r) => r.name))
    expect(rows[rows.length - 1]?.name).toBe('On track')

    const byName = Object.fromEntries(rows.map((r) => [r.name, r]))
    expect(byName.Plateau).toMatchObject({
      trendStatus: 'plateau',
      phase: 'heavy_qbank',
      latestScore: 240,
      examDate: day(30),
      daysToExam: 30,
    })
    expect(byName.Plateau?.highPriority).toContain('plateau-cut-new')
    expect(byName.Behind?.highPriority).toContain('first-pass-pace')
    expect(byName['On track']).toMatchObject({ trendStatus: 'improving', latestScore: 248 })
    expect(byName['On track']?.highPriority).toEqual([])
    expect(byName.Plateau).toHaveProperty('weakSystems')
    expect(byName.Plateau).toHaveProperty('uworldPercentComplete')
    expect(byName.Plateau).toHaveProperty('pace7')
    expect(byName.Plateau).toHaveProperty('lastActivityAt', day(0))

    const byName2 = await t.http.get('/v1/advisors/me/mentees?sort=name').set(advisor.auth)
    expect(byName2.body.data.map((r: { name: string }) => r.name)).toEqual(['Behind', 'On track', 'Plateau'])
    const filtered = await t.http.get('/v1/advisors/me/mentees?trendStatus=plateau').set(advisor.auth)
    expect(filtered.body.data.map((r: { name: string }) => r.name)).toEqual(['Plateau'])
    const paged = await t.http.get('/v1/advisors/me/mentees?sort=name&limit=2').set(advisor.auth)
    expect(paged.body.data).toHaveLength(2)
    const rest = await t.http
      .get(`/v1/advisors/me/mentees?sort=name&limit=2&cursor=${paged.body.nextCursor}`)
      .set(advisor.auth)
    expect(rest.body.data.map((r: { name: string }) => r.name)).toEqual(['Plateau'])
    expect(rest.body.nextCursor).toBeNull()

    // Another advisor sees none of them; students have no dashboard.
    const other = await createAdvisor(t.database.db)
    expect((await t.http.get('/v1/advisors/me/mentees').set(other.auth)).body.data).toEqual([])
    expect((await t.http.get('/v1/advisors/me/mentees').set(stranger.auth)).status).toBe(404)
    expect((await t.http.get(`/v1/advisors/${advisor.id}/mentees`).set(other.auth)).status).toBe(404)
  })

  test('the number of SQL queries does not grow with the number of mentees (1 vs 50)', async () => {
    const countFor = async (mentees: number) => {
      const advisor = await createAdvisor(t.database.db)
      for (let i = 0; i < mentees; i++) {
        const student = await createStudent(t.database.db)
        await t.database.db.insert(advisorGrants).values({ studentId: student.id, advisorId: advisor.id })
        await t.http
          .post('/v1/students/me/blocks')
          .set(student.auth)
          .send(blockBody({ takenAt: at(-1) }))
      }
      const before = queries
      const res = await t.http.get('/v1/advisors/me/mentees?limit=500').set(advisor.auth)
      expect(res.body.data).toHaveLength(mentees)
      return queries - before
    }
    const one = await countFor(1)
    const fifty = await countFor(50)
    expect(fifty).toBe(one)
    expect(one).toBeLessThanOrEqual(15)
  })
})
