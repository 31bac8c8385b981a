import { and, asc, desc, eq, gt, inArray, lt, or } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import type { EventType } from '../sync/outbox.js'
import { decodeCursor, encodeCursor } from '../sync/pagination.js'
import { outboxEvents } from '../sync/sync.tables.js'
import { users } from '../users/users.table.js'
import type { Checkin } from './checkins.schemas.js'
import { checkins } from './checkins.table.js'
import type { CheckinSummary } from './summary.js'

const checkinColumns = {
  id: checkins.id,
  studentId: checkins.studentId,
  weekStart: checkins.weekStart,
  weekEnd: checkins.weekEnd,
  summary: checkins.summary,
  createdAt: checkins.createdAt,
}

type CheckinRow = Pick<typeof checkins.$inferSelect, keyof typeof checkinColumns>

function toCheckin(row: CheckinRow): Checkin {
  return {
    id: row.id,
    studentId: row.studentId,
    weekStart: row.weekStart,
    weekEnd: row.weekEnd,
    // Written by insertCheckins from a CheckinSummary; never edited afterwards.
    ...(row.summary as unknown as CheckinSummary),
    createdAt: row.createdAt.toISOString(),
  }
}

export async function findCheckin(
  db: Db | Tx,
  { studentId, checkinId }: { studentId: string; checkinId: string },
): Promise<Checkin | undefined> {
  const [row] = await db
    .select(checkinColumns)
    .from(checkins)
    .where(and(eq(checkins.id, checkinId), eq(checkins.studentId, studentId)))
  return row ? toCheckin(row) : undefined
}

/** Newest week first, keyset-paginated on (weekStart, id) (the unique index serves it). */
export async function listCheckins(
  db: Db | Tx,
  { studentId, query }: { studentId: string; query: { limit: number; cursor?: string | undefined } },
): Promise<{ data: Checkin[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined
  const rows = await db
    .select(checkinColumns)
    .from(checkins)
    .where(
      and(
        eq(checkins.studentId, studentId),
        after
          ? or(
              lt(checkins.weekStart, after.sortValue),
              and(eq(checkins.weekStart, after.sortValue), lt(checkins.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(checkins.weekStart), desc(checkins.id))
    .limit(query.limit + 1)
  const pageRows = rows.slice(0, query.limit)
  const last = pageRows[pageRows.length - 1]
  return {
    data: pageRows.map(toCheckin),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.weekStart, last.id) : null,
  }
}

export interface StudentRef {
  id: string
  timezone: string
  createdAt: Date
}

/** One page of students in id order (keyset), optionally only some of them. */
export async function studentsPage(
  db: Db,
  { afterId, limit, only }: { afterId: string | null; limit: number; only?: readonly string[] | undefined },
): Promise<StudentRef[]> {
  return db
    .select({ id: users.id, timezone: users.timezone, createdAt: users.createdAt })
    .from(users)
    .where(
      and(
        eq(users.role, 'student'),
        afterId ? gt(users.id, afterId) : undefined,
        only ? inArray(users.id, [...only]) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(limit)
}

/** The (student, weekStart) pairs among these that already have a check-in, as `${studentId}/${weekStart}`. */
export async function existingCheckins(
  db: Db,
  wanted: readonly { studentId: string; weekStart: string }[],
): Promise<Set<string>> {
  if (wanted.length === 0) return new Set()
  const rows = await db
    .select({ studentId: checkins.studentId, weekStart: checkins.weekStart })
    .from(checkins)
    .where(
      and(
        inArray(checkins.studentId, [...new Set(wanted.map((w) => w.studentId))]),
        inArray(checkins.weekStart, [...new Set(wanted.map((w) => w.weekStart))]),
      ),
    )
  return new Set(rows.map((r) => `${r.studentId}/${r.weekStart}`))
}

export interface NewCheckin {
  studentId: string
  weekStart: string
  weekEnd: string
  summary: CheckinSummary
}

/**
 * Inserts the check-ins that do not exist yet and, in the same transaction, one `checkin.created`
 * outbox event per row actually inserted: a rerun, or a concurrent worker, finds the unique
 * (student_id, week_start) index taken and writes neither. Returns how many were inserted.
 */
export async function insertCheckins(db: Db, rows: readonly NewCheckin[]): Promise<number> {
  if (rows.length === 0) return 0
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(checkins)
      .values(
        rows.map((r) => ({
          studentId: r.studentId,
          weekStart: r.weekStart,
          weekEnd: r.weekEnd,
          summary: r.summary as unknown as Record<string, unknown>,
        })),
      )
      .onConflictDoNothing({ target: [checkins.studentId, checkins.weekStart] })
      .returning({
        id: checkins.id,
        studentId: checkins.studentId,
        weekStart: checkins.weekStart,
        weekEnd: checkins.weekEnd,
      })
    if (inserted.length > 0) {
      const flagsOf = new Map(rows.map((r) => [`${r.studentId}/${r.weekStart}`, r.summary.flags]))
      // One multi-row insert (what recordEvent does, per row), so a page of 500 is one statement.
      await tx.insert(outboxEvents).values(
        inserted.map((c) => ({
          type: 'checkin.created' satisfies EventType,
          studentId: c.studentId,
          resourceId: c.id,
          payload: {
            studentId: c.studentId,
            checkinId: c.id,
            weekStart: c.weekStart,
            weekEnd: c.weekEnd,
            flags: flagsOf.get(`${c.studentId}/${c.weekStart}`) ?? [],
          },
        })),
      )
    }
    return inserted.length
  })
}
