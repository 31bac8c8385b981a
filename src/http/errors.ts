import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { z } from 'zod'

export interface FieldError {
  /** Where the field is: body, querystring, params or headers. */
  in: string
  /** JSON Pointer into that part, e.g. `/systems/0/correct`. */
  path: string
  message: string
}

/**
 * Problem bodies echo parts of the request (a field path, an unknown key), so their text is bounded
 * here, once: the OpenAPI document states these limits and the serializer checks them.
 */
export const PROBLEM_LIMITS = { detail: 2000, instance: 2048, fieldText: 1000, errors: 100 } as const

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

function boundedErrors(errors: FieldError[]): FieldError[] {
  return errors.slice(0, PROBLEM_LIMITS.errors).map((e) => ({
    in: clip(e.in, 20),
    path: clip(e.path, PROBLEM_LIMITS.fieldText),
    message: clip(e.message, PROBLEM_LIMITS.fieldText),
  }))
}

type ProblemExtra = { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown }

/** An error the service means to show the client: RFC 9457 problem details. */
export class Problem extends Error {
  readonly extra: ProblemExtra
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    extra: ProblemExtra = {},
  ) {
    super(clip(detail, PROBLEM_LIMITS.detail))
    this.extra = extra.errors ? { ...extra, errors: boundedErrors(extra.errors) } : extra
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldError[]) =>
  new Problem(400, code, detail, errors ? { errors } : {})
export const unauthorized = (code: string, detail: string) =>
  new Problem(401, code, detail, { headers: { 'www-authenticate': 'Bearer' } })
export const forbidden = (code: string, detail: string) => new Problem(403, code, detail)
export const notFound = (what: string, id: string) =>
  new Problem(404, `${what}.not_found`, `No ${what} ${id}`)
export const conflict = (code: string, detail: string) => new Problem(409, code, detail)
export const unprocessable = (code: string, detail: string, errors?: FieldError[]) =>
  new Problem(422, code, detail, errors ? { errors } : {})
export const databaseUnavailable = () =>
  new Problem(503, 'database.unavailable', 'The database cannot be reached; try again shortly', {
    headers: { 'retry-after': '5' },
  })

export const FieldErrorSchema = z
  .object({
    in: z.string().max(20).describe('body, querystring, params or headers'),
    path: z
      .string()
      .max(PROBLEM_LIMITS.fieldText)
      .describe('JSON Pointer to the offending field within that part'),
    message: z.string().max(PROBLEM_LIMITS.fieldText),
  })
  .meta({ id: 'FieldError' })

export const ProblemBody = z
  .object({
    type: z
      .string()
      .max(200)
      .describe('URI reference naming the problem type, e.g. /problems/block.not_found'),
    title: z.string().max(100).describe('Short summary of the status, e.g. Not Found'),
    status: z.number().int().min(400).max(599),
    detail: z
      .string()
      .max(PROBLEM_LIMITS.detail)
      .describe('What went wrong, in words for a developer (cut at 2000 characters)'),
    instance: z.string().max(PROBLEM_LIMITS.instance).optional().describe('The request path'),
    code: z.string().max(100).describe('Stable machine-readable code, `module.reason`'),
    requestId: z
      .string()
      .max(128)
      .optional()
      .describe('Echo of x-request-id; quote it when reporting a problem'),
    errors: z
      .array(FieldErrorSchema)
      .max(PROBLEM_LIMITS.errors)
      .optional()
      .describe('Per-field problems, for 400 and 422 (the first 100)'),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })
export type ProblemBody = z.infer<typeof ProblemBody>

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid request',
  401: 'Missing, invalid or revoked token',
  403: 'Authenticated, but the token lacks the right',
  404: 'Unknown, or not visible to the caller',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Well-formed but inconsistent',
  429: 'Rate limited; see Retry-After',
  503: 'Database unavailable',
}

/** Response schemas for the shared problem body, for a route's `schema.response`. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error',
        content: { 'application/problem+json': { schema: ProblemBody } },
      },
    ]),
  ) as Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemBody } } }
  >
}

/** The problems every authenticated route can answer. */
export const COMMON_PROBLEMS = [400, 401, 403, 404, 429, 503] as const

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
  FST_ERR_INVALID_JSON: 'request.malformed_json',
  FST_ERR_VALIDATION: 'request.invalid',
  // Answered by the router before any hook (see frameworkErrors in app.ts).
  FST_ERR_BAD_URL: 'request.bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'request.uri_too_long',
}

// PostgreSQL error classes that mean "the database is not there", not "the request is wrong".
const UNAVAILABLE_SQLSTATES = /^(08|57P0[123]|53300)/
// "is not queryable": node-postgres on a client whose connection broke, e.g. the ROLLBACK after a
// query failed mid-transaction during a database restart (that error replaces the first one).
const UNAVAILABLE_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|database did not answer|is closed|PGlite is closed|after calling end on the pool|is not queryable/i

