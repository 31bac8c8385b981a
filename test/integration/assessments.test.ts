import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { useTestApp } from '../helpers/app.js'
import { assessmentBody } from '../helpers/bodies.js'
import { createAdmin, createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
const URL = '/v1/students/me/assessments'

const countAssessments = async (student: TestUser) => {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from assessments where student_id = ${student.id}`,
  )
  return row?.n ?? -1
}
const countEvents = async (student: TestUser, type: string) => {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from outbox_events where student_id = ${student.id} and type = ${type}`,
  )
  return row?.n ?? -1
}

describe('assessments CRUD', () => {
  test('logging an assessment returns it with the form and systems normalised', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ note: 'felt rushed' }))
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.any(String),
      studentId: student.id,
      source: 'manual',
      externalId: null,
      form: 'nbme-12',
      label: null,
      takenAt: '2026-10-03T14:00:00.000Z',
      score: 245,
      percentCorrect: 74,
      examConditions: true,
      systems: [
        { system: 'cardiovascular', level: 'system', percentCorrect: 81 },
        { system: 'immune', level: 'outline', percentCorrect: 62.5 },
      ],
      note: 'felt rushed',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    })
    expect(await countEvents(student, 'assessment.created')).toBe(1)
    const got = await t.http.get(`${URL}/${res.body.id}`).set(student.auth)
    expect(got.status).toBe(200)
    expect(got.body).toEqual(res.body)
  })

  test('free-120 with percent only is accepted and has no score', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ form: 'Free 120', score: undefined, percentCorrect: 68.25, systems: undefined }))
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      form: 'free-120',
      score: null,
      percentCorrect: 68.3,
      examConditions: true,
      systems: [],
    })
  })

  test('"UWSA 2" is stored as uwsa-2; examConditions defaults to false', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ form: 'UWSA 2', examConditions: undefined }))
    expect(res.status).toBe(201)
    expect(res.body.form).toBe('uwsa-2')
    expect(res.body.examConditions).toBe(false)
  })

  test('"other" takes a label', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ form: 'other', label: 'NBME 8', score: 231 }))
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ form: 'other', label: 'NBME 8', score: 231 })
  })

  test('breakdowns accept outline-level systems; "respiratory" resolves to the finer pulmonary', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(
        assessmentBody({
          systems: [
            { system: 'respiratory', percentCorrect: 70 },
            { system: 'Renal & Urinary Systems & Reproductive Systems', percentCorrect: 55.5 },
            { system: 'human-development', percentCorrect: 90 },
            { system: 'Multisystem Processes & Disorders', percentCorrect: 60 },
          ],
        }),
      )
    expect(res.status).toBe(201)
    expect(res.body.systems).toEqual([
      { system: 'pulmonary', level: 'system', percentCorrect: 70 },
      { system: 'renal-reproductive', level: 'outline', percentCorrect: 55.5 },
      { system: 'human-development', level: 'outline', percentCorrect: 90 },
      { system: 'multisystem', level: 'outline', percentCorrect: 60 },
    ])
    // A PATCH that leaves the breakdown alone keeps each row's level.
    const patched = await t.http.patch(`${URL}/${res.body.id}`).set(student.auth).send({ score: 250 })
    expect(patched.status).toBe(200)
    expect(patched.body.systems).toEqual(res.body.systems)
  })

  test('PATCH merges and re-checks; the merged assessment must satisfy the form rules', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(assessmentBody())
    const url = `${URL}/${created.body.id}`
    const patched = await t.http
      .patch(url)
      .set(student.auth)
      .send({ score: 251, note: 'second look', systems: [{ system: 'GI', percentCorrect: 77 }] })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({
      score: 251,
      note: 'second look',
      form: 'nbme-12',
      systems: [{ system: 'gastrointestinal', level: 'system', percentCorrect: 77 }],
    })
    expect(await countEvents(student, 'assessment.updated')).toBe(1)
    const noScore = await t.http.patch(url).set(student.auth).send({ score: null })
    expect(noScore.status).toBe(422)
    expect(noScore.body.errors.map((e: { path: string }) => e.path)).toContain('/score')
    const toFree120 = await t.http.patch(url).set(student.auth).send({ form: 'free-120' })
    expect(toFree120.status).toBe(422)
    expect(toFree120.body.errors.map((e: { path: string }) => e.path)).toContain('/score')
    const ok = await t.http.patch(url).set(student.auth).send({ form: 'free-120', score: null })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ form: 'free-120', score: null, percentCorrect: 74 })
    const cleared = await t.http.patch(url).set(student.auth).send({ systems: null, note: null })
    expect(cleared.body).toMatchObject({ systems: [], note: null })
    expect(await countEvents(student, 'assessment.updated')).toBe(3)
  })

  test('DELETE makes a tombstone: gone from GET and lists, back with includeDeleted', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(assessmentBody())
    const url = `${URL}/${created.body.id}`
    expect((await t.http.delete(url).set(student.auth)).status).toBe(204)
    expect((await t.http.get(url).set(student.auth)).status).toBe(404)
    expect((await t.http.delete(url).set(student.auth)).status).toBe(404)
    expect((await t.http.patch(url).set(student.auth).send({ score: 250 })).status).toBe(404)
    expect((await t.http.get(URL).set(student.auth)).body.data).toEqual([])
    const withDeleted = await t.http.get(`${URL}?includeDeleted=true`).set(student.auth)
    expect(withDeleted.body.data).toHaveLength(1)
    expect(withDeleted.body.data[0]).toMatchObject({ id: created.body.id, deletedAt: expect.any(String) })
    expect(await countEvents(student, 'assessment.deleted')).toBe(1)
  })

  test('an unknown id is 404 problem+json', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.get(`${URL}/00000000-0000-4000-8000-000000000000`).set(student.auth)
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('assessment.not_found')
  })
})

