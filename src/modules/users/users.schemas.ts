import { z } from 'zod'
import { MAX, Timezone, UNPAGED_LIST_MAX, UtcTimestamp } from '../../http/common.schemas.js'
import { ROLES, SCOPES } from './users.table.js'

export const Role = z.enum(ROLES).describe('student, advisor or admin')
export const ScopeName = z.enum(SCOPES).describe('progress:read, progress:write, mentees:read or admin')
/** A token's scopes: distinct, so at most every scope once. */
const Scopes = z.array(ScopeName).max(SCOPES.length)

/** What a token is for; also the limit the CLI applies. */
export const TokenName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('What the token is for, e.g. "Anki sync app"')

export const User = z
  .object({
    id: z.uuid(),
    role: Role,
    name: z.string().max(MAX.name),
    email: z.string().max(MAX.email),
    timezone: z.string().max(MAX.timezone).describe('IANA time zone'),
    createdAt: UtcTimestamp,
  })
  .meta({ id: 'User' })
export type User = z.infer<typeof User>

export const CreateUserBody = z
  .object({
    role: Role,
    name: z.string().trim().min(1).max(MAX.name).describe('Display name'),
    email: z.email().max(MAX.email).describe('Unique, compared case-insensitively'),
    timezone: Timezone.optional().describe('IANA time zone; default UTC'),
  })
  .strict()
  .meta({
    id: 'CreateUserBody',
    example: { role: 'student', name: 'Priya N.', email: 'priya@example.com', timezone: 'Asia/Kolkata' },
  })

export const CreateTokenBody = z
  .object({
    name: TokenName,
    scopes: z
      .array(ScopeName)
      .min(1)
      .max(SCOPES.length)
      .optional()
      .describe(
        "Scopes to grant; default: every scope the user's role allows (limited to the caller's own when a user mints for itself)",
      ),
  })
  .strict()
  .meta({
    id: 'CreateTokenBody',
    example: { name: 'UWorld sync', scopes: ['progress:read', 'progress:write'] },
  })

export const CreatedToken = z
  .object({
    id: z.uuid(),
    token: z
      .string()
      .max(64)
      .regex(/^s2p_[A-Za-z0-9_-]+$/)
      .describe(
        'The secret (s2p_ + 43 base64url characters). Shown once: store it now; only its hash is kept.',
      ),
    name: z.string().max(100),
    scopes: Scopes,
    userId: z.uuid(),
    createdAt: UtcTimestamp,
  })
  .meta({ id: 'CreatedToken' })

export const TokenInfo = z
  .object({
    id: z.uuid(),
    name: z.string().max(100),
    scopes: Scopes,
    userId: z.uuid(),
    createdAt: UtcTimestamp,
    revokedAt: UtcTimestamp.nullable(),
  })
  .meta({ id: 'TokenInfo' })

export const Me = z
  .object({
    user: User,
    tokenId: z.uuid().describe('The token this request used'),
    scopes: Scopes,
  })
  .meta({ id: 'Me' })

export const TokenList = z.object({ data: z.array(TokenInfo).max(UNPAGED_LIST_MAX) })

export const UserIdParams = z.object({ userId: z.uuid() })
export const TokenIdParams = z.object({
  tokenId: z.uuid().describe('The token’s public id (never its secret)'),
})
