import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { decodeCursor, encodeCursor, type ListQuery } from '../sync/pagination.js'
import type { Activity } from './activities.schemas.js'
import { activities, type ActivityType } from './activities.table.js'
import type { NormalizedActivity } from './activities.validation.js'

const activityColumns = {
  id: activities.id,
  studentId: activities.studentId,
  source: activities.source,
  externalId: activities.externalId,
  type: activities.type,
  date: activities.date,
  minutes: activities.minutes,
  systems: activities.systems,
  blocks: activities.blocks,
  note: activities.note,
  createdAt: activities.createdAt,
  updatedAt: activities.updatedAt,
  deletedAt: activities.deletedAt,
}

type ActivityRow = Pick<typeof activities.$inferSelect, keyof typeof activityColumns>

function toActivity(row: ActivityRow): Activity {
  return {
    id: row.id,
    studentId: row.studentId,
    source: row.source,
    externalId: row.externalId,
    type: row.type,
    date: row.date,
    minutes: row.minutes,
    systems: row.systems,
    blocks: row.blocks,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  }
}

const scoped = (studentId: string, activityId: string) =>
  and(eq(activities.id, activityId), eq(activities.studentId, studentId))

export async function findActivity(
  db: Db | Tx,
  { studentId, activityId }: { studentId: string; activityId: string },
) {
  const [row] = await db
    .select(activityColumns)
    .from(activities)
    .where(and(scoped(studentId, activityId), isNull(activities.deletedAt)))
  return row ? toActivity(row) : undefined
}

/** The stored form of an activity, locked, for PATCH to merge into. */
export async function findActivityForUpdate(
  tx: Tx,
  { studentId, activityId }: { studentId: string; activityId: string },
) {
  const [row] = await tx
    .select(activityColumns)
    .from(activities)
    .where(and(scoped(studentId, activityId), isNull(activities.deletedAt)))
    .for('update')
  return row ? toActivity(row) : undefined
}

const values = (a: NormalizedActivity) => ({
  type: a.type,
  date: a.date,
  minutes: a.minutes,
  systems: a.systems,
  blocks: a.blocks,
  note: a.note,
})

/**
 * Inserts an activity, or with an externalId updates the student's existing (source, externalId)
 * record in one atomic statement (a deleted one is restored). `created` tells which happened.
 */
export async function upsertActivity(
  tx: Tx,
  studentId: string,
  a: NormalizedActivity,
): Promise<{ activityId: string; created: boolean }> {
  const row = { studentId, source: a.source, externalId: a.externalId, ...values(a) }
  const [result] = a.externalId
    ? await tx
        .insert(activities)
        .values(row)
        .onConflictDoUpdate({
          target: [activities.studentId, activities.source, activities.externalId],
          targetWhere: sql`${activities.externalId} is not null`,
          set: { ...values(a), updatedAt: sql`now()`, deletedAt: null },
        })
        // xmax = 0 only for a freshly inserted row version.
        .returning({ activityId: activities.id, created: sql<boolean>`(xmax = 0)` })
    : await tx
        .insert(activities)
        .values(row)
        .returning({ activityId: activities.id, created: sql<boolean>`true` })
  if (!result) throw new Error('activity upsert returned no row')
  return result
}

export async function updateActivity(
  tx: Tx,
  studentId: string,
  activityId: string,
  a: NormalizedActivity,
): Promise<void> {
  await tx
    .update(activities)
    .set({ ...values(a), updatedAt: sql`now()` })
    .where(scoped(studentId, activityId))
}

/** Soft delete: the row stays as a tombstone for syncing clients. Undefined when nothing to delete. */
export async function softDeleteActivity(tx: Tx, studentId: string, activityId: string) {
  const [row] = await tx
    .update(activities)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(scoped(studentId, activityId), isNull(activities.deletedAt)))
    .returning({
      id: activities.id,
      externalId: activities.externalId,
      source: activities.source,
      type: activities.type,
      date: activities.date,
    })
  return row
}

/**
 * One page in (date, id) order, keyset-paginated through activities_student_date_idx: stable under
 * inserts, O(limit) per page. The date already is the student's local day, so from/to compare directly.
 */
export async function listActivities(
  db: Db,
  { studentId, query }: { studentId: string; query: ListQuery & { type?: ActivityType | undefined } },
): Promise<{ data: Activity[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(activities.studentId, studentId)]
  if (!query.includeDeleted) conditions.push(isNull(activities.deletedAt))
  if (query.type) conditions.push(eq(activities.type, query.type))
  if (query.updatedAfter) conditions.push(gt(activities.updatedAt, new Date(query.updatedAfter)))
  if (query.from) conditions.push(sql`${activities.date} >= ${query.from}::date`)
  if (query.to) conditions.push(sql`${activities.date} <= ${query.to}::date`)
  if (query.cursor) {
    const { sortValue, id } = decodeCursor(query.cursor)
    conditions.push(sql`(${activities.date}, ${activities.id}) > (${sortValue}::date, ${id}::uuid)`)
  }
  const rows = await db
    .select(activityColumns)
    .from(activities)
    .where(and(...conditions))
    .orderBy(asc(activities.date), asc(activities.id))
    .limit(query.limit + 1)
  const data = rows.slice(0, query.limit).map(toActivity)
  const last = data[data.length - 1]
  return { data, nextCursor: rows.length > query.limit && last ? encodeCursor(last.date, last.id) : null }
}
