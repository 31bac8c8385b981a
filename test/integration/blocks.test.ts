import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { useTestApp } from '../helpers/app.js'
import { blockBody } from '../helpers/bodies.js'
import { createAdmin, createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()

const countBlocks = async (student: TestUser) => {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from blocks where student_id = ${student.id}`,
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

describe('blocks CRUD', () => {
  test('logging a block returns it with normalised labels, defaults and percentages', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ mistakes: { knowledge: 7, misread: 3 }, topics: ['dvt-pe'], reviewMinutes: 150 }))
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      studentId: student.id,
      source: 'uworld',
      takenAt: '2026-05-03T14:10:00.000Z',
      questionCount: 40,
      correctCount: 29,
      percentCorrect: 72.5,
      newQuestionCount: 40,
      pass: 'first',
      mistakes: { knowledge: 7, misread: 3, timing: 0 },
      topics: ['dvt-pe'],
      reviewMinutes: 150,
      durationMinutes: null,
      deletedAt: null,
    })
    expect(res.body.systems).toEqual([
      { system: 'cardiovascular', total: 12, correct: 9, percent: 75 },
      { system: 'gastrointestinal', total: 10, correct: 6, percent: 60 },
      { system: 'pulmonary', total: 18, correct: 14, percent: 77.8 },
    ])
    expect(await countEvents(student, 'block.created')).toBe(1)
    const got = await t.http.get(`/v1/students/me/blocks/${res.body.id}`).set(student.auth)
    expect(got.body).toEqual(res.body)
  })

  test('a review-pass block counts no new questions by default', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ pass: 'review' }))
    expect(res.body.newQuestionCount).toBe(0)
  })

  test('PATCH merges and re-checks; the merged block must stay consistent', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody())
    const url = `/v1/students/me/blocks/${created.body.id}`
    const patched = await t.http.patch(url).set(student.auth).send({ correctCount: 30, note: 'retook' })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ correctCount: 30, note: 'retook', questionCount: 40 })
    expect(await countEvents(student, 'block.updated')).toBe(1)
    const bad = await t.http.patch(url).set(student.auth).send({ questionCount: 20 })
    expect(bad.status).toBe(422)
    expect((await t.http.get(url).set(student.auth)).body.questionCount).toBe(40)
  })

  test('DELETE makes a tombstone: gone from GET and lists, back with includeDeleted', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody())
    const url = `/v1/students/me/blocks/${created.body.id}`
    expect((await t.http.delete(url).set(student.auth)).status).toBe(204)
    expect((await t.http.get(url).set(student.auth)).status).toBe(404)
    expect((await t.http.delete(url).set(student.auth)).status).toBe(404)
    expect((await t.http.get('/v1/students/me/blocks').set(student.auth)).body.data).toEqual([])
    const withDeleted = await t.http.get('/v1/students/me/blocks?includeDeleted=true').set(student.auth)
    expect(withDeleted.body.data).toHaveLength(1)
    expect(withDeleted.body.data[0].deletedAt).toEqual(expect.any(String))
    expect(await countEvents(student, 'block.deleted')).toBe(1)
  })
})

describe('block invariants: 422 with the offending path, nothing stored', () => {
  test.each([
    [{ correctCount: 41 }, '/correctCount'],
    [{ newQuestionCount: 41 }, '/newQuestionCount'],
    [{ systems: [{ system: 'cardio', total: 5, correct: 6 }] }, '/systems/0/correct'],
    [
      {
        systems: [
          { system: 'cardio', total: 30, correct: 10 },
          { system: 'renal', total: 11, correct: 1 },
        ],
      },
      '/systems',
    ],
    [
      {
        systems: [
          { system: 'cardio', total: 30, correct: 29 },
          { system: 'renal', total: 10, correct: 1 },
        ],
      },
      '/systems',
    ],
    [
      {
        systems: [
          { system: 'cardio', total: 5, correct: 1 },
          { system: 'Cardiology', total: 5, correct: 1 },
        ],
      },
      '/systems/1/system',
    ],
    [{ systems: [{ system: 'astrology', total: 5, correct: 1 }] }, '/systems/0/system'],
    [{ subjects: [{ subject: 'dentistry', total: 5, correct: 1 }] }, '/subjects/0/subject'],
    [{ subjects: [{ subject: 'medicine', total: 41, correct: 1 }] }, '/subjects'],
    [{ mistakes: { knowledge: 10, misread: 2 } }, '/mistakes'],
    [{ takenAt: '2099-01-01T00:00:00Z' }, '/takenAt'],
  ])('%j → 422 at %s', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody(override))
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('block.inconsistent')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countBlocks(student)).toBe(0)
    expect(await countEvents(student, 'block.created')).toBe(0)
  })

  test('an unknown system lists the accepted values', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ systems: [{ system: 'astrology', total: 5, correct: 1 }] }))
    expect(res.body.errors[0].message).toContain('cardiovascular')
    expect(res.body.errors[0].message).toContain('social-sciences')
  })

  test.each([
    [{ questionCount: 0 }, '/questionCount'],
    [{ questionCount: 'forty' }, '/questionCount'],
    [{ correctCount: -1 }, '/correctCount'],
    [{ pass: 'third' }, '/pass'],
    [{ takenAt: 'yesterday' }, '/takenAt'],
    [{ source: 'UWorld!' }, '/source'],
    [{ timed: 'yes' }, '/timed'],
    [{ unexpected: true }, ''],
  ])('%j → 400 at %s, nothing stored', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody(override))
    expect(res.status).toBe(400)
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countBlocks(student)).toBe(0)
  })

  test('the database holds the breakdown sums too (deferred constraint trigger)', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody())
    await expect(
      t.database.db.execute(
        sql`update block_systems set total = 30 where block_id = ${created.body.id} and system = 'cardiovascular'`,
      ),
    ).rejects.toThrow()
    await expect(
      t.database.db.execute(sql`update blocks set correct_count = 50 where id = ${created.body.id}`),
    ).rejects.toThrow()
  })
})

describe('sync semantics', () => {
  test('posting the same (source, externalId) updates the record (200) instead of duplicating', async () => {
    const student = await createStudent(t.database.db)
    const first = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ externalId: 'uw-1' }))
    expect(first.status).toBe(201)
    const second = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(
        blockBody({
          externalId: 'uw-1',
          correctCount: 35,
          systems: [{ system: 'renal', total: 40, correct: 35 }],
        }),
      )
    expect(second.status).toBe(200)
    expect(second.body.id).toBe(first.body.id)
    expect(second.body.systems).toEqual([{ system: 'renal', total: 40, correct: 35, percent: 87.5 }])
    const otherSource = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ externalId: 'uw-1', source: 'amboss' }))
    expect(otherSource.status).toBe(201)
    expect(await countBlocks(student)).toBe(2)
  })

  test('externalIds are per student', async () => {
    const a = await createStudent(t.database.db)
    const b = await createStudent(t.database.db)
    expect(
      (
        await t.http
          .post('/v1/students/me/blocks')
          .set(a.auth)
          .send(blockBody({ externalId: 'x' }))
      ).status,
    ).toBe(201)
    expect(
      (
        await t.http
          .post('/v1/students/me/blocks')
          .set(b.auth)
          .send(blockBody({ externalId: 'x' }))
      ).status,
    ).toBe(201)
  })

  test('Idempotency-Key: a replay returns the first response with Idempotent-Replayed', async () => {
    const student = await createStudent(t.database.db)
    const send = () =>
      t.http
        .post('/v1/students/me/blocks')
        .set(student.auth)
        .set('Idempotency-Key', 'key-1')
        .send(blockBody())
    const first = await send()
    const replay = await send()
    expect(first.status).toBe(201)
    expect(replay.status).toBe(201)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.body).toEqual(first.body)
    expect(await countBlocks(student)).toBe(1)
  })

  test('Idempotency-Key reused with a different body → 422', async () => {
    const student = await createStudent(t.database.db)
    await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .set('Idempotency-Key', 'key-2')
      .send(blockBody())
    const res = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .set('Idempotency-Key', 'key-2')
      .send(blockBody({ correctCount: 1 }))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('idempotency.key_reused')
    expect(await countBlocks(student)).toBe(1)
  })

  test('keys are scoped to the caller', async () => {
    const a = await createStudent(t.database.db)
    const b = await createStudent(t.database.db)
    const ra = await t.http
      .post('/v1/students/me/blocks')
      .set(a.auth)
      .set('Idempotency-Key', 'shared')
      .send(blockBody())
    const rb = await t.http
      .post('/v1/students/me/blocks')
      .set(b.auth)
      .set('Idempotency-Key', 'shared')
      .send(blockBody())
    expect(ra.status).toBe(201)
    expect(rb.status).toBe(201)
    expect(rb.body.id).not.toBe(ra.body.id)
  })

  test('a rejected write releases its key: the corrected retry goes through', async () => {
    const student = await createStudent(t.database.db)
    const bad = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .set('Idempotency-Key', 'fix-me')
      .send(blockBody({ correctCount: 99 }))
    expect(bad.status).toBe(422)
    const again = await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .set('Idempotency-Key', 'fix-me')
      .send(blockBody())
    expect(again.status).toBe(201)
  })

  test('20 identical requests at once create one block; the rest replay or are told it is in flight (409)', async () => {
    const student = await createStudent(t.database.db)
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http
          .post('/v1/students/me/blocks')
          .set(student.auth)
          .set('Idempotency-Key', 'burst')
          .send(blockBody()),
      ),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id))
    expect(ids.size).toBe(1)
    for (const r of responses.filter((x) => x.status === 409))
      expect(r.body.code).toBe('idempotency.in_flight')
    expect(await countBlocks(student)).toBe(1)
    expect(await countEvents(student, 'block.created')).toBe(1)
  })

  test('DELETE with a key replays 204', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody())
    const url = `/v1/students/me/blocks/${created.body.id}`
    expect((await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'del')).status).toBe(204)
    const replay = await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'del')
    expect(replay.status).toBe(204)
    expect(replay.headers['idempotent-replayed']).toBe('true')
  })

  test('batch: mixed items each get their own result; bad ones do not sink the rest', async () => {
    const student = await createStudent(t.database.db)
    await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ externalId: 'b-2' }))
    const res = await t.http
      .post('/v1/students/me/blocks/batch')
      .set(student.auth)
      .send({
        blocks: [
          blockBody({ externalId: 'b-1' }),
          blockBody({ externalId: 'b-2', correctCount: 30 }),
          blockBody({ externalId: 'b-3', correctCount: 50 }),
          { externalId: 'b-4', questionCount: 'x' },
          'not an object',
          blockBody({ externalId: 'b-5', systems: [{ system: 'astrology', total: 1, correct: 1 }] }),
        ],
      })
    expect(res.status).toBe(200)
    expect(
      res.body.results.map((r: { status: string }) => r.status),
      JSON.stringify(res.body.results[1]),
    ).toEqual(['created', 'updated', 'error', 'error', 'error', 'error'])
    expect(res.body.results[0].block.externalId).toBe('b-1')
    expect(res.body.results[1].block.correctCount).toBe(30)
    expect(res.body.results[2].problem).toMatchObject({ status: 422, code: 'block.inconsistent' })
    expect(res.body.results[3].problem).toMatchObject({ status: 400, code: 'request.invalid' })
    expect(res.body.results[3].externalId).toBe('b-4')
    expect(res.body.results[5].problem.errors[0].path).toBe('/systems/0/system')
    expect(await countBlocks(student)).toBe(2)
  })

  test('batch over 500 items → 422 with a clear message, nothing stored', async () => {
    const student = await createStudent(t.database.db)
    const blocks = Array.from({ length: 501 }, (_, i) => blockBody({ externalId: `x-${i}`, systems: [] }))
    const res = await t.http.post('/v1/students/me/blocks/batch').set(student.auth).send({ blocks })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('batch.too_large')
    expect(await countBlocks(student)).toBe(0)
  })

  test('pagination walks 120 blocks with limit 7 exactly once, in (takenAt, id) order', async () => {
    const student = await createStudent(t.database.db)
    const base = Date.parse('2026-03-01T00:00:00Z')
    const blocks = Array.from({ length: 120 }, (_, i) =>
      // Pairs share a takenAt, so the id tiebreak is exercised.
      blockBody({
        externalId: `p-${i}`,
        takenAt: new Date(base + Math.floor(i / 2) * 3_600_000).toISOString(),
        systems: [],
      }),
    )
    const batch = await t.http.post('/v1/students/me/blocks/batch').set(student.auth).send({ blocks })
    expect(batch.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res: { status: number; body: { data: { externalId: string }[]; nextCursor: string | null } } =
        await t.http
          .get('/v1/students/me/blocks')
          .query({ limit: 7, ...(cursor ? { cursor } : {}) })
          .set(student.auth)
      expect(res.status).toBe(200)
      expect(res.body.data.length).toBeLessThanOrEqual(7)
      seen.push(...res.body.data.map((b: { externalId: string }) => b.externalId))
      cursor = res.body.nextCursor
      pages++
    } while (cursor && pages < 50)
    expect(pages).toBe(18)
    expect(seen).toHaveLength(120)
    expect(new Set(seen).size).toBe(120)
    const all = await t.http.get('/v1/students/me/blocks?limit=500').set(student.auth)
    const ordered = [...all.body.data].sort(
      (a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id),
    )
    expect(all.body.data.map((b: { id: string }) => b.id)).toEqual(ordered.map((b) => b.id))
  })

  test('filters: source, from/to in the student’s days, updatedAfter', async () => {
    const student = await createStudent(t.database.db, { timezone: 'Asia/Kolkata' })
    // 2026-05-01T20:00Z is already 2026-05-02 in Kolkata (UTC+5:30).
    await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ takenAt: '2026-05-01T20:00:00Z' }))
    await t.http
      .post('/v1/students/me/blocks')
      .set(student.auth)
      .send(blockBody({ takenAt: '2026-05-01T10:00:00Z', source: 'amboss' }))
    const may2 = await t.http.get('/v1/students/me/blocks?from=2026-05-02&to=2026-05-02').set(student.auth)
    expect(may2.body.data.map((b: { takenAt: string }) => b.takenAt)).toEqual(['2026-05-01T20:00:00.000Z'])
    const amboss = await t.http.get('/v1/students/me/blocks?source=amboss').set(student.auth)
    expect(amboss.body.data).toHaveLength(1)
    const later = await t.http
      .get('/v1/students/me/blocks?updatedAfter=2999-01-01T00:00:00Z')
      .set(student.auth)
    expect(later.body.data).toEqual([])
    const bad = await t.http.get('/v1/students/me/blocks?cursor=garbage').set(student.auth)
    expect(bad.status).toBe(400)
    expect((await t.http.get('/v1/students/me/blocks?limit=501').set(student.auth)).status).toBe(400)
  })

  test('ETag on a block and on a list; If-None-Match → 304', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(student.auth).send(blockBody())
    for (const url of [`/v1/students/me/blocks/${created.body.id}`, '/v1/students/me/blocks']) {
      const first = await t.http.get(url).set(student.auth)
      expect(first.headers.etag).toBeTruthy()
      expect(
        (await t.http.get(url).set(student.auth).set('If-None-Match', String(first.headers.etag))).status,
      ).toBe(304)
    }
  })
})

describe('who sees blocks', () => {
  test('another student can neither read, change nor delete my blocks (404), and my block is unchanged', async () => {
    const me = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const created = await t.http.post('/v1/students/me/blocks').set(me.auth).send(blockBody())
    const mine = `/v1/students/${me.id}/blocks`
    expect((await t.http.get(mine).set(other.auth)).status).toBe(404)
    expect((await t.http.post(mine).set(other.auth).send(blockBody())).status).toBe(404)
    expect((await t.http.get(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.patch(`${mine}/${created.body.id}`).set(other.auth).send({ correctCount: 1 })).status,
    ).toBe(404)
    expect((await t.http.delete(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    // Through its own path, the other student's id space does not contain my block either.
    expect((await t.http.get(`/v1/students/me/blocks/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.get(`/v1/students/me/blocks/${created.body.id}`).set(me.auth)).body.correctCount,
    ).toBe(29)
  })

  test('an admin may log and read a student’s blocks', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    const res = await t.http.post(`/v1/students/${student.id}/blocks`).set(admin.auth).send(blockBody())
    expect(res.status).toBe(201)
    expect((await t.http.get(`/v1/students/${student.id}/blocks`).set(admin.auth)).body.data).toHaveLength(1)
  })
})
