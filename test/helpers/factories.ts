import { randomUUID } from 'node:crypto'
import type { Db } from '../../src/db/client.js'
import { insertToken, insertUser } from '../../src/modules/users/users.repository.js'
import type { Role, Scope } from '../../src/modules/users/users.table.js'
import { SCOPES_BY_ROLE } from '../../src/modules/users/tokens.js'

export interface TestUser {
  id: string
  role: Role
  name: string
  email: string
  token: string
  tokenId: string
  auth: { Authorization: string }
}

/** A user with a token; each test makes its own (no shared seed ids). */
export async function createUser(
  db: Db,
  role: Role,
  { scopes, timezone, name }: { scopes?: Scope[]; timezone?: string; name?: string } = {},
): Promise<TestUser> {
  const email = `${role}-${randomUUID()}@example.test`
  const user = await insertUser(db, { role, name: name ?? `Test ${role}`, email, timezone })
  if (!user) throw new Error('user insert failed')
  const token = await insertToken(db, {
    userId: user.id,
    name: 'test',
    scopes: scopes ?? [...SCOPES_BY_ROLE[role]],
  })
  return {
    id: user.id,
    role,
    name: user.name,
    email,
    token: token.token,
    tokenId: token.id,
    auth: { Authorization: `Bearer ${token.token}` },
  }
}

export const createStudent = (db: Db, opts?: Parameters<typeof createUser>[2]) =>
  createUser(db, 'student', opts)
export const createAdvisor = (db: Db, opts?: Parameters<typeof createUser>[2]) =>
  createUser(db, 'advisor', opts)
export const createAdmin = (db: Db, opts?: Parameters<typeof createUser>[2]) => createUser(db, 'admin', opts)
