import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { useTestApp } from '../helpers/app.js'
import { activityBody } from '../helpers/bodies.js'
import { createAdmin, createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
const URL = '/v1/students/me/activities'

const countActivities = async (student: TestUser) => {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from activities where student_id = ${student.id}`,
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
/** Today and the day after, in UTC, from the real clock (the route uses it too). */
const utcDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)

describe('activities CRUD', () => {
  test('logging an activity returns it with system labels normalised', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ systems: ['cardio', 'GI', 'cardiology'], note: 'Boards & Beyond' }))
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.any(String),
      studentId: student.id,
      source: 'manual',
      externalId: null,
      type: 'content_review',
      date: '2026-10-05',
      minutes: 90,
      systems: ['cardiovascular', 'gastrointestinal'],
      blocks: null,
      note: 'Boards & Beyond',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    })
    expect(await countEvents(student, 'activity.created')).toBe(1)
    const got = await t.http.get(`${URL}/${res.body.id}`).set(student.auth)
    expect(got.status).toBe(200)
    expect(got.body).toEqual(res.body)
  })

  test('a simulation day carries its blocks; systems default to none', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ type: 'simulation_day', minutes: 480, blocks: 8, systems: undefined }))
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ type: 'simulation_day', blocks: 8, minutes: 480, systems: [] })
  })

  test('tomorrow in UTC is accepted (a student east of UTC is already there)', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ date: utcDay(1) }))
    expect(res.status).toBe(201)
  })

  test('PATCH merges and re-checks; the merged activity must stay consistent', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ type: 'simulation_day', blocks: 4 }))
    const url = `${URL}/${created.body.id}`
    const patched = await t.http
      .patch(url)
      .set(student.auth)
      .send({ minutes: 300, systems: ['renal'] })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({
      minutes: 300,
      systems: ['renal'],
      blocks: 4,
      type: 'simulation_day',
    })
    expect(await countEvents(student, 'activity.updated')).toBe(1)
    const toAnki = await t.http.patch(url).set(student.auth).send({ type: 'anki' })
    expect(toAnki.status).toBe(422)
    expect(toAnki.body.errors.map((e: { path: string }) => e.path)).toEqual(['/blocks'])
    const ok = await t.http.patch(url).set(student.auth).send({ type: 'anki', blocks: null, systems: [] })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ type: 'anki', blocks: null, systems: [] })
    expect((await t.http.get(url).set(student.auth)).body.type).toBe('anki')
  })

  test('DELETE makes a tombstone: gone from GET and lists, back with includeDeleted', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(activityBody())
    const url = `${URL}/${created.body.id}`
    expect((await t.http.delete(url).set(student.auth)).status).toBe(204)
    expect((await t.http.get(url).set(student.auth)).status).toBe(404)
    expect((await t.http.delete(url).set(student.auth)).status).toBe(404)
    expect((await t.http.patch(url).set(student.auth).send({ minutes: 10 })).status).toBe(404)
    expect((await t.http.get(URL).set(student.auth)).body.data).toEqual([])
    const withDeleted = await t.http.get(`${URL}?includeDeleted=true`).set(student.auth)
    expect(withDeleted.body.data).toHaveLength(1)
    expect(withDeleted.body.data[0]).toMatchObject({ id: created.body.id, deletedAt: expect.any(String) })
    expect(await countEvents(student, 'activity.deleted')).toBe(1)
  })

  test('an unknown id is 404 problem+json', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.get(`${URL}/00000000-0000-4000-8000-000000000000`).set(student.auth)
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('activity.not_found')
  })
})

describe('activity rules: 422 with the offending path, nothing stored', () => {
  test.each([
    [{ systems: ['cardio', 'astrology'] }, '/systems/1'],
    [{ type: 'anki', blocks: 2 }, '/blocks'],
    [{ type: 'video', blocks: 1 }, '/blocks'],
    [{ date: '2099-01-01' }, '/date'],
    [{ date: '1999-12-31' }, '/date'],
  ])('%j → 422 at %s', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post(URL).set(student.auth).send(activityBody(override))
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('activity.inconsistent')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countActivities(student)).toBe(0)
    expect(await countEvents(student, 'activity.created')).toBe(0)
  })

  test('two days after today (UTC) is in the future', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ date: utcDay(2) }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].path).toBe('/date')
  })

  test('an unknown system lists the accepted slugs', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ systems: ['astrology'] }))
    expect(res.body.errors[0].message).toContain('cardiovascular')
    expect(res.body.errors[0].message).toContain('social-sciences')
  })

  test.each([
    [{ type: 'napping' }, '/type'],
    [{ date: '2026-02-30' }, '/date'],
    [{ date: '5 Oct' }, '/date'],
    [{ minutes: 0 }, '/minutes'],
    [{ minutes: 1441 }, '/minutes'],
    [{ minutes: 12.5 }, '/minutes'],
    [{ type: 'simulation_day', blocks: 13 }, '/blocks'],
    [{ type: 'simulation_day', blocks: 0 }, '/blocks'],
    [{ systems: 'cardio' }, '/systems'],
    [{ source: 'Anki App' }, '/source'],
    [{ externalId: '' }, '/externalId'],
    [{ unexpected: true }, ''],
  ])('%j → 400 at %s, nothing stored', async (override, path) => {
    const student = await createStudent(t.database.db)
    const res = await t.http.post(URL).set(student.auth).send(activityBody(override))
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('request.invalid')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countActivities(student)).toBe(0)
  })

  test('the database holds the blocks rule too', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(activityBody())
    await expect(
      t.database.db.execute(sql`update activities set blocks = 3 where id = ${created.body.id}`),
    ).rejects.toThrow()
  })
})

describe('activity sync semantics', () => {
  test('posting the same (source, externalId) updates the record (200) instead of duplicating', async () => {
    const student = await createStudent(t.database.db)
    const first = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ source: 'anki-sync', externalId: 'day-1', type: 'anki', minutes: 40 }))
    expect(first.status).toBe(201)
    const second = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ source: 'anki-sync', externalId: 'day-1', type: 'anki', minutes: 55 }))
    expect(second.status).toBe(200)
    expect(second.body.id).toBe(first.body.id)
    expect(second.body.minutes).toBe(55)
    const otherSource = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ externalId: 'day-1' }))
    expect(otherSource.status).toBe(201)
    expect(await countActivities(student)).toBe(2)
    expect(await countEvents(student, 'activity.created')).toBe(2)
    expect(await countEvents(student, 'activity.updated')).toBe(1)
  })

  test('re-posting a deleted externalId restores it', async () => {
    const student = await createStudent(t.database.db)
    const first = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ externalId: 'r-1' }))
    await t.http.delete(`${URL}/${first.body.id}`).set(student.auth)
    const again = await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ externalId: 'r-1' }))
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ id: first.body.id, deletedAt: null })
  })

  test('Idempotency-Key: a replay returns the first response with Idempotent-Replayed', async () => {
    const student = await createStudent(t.database.db)
    const send = () => t.http.post(URL).set(student.auth).set('Idempotency-Key', 'act-1').send(activityBody())
    const first = await send()
    const replay = await send()
    expect(first.status).toBe(201)
    expect(replay.status).toBe(201)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.body).toEqual(first.body)
    expect(await countActivities(student)).toBe(1)
    expect(await countEvents(student, 'activity.created')).toBe(1)
  })

  test('Idempotency-Key reused with a different body → 422', async () => {
    const student = await createStudent(t.database.db)
    await t.http.post(URL).set(student.auth).set('Idempotency-Key', 'act-2').send(activityBody())
    const res = await t.http
      .post(URL)
      .set(student.auth)
      .set('Idempotency-Key', 'act-2')
      .send(activityBody({ minutes: 30 }))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('idempotency.key_reused')
    expect(await countActivities(student)).toBe(1)
  })

  test('PATCH and DELETE with a key replay too', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(activityBody())
    const url = `${URL}/${created.body.id}`
    const patch = () => t.http.patch(url).set(student.auth).set('Idempotency-Key', 'p').send({ minutes: 30 })
    expect((await patch()).status).toBe(200)
    const patchReplay = await patch()
    expect(patchReplay.status).toBe(200)
    expect(patchReplay.headers['idempotent-replayed']).toBe('true')
    expect(await countEvents(student, 'activity.updated')).toBe(1)
    expect((await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'd')).status).toBe(204)
    const replay = await t.http.delete(url).set(student.auth).set('Idempotency-Key', 'd')
    expect(replay.status).toBe(204)
    expect(replay.headers['idempotent-replayed']).toBe('true')
  })

  test('pagination walks 30 activities with limit 7 exactly once, in (date, id) order', async () => {
    const student = await createStudent(t.database.db)
    const base = Date.parse('2026-03-01T00:00:00Z')
    for (let i = 0; i < 30; i++) {
      const res = await t.http
        .post(URL)
        .set(student.auth)
        .send(
          activityBody({
            externalId: `p-${i}`,
            // Three activities a day, so the id tiebreak is exercised; inserted out of order.
            date: new Date(base + Math.floor(((i * 7) % 30) / 3) * 86_400_000).toISOString().slice(0, 10),
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
      (a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id),
    )
    expect(all.body.data.map((a: { id: string }) => a.id)).toEqual(ordered.map((a) => a.id))
  })

  test('filters: type, from/to on the date, updatedAfter', async () => {
    const student = await createStudent(t.database.db, { timezone: 'Asia/Kolkata' })
    await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ date: '2026-05-01' }))
    await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ date: '2026-05-02', type: 'anki' }))
    await t.http
      .post(URL)
      .set(student.auth)
      .send(activityBody({ date: '2026-05-03', type: 'video' }))
    const may2 = await t.http.get(`${URL}?from=2026-05-02&to=2026-05-02`).set(student.auth)
    expect(may2.body.data.map((a: { date: string }) => a.date)).toEqual(['2026-05-02'])
    const fromMay2 = await t.http.get(`${URL}?from=2026-05-02`).set(student.auth)
    expect(fromMay2.body.data.map((a: { date: string }) => a.date)).toEqual(['2026-05-02', '2026-05-03'])
    const videos = await t.http.get(`${URL}?type=video`).set(student.auth)
    expect(videos.body.data.map((a: { type: string }) => a.type)).toEqual(['video'])
    expect((await t.http.get(`${URL}?type=napping`).set(student.auth)).status).toBe(400)
    const later = await t.http.get(`${URL}?updatedAfter=2999-01-01T00:00:00Z`).set(student.auth)
    expect(later.body.data).toEqual([])
    expect((await t.http.get(`${URL}?cursor=garbage`).set(student.auth)).status).toBe(400)
    expect((await t.http.get(`${URL}?limit=0`).set(student.auth)).status).toBe(400)
  })

  test('ETag on an activity and on the list; If-None-Match → 304', async () => {
    const student = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(student.auth).send(activityBody())
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
    const created = await t.http.post(URL).set(student.auth).send(activityBody())
    await t.http.delete(`${URL}/${created.body.id}`).set(student.auth)
    const rows = await queryRows<{ type: string; resource_id: string; payload: Record<string, unknown> }>(
      t.database.db,
      sql`select type, resource_id, payload from outbox_events where student_id = ${student.id} order by id`,
    )
    const payload = {
      studentId: student.id,
      activityId: created.body.id,
      source: 'manual',
      externalId: null,
      type: 'content_review',
      date: '2026-10-05',
    }
    expect(rows).toEqual([
      { type: 'activity.created', resource_id: created.body.id, payload },
      { type: 'activity.deleted', resource_id: created.body.id, payload },
    ])
  })
})

describe('who sees activities', () => {
  test('another student can neither read, change nor delete my activities (404), and mine is unchanged', async () => {
    const me = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const created = await t.http.post(URL).set(me.auth).send(activityBody())
    const mine = `/v1/students/${me.id}/activities`
    expect((await t.http.get(mine).set(other.auth)).status).toBe(404)
    expect((await t.http.post(mine).set(other.auth).send(activityBody())).status).toBe(404)
    expect((await t.http.get(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.patch(`${mine}/${created.body.id}`).set(other.auth).send({ minutes: 1 })).status,
    ).toBe(404)
    expect((await t.http.delete(`${mine}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect((await t.http.get(`${URL}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect(
      (await t.http.patch(`${URL}/${created.body.id}`).set(other.auth).send({ minutes: 1 })).status,
    ).toBe(404)
    expect((await t.http.delete(`${URL}/${created.body.id}`).set(other.auth)).status).toBe(404)
    expect((await t.http.get(`${URL}/${created.body.id}`).set(me.auth)).body.minutes).toBe(90)
    expect(await countActivities(other)).toBe(0)
  })

  test('an admin may log and read a student’s activities', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(`/v1/students/${student.id}/activities`)
      .set(admin.auth)
      .send(activityBody())
    expect(res.status).toBe(201)
    expect(res.body.studentId).toBe(student.id)
    expect(
      (await t.http.get(`/v1/students/${student.id}/activities`).set(admin.auth)).body.data,
    ).toHaveLength(1)
  })
})
