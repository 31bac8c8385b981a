import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { decodeCursor, encodeCursor, type ListQuery } from '../sync/pagination.js'
import type { Assessment } from './assessments.schemas.js'
import { assessments } from './assessments.table.js'
import type { NormalizedAssessment } from './assessments.validation.js'

const assessmentColumns = {
  id: assessments.id,
  studentId: assessments.studentId,
  source: assessments.source,
  externalId: assessments.externalId,
  form: assessments.form,
  label: assessments.label,
  takenAt: assessments.takenAt,
  score: assessments.score,
  percentCorrect: assessments.percentCorrect,
  examConditions: assessments.examConditions,
  systems: assessments.systems,
  note: assessments.note,
  createdAt: assessments.createdAt,
  updatedAt: assessments.updatedAt,
  deletedAt: assessments.deletedAt,
}

type AssessmentRow = Pick<typeof assessments.$inferSelect, keyof typeof assessmentColumns>

function toAssessment(row: AssessmentRow): Assessment {
  return {
    id: row.id,
    studentId: row.studentId,
    source: row.source,
    externalId: row.externalId,
    form: row.form,
    label: row.label,
    takenAt: row.takenAt.toISOString(),
    score: row.score,
    // numeric arrives as a string from some drivers; mode 'number' converts, Number() makes sure.
    percentCorrect: row.percentCorrect === null ? null : Number(row.percentCorrect),
    examConditions: row.examConditions,
    systems: (row.systems ?? []).map((s) => ({
      system: s.system,
      level: s.level,
      percentCorrect: s.percentCorrect,
    })),
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  }
}

const scoped = (studentId: string, assessmentId: string) =>
  and(eq(assessments.id, assessmentId), eq(assessments.studentId, studentId))

export async function findAssessment(
  db: Db | Tx,
  { studentId, assessmentId }: { studentId: string; assessmentId: string },
) {
  const [row] = await db
    .select(assessmentColumns)
    .from(assessments)
    .where(and(scoped(studentId, assessmentId), isNull(assessments.deletedAt)))
  return row ? toAssessment(row) : undefined
}

/** The stored form of an assessment, locked, for PATCH to merge into. */
export async function findAssessmentForUpdate(
  tx: Tx,
  { studentId, assessmentId }: { studentId: string; assessmentId: string },
) {
  const [row] = await tx
    .select(assessmentColumns)
    .from(assessments)
    .where(and(scoped(studentId, assessmentId), isNull(assessments.deletedAt)))
    .for('update')
  return row ? toAssessment(row) : undefined
}

const values = (a: NormalizedAssessment) => ({
  form: a.form,
  label: a.label,
  takenAt: new Date(a.takenAt),
  score: a.score,
  percentCorrect: a.percentCorrect,
  examConditions: a.examConditions,
  systems: a.systems.length > 0 ? a.systems : null,
  note: a.note,
})

/**
 * Inserts an assessment, or with an externalId updates the student's existing (source, externalId)
 * record in one atomic statement (a deleted one is restored). `created` tells which happened.
 */
export async function upsertAssessment(
  tx: Tx,
  studentId: string,
  a: NormalizedAssessment,
): Promise<{ assessmentId: string; created: boolean }> {
  const row = { studentId, source: a.source, externalId: a.externalId, ...values(a) }
  const [result] = a.externalId
    ? await tx
        .insert(assessments)
        .values(row)
        .onConflictDoUpdate({
          target: [assessments.studentId, assessments.source, assessments.externalId],
          targetWhere: sql`${assessments.externalId} is not null`,
          set: { ...values(a), updatedAt: sql`now()`, deletedAt: null },
        })
        // xmax = 0 only for a freshly inserted row version.
        .returning({ assessmentId: assessments.id, created: sql<boolean>`(xmax = 0)` })
    : await tx
        .insert(assessments)
        .values(row)
        .returning({ assessmentId: assessments.id, created: sql<boolean>`true` })
  if (!result) throw new Error('assessment upsert returned no row')
  return result
}

export async function updateAssessment(
  tx: Tx,
  studentId: string,
  assessmentId: string,
  a: NormalizedAssessment,
): Promise<void> {
  await tx
    .update(assessments)
    .set({ ...values(a), updatedAt: sql`now()` })
    .where(scoped(studentId, assessmentId))
}

/** Soft delete: the row stays as a tombstone for syncing clients. Undefined when nothing to delete. */
export async function softDeleteAssessment(tx: Tx, studentId: string, assessmentId: string) {
  const [row] = await tx
    .update(assessments)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(scoped(studentId, assessmentId), isNull(assessments.deletedAt)))
    .returning({
      id: assessments.id,
      externalId: assessments.externalId,
      source: assessments.source,
      form: assessments.form,
    })
  return row
}

/**
 * One page in (takenAt, id) order, keyset-paginated through assessments_student_taken_idx: stable under
 * inserts, O(limit) per page. Day filters use the student's time zone.
 */
export async function listAssessments(
  db: Db,
  {
    studentId,
    timezone,
    query,
  }: { studentId: string; timezone: string; query: ListQuery & { form?: string | undefined } },
): Promise<{ data: Assessment[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(assessments.studentId, studentId)]
  if (!query.includeDeleted) conditions.push(isNull(assessments.deletedAt))
  if (query.form) conditions.push(eq(assessments.form, query.form))
  if (query.updatedAfter) conditions.push(gt(assessments.updatedAt, new Date(query.updatedAfter)))
  if (query.from)
    conditions.push(sql`${assessments.takenAt} >= (${query.from}::date::timestamp at time zone ${timezone})`)
  if (query.to)
    conditions.push(
      sql`${assessments.takenAt} < ((${query.to}::date + 1)::timestamp at time zone ${timezone})`,
    )
  if (query.cursor) {
    const { sortValue, id } = decodeCursor(query.cursor)
    conditions.push(
      sql`(${assessments.takenAt}, ${assessments.id}) > (${sortValue}::timestamptz, ${id}::uuid)`,
    )
  }
  const rows = await db
    .select(assessmentColumns)
    .from(assessments)
    .where(and(...conditions))
    .orderBy(asc(assessments.takenAt), asc(assessments.id))
    .limit(query.limit + 1)
  const data = rows.slice(0, query.limit).map(toAssessment)
  const last = data[data.length - 1]
  return {
    data,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.takenAt, last.id) : null,
  }
}
