import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { Problem, toProblem } from '../../src/http/errors.js'

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code })
const wrapped = (cause: Error) => Object.assign(new Error('Failed query: select ...'), { cause })
const fastifyError = (statusCode: number, code: string, message: string) =>
  Object.assign(new Error(message), { statusCode, code })

describe('toProblem', () => {
  test.each([
    ['a Problem stays itself', new Problem(422, 'block.inconsistent', 'bad'), 422, 'block.inconsistent'],
    ['unique violation → 409', pgError('23505'), 409, 'resource.conflict'],
    ['wrapped unique violation → 409', wrapped(pgError('23505')), 409, 'resource.conflict'],
    ['check violation → 422', pgError('23514'), 422, 'resource.inconsistent'],
    ['foreign key violation → 422', pgError('23503'), 422, 'resource.reference_invalid'],
    ['invalid text representation → 400', pgError('22P02'), 400, 'request.invalid'],
    [
      'connection refused → 503',
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      503,
      'database.unavailable',
    ],
    ['admin shutdown → 503', wrapped(pgError('57P01')), 503, 'database.unavailable'],
    ['connection exception class 08 → 503', pgError('08006'), 503, 'database.unavailable'],
    [
      'rollback on a connection broken mid-transaction (database restart) → 503',
      wrapped(new Error('Client has encountered a connection error and is not queryable')),
      503,
      'database.unavailable',
    ],
    [
      'pool connect timeout → 503',
      new Error('timeout exceeded when trying to connect'),
      503,
      'database.unavailable',
    ],
    [
      'fastify 413',
      fastifyError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'),
      413,
      'request.too_large',
    ],
    [
      'fastify 415',
      fastifyError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type'),
      415,
      'request.unsupported_media_type',
    ],
    [
      'fastify bad json',
      fastifyError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'Body is not valid JSON'),
      400,
      'request.malformed_json',
    ],
    ['fastify 429', fastifyError(429, 'X', 'Rate limit exceeded'), 429, 'rate_limited'],
    ['a plain Error → 500', new Error('boom at /srv/app.js:12'), 500, 'internal'],
    ['a thrown string → 500', 'oops', 500, 'internal'],
    ['undefined → 500', undefined, 500, 'internal'],
  ])('%s', (_label, err, status, code) => {
    const problem = toProblem(err)
    expect(problem.status).toBe(status)
    expect(problem.code).toBe(code)
  })

  test('a 500 says nothing of the cause', () => {
    expect(toProblem(new Error('password=hunter2')).message).toBe('Internal server error')
  })

  test('a zod error becomes 400 with JSON-pointer paths', () => {
    const result = z.object({ a: z.array(z.number()) }).safeParse({ a: [1, 'x'] })
    if (result.success) throw new Error('expected failure')
    const problem = toProblem(result.error)
    expect(problem.status).toBe(400)
    expect(problem.extra.errors).toEqual([{ in: 'body', path: '/a/1', message: expect.any(String) }])
  })
})
