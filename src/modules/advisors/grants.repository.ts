import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { users } from '../users/users.table.js'
import { advisorGrants } from './grants.table.js'

/** The grant, with the student's time zone (the access check needs both in one query). */
export async function findGrant(
  db: Db | Tx,
  { studentId, advisorId }: { studentId: string; advisorId: string },
) {
  const [row] = await db
    .select({ timezone: users.timezone, createdAt: advisorGrants.createdAt })
    .from(advisorGrants)
    .innerJoin(users, and(eq(users.id, advisorGrants.studentId), eq(users.role, 'student')))
    .where(and(eq(advisorGrants.studentId, studentId), eq(advisorGrants.advisorId, advisorId)))
  return row
}

export async function listGrants(db: Db | Tx, studentId: string) {
  return db
    .select({ advisorId: users.id, name: users.name, email: users.email, grantedAt: advisorGrants.createdAt })
    .from(advisorGrants)
    .innerJoin(users, eq(users.id, advisorGrants.advisorId))
    .where(eq(advisorGrants.studentId, studentId))
    .orderBy(asc(advisorGrants.createdAt), asc(users.id))
}

/** Grants access; `created` is false when it already existed (granting twice is harmless). */
export async function insertGrant(
  tx: Tx,
  { studentId, advisorId }: { studentId: string; advisorId: string },
) {
  const [row] = await tx
    .insert(advisorGrants)
    .values({ studentId, advisorId })
    .onConflictDoUpdate({
      target: [advisorGrants.studentId, advisorGrants.advisorId],
      set: { createdAt: sql`${advisorGrants.createdAt}` },
    })
    .returning({ created: sql<boolean>`(xmax = 0)`, grantedAt: advisorGrants.createdAt })
  if (!row) throw new Error('grant upsert returned no row')
  return row
}

export async function deleteGrant(
  tx: Tx,
  { studentId, advisorId }: { studentId: string; advisorId: string },
) {
  const deleted = await tx
    .delete(advisorGrants)
    .where(and(eq(advisorGrants.studentId, studentId), eq(advisorGrants.advisorId, advisorId)))
    .returning({ advisorId: advisorGrants.advisorId })
  return deleted.length > 0
}
