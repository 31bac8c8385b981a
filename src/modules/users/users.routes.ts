import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { callerOf, isAdmin, requireAdmin } from '../../http/auth.js'
import { conflict, notFound, problemResponses, unprocessable } from '../../http/errors.js'
import { SCOPES_BY_ROLE } from './tokens.js'
import { findToken, findUser, insertToken, insertUser, listTokens, revokeToken } from './users.repository.js'
import {
  CreatedToken,
  CreateTokenBody,
  CreateUserBody,
  Me,
  TokenIdParams,
  TokenList,
  User,
  UserIdParams,
} from './users.schemas.js'
import type { Scope } from './users.table.js'

const iso = (d: Date) => d.toISOString()
const toUser = (u: {
  id: string
  role: User['role']
  name: string
  email: string
  timezone: string
  createdAt: Date
}) => ({
  ...u,
  createdAt: iso(u.createdAt),
})
const toTokenInfo = (t: {
  id: string
  userId: string
  name: string
  scopes: Scope[]
  createdAt: Date
  revokedAt: Date | null
}) => ({
  ...t,
  createdAt: iso(t.createdAt),
  revokedAt: t.revokedAt ? iso(t.revokedAt) : null,
})

export const usersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/users',
    {
      // Checked before the body is validated: a non-admin learns nothing from validation errors.
      preParsing: async (req) => requireAdmin(callerOf(req)),
      schema: {
        operationId: 'createUser',
        tags: ['users'],
        summary: 'Create a user (admin)',
        description:
          'A student, advisor or admin. The user has no token yet: mint one with POST /v1/users/{userId}/tokens. The email is unique (409 when taken).',
        body: CreateUserBody,
        response: { 201: User, ...problemResponses(400, 401, 403, 409, 415, 429) },
      },
    },
    async (req, reply) => {
      const user = await insertUser(db, req.body)
      if (!user) throw conflict('user.email_taken', 'A user with this email exists')
      req.log.info({ userId: user.id, role: user.role }, 'user created')
      return reply.code(201).send(toUser(user))
    },
  )

  app.post(
    '/v1/users/:userId/tokens',
    {
      schema: {
        operationId: 'createToken',
        tags: ['users'],
        summary: 'Mint an API token (admin, or the user for itself)',
        description:
          'The secret is in the response once and never again. A user minting for itself can only grant scopes its own token has.',
        params: UserIdParams,
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req)
      const self = caller.userId === req.params.userId
      if (!self && !isAdmin(caller)) throw notFound('user', req.params.userId)
      const user = await findUser(db, req.params.userId)
      if (!user) throw notFound('user', req.params.userId)
      // Admins grant what the role allows; a user minting for itself never exceeds its own token.
      const ceiling = SCOPES_BY_ROLE[user.role].filter((s) => isAdmin(caller) || caller.scopes.includes(s))
      const scopes = req.body.scopes ? [...new Set(req.body.scopes)] : ceiling
      const refused = scopes.filter((s) => !ceiling.includes(s))
      if (refused.length > 0 || scopes.length === 0)
        throw unprocessable(
          'token.scope_not_allowed',
          `A ${user.role} token here may carry only: ${ceiling.join(', ') || '(none)'}; refused: ${refused.join(', ')}`,
          refused.map((s) => ({
            in: 'body',
            path: `/scopes/${req.body.scopes?.indexOf(s) ?? 0}`,
            message: `${s} is not allowed`,
          })),
        )
      const token = await insertToken(db, { userId: user.id, name: req.body.name, scopes })
      req.log.info({ userId: user.id, tokenId: token.id, scopes }, 'token created')
      return reply.code(201).send({ ...toTokenInfo(token), token: token.token })
    },
  )

  app.get(
    '/v1/users/:userId/tokens',
    {
      schema: {
        operationId: 'listTokens',
        tags: ['users'],
        summary: "A user's tokens, without secrets (admin, or the user itself)",
        description: 'Revoked tokens are listed too, with revokedAt. Anyone else’s user id is a 404.',
        params: UserIdParams,
        response: { 200: TokenList, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (req) => {
      const caller = callerOf(req)
      if (caller.userId !== req.params.userId && !isAdmin(caller)) throw notFound('user', req.params.userId)
      const tokens = await listTokens(db, req.params.userId)
      return { data: tokens.map(toTokenInfo) }
    },
  )

  app.delete(
    '/v1/tokens/:tokenId',
    {
      schema: {
        operationId: 'revokeToken',
        tags: ['users'],
        summary: 'Revoke a token (its owner or an admin); it stops working at once',
        description:
          'tokenId is the token’s public id from POST /v1/users/{userId}/tokens, never the secret. Someone else’s token is a 404.',
        params: TokenIdParams,
        response: { 204: z.undefined().describe('Revoked'), ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req)
      const token = await findToken(db, req.params.tokenId)
      // Someone else's token id is treated as unknown: no probing for valid ids.
      if (!token || (token.userId !== caller.userId && !isAdmin(caller)))
        throw notFound('token', req.params.tokenId)
      await revokeToken(db, token.id)
      req.log.info({ tokenId: token.id }, 'token revoked')
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['users'],
        summary: "The caller's user and the token's scopes",
        description: 'Any valid token may call it: a quick way to check a token and the id behind `me`.',
        response: { 200: Me, ...problemResponses(401, 429) },
      },
    },
    async (req) => {
      const caller = callerOf(req)
      const user = await findUser(db, caller.userId)
      if (!user) throw notFound('user', caller.userId)
      return { user: toUser(user), tokenId: caller.tokenId, scopes: caller.scopes }
    },
  )
}
