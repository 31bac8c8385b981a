import { sql } from 'drizzle-orm'
import {
  check,
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

export const ACTIVITY_TYPES = [
  'content_review',
  'explanation_review',
  'anki',
  'simulation_day',
  'video',
] as const
export type ActivityType = (typeof ACTIVITY_TYPES)[number]

export const activities = pgTable(
  'activities',
  {
    id: uuid().primaryKey().defaultRandom(),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text().notNull().default('manual'),
    externalId: text(),
    type: text().$type<ActivityType>().notNull(),
    /** The student's local calendar date of the activity. */
    date: date({ mode: 'string' }).notNull(),
    minutes: integer().notNull(),
    systems: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    blocks: smallint(),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('activities_student_date_idx').on(t.studentId, t.date, t.id),
    index('activities_student_updated_idx').on(t.studentId, t.updatedAt),
    uniqueIndex('activities_external_id_unique')
      .on(t.studentId, t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    check('activities_source_check', sql`${t.source} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`),
    check(
      'activities_type_check',
      sql`${t.type} in ('content_review', 'explanation_review', 'anki', 'simulation_day', 'video')`,
    ),
    check('activities_minutes_check', sql`${t.minutes} between 1 and 1440`),
    check(
      'activities_blocks_check',
      sql`${t.blocks} between 1 and 12 and ${t.type} = 'simulation_day' or ${t.blocks} is null`,
    ),
    check('activities_external_id_check', sql`length(${t.externalId}) between 1 and 200`),
    check('activities_note_check', sql`length(${t.note}) <= 5000`),
  ],
)
