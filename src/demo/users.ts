import type { Db } from '../db/client.js'
import { SCOPES_BY_ROLE } from '../modules/users/tokens.js'
import { insertToken, insertUser } from '../modules/users/users.repository.js'
import type { Role } from '../modules/users/users.table.js'

export interface SeededUser {
  id: string
  role: Role
  name: string
  email: string
  timezone: string
  /** Bearer secret of the user's token (random: shown once, stored hashed). */
  token: string
}

/** A user with one token carrying the role's scopes, through the users repository. */
export async function createUserWithToken(
  db: Db,
  input: { role: Role; name: string; email: string; timezone: string; tokenName?: string },
): Promise<SeededUser> {
  const user = await insertUser(db, input)
  if (!user) throw new Error(`a user with email ${input.email} already exists`)
  const token = await insertToken(db, {
    userId: user.id,
    name: input.tokenName ?? 'demo',
    scopes: SCOPES_BY_ROLE[input.role],
  })
  return {
    id: user.id,
    role: input.role,
    name: user.name,
    email: user.email,
    timezone: user.timezone,
    token: token.token,
  }
}
