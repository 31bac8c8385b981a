import supertest from 'supertest'
import { describe, expect, test } from 'vitest'
import { buildApp } from '../../src/app.js'
import { openPostgres } from '../../src/db/client.js'
import { testConfig, useTestApp } from '../helpers/app.js'
import { openTestDatabase } from '../helpers/db.js'
import { createStudent } from '../helpers/factories.js'

const t = useTestApp({ BODY_LIMIT_BYTES: '2048' })

const expectProblem = (res: supertest.Response, status: number, code: string) => {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toContain('application/problem+json')
  expect(res.body).toMatchObject({ status, code, type: `/problems/${code}` })
  expect(typeof res.body.title).toBe('string')
  expect(typeof res.body.detail).toBe('string')
  expect(res.body.requestId).toBe(res.headers['x-request-id'])
}

describe('every error is problem+json', () => {
  test('unknown route → 404', async () => {
    const res = await t.http.get('/v1/nothing-here')
    expectProblem(res, 404, 'route.not_found')
  })

  test('unknown route under a student → 404, not 401', async () => {
    expectProblem(await t.http.get('/v1/students/me/nothing'), 404, 'route.not_found')
  })

  test('malformed JSON → 400', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .set('Content-Type', 'application/json')
      .send('{"targetScore": ')
    expectProblem(res, 400, 'request.malformed_json')
  })

  test('schema violation → 400 with errors[]', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http.patch('/v1/students/me/profile').set(student.auth).send({ targetScore: 'high' })
    expectProblem(res, 400, 'request.invalid')
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', path: '/targetScore' })])
  })

  test('wrong content type → 415', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .set('Content-Type', 'text/plain')
      .send('targetScore=250')
    expectProblem(res, 415, 'request.unsupported_media_type')
  })

  test('body over BODY_LIMIT_BYTES → 413', async () => {
    const student = await createStudent(t.database.db)
    const res = await t.http
      .patch('/v1/students/me/profile')
      .set(student.auth)
      .send({ timezone: 'x'.repeat(5000) })
    expectProblem(res, 413, 'request.too_large')
  })

  test('401 and 403 are problems', async () => {
    expectProblem(await t.http.get('/v1/me'), 401, 'auth.missing_token')
    const student = await createStudent(t.database.db)
    expectProblem(await t.http.post('/v1/users').set(student.auth).send({}), 403, 'auth.admin_only')
  })
})

describe('500 and 429', () => {
  test('an unexpected error → 500 that reveals nothing internal, and is logged', async () => {
    const database = await openTestDatabase()
    const logged: string[] = []
    const app = await buildApp({
      config: testConfig({ LOG_LEVEL: 'error' }),
      database,
      logStream: { write: (line: string) => void logged.push(line) },
    })
    app.get('/boom', { config: { public: true } }, () => {
      throw new Error('secret connection string postgres://user:pw@db')
    })
    await app.ready()
    try {
      const res = await supertest(app.server).get('/boom')
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.body).toMatchObject({ status: 500, code: 'internal', detail: 'Internal server error' })
      expect(JSON.stringify(res.body)).not.toMatch(/secret|postgres|stack|Error:/)
      // The operator gets the whole story, under the same request id.
      const entry = logged.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed')
      expect(entry.err.message).toContain('secret connection string')
      expect(entry.err.stack).toBeTruthy()
      expect(entry.reqId).toBe(res.headers['x-request-id'])
    } finally {
      await app.close()
      await database.destroy()
    }
  })

  test('over the per-token limit → 429 with Retry-After and rate-limit headers; anonymous calls have their own limit', async () => {
    const database = await openTestDatabase()
    const app = await buildApp({
      config: testConfig({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_ANON_PER_MINUTE: '2' }),
      database,
    })
    await app.ready()
    try {
      const http = supertest(app.server)
      const student = await createStudent(database.db)
      for (let i = 0; i < 3; i++) expect((await http.get('/v1/me').set(student.auth)).status).toBe(200)
      const limited = await http.get('/v1/me').set(student.auth)
      expectProblem(limited, 429, 'rate_limited')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(limited.headers['x-ratelimit-limit']).toBe('3')
      expect(limited.headers['x-ratelimit-remaining']).toBe('0')
      // Another token is counted separately.
      const other = await createStudent(database.db)
      expect((await http.get('/v1/me').set(other.auth)).status).toBe(200)
      // Bad tokens spend the anonymous per-IP budget, then are limited too.
      const bad = { Authorization: 'Bearer s2p_nope' }
      expect((await http.get('/v1/me').set(bad)).status).toBe(401)
      expect((await http.get('/v1/me').set(bad)).status).toBe(401)
      expectProblem(await http.get('/v1/me').set(bad), 429, 'rate_limited')
      // Health checks are exempt.
      for (let i = 0; i < 5; i++) expect((await http.get('/health/live')).status).toBe(200)
    } finally {
      await app.close()
      await database.destroy()
    }
  })
})

describe('readiness', () => {
  test('a PostgreSQL server that is not there → readiness 503 and requests 503, not 500', async () => {
    const database = openPostgres('postgres://postgres@127.0.0.1:1/nowhere', { poolMax: 1 })
    const app = await buildApp({ config: testConfig(), database })
    await app.ready()
    try {
      const http = supertest(app.server)
      expectProblem(await http.get('/health/ready'), 503, 'database.unavailable')
      expectProblem(
        await http.get('/v1/me').set('Authorization', 'Bearer s2p_whatever'),
        503,
        'database.unavailable',
      )
    } finally {
      await app.close()
      await database.close()
    }
  })

  test('ready while the database answers; 503 problem once it is gone', async () => {
    const database = await openTestDatabase()
    const app = await buildApp({ config: testConfig(), database })
    await app.ready()
    const http = supertest(app.server)
    try {
      const ok = await http.get('/health/ready')
      expect(ok.status).toBe(200)
      expect(ok.body.status).toBe('ok')
      await database.close()
      const down = await http.get('/health/ready')
      expectProblem(down, 503, 'database.unavailable')
      expect((await http.get('/health/live')).status).toBe(200)
      // Any request that needs the database says 503 too, not 500.
      const student = await http.get('/v1/me').set('Authorization', 'Bearer s2p_whatever')
      expect(student.status).toBe(503)
    } finally {
      await app.close()
      await database.destroy()
    }
  })
})
