import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { responseSerializer } from '../../src/http/response-serializer.js'

const Item = z.object({
  id: z.string(),
  count: z.number().int(),
  note: z.string().nullable(),
  tags: z.array(z.string()),
  extra: z.object({ at: z.string() }).optional(),
})

const compile = (verify: boolean, httpStatus = '200', schema: z.ZodType = Item) =>
  responseSerializer({ verify })({ schema, method: 'GET', url: '/items', httpStatus })

describe('compiled response serializer', () => {
  test.each([true, false])('writes only the documented properties (verify %s)', (verify) => {
    const body = { id: 'a', count: 2, note: null, tags: ['x'], secret: 'token hash', passwordHash: 'h' }
    expect(JSON.parse(compile(verify)(body))).toEqual({ id: 'a', count: 2, note: null, tags: ['x'] })
  })

  test.each([
    ['all properties', { id: 'a', count: 1, note: 'n', tags: [], extra: { at: '2026-11-28' } }],
    ['nulls and empty lists', { id: '', count: 0, note: null, tags: [] }],
    ['unicode and quotes', { id: 'ü "q" \\ \n', count: -3, note: '</script>', tags: ['😀'] }],
  ])('writes the same JSON value as the zod schema: %s', (_label, body) => {
    expect(JSON.parse(compile(false)(body))).toEqual(z.encode(Item, body as z.input<typeof Item>))
  })

  test('verify fails the response when the data does not fit its schema', () => {
    expect(() => compile(true)({ id: 'a', count: 'many', note: null, tags: [] })).toThrow()
  })

  test('problem responses (non-2xx) go through the zod schema', () => {
    const Problem = z.object({ status: z.number(), title: z.string() })
    const write = compile(false, '404', Problem)
    expect(write({ status: 404, title: 'Not Found', stack: 'at …' })).toBe(
      '{"status":404,"title":"Not Found"}',
    )
  })
})
