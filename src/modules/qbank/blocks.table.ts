import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

export const PASSES = ['first', 'review'] as const
export const SELECTIONS = ['random', 'subject'] as const

/** A logged Qbank block. Soft-deleted (deletedAt) so syncing apps see tombstones. */
export const blocks = pgTable(
  'blocks',
  {
    id: uuid().primaryKey().defaultRandom(),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text().notNull(),
    externalId: text(),
    takenAt: timestamp({ withTimezone: true }).notNull(),
    questionCount: integer().notNull(),
    correctCount: integer().notNull(),
    newQuestionCount: integer().notNull(),
    pass: text().$type<(typeof PASSES)[number]>().notNull(),
    timed: boolean().notNull(),
    selection: text().$type<(typeof SELECTIONS)[number]>().notNull(),
    durationMinutes: integer(),
    reviewMinutes: integer(),
    mistakesKnowledge: integer(),
    mistakesMisread: integer(),
    mistakesTiming: integer(),
    topics: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // Lists and analytics walk one student's blocks in time order.
    index('blocks_student_taken_idx').on(t.studentId, t.takenAt, t.id),
    // Sync: "what changed since" per student.
    index('blocks_student_updated_idx').on(t.studentId, t.updatedAt),
    // First and last day each Qbank was used (analytics): two index probes per source.
    index('blocks_student_source_taken_idx')
      .on(t.studentId, t.source, t.takenAt)
      .where(sql`${t.deletedAt} is null`),
    // One record per (student, source, externalId): re-posting updates it.
    uniqueIndex('blocks_external_id_unique')
      .on(t.studentId, t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    check('blocks_source_check', sql`${t.source} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`),
    check('blocks_pass_check', sql`${t.pass} in ('first', 'review')`),
    check('blocks_selection_check', sql`${t.selection} in ('random', 'subject')`),
    check('blocks_question_count_check', sql`${t.questionCount} between 1 and 1000`),
    check('blocks_correct_count_check', sql`${t.correctCount} between 0 and ${t.questionCount}`),
    check('blocks_new_count_check', sql`${t.newQuestionCount} between 0 and ${t.questionCount}`),
    check('blocks_duration_check', sql`${t.durationMinutes} between 1 and 1440`),
    check('blocks_review_minutes_check', sql`${t.reviewMinutes} between 0 and 1440`),
    check(
      'blocks_mistakes_check',
      sql`coalesce(${t.mistakesKnowledge}, 0) >= 0 and coalesce(${t.mistakesMisread}, 0) >= 0 and coalesce(${t.mistakesTiming}, 0) >= 0
        and coalesce(${t.mistakesKnowledge}, 0) + coalesce(${t.mistakesMisread}, 0) + coalesce(${t.mistakesTiming}, 0)
          <= ${t.questionCount} - ${t.correctCount}`,
    ),
    check('blocks_external_id_check', sql`length(${t.externalId}) between 1 and 200`),
    check('blocks_note_check', sql`length(${t.note}) <= 5000`),
  ],
)

/**
 * Per-block, per-system results: a child table so per-system sums over years of history are
 * one indexed aggregate. student_id is repeated here so that aggregate needs no join to filter.
 */
export const blockSystems = pgTable(
  'block_systems',
  {
    blockId: uuid()
      .notNull()
      .references(() => blocks.id, { onDelete: 'cascade' }),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    system: text().notNull(),
    total: integer().notNull(),
    correct: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockId, t.system] }),
    index('block_systems_student_system_idx').on(t.studentId, t.system),
    check('block_systems_counts_check', sql`${t.total} >= 1 and ${t.correct} between 0 and ${t.total}`),
  ],
)

export const blockSubjects = pgTable(
  'block_subjects',
  {
    blockId: uuid()
      .notNull()
      .references(() => blocks.id, { onDelete: 'cascade' }),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subject: text().notNull(),
    total: integer().notNull(),
    correct: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockId, t.subject] }),
    index('block_subjects_student_subject_idx').on(t.studentId, t.subject),
    check('block_subjects_counts_check', sql`${t.total} >= 1 and ${t.correct} between 0 and ${t.total}`),
  ],
)

/**
 * Running per-student sums of live (not deleted) blocks, so analytics reads a few rows per student
 * instead of summing years of history: per Qbank source and per topic tag (from the blocks), per
 * system and per subject (from the breakdown rows). Kept exact by the triggers of migration 0005 on
 * every insert, update and delete of blocks and breakdown rows, never by application code, so no
 * write path can forget them; test/integration/running-totals.test.ts holds them to the rows.
 *
 * Each row is one of up to TOTALS_SHARDS stripes of a sum; readers add the stripes up. A writing
 * transaction adds its changes (negative for a deletion) to the first stripe of the student whose
 * advisory lock it can take at once (totals_shard_for), so concurrent writes of one student never
 * wait on each other's rows, and a student written one transaction at a time keeps one stripe.
 * A stripe alone may be negative (a deletion counted in another stripe than the insertion); the
 * sum never is.
 */
export const TOTALS_SHARDS = 16
const shardCheck = (shard: AnyPgColumn) => sql`${shard} between 0 and ${sql.raw(String(TOTALS_SHARDS - 1))}`

export const studentSourceTotals = pgTable(
  'student_source_totals',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text().notNull(),
    shard: smallint().notNull(),
    blocks: integer().notNull(),
    questions: integer().notNull(),
    correct: integer().notNull(),
    newQuestions: integer().notNull(),
    firstPassQuestions: integer().notNull(),
    firstPassCorrect: integer().notNull(),
    reviewQuestions: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.source, t.shard] }),
    check(
      'student_source_totals_check',
      sql`${shardCheck(t.shard)} and ${t.firstPassQuestions} + ${t.reviewQuestions} = ${t.questions}`,
    ),
  ],
)

export const studentTopicTotals = pgTable(
  'student_topic_totals',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    topic: text().notNull(),
    shard: smallint().notNull(),
    attempted: integer().notNull(),
    correct: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.topic, t.shard] }),
    check('student_topic_totals_check', shardCheck(t.shard)),
  ],
)

/** Per-system and per-subject sums of the breakdown rows of live blocks (see TOTALS_SHARDS). */

export const studentSystemTotals = pgTable(
  'student_system_totals',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    system: text().notNull(),
    shard: smallint().notNull(),
    attempted: integer().notNull(),
    correct: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.system, t.shard] }),
    check('student_system_totals_check', shardCheck(t.shard)),
  ],
)

export const studentSubjectTotals = pgTable(
  'student_subject_totals',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subject: text().notNull(),
    shard: smallint().notNull(),
    attempted: integer().notNull(),
    correct: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.subject, t.shard] }),
    check('student_subject_totals_check', shardCheck(t.shard)),
  ],
)
