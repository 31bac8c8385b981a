import { describe, expect, test } from 'vitest'
import { useTestApp } from '../helpers/app.js'
import { createAdmin, createAdvisor, createStudent } from '../helpers/factories.js'

const t = useTestApp()

const validProfile = {
  prepStartDate: '2027-04-05',
  examDate: '2027-06-14',
  erasSubmissionDate: '2027-09-01',
  targetScore: 260,
  studyMode: 'dedicated',
  timezone: 'Asia/Kolkata',
  studyDaysPerWeek: 6,
  qbanks: { uworld: { totalQuestions: 4085 }, amboss: { totalQuestions: 2800 } },
}

describe('profile', () => {
  test('a new student has a default profile with UWorld at 4085', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.get('/v1/students/me/profile').set(student.auth)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      studentId: student.id,
      name: student.name,
      prepStartDate: null,
      examDate: null,
      erasSubmissionDate: null,
      targetScore: null,
      studyMode: 'dedicated',
      timezone: 'UTC',
      studyDaysPerWeek: 6,
      qbanks: { uworld: { totalQuestions: 4085, isDefault: true } },
      examScore: null,
      updatedAt: null,
    })
  })

  test('PATCH sets every field; GET by id and by me agree', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.patch(`/v1/students/${student.id}/profile`).set(student.auth).send(validProfile)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      ...validProfile,
      qbanks: {
        uworld: { totalQuestions: 4085, isDefault: false },
        amboss: { totalQuestions: 2800, isDefault: false },
      },
    })
    const again = await t.http.get('/v1/students/me/profile').set(student.auth)
    expect(again.body).toEqual(res.body)
  })

  test('PATCH merges: omitted fields stay, null clears, null removes a bank', async () => {
    const student = await createStudent(t.database.db)
    await t.http.patch('/v1/students/me/profile').set(student.auth).send(validProfile)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .send({ targetScore: null, studyDaysPerWeek: 5, qbanks: { amboss: null, uworld: null } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      examDate: '2027-06-14',
      targetScore: null,
      studyDaysPerWeek: 5,
      qbanks: { uworld: { totalQuestions: 4085, isDefault: true } },
    })
    expect(res.body.qbanks.amboss).toBeUndefined()
  })

  test.each([
    [{ examDate: '2027-02-30' }, '/examDate'],
    [{ examDate: '2027-13-01' }, '/examDate'],
    [{ prepStartDate: '2027-4-5' }, '/prepStartDate'],
    [{ targetScore: 301 }, '/targetScore'],
    [{ targetScore: 0 }, '/targetScore'],
    [{ targetScore: 255.5 }, '/targetScore'],
    [{ examScore: 400 }, '/examScore'],
    [{ studyDaysPerWeek: 8 }, '/studyDaysPerWeek'],
    [{ studyDaysPerWeek: 0 }, '/studyDaysPerWeek'],
    [{ timezone: 'Europe/Atlantis' }, '/timezone'],
    [{ timezone: '+05:30' }, '/timezone'],
    [{ studyMode: 'cramming' }, '/studyMode'],
    [{ qbanks: { uworld: { totalQuestions: 0 } } }, '/qbanks/uworld/totalQuestions'],
    [{ qbanks: { uworld: { totalQuestions: -5 } } }, '/qbanks/uworld/totalQuestions'],
    [{ qbanks: { 'Bad Source': { totalQuestions: 10 } } }, '/qbanks/Bad Source'],
    [{ unknownField: 1 }, ''],
  ])('invalid %j → 400 naming %s, nothing changes', async (body, path) => {
    const student = await createStudent(t.database.db)
    await t.http.patch('/v1/students/me/profile').set(student.auth).send(validProfile)
    const res = await t.http.patch('/v1/students/me/profile').set(student.auth).send(body)
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    const after = await t.http.get('/v1/students/me/profile').set(student.auth)
    expect(after.body).toMatchObject({ ...validProfile, qbanks: { uworld: { totalQuestions: 4085 } } })
  })

  test('a leap day is a real date', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .send({ prepStartDate: '2028-01-10', examDate: '2028-02-29' })
    expect(res.status).toBe(200)
    expect(
      (await t.http.patch('/v1/students/me/profile').set(student.auth).send({ examDate: '2027-02-29' }))
        .status,
    ).toBe(400)
  })

  test.each([
    [{ prepStartDate: '2027-06-14', examDate: '2027-06-14' }],
    [{ prepStartDate: '2027-06-14', examDate: '2027-06-01' }],
  ])('examDate not after prepStartDate → 422 (%j)', async (body) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.patch('/v1/students/me/profile').set(student.auth).send(body)
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('profile.inconsistent')
    expect(res.body.errors[0].path).toBe('/examDate')
  })

  test('examDate is checked against the stored prepStartDate too', async () => {
    const student = await createStudent(t.database.db)
    await t.http.patch('/v1/students/me/profile').set(student.auth).send(validProfile)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .send({ examDate: '2027-03-01' })
    expect(res.status).toBe(422)
    const after = await t.http.get('/v1/students/me/profile').set(student.auth)
    expect(after.body.examDate).toBe('2027-06-14')
  })

  test('the actual exam score is recorded on the profile', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.patch('/v1/students/me/profile').set(student.auth).send({ examScore: 262 })
    expect(res.body.examScore).toBe(262)
  })

  test('GET returns an ETag; If-None-Match gives 304; a change gives a new ETag', async () => {
    const student = await createStudent(t.database.db)
    const first = await t.http.get('/v1/students/me/profile').set(student.auth)
    const etag = first.headers.etag as string
    expect(etag).toBeTruthy()
    const cached = await t.http.get('/v1/students/me/profile').set(student.auth).set('If-None-Match', etag)
    expect(cached.status).toBe(304)
    await t.http.patch('/v1/students/me/profile').set(student.auth).send({ targetScore: 250 })
    const changed = await t.http.get('/v1/students/me/profile').set(student.auth).set('If-None-Match', etag)
    expect(changed.status).toBe(200)
    expect(changed.headers.etag).not.toBe(etag)
  })
})

