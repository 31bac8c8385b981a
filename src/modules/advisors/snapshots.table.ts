import { bigint, date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

/**
 * A mentee's dashboard figures as the analytics engine last computed them: valid while the
 * student's day (`asOf`), data version (student_data_versions) and engine key (thresholds and
 * code version) are still the same. Shared by every advisor of the student and every API process;
 * a stale or missing row is recomputed on the next dashboard read.
 */
export const menteeSnapshots = pgTable('mentee_snapshots', {
  studentId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  asOf: date({ mode: 'string' }).notNull(),
  dataVersion: bigint({ mode: 'number' }).notNull(),
  engineKey: text().notNull(),
  figures: jsonb().notNull(),
  computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
