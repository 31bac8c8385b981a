import type { FastifyInstance, FastifyRequest } from 'fastify'
import sjson from 'secure-json-parse'
import { badRequest } from './errors.js'

/** Deeper JSON than any route accepts; refusing it early keeps validators off deep recursion. */
export const MAX_JSON_DEPTH = 32

/**
 * Walks the value without recursion: 'nul' when a string or key holds a NUL character
 * (PostgreSQL text cannot store it), 'unicode' for an unpaired surrogate (not valid UTF-8, it
 * could not be stored as sent), 'deep' when nesting exceeds MAX_JSON_DEPTH, else null.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const badText = (text: string) =>
  text.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(text) ? 'unicode' : null

export function bodyDefect(value: unknown): 'nul' | 'unicode' | 'deep' | null {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number]
    if (typeof current === 'string') {
      const defect = badText(current)
      if (defect) return defect
    } else if (current && typeof current === 'object') {
      if (depth >= MAX_JSON_DEPTH) return 'deep'
      for (const [key, child] of Object.entries(current)) {
        const defect = badText(key)
        if (defect) return defect
        stack.push([child, depth + 1])
      }
    }
  }
  return null
}

/**
 * A byte-order mark opening a text value is an artefact of copy and paste, never content; the
 * embedded database would also drop it on read, so it is dropped here on both backends alike.
 */
function dropLeadingBom(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith('\uFEFF') ? value.slice(1) : value
}

/**
 * The JSON body parser: Fastify's own protections (prototype-poisoning keys are an error), plus
 * a clear 400 for NUL characters (which would otherwise fail deep in the database) and for
 * absurdly deep nesting.
 */
export function registerJsonParser(app: FastifyInstance) {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_req: FastifyRequest, body: string, done) => {
      if (body === '')
        return done(badRequest('request.malformed_json', 'The body is empty; send JSON or no Content-Type'))
      let parsed: unknown
      try {
        parsed = sjson.parse(body, dropLeadingBom, { protoAction: 'error', constructorAction: 'error' })
      } catch (err) {
        const reason =
          err instanceof SyntaxError ? err.message : 'forbidden __proto__ or constructor.prototype key'
        return done(badRequest('request.malformed_json', `The body is not acceptable JSON: ${reason}`))
      }
      const defect = bodyDefect(parsed)
      if (defect === 'nul')
        return done(
          badRequest('request.invalid', 'Text may not contain NUL (\\u0000) characters', [
            { in: 'body', path: '', message: 'contains \\u0000' },
          ]),
        )
      if (defect === 'unicode')
        return done(
          badRequest('request.invalid', 'Text must be valid Unicode (an unpaired surrogate was found)', [
            { in: 'body', path: '', message: 'invalid Unicode' },
          ]),
        )
      if (defect === 'deep')
        return done(
          badRequest('request.too_deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`),
        )
      done(null, parsed)
    },
  )
}
