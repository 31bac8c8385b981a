import { sql } from 'drizzle-orm'
import {
  check,
  date,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

export const STUDY_MODES = ['dedicated', 'part_time'] as const
export type StudyMode = (typeof STUDY_MODES)[number]

/** One row per student; created lazily on first PATCH (GET answers defaults before that). */
export const studentProfiles = pgTable(
  'student_profiles',
  {
    studentId: uuid()
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    prepStartDate: date({ mode: 'string' }),
    examDate: date({ mode: 'string' }),
    erasSubmissionDate: date({ mode: 'string' }),
    targetScore: smallint(),
    examScore: smallint(),
    studyMode: text().$type<StudyMode>().notNull().default('dedicated'),
    studyDaysPerWeek: smallint().notNull().default(6),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('student_profiles_study_mode_check', sql`${t.studyMode} in ('dedicated', 'part_time')`),
    check('student_profiles_study_days_check', sql`${t.studyDaysPerWeek} between 1 and 7`),
    check('student_profiles_target_score_check', sql`${t.targetScore} between 1 and 300`),
    check('student_profiles_exam_score_check', sql`${t.examScore} between 1 and 300`),
    check('student_profiles_exam_after_start_check', sql`${t.examDate} > ${t.prepStartDate}`),
  ],
)

/** Question-bank sizes a student set; UWorld falls back to the reference total when absent. */
export const studentQbanks = pgTable(
  'student_qbanks',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text().notNull(),
    totalQuestions: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.source] }),
    check('student_qbanks_total_check', sql`${t.totalQuestions} > 0`),
    check('student_qbanks_source_check', sql`${t.source} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`),
  ],
)