describe('assessment rules: 422 with the offending path, nothing stored', () => {
  test.each([
    [{ form: 'NBME 99' }, '/form'],
    [{ score: undefined }, '/score'],
    [{ form: 'nbme-12', score: undefined, percentCorrect: 70 }, '/score'],
    [{ form: 'free-120', score: 240 }, '/score'],
    [{ form: 'free-120', score: undefined, percentCorrect: undefined }, '/percentCorrect'],
    [{ form: 'other', score: undefined, percentCorrect: undefined }, '/percentCorrect'],
    [{ label: 'my favourite' }, '/label'],
    [{ takenAt: '2099-01-01T00:00:00Z' }, '/takenAt'],
    [{ systems: [{ system: 'astrology', percentCorrect: 50 }] }, '/systems/0/system'],
    [
      {
        systems: [
          { system: 'cardio', percentCorrect: 50 },
          { system: 'Cardiology', percentCorrect: 60 },
        ],
      },
      '/systems/1/system',
    ],
  ])('%j → 422 at %s', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post(URL).set(student.auth).send(assessmentBody(override))
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('assessment.inconsistent')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countAssessments(student)).toBe(0)
    expect(await countEvents(student, 'assessment.created')).toBe(0)
  })

  test('an unknown form lists the accepted form ids', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ form: 'Kaplan SA' }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].message).toContain('nbme-12')
    expect(res.body.errors[0].message).toContain('free-120')
  })

  test.each([
    [{ score: 301 }, '/score'],
    [{ score: 245.5 }, '/score'],
    [{ percentCorrect: 101 }, '/percentCorrect'],
    [{ percentCorrect: -1 }, '/percentCorrect'],
    [{ form: 42 }, '/form'],
    [{ takenAt: 'last tuesday' }, '/takenAt'],
    [{ examConditions: 'yes' }, '/examConditions'],
    [{ source: 'My App!' }, '/source'],
    [{ systems: [{ system: 'cardio' }] }, '/systems/0/percentCorrect'],
    [{ unexpected: true }, ''],
  ])('%j → 400 at %s, nothing stored', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post(URL).set(student.auth).send(assessmentBody(override))
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('request.invalid')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countAssessments(student)).toBe(0)
  })

  test('a malformed id in the path is 400', async () => {
    const student = await createStudent(t.database.db)
    expect((await t.http.get(`${URL}/not-a-uuid`).set(student.auth)).status).toBe(400)
  })

  test('the database holds the form rules too', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(assessmentBody())
    await expect(
      t.database.db.execute(sql`update assessments set score = null where id = ${created.body.id}`),
    ).rejects.toThrow()
  })
})

