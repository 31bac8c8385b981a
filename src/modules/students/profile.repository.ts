import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { UWORLD_TOTAL_QUESTIONS } from '../../reference/systems.js'
import { users } from '../users/users.table.js'
import type { StudyMode } from './profiles.table.js'
import { studentProfiles, studentQbanks } from './profiles.table.js'

export interface ProfileRow {
  studentId: string
  name: string
  timezone: string
  prepStartDate: string | null
  examDate: string | null
  erasSubmissionDate: string | null
  targetScore: number | null
  examScore: number | null
  studyMode: StudyMode
  studyDaysPerWeek: number
  updatedAt: Date | null
  qbanks: Record<string, { totalQuestions: number; isDefault: boolean }>
}

/** The profile with defaults filled in (a student without a PATCH yet still has one). */
export async function findProfile(db: Db | Tx, studentId: string): Promise<ProfileRow | undefined> {
  const [row] = await db
    .select({
      studentId: users.id,
      name: users.name,
      timezone: users.timezone,
      prepStartDate: studentProfiles.prepStartDate,
      examDate: studentProfiles.examDate,
      erasSubmissionDate: studentProfiles.erasSubmissionDate,
      targetScore: studentProfiles.targetScore,
      examScore: studentProfiles.examScore,
      studyMode: sql<StudyMode>`coalesce(${studentProfiles.studyMode}, 'dedicated')`,
      studyDaysPerWeek: sql<number>`coalesce(${studentProfiles.studyDaysPerWeek}, 6)::int`,
      updatedAt: studentProfiles.updatedAt,
      qbanks: sql<{ source: string; totalQuestions: number }[]>`coalesce((
        select json_agg(json_build_object('source', q.source, 'totalQuestions', q.total_questions) order by q.source)
        from ${studentQbanks} q where q.student_id = ${users.id}), '[]'::json)`,
    })
    .from(users)
    .leftJoin(studentProfiles, eq(studentProfiles.studentId, users.id))
    .where(and(eq(users.id, studentId), eq(users.role, 'student')))
  if (!row) return undefined
  const qbanks: ProfileRow['qbanks'] = { uworld: { totalQuestions: UWORLD_TOTAL_QUESTIONS, isDefault: true } }
  for (const q of row.qbanks) qbanks[q.source] = { totalQuestions: q.totalQuestions, isDefault: false }
  return { ...row, qbanks }
}

export interface ProfileChanges {
  timezone?: string
  fields: {
    prepStartDate: string | null
    examDate: string | null
    erasSubmissionDate: string | null
    targetScore: number | null
    examScore: number | null
    studyMode: StudyMode
    studyDaysPerWeek: number
  }
  qbanks?: Record<string, { totalQuestions: number } | null>
}

/** Writes the merged profile, its time zone and bank sizes in one transaction. */
export async function saveProfile(tx: Tx, studentId: string, changes: ProfileChanges): Promise<void> {
  if (changes.timezone !== undefined)
    await tx
      .update(users)
      .set({ timezone: changes.timezone, updatedAt: sql`now()` })
      .where(eq(users.id, studentId))
  await tx
    .insert(studentProfiles)
    .values({ studentId, ...changes.fields })
    .onConflictDoUpdate({
      target: studentProfiles.studentId,
      set: { ...changes.fields, updatedAt: sql`now()` },
    })
  const entries = Object.entries(changes.qbanks ?? {})
  const removed = entries.filter(([, v]) => v === null).map(([source]) => source)
  const upserts = entries.flatMap(([source, v]) =>
    v ? [{ studentId, source, totalQuestions: v.totalQuestions }] : [],
  )
  if (removed.length > 0)
    await tx
      .delete(studentQbanks)
      .where(and(eq(studentQbanks.studentId, studentId), inArray(studentQbanks.source, removed)))
  if (upserts.length > 0)
    await tx
      .insert(studentQbanks)
      .values(upserts)
      .onConflictDoUpdate({
        target: [studentQbanks.studentId, studentQbanks.source],
        set: { totalQuestions: sql`excluded.total_questions` },
      })
}

/** Locks the student's row so concurrent PATCHes merge one after the other. */
export async function lockStudent(tx: Tx, studentId: string): Promise<void> {
  await tx.execute(sql`select 1 from ${users} where ${users.id} = ${studentId} for update`)
}
