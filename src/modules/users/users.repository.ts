import { and, eq, isNull, sql } from 'drizzle-orm'
import { type Db, queryRowsPrepared, type Tx } from '../../db/client.js'
import { generateToken, hashToken } from './tokens.js'
import { apiTokens, type Role, type Scope, users } from './users.table.js'

const userColumns = {
  id: users.id,
  role: users.role,
  name: users.name,
  email: users.email,
  timezone: users.timezone,
  createdAt: users.createdAt,
}
export type UserRow = {
  id: string
  role: Role
  name: string
  email: string
  timezone: string
  createdAt: Date
}

export interface Caller {
  userId: string
  role: Role
  name: string
  timezone: string
  tokenId: string
  scopes: Scope[]
}

export async function insertUser(
  db: Db | Tx,
  input: { role: Role; name: string; email: string; timezone?: string | undefined },
): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({ role: input.role, name: input.name, email: input.email, timezone: input.timezone ?? 'UTC' })
    .onConflictDoNothing()
    .returning(userColumns)
  return row
}

export async function findUser(db: Db | Tx, userId: string): Promise<UserRow | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, userId))
  return row
}

export async function findUserByEmail(db: Db | Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
  return row
}

const tokenColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  scopes: apiTokens.scopes,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
}

/** Creates a token and returns its secret: the only time the secret exists outside the client. */
export async function insertToken(
  db: Db | Tx,
  input: { userId: string; name: string; scopes: readonly Scope[]; secret?: string },
) {
  const secret = input.secret ?? generateToken()
  const [row] = await db
    .insert(apiTokens)
    .values({
      userId: input.userId,
      name: input.name,
      scopes: [...input.scopes],
      tokenHash: hashToken(secret),
    })
    .returning(tokenColumns)
  if (!row) throw new Error('token insert returned no row')
  return { ...row, token: secret }
}

export async function listTokens(db: Db | Tx, userId: string) {
  return db
    .select(tokenColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(apiTokens.createdAt)
}

export async function findToken(db: Db | Tx, tokenId: string) {
  const [row] = await db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, tokenId))
  return row
}

/**
 * Resolves a bearer secret to its caller with one indexed lookup on every request. No cache:
 * a revoked token must stop working at once, in every process.
 */
export async function findCallerByToken(db: Db, secret: string): Promise<Caller | undefined> {
  // Prepared: every authenticated request starts with it.
  const [row] = await queryRowsPrepared<Caller>(
    db,
    'caller_by_token',
    sql`select u.id as "userId", u.role, u.name, u.timezone, t.id as "tokenId", t.scopes
        from api_tokens t join users u on u.id = t.user_id
        where t.token_hash = ${hashToken(secret)} and t.revoked_at is null`,
  )
  return row
}

/** Marks a token revoked; revoking twice is harmless. */
export async function revokeToken(db: Db | Tx, tokenId: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
}

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@step2-progress.local'

/**
 * Makes ADMIN_TOKEN a working admin token. Safe to run from many processes at once (unique
 * email and token hash), and a token once revoked stays revoked: rotate by setting a new value.
 */
export async function ensureBootstrapAdmin(db: Db, secret: string): Promise<{ userId: string }> {
  return db.transaction(async (tx) => {
    await tx
      .insert(users)
      .values({ role: 'admin', name: 'Bootstrap admin', email: BOOTSTRAP_ADMIN_EMAIL })
      .onConflictDoNothing()
    const admin = await findUserByEmail(tx, BOOTSTRAP_ADMIN_EMAIL)
    if (!admin) throw new Error('bootstrap admin missing after insert')
    await tx
      .insert(apiTokens)
      .values({
        userId: admin.id,
        name: 'ADMIN_TOKEN',
        scopes: ['progress:read', 'progress:write', 'mentees:read', 'admin'],
        tokenHash: hashToken(secret),
      })
      .onConflictDoNothing()
    return { userId: admin.id }
  })
}