describe('assessment sync semantics', () => {
  test('posting the same (source, externalId) updates the record (200) instead of duplicating', async () => {
    const student = await createStudent(t.database.db)
    const body = { source: 'uworld-sync', externalId: 'uwsa-2-attempt' }
    const first = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ ...body, form: 'UWSA 2', score: 240 }))
    expect(first.status).toBe(201)
    const second = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ ...body, form: 'UWSA 2', score: 244, systems: undefined }))
    expect(second.status).toBe(200)
    expect(second.body.id).toBe(first.body.id)
    expect(second.body).toMatchObject({ score: 244, systems: [], externalId: 'uwsa-2-attempt' })
    const otherSource = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ externalId: 'uwsa-2-attempt' }))
    expect(otherSource.status).toBe(201)
    expect(otherSource.body.source).toBe('manual')
    expect(await countAssessments(student)).toBe(2)
    expect(await countEvents(student, 'assessment.created')).toBe(2)
    expect(await countEvents(student, 'assessment.updated')).toBe(1)
  })

  test('re-posting a deleted externalId restores it', async () => {
    const student = await createStudent(t.database.db)
    const first = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ externalId: 'e-1' }))
    await t.http.delete(`${URL}/${first.body.id}`).set(student.auth)
    const again = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ externalId: 'e-1' }))
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ id: first.body.id, deletedAt: null })
    expect((await t.http.get(`${URL}/${first.body.id}`).set(student.auth)).status).toBe(200)
  })

  test('Idempotency-Key: a replay returns the first response with Idempotent-Replayed', async () => {
    const student = await createStudent(t.database.db)
    const send = () =>
      t.http.post(URL).set(student.auth).set('Idempotency-Key', 'a-key-1').send(assessmentBody())
    const first = await send()
    const replay = await send()
    expect(first.status).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(replay.status).toBe(201)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.body).toEqual(first.body)
    expect(await countAssessments(student)).toBe(1)
    expect(await countEvents(student, 'assessment.created')).toBe(1)
  })

  test('Idempotency-Key reused with a different body → 422', async () => {
    const student = await createStudent(t.database.db)
    await t.http.post(URL).set(student.auth).set('Idempotency-Key', 'a-key-2').send(assessmentBody())
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .set('Idempotency-Key', 'a-key-2')
      .send(assessmentBody({ score: 200 }))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('idempotency.key_reused')
    expect(await countAssessments(student)).toBe(1)
  })

  test('PATCH and DELETE with a key replay too', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(assessmentBody())
    const url = `${URL}/${created.body.id}`
    const patch = () => t.http.patch(url).set(student.auth).set('Idempotency-Key', 'p').send({ score: 250 })
    expect((await patch()).status).toBe(200)
    const patchReplay = await patch()
    expect(patchReplay.status).toBe(200)
    expect(patchReplay.headers['idempotent-replayed']).toBe('true')
    expect(await countEvents(student, 'assessment.updated')).toBe(1)
    expect((await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'd')).status).toBe(204)
    const replay = await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'd')
    expect(replay.status).toBe(204)
    expect(replay.headers['idempotent-replayed']).toBe('true')
  })

  test('pagination walks 30 assessments with limit 7 exactly once, in (takenAt, id) order', async () => {
    const student = await createStudent(t.database.db)
    const base = Date.parse('2026-03-01T00:00:00Z')
    for (let i = 0; i < 30; i++) {
      const res = await t.http
        .post(URL)
        .set(student.auth)
        .send(
          assessmentBody({
            externalId: `p-${i}`,
            // Pairs share a takenAt, so the id tiebreak is exercised; inserted out of order.
            takenAt: new Date(base + Math.floor(((i * 7) % 30) / 2) * 86_400_000).toISOString(),
          }),
        )
      expect(res.status).toBe(201)
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res: { status: number; body: { data: { externalId: string }[]; nextCursor: string | null } } =
        await t.http
          .get(URL)
          .query({ limit: 7, ...(cursor ? { cursor } : {}) })
          .set(student.auth)
      expect(res.status).toBe(200)
      expect(res.body.data.length).toBeLessThanOrEqual(7)
      seen.push(...res.body.data.map((a) => a.externalId))
      cursor = res.body.nextCursor
      pages++
    } while (cursor && pages < 20)
    expect(pages).toBe(5)
    expect(seen).toHaveLength(30)
    expect(new Set(seen).size).toBe(30)
    const all = await t.http.get(`${URL}?limit=500`).set(student.auth)
    const ordered = [...all.body.data].sort(
      (a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id),
    )
    expect(all.body.data.map((a: { id: string }) => a.id)).toEqual(ordered.map((a) => a.id))
  })

  test('filters: form (by any name), from/to in the student’s days, updatedAfter', async () => {
    const student = await createStudent(t.database.db, { timezone: 'Asia/Kolkata' })
    // 2026-05-01T20:00Z is already 2026-05-02 in Kolkata (UTC+5:30).
    await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ takenAt: '2026-05-01T20:00:00Z' }))
    await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ takenAt: '2026-05-01T10:00:00Z', form: 'uwsa-1' }))
    const may2 = await t.http.get(`${URL}?from=2026-05-02&to=2026-05-02`).set(student.auth)
    expect(may2.body.data.map((a: { takenAt: string }) => a.takenAt)).toEqual(['2026-05-01T20:00:00.000Z'])
    const uwsa = await t.http.get(URL).query({ form: 'UWSA 1' }).set(student.auth)
    expect(uwsa.body.data.map((a: { form: string }) => a.form)).toEqual(['uwsa-1'])
    const unknownForm = await t.http.get(URL).query({ form: 'Kaplan' }).set(student.auth)
    expect(unknownForm.status).toBe(400)
    expect(unknownForm.body.errors[0]).toMatchObject({ in: 'querystring', path: '/form' })
    const later = await t.http.get(`${URL}?updatedAfter=2999-01-01T00:00:00Z`).set(student.auth)
    expect(later.body.data).toEqual([])
    expect((await t.http.get(`${URL}?cursor=garbage`).set(student.auth)).status).toBe(400)
    expect((await t.http.get(`${URL}?limit=501`).set(student.auth)).status).toBe(400)
  })

  test('ETag on an assessment and on the list; If-None-Match → 304', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(assessmentBody())
    for (const url of [`${URL}/${created.body.id}`, URL]) {
      const first = await t.http.get(url).set(student.auth)
      expect(first.headers.etag).toBeTruthy()
      expect(
        (await t.http.get(url).set(student.auth).set('If-None-Match', String(first.headers.etag))).status,
      ).toBe(304)
    }
  })

  test('the outbox events carry the ids', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http
      .post(URL)
      .set(student.auth)
      .send(assessmentBody({ externalId: 'ev-1' }))
    const rows = await queryRows<{ type: string; resource_id: string; payload: Record<string, unknown> }>(
      t.database.db,
      sql`select type, resource_id, payload from outbox_events where student_id = ${student.id}`,
    )
    expect(rows).toEqual([
      {
        type: 'assessment.created',
        resource_id: created.body.id,
        payload: {
          studentId: student.id,
          assessmentId: created.body.id,
          source: 'manual',
          externalId: 'ev-1',
          form: 'nbme-12',
        },
      },
    ])
  })
})