interface PgLikeError {
  code?: unknown
  message?: unknown
  constraint?: unknown
}

function isDatabaseUnavailable(err: PgLikeError): boolean {
  const code = typeof err.code === 'string' ? err.code : ''
  const message = typeof err.message === 'string' ? err.message : ''
  return (
    UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_MESSAGES.test(code) || UNAVAILABLE_MESSAGES.test(message)
  )
}

/** Drizzle wraps driver errors ("Failed query: ..."); the driver's error is the cause. */
export function driverError(err: unknown): PgLikeError | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as PgLikeError & { cause?: unknown }
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate
    if (typeof candidate.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) return candidate
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.test(candidate.message))
      return candidate
    current = candidate.cause
  }
  return undefined
}

function pointer(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? ''
    : '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
}

/** Any thrown value → the problem the client sees. Pure: never exposes internals for 5xx. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body'
    const errors = err.validation.map((v) => ({
      in: where,
      // JSON Pointer: the whole document is "", not "/".
      path: v.instancePath === '/' ? '' : v.instancePath,
      message: v.message ?? 'is invalid',
    }))
    const first = errors[0]
    const detail = first ? `Invalid ${where}: ${first.path || '(root)'} ${first.message}` : `Invalid ${where}`
    return badRequest('request.invalid', detail, errors)
  }
  if (err instanceof z.ZodError) {
    return badRequest(
      'request.invalid',
      'Invalid request',
      err.issues.map((i) => ({ in: 'body', path: pointer(i.path), message: i.message })),
    )
  }
  if (typeof err === 'object' && err !== null && isResponseSerializationError(err))
    return new Problem(500, 'internal', 'Internal server error')

  const driver = driverError(err)
  if (driver) {
    if (isDatabaseUnavailable(driver)) return databaseUnavailable()
    // Constraint violations are a last line of defence: validation should have caught them first.
    if (driver.code === '23505')
      return conflict('resource.conflict', 'A record with the same unique key exists')
    if (driver.code === '23503')
      return unprocessable('resource.reference_invalid', 'A referenced record does not exist')
    if (driver.code === '23514' || driver.code === '23502')
      return unprocessable('resource.inconsistent', 'The record violates a consistency rule')
    // Bad text representation, out of range, bad datetime, untranslatable or NUL characters.
    if (['22P02', '22003', '22007', '22008', '22021', '22P05'].includes(String(driver.code)))
      return badRequest('request.invalid', 'A value is out of range or of the wrong type')
  }

  const fastifyError = (typeof err === 'object' && err !== null ? err : {}) as Partial<FastifyError>
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      (fastifyError.code && FASTIFY_CODES[fastifyError.code]) ??
      (status === 404 ? 'route.not_found' : status === 429 ? 'rate_limited' : 'request.invalid')
    // Fastify's own 4xx messages describe the request, never the server's internals.
    return new Problem(status, code, fastifyError.message ?? STATUS_CODES[status] ?? 'Bad request')
  }
  return new Problem(500, 'internal', 'Internal server error')
}

export function problemBody(problem: Problem, req: FastifyRequest): ProblemBody {
  const { headers: _headers, errors, ...extra } = problem.extra
  return {
    type: `/problems/${problem.code}`,
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.message,
    instance: clip(req.url.split('?')[0] ?? req.url, PROBLEM_LIMITS.instance),
    code: problem.code,
    requestId: req.id,
    ...(errors ? { errors } : {}),
    ...extra,
  }
}

export function sendProblem(problem: Problem, req: FastifyRequest, reply: FastifyReply) {
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) void reply.header(name, value)
  return reply.code(problem.status).type('application/problem+json').send(problemBody(problem, req))
}

/** The one error handler: logs server faults with their stack, tells the client only the problem. */
export function problemHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(err)
  if (problem.status >= 500) req.log.error({ err }, 'request failed')
  else req.log.info({ code: problem.code, status: problem.status }, 'request rejected')
  return sendProblem(problem, req, reply)
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a NUL or space in a header, a bad
 * Content-Length, headers over the size limit): Fastify's default answers them with its own JSON
 * shape; this answers with a problem like every other error, then closes the connection.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request.headers_too_large', 'The request headers are larger than the server accepts']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request.timeout', 'The request did not arrive in time']
        : [400, 'request.malformed_http', 'The request is not valid HTTP/1.1']
  const title = STATUS_CODES[status] ?? 'Error'
  const body = JSON.stringify({ type: `/problems/${code}`, title, status, detail, code })
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  socket.destroy(err)
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    new Problem(404, 'route.not_found', `No route ${req.method} ${req.url.split('?')[0] ?? ''}`),
    req,
    reply,
  )
}
