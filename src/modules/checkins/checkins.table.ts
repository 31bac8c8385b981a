import { date, index, jsonb, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

/**
 * One weekly check-in per student and Monday–Sunday week (guide-rules.md §4). The unique index
 * makes reruns and concurrent workers harmless: the second insert finds the first.
 */
export const checkins = pgTable(
  'checkins',
  {
    id: uuid().primaryKey().defaultRandom(),
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    weekStart: date({ mode: 'string' }).notNull(),
    weekEnd: date({ mode: 'string' }).notNull(),
    /** The check-in body as served (questions, percentages, flags, recommendations, …). */
    summary: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('checkins_student_week_unique').on(t.studentId, t.weekStart),
    index('checkins_week_idx').on(t.weekStart),
  ],
)
