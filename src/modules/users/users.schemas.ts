import { z } from 'zod'
import { Timezone } from '../../http/common.schemas.js'
import { ROLES, SCOPES } from './users.table.js'

export const Role = z.enum(ROLES).describe('student, advisor or admin')
export const ScopeName = z.enum(SCOPES).describe('progress:read, progress:write, mentees:read or admin')

export const User = z
  .object({
    id: z.uuid(),
    role: Role,
    name: z.string(),
    email: z.string(),
    timezone: z.string().describe('IANA time zone'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' })
export type User = z.infer<typeof User>

export const CreateUserBody = z
  .object({
    role: Role,
    name: z.string().trim().min(1).max(200).describe('Display name'),
    email: z.email().max(320).describe('Unique, compared case-insensitively'),
    timezone: Timezone.optional().describe('IANA time zone; default UTC'),
  })
  .strict()
  .meta({
    id: 'CreateUserBody',
    example: { role: 'student', name: 'Priya N.', email: 'priya@example.com', timezone: 'Asia/Kolkata' },
  })

export const CreateTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100).describe('What the token is for, e.g. "Anki sync app"'),
    scopes: z
      .array(ScopeName)
      .min(1)
      .max(4)
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
    token: z.string().describe('The secret. Shown once: store it now; only its hash is kept.'),
    name: z.string(),
    scopes: z.array(ScopeName),
    userId: z.uuid(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CreatedToken' })

export const TokenInfo = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(ScopeName),
    userId: z.uuid(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'TokenInfo' })

export const Me = z
  .object({
    user: User,
    tokenId: z.uuid().describe('The token this request used'),
    scopes: z.array(ScopeName),
  })
  .meta({ id: 'Me' })
