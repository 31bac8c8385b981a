import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

export const API_VERSION = '0.1.0'

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 }
const PROBLEM_REF = '#/components/schemas/Problem'

/**
 * Headers the server really sends, declared once. @fastify/rate-limit (src/http/rate-limit.ts) sets
 * the X-RateLimit-* trio on every response of a rate-limited route, errors included, and
 * Retry-After on its 429; every 401 carries WWW-Authenticate and every 503 Retry-After
 * (src/http/errors.ts, src/http/draining.ts). Public routes (health, metrics, docs) are not rate
 * limited.
 */
const HEADERS: Record<string, Json> = {
  'X-RateLimit-Limit': {
    description:
      'Requests allowed per one-minute window: RATE_LIMIT_PER_MINUTE for a valid token, RATE_LIMIT_ANON_PER_MINUTE per IP without one',
    schema: { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current window ends and the count starts again',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 60 },
  },
  'Retry-After': {
    description:
      'Seconds to wait before retrying: on 429 until the window ends; on 503 5 (database unreachable) or 1 (shutting down)',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 60 },
  },
  'WWW-Authenticate': {
    description: 'Always `Bearer`: the scheme the API expects',
    schema: { type: 'string', enum: ['Bearer'] },
  },
}
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` })
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': headerRef('X-RateLimit-Limit'),
  'X-RateLimit-Remaining': headerRef('X-RateLimit-Remaining'),
  'X-RateLimit-Reset': headerRef('X-RateLimit-Reset'),
}

/** Problems the server answers on every route of their kind, whatever the route declares. */
const GENERIC_PROBLEMS: Record<
  string,
  { description: string; publicRoutes: boolean; withBodyOnly?: boolean }
> = {
  401: { description: 'Missing, invalid or revoked token', publicRoutes: false },
  // Every body is held to BODY_LIMIT_BYTES and must be JSON.
  413: { description: 'Body too large', publicRoutes: false, withBodyOnly: true },
  415: { description: 'Unsupported content type', publicRoutes: false, withBodyOnly: true },
  429: { description: 'Rate limited; see Retry-After', publicRoutes: false },
  500: {
    description: 'Unexpected server fault; the detail never reveals internals (quote requestId)',
    publicRoutes: true,
  },
  // Every token is looked up in the database, and every route refuses requests while shutting down.
  503: {
    description: 'The database cannot be reached, or the server is shutting down; see Retry-After',
    publicRoutes: true,
  },
}

/**
 * JSON Schema facts that follow from what zod already enforces, made explicit for checkers and
 * client generators: an integer's format from its bounds (zod always bounds integers, to the safe
 * range at most), and the length of fixed-length formats (a UUID is 36 characters, an ISO date
 * 10: zod's format patterns admit nothing else).
 */
function annotateSchemas(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(annotateSchemas)
    return
  }
  if (!isObject(node)) return
  const types = Array.isArray(node.type) ? (node.type as unknown[]) : [node.type]
  if (types.includes('integer') && node.format === undefined) {
    const { minimum, maximum } = node
    if (typeof minimum === 'number' && typeof maximum === 'number')
      node.format = minimum >= INT32.min && maximum <= INT32.max ? 'int32' : 'int64'
  }
  if (types.includes('string') && node.maxLength === undefined) {
    if (node.format === 'uuid') node.maxLength = 36
    if (node.format === 'date') node.maxLength = 10
  }
  for (const [key, child] of Object.entries(node)) {
    // Values, not schemas: an example's `type` field is data.
    if (key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default')
      continue
    annotateSchemas(child)
  }
}

/** Adds the responses and headers every operation really has (see HEADERS and GENERIC_PROBLEMS). */
function completeOperations(doc: Json): void {
  if (!isObject(doc.paths)) return
  for (const pathItem of Object.values(doc.paths)) {
    if (!isObject(pathItem)) continue
    for (const operation of Object.values(pathItem)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue
      const responses = operation.responses
      // Public routes declare `security: []`; they skip both the token check and the rate limit.
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0
      for (const [status, { description, publicRoutes, withBodyOnly }] of Object.entries(GENERIC_PROBLEMS)) {
        if (responses[status] !== undefined || (isPublic && !publicRoutes)) continue
        if (withBodyOnly && operation.requestBody === undefined) continue
        responses[status] = {
          description,
          content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
        }
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!isObject(response)) continue
        const headers: Json = isObject(response.headers) ? response.headers : {}
        if (!isPublic && /^[24]/.test(status)) Object.assign(headers, RATE_LIMIT_HEADERS)
        if (status === '429' || status === '503') headers['Retry-After'] = headerRef('Retry-After')
        if (status === '401') headers['WWW-Authenticate'] = headerRef('WWW-Authenticate')
        if (Object.keys(headers).length > 0) response.headers = headers
      }
    }
  }
}

/**
 * Drops component schemas nothing refers to: the type provider registers every schema with an id
 * twice (as input and as output), and most are only ever used one way.
 */
function pruneUnusedSchemas(doc: Json): void {
  const components = isObject(doc.components) ? doc.components : {}
  const schemas = isObject(components.schemas) ? components.schemas : {}
  const refsIn = (node: unknown, found: Set<string>): Set<string> => {
    if (Array.isArray(node)) node.forEach((n) => refsIn(n, found))
    else if (isObject(node))
      for (const [key, child] of Object.entries(node)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/'))
          found.add(child.slice('#/components/schemas/'.length))
        else refsIn(child, found)
      }
    return found
  }
  const used = refsIn({ ...doc, components: { ...components, schemas: {} } }, new Set())
  const queue = [...used]
  for (let name = queue.pop(); name !== undefined; name = queue.pop())
    for (const ref of refsIn(schemas[name], new Set()))
      if (!used.has(ref)) {
        used.add(ref)
        queue.push(ref)
      }
  components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)))
}

/** The type provider's document, completed with what the server does on every route. */
export function transformOpenapiObject(input: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const doc = jsonSchemaTransformObject(input) as Json
  const components = isObject(doc.components) ? doc.components : {}
  doc.components = { ...components, headers: HEADERS }
  completeOperations(doc)
  annotateSchemas(doc.paths)
  annotateSchemas(components.schemas)
  pruneUnusedSchemas(doc)
  return doc
}

/** Paths are relative to whichever deployment serves the document; its clients are outside programs. */
const SERVER = {
  url: '/',
  description:
    'The deployment serving this document (local, staging or production): paths are relative to it',
  'x-internal': false,
}

/** Registers the OpenAPI generator; must come before the routes so every route is documented. */
export async function registerOpenapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Step2 Progress API',
        version: API_VERSION,
        description:
          'Tracks USMLE Step 2 CK preparation (Qbank blocks, self-assessments, study activities) and tells ' +
          'students, advisors and study apps what to do next. Errors are RFC 9457 problem details. ' +
          'Every route except health, metrics and the docs is rate limited per token (per IP without one) ' +
          'and says so in X-RateLimit-* headers.',
        contact: { name: 'The operators of this deployment' },
        license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
      },
      servers: [SERVER],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (shown once when created); scopes: progress:read, progress:write, mentees:read, admin',
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness, readiness and metrics' },
        { name: 'users', description: 'Users, API tokens and scopes' },
        { name: 'students', description: 'A student profile' },
        { name: 'qbank', description: 'Qbank blocks with per-system and per-subject results' },
        { name: 'assessments', description: 'Self-assessments (NBME, UWSA, Free 120, …)' },
        { name: 'activities', description: 'Study activities (content review, Anki, simulation days, …)' },
        { name: 'analytics', description: 'Figures of the study guide and recommended next actions' },
        { name: 'advisors', description: 'Advisor access grants and the mentee dashboard' },
        { name: 'reference', description: 'Systems, subjects, forms and the score scale' },
        { name: 'checkins', description: 'Weekly check-ins: the week in figures and what to do next' },
        {
          name: 'webhooks',
          description: 'Event subscriptions, signed with Standard Webhooks, and their delivery log',
        },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: transformOpenapiObject,
  })
}

/** The interactive reference at /docs and the document at /openapi.json, both public. */
export async function registerDocs(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true },
  })
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger())
}
