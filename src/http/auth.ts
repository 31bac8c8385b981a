import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from '../db/client.js'
import { type Caller, findCallerByToken } from '../modules/users/users.repository.js'
import type { Scope } from '../modules/users/users.table.js'
import { forbidden, unauthorized } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token, and exempt from rate limits (health, docs, OpenAPI). */
    public?: boolean
  }
  interface FastifyRequest {
    caller: Caller | null
    authFailure: 'malformed' | 'invalid' | null
  }
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i

/** Routes marked `config: { public: true }`, and the interactive docs (registered by @fastify/swagger-ui). */
export const isPublicRoute = (req: FastifyRequest) =>
  req.routeOptions.config.public === true || req.routeOptions.url?.startsWith('/docs') === true
/** No route matched: the not-found handler answers 404 whatever the token. */
const isUnrouted = (req: FastifyRequest) => req.routeOptions.url === undefined

/**
 * Step 1 of 2: resolve the bearer token to a caller, if any. Runs before the rate limiter so the
 * limiter can key on the token; a bad token only marks the request, step 2 rejects it.
 */
export const resolveCaller = fp<{ db: Db }>(
  async (app, { db }) => {
    app.decorateRequest('caller', null)
    app.decorateRequest('authFailure', null)
    app.addHook('onRequest', async (req) => {
      if (isPublicRoute(req) || isUnrouted(req)) return
      const header = req.headers.authorization
      if (header === undefined) return
      const match = BEARER.exec(header)
      const secret = match?.[1]
      if (!secret || secret.length > 512) {
        req.authFailure = 'malformed'
        return
      }
      const caller = await findCallerByToken(db, secret)
      if (caller) req.caller = caller
      else req.authFailure = 'invalid'
    })
  },
  { name: 'resolve-caller' },
)

/**
 * Step 2 of 2: every non-public route needs a valid token. @fastify/rate-limit adds its check as a
 * route-level onRequest hook, which runs after every app-level onRequest hook; checking here in
 * preParsing (still before the body is read or validated) lets the limiter count rejected calls.
 */
export const requireCaller: FastifyPluginAsync = fp(
  async (app) => {
    app.addHook('preParsing', async (req) => {
      if (isPublicRoute(req) || isUnrouted(req)) return
      callerOf(req)
    })
  },
  { name: 'require-caller', dependencies: ['resolve-caller'] },
)

/** The authenticated caller, or the 401 that says why there is none. */
export function callerOf(req: FastifyRequest): Caller {
  if (req.caller) return req.caller
  if (req.authFailure === 'malformed')
    throw unauthorized('auth.malformed_token', 'The Authorization header must be "Bearer <token>"')
  if (req.authFailure === 'invalid')
    throw unauthorized('auth.invalid_token', 'The token is unknown or has been revoked')
  throw unauthorized('auth.missing_token', 'This route needs "Authorization: Bearer <token>"')
}

export const hasScope = (caller: Caller, scope: Scope) => caller.scopes.includes(scope)
export const isAdmin = (caller: Caller) => caller.role === 'admin' && hasScope(caller, 'admin')

export function requireScope(caller: Caller, scope: Scope): void {
  if (!hasScope(caller, scope))
    throw forbidden('auth.scope_missing', `This needs a token with the ${scope} scope`)
}

export function requireAdmin(caller: Caller): void {
  if (!isAdmin(caller))
    throw forbidden('auth.admin_only', 'Only an admin token with the admin scope may do this')
}
