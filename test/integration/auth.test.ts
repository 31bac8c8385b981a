import { describe, expect, test } from 'vitest'
import { ensureBootstrapAdmin } from '../../src/modules/users/users.repository.js'
import { useTestApp } from '../helpers/app.js'
import { createAdmin, createAdvisor, createStudent } from '../helpers/factories.js'

const t = useTestApp()

describe('tokens', () => {
  test('admin creates a student, mints its token, the token works, revoking it stops it at once', async () => {
    const admin = await createAdmin(t.database.db)
    const created = await t.http.post('/v1/users').set(admin.auth).send({
      role: 'student',
      name: 'Priya',
      email: 'priya-lifecycle@example.test',
      timezone: 'Asia/Kolkata',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ role: 'student', name: 'Priya', timezone: 'Asia/Kolkata' })

    const minted = await t.http
      .post(`/v1/users/${created.body.id}/tokens`)
      .set(admin.auth)
      .send({ name: 'sync app' })
    expect(minted.status).toBe(201)
    expect(minted.body.scopes).toEqual(['progress:read', 'progress:write'])
    expect(minted.body.token).toMatch(/^s2p_[A-Za-z0-9_-]{43}$/)

    const me = await t.http.get('/v1/me').set('Authorization', `Bearer ${minted.body.token}`)
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ user: { id: created.body.id, role: 'student' }, tokenId: minted.body.id })

    const listed = await t.http.get(`/v1/users/${created.body.id}/tokens`).set(admin.auth)
    expect(listed.body.data).toHaveLength(1)
    expect(JSON.stringify(listed.body)).not.toContain(minted.body.token)

    const revoked = await t.http
      .delete(`/v1/tokens/${minted.body.id}`)
      .set('Authorization', `Bearer ${minted.body.token}`)
    expect(revoked.status).toBe(204)
    const after = await t.http.get('/v1/me').set('Authorization', `Bearer ${minted.body.token}`)
    expect(after.status).toBe(401)
    expect(after.body.code).toBe('auth.invalid_token')
    expect(after.headers['www-authenticate']).toBe('Bearer')
  })

  test('the secret is stored only as a hash', async () => {
    const student = await createStudent(t.database.db)
    const rows = await t.database.db.execute(
      `select token_hash from api_tokens where id = '${student.tokenId}'`,
    )
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(student.token)
    expect(stored).toMatch(/[0-9a-f]{64}/)
  })

  test.each([
    ['no header', undefined, 'auth.missing_token'],
    ['not bearer', 'Basic dXNlcjpwYXNz', 'auth.malformed_token'],
    ['unknown token', 'Bearer s2p_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'auth.invalid_token'],
    ['empty bearer', 'Bearer ', 'auth.malformed_token'],
  ])('%s → 401 problem', async (_label, header, code) => {
    const req = t.http.get('/v1/me')
    const res = header ? await req.set('Authorization', header) : await req
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body).toMatchObject({ status: 401, code, type: `/problems/${code}`, title: 'Unauthorized' })
  })

  test('a student may mint a token for itself, never with more scopes than its own', async () => {
    const reader = await createStudent(t.database.db, { scopes: ['progress:read'] })
    const ok = await t.http.post(`/v1/users/${reader.id}/tokens`).set(reader.auth).send({ name: 'phone' })
    expect(ok.status).toBe(201)
    expect(ok.body.scopes).toEqual(['progress:read'])
    const escalate = await t.http
      .post(`/v1/users/${reader.id}/tokens`)
      .set(reader.auth)
      .send({ name: 'phone', scopes: ['progress:write'] })
    expect(escalate.status).toBe(422)
    expect(escalate.body.code).toBe('token.scope_not_allowed')
    const adminScope = await t.http
      .post(`/v1/users/${reader.id}/tokens`)
      .set(reader.auth)
      .send({ name: 'x', scopes: ['admin'] })
    expect(adminScope.status).toBe(422)
  })

  test('an admin cannot give a student the admin scope', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    const res = await t.http
      .post(`/v1/users/${student.id}/tokens`)
      .set(admin.auth)
      .send({ name: 'x', scopes: ['admin'] })
    expect(res.status).toBe(422)
  })

  test('users cannot mint tokens for, list tokens of, or revoke tokens of someone else (404)', async () => {
    const a = await createStudent(t.database.db)
    const b = await createStudent(t.database.db)
    expect((await t.http.post(`/v1/users/${b.id}/tokens`).set(a.auth).send({ name: 'x' })).status).toBe(404)
    expect((await t.http.get(`/v1/users/${b.id}/tokens`).set(a.auth)).status).toBe(404)
    expect((await t.http.delete(`/v1/tokens/${b.tokenId}`).set(a.auth)).status).toBe(404)
    expect((await t.http.get('/v1/me').set(b.auth)).status).toBe(200)
  })

  test('an admin may revoke anyone’s token', async () => {
    const admin = await createAdmin(t.database.db)
    const student = await createStudent(t.database.db)
    expect((await t.http.delete(`/v1/tokens/${student.tokenId}`).set(admin.auth)).status).toBe(204)
    expect((await t.http.get('/v1/me').set(student.auth)).status).toBe(401)
  })

  test.each([
    ['student', createStudent],
    ['advisor', createAdvisor],
  ])('a %s cannot create users (403)', async (_role, make) => {
    const user = await make(t.database.db)
    const res = await t.http
      .post('/v1/users')
      .set(user.auth)
      .send({ role: 'admin', name: 'x', email: 'x@example.test' })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('auth.admin_only')
  })

  test('an admin token without the admin scope is not an admin', async () => {
    const limited = await createAdmin(t.database.db, { scopes: ['progress:read'] })
    const res = await t.http
      .post('/v1/users')
      .set(limited.auth)
      .send({ role: 'student', name: 'x', email: 'y@example.test' })
    expect(res.status).toBe(403)
  })

  test('creating a user with a taken email (any case) → 409 and nothing changes', async () => {
    const admin = await createAdmin(t.database.db)
    const body = { role: 'student', name: 'A', email: 'dup@example.test' }
    expect((await t.http.post('/v1/users').set(admin.auth).send(body)).status).toBe(201)
    const again = await t.http
      .post('/v1/users')
      .set(admin.auth)
      .send({ ...body, email: 'DUP@example.test' })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('user.email_taken')
  })

  test.each([
    [{ role: 'root', name: 'x', email: 'a@example.test' }, '/role'],
    [{ role: 'student', name: '', email: 'a@example.test' }, '/name'],
    [{ role: 'student', name: 'x', email: 'not-an-email' }, '/email'],
    [{ role: 'student', name: 'x', email: 'a@example.test', timezone: 'Mars/Olympus' }, '/timezone'],
    [{ role: 'student', name: 'x', email: 'a@example.test', extra: 1 }, ''],
  ])('invalid user body %j → 400 naming %s', async (body, path) => {
    const admin = await createAdmin(t.database.db)
    const res = await t.http.post('/v1/users').set(admin.auth).send(body)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('request.invalid')
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path)
  })

  test('ADMIN_TOKEN bootstraps an admin, idempotently', async () => {
    const secret = 'bootstrap-secret-0123456789abcdef0123456789'
    await ensureBootstrapAdmin(t.database.db, secret)
    await ensureBootstrapAdmin(t.database.db, secret)
    const me = await t.http.get('/v1/me').set('Authorization', `Bearer ${secret}`)
    expect(me.status).toBe(200)
    expect(me.body.user.role).toBe('admin')
    expect(me.body.scopes).toContain('admin')
  })
})
