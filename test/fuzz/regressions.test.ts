/**
 * Regression tests for what the write-route fuzzer found, plus hostile HTTP that app.inject cannot
 * send (it never goes through Node's HTTP parser): malformed request lines and headers over a socket.
 */
import net from 'node:net'
import fc from 'fast-check'
import { beforeAll, describe, expect, test } from 'vitest'
import { useTestApp } from '../helpers/app.js'
import { createAdmin, createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
let student: TestUser
let port = 0

beforeAll(async () => {
  student = await createStudent(t.database.db)
  await new Promise<void>((resolve) => t.app.server.listen(0, '127.0.0.1', resolve))
  port = (t.app.server.address() as net.AddressInfo).port
})

function expectProblem(status: number, contentType: unknown, text: string, code: string) {
  expect(String(contentType)).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(text) as Record<string, unknown>
  expect(body).toMatchObject({ status, code, type: `/problems/${code}` })
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
}

describe('the router answers with problems too', () => {
  test('a path with a broken percent-escape → 400 request.bad_url, not Fastify JSON', async () => {
    for (const url of [
      '/v1/students/%ED%A0%80/blocks',
      '/v1/students/me/blocks/%zz',
      '/v1/tokens/%E0%A4%A',
    ]) {
      const res = await t.app.inject({ method: 'DELETE', url, headers: student.auth })
      expect(res.statusCode, url).toBe(400)
      expectProblem(400, res.headers['content-type'], res.body, 'request.bad_url')
    }
  })

  test('a path parameter over 100 characters → 414 request.uri_too_long, not Fastify JSON', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/students/me/blocks/${'a'.repeat(101)}`,
      headers: { ...student.auth, 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(res.statusCode).toBe(414)
    expectProblem(414, res.headers['content-type'], res.body, 'request.uri_too_long')
  })
})

describe('dates outside 2000–2100 are refused before they break the calendar math', () => {
  test('a profile date in year 0050 → 422 and is not stored; analytics keeps working', async () => {
    const me = await createStudent(t.database.db)
    for (const body of [
      { examDate: '0050-01-01' },
      { erasSubmissionDate: '0099-02-28' },
      { prepStartDate: '9999-12-31' },
    ]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/v1/students/me/profile',
        headers: { ...me.auth, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      })
      expect(res.statusCode, JSON.stringify(body)).toBe(422)
      expectProblem(422, res.headers['content-type'], res.body, 'profile.inconsistent')
    }
    const profile = await t.app.inject({ method: 'GET', url: '/v1/students/me/profile', headers: me.auth })
    expect(profile.json()).toMatchObject({ examDate: null, erasSubmissionDate: null, prepStartDate: null })
    const analytics = await t.app.inject({
      method: 'GET',
      url: '/v1/students/me/analytics',
      headers: me.auth,
    })
    expect(analytics.statusCode).toBe(200)
  })

  test('running check-ins for a week in year 0000 or 9999 → 422, not 500', async () => {
    const admin = await createAdmin(t.database.db)
    for (const weekOf of ['0000-01-01', '0099-12-31', '9999-12-31']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/checkins/run',
        headers: { ...admin.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ weekOf }),
      })
      expect(res.statusCode, weekOf).toBe(422)
      expectProblem(422, res.headers['content-type'], res.body, 'checkins.week_out_of_range')
    }
  })

  test('analytics as of year 0050 or 9999 → 400, not 500', async () => {
    for (const asOf of ['0050-01-01', '9999-12-31']) {
      for (const path of ['analytics', 'recommendations']) {
        const res = await t.app.inject({
          method: 'GET',
          url: `/v1/students/me/${path}?asOf=${asOf}`,
          headers: student.auth,
        })
        expect(res.statusCode, `${path} ${asOf}`).toBe(400)
        expectProblem(400, res.headers['content-type'], res.body, 'request.invalid')
      }
    }
  })
})

/** Writes raw bytes and reads the whole answer: the server closes the connection (error or Connection: close). */
function rawRequest(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', (err) =>
      chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(err),
    )
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    // Not end(): a half-closed socket may be dropped before a slow answer is written.
    socket.write(bytes)
  })
}

function parseResponse(text: string) {
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  )
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') }
}

const post = (headerLines: string[], body = '{}') =>
  [
    'POST /v1/students/me/blocks HTTP/1.1',
    'Host: localhost',
    `Authorization: Bearer ${student.token}`,
    'Content-Type: application/json',
    'Connection: close',
    ...headerLines,
    '',
    body,
  ].join('\r\n')

describe('malformed HTTP is answered with a problem, never Fastify JSON', () => {
  test.each([
    [
      'a NUL in a header value',
      400,
      'request.malformed_http',
      () => post(['X-Note: a\u0000b', 'Content-Length: 2']),
    ],
    [
      'a space in a header name',
      400,
      'request.malformed_http',
      () => post(['Bad Header: x', 'Content-Length: 2']),
    ],
    ['a non-numeric Content-Length', 400, 'request.malformed_http', () => post(['Content-Length: abc'])],
    [
      'two different Content-Lengths',
      400,
      'request.malformed_http',
      () => post(['Content-Length: 2', 'Content-Length: 3']),
    ],
    [
      'Content-Length with chunked',
      400,
      'request.malformed_http',
      () => post(['Content-Length: 2', 'Transfer-Encoding: chunked']),
    ],
    [
      'a broken chunk size',
      400,
      'request.malformed_http',
      () => post(['Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'),
    ],
    [
      'an obsolete folded header',
      400,
      'request.malformed_http',
      () => post(['X-Folded: a', ' b', 'Content-Length: 2']),
    ],
    ['a garbage request line', 400, 'request.malformed_http', () => 'GARBAGE\r\n\r\n'],
    [
      'a method with symbols',
      400,
      'request.malformed_http',
      () => 'P@ST /v1/users HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'headers over the size limit',
      431,
      'request.headers_too_large',
      () => post([`X-Big: ${'b'.repeat(20_000)}`, 'Content-Length: 2']),
    ],
  ])('%s → %i %s', async (_what, status, code, request) => {
    const res = parseResponse(await rawRequest(request()))
    expect(res.status).toBe(status)
    expectProblem(status, res.headers['content-type'], res.body, code)
  })

  test('any bytes in a header value: never a 5xx, always a problem (the body is refused either way)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), async (value) => {
        // latin1 keeps each code unit below 256 a single byte; the rest is truncated to a byte.
        const res = parseResponse(
          await rawRequest(Buffer.from(post([`Idempotency-Key: ${value}`, 'Content-Length: 2']), 'latin1')),
        )
        expect(res.status).toBeLessThan(500)
        expect(res.status).toBeGreaterThanOrEqual(400)
        expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261128), numRuns: 200 },
    )
  })
})
