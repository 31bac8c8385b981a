import { createHash, randomBytes } from 'node:crypto'
import type { Role, Scope } from './users.table.js'

/** The prefix makes leaked tokens easy to recognise by secret scanners. */
export const TOKEN_PREFIX = 's2p_'

/** 32 random bytes (256 bits), base64url. Shown to the client once, stored only as a hash. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Scopes a token of each role may carry. */
export const SCOPES_BY_ROLE: Readonly<Record<Role, readonly Scope[]>> = {
  student: ['progress:read', 'progress:write'],
  advisor: ['mentees:read'],
  admin: ['progress:read', 'progress:write', 'mentees:read', 'admin'],
}

/** Scopes given when a token is created without naming any. */
export const DEFAULT_SCOPES: Readonly<Record<Role, readonly Scope[]>> = SCOPES_BY_ROLE
