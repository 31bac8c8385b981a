import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  index,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

export interface AssessmentSystemRow {
  system: string
  level: 'system' | 'outline'
  percentCorrect: number
}

/** Forms that always report a 3-digit score (reference-data.md); the database holds this too. */
export const SCORED_FORMS_SQL = sql.raw(
  `('nbme-9','nbme-10','nbme-11','nbme-12','nbme-13','nbme-14','nbme-15','uwsa-1','uwsa-2','amboss-sa')`,
)

export const assessments = pgTable(
  'assessments',
  {
    id: uuid().primaryKey().defaultRandom(),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text().notNull().default('manual'),
    externalId: text(),
    form: text().notNull(),
    label: text(),
    takenAt: timestamp({ withTimezone: true }).notNull(),
    score: smallint(),
    percentCorrect: numeric({ precision: 4, scale: 1, mode: 'number' }),
    examConditions: boolean().notNull().default(false),
    // A handful of rows read with the assessment; never aggregated across history.
    systems: jsonb().$type<AssessmentSystemRow[]>(),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('assessments_student_taken_idx').on(t.studentId, t.takenAt, t.id),
    index('assessments_student_updated_idx').on(t.studentId, t.updatedAt),
    uniqueIndex('assessments_external_id_unique')
      .on(t.studentId, t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    check('assessments_source_check', sql`${t.source} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`),
    check(
      'assessments_form_check',
      sql`${t.form} ~ '^(nbme-(9|1[0-5])|uwsa-[12]|amboss-sa|free-120|other)$'`,
    ),
    check('assessments_score_check', sql`${t.score} between 1 and 300`),
    check('assessments_percent_check', sql`${t.percentCorrect} between 0 and 100`),
    check('assessments_result_check', sql`${t.score} is not null or ${t.percentCorrect} is not null`),
    check(
      'assessments_scored_form_check',
      sql`${t.form} not in ${SCORED_FORMS_SQL} or ${t.score} is not null`,
    ),
    check('assessments_free120_check', sql`${t.form} <> 'free-120' or ${t.score} is null`),
    check('assessments_label_check', sql`length(${t.label}) between 1 and 200`),
    check('assessments_external_id_check', sql`length(${t.externalId}) between 1 and 200`),
    check('assessments_note_check', sql`length(${t.note}) <= 5000`),
  ],
)