describe('who sees a profile', () => {
  test('student A cannot read or write student B (404, and B is unchanged)', async () => {
    const a = await createStudent(t.database.db)
    const b = await createStudent(t.database.db)
    await t.http.patch('/v1/students/me/profile').set(b.auth).send({ targetScore: 255 })
    const read = await t.http.get(`/v1/students/${b.id}/profile`).set(a.auth)
    expect(read.status).toBe(404)
    expect(read.body.code).toBe('student.not_found')
    const write = await t.http.patch(`/v1/students/${b.id}/profile`).set(a.auth).send({ targetScore: 200 })
    expect(write.status).toBe(404)
    const invalidWrite = await t.http
      .patch(`/v1/students/${b.id}/profile`)
      .set(a.auth)
      .send({ targetScore: 'x' })
    expect(invalidWrite.status).toBe(404)
    expect((await t.http.get('/v1/students/me/profile').set(b.auth)).body.targetScore).toBe(255)
  })

  test('an unknown student id and a malformed id are both 404', async () => {
    const admin = await createAdmin(t.database.db)
    expect(
      (await t.http.get('/v1/students/00000000-0000-4000-8000-000000000000/profile').set(admin.auth)).status,
    ).toBe(404)
    expect((await t.http.get('/v1/students/not-a-uuid/profile').set(admin.auth)).status).toBe(404)
  })

  test('an admin reads and writes any student; an admin id is not a student (404)', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    expect(
      (await t.http.patch(`/v1/students/${student.id}/profile`).set(admin.auth).send({ targetScore: 250 }))
        .status,
    ).toBe(200)
    expect((await t.http.get(`/v1/students/${student.id}/profile`).set(admin.auth)).body.targetScore).toBe(
      250,
    )
    expect((await t.http.get(`/v1/students/${admin.id}/profile`).set(admin.auth)).status).toBe(404)
  })

  test('an advisor without a grant sees nothing, and has no "me" profile', async () => {
    const advisor = await createAdvisor(t.database.db)
    const student = await createStudent(t.database.db)
    expect((await t.http.get(`/v1/students/${student.id}/profile`).set(advisor.auth)).status).toBe(404)
    expect((await t.http.get('/v1/students/me/profile').set(advisor.auth)).status).toBe(404)
  })

  test('scopes: a read-only token reads but cannot write (403); a write-only token cannot read (403)', async () => {
    const reader = await createStudent(t.database.db, { scopes: ['progress:read'] })
    expect((await t.http.get('/v1/students/me/profile').set(reader.auth)).status).toBe(200)
    const write = await t.http.patch('/v1/students/me/profile').set(reader.auth).send({ targetScore: 250 })
    expect(write.status).toBe(403)
    expect(write.body.code).toBe('auth.scope_missing')
    const writer = await createStudent(t.database.db, { scopes: ['progress:write'] })
    expect((await t.http.get('/v1/students/me/profile').set(writer.auth)).status).toBe(403)
  })

  test('no token → 401 before anything else', async () => {
    const res = await t.http.patch('/v1/students/me/profile').send({ targetScore: 'bad' })
    expect(res.status).toBe(401)
  })
})