describe('who sees assessments', () => {
  test('another student can neither read, change nor delete my assessments (404), and mine is unchanged', async () => {
    const me = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(me.auth).send(assessmentBody())
    const mine = `/v1/students/${me.id}/assessments`
    expect((await t.http.get(mine).set(other.auth)).status).toBe(404)
    expect((await t.http.post(mine).set(other.auth).send(assessmentBody())).status).toBe(404)
    expect((await t.http.get(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.patch(`${mine}/${created.body.id}`).set(other.auth).send({ score: 200 })).status,
    ).toBe(404)
    expect((await t.http.delete(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect((await t.http.get(`${URL}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.patch(`${URL}/${created.body.id}`).set(other.auth).send({ score: 200 })).status,
    ).toBe(404)
    expect((await t.http.delete(`${URL}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect((await t.http.get(`${URL}/${created.body.id}`).set(me.auth)).body.score).toBe(245)
    expect(await countAssessments(other)).toBe(0)
  })

  test('an admin may log and read a student’s assessments', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(`/v1/students/${student.id}/assessments`)
      .set(admin.auth)
      .send(assessmentBody())
    expect(res.status).toBe(201)
    expect(res.body.studentId).toBe(student.id)
    expect(
      (await t.http.get(`/v1/students/${student.id}/assessments`).set(admin.auth)).body.data,
    ).toHaveLength(1)
  })
})
