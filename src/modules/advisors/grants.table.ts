import { index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

/**
 * A student's grant of read access to an advisor. The row exists exactly while access is
 * granted; every request checks it, so a revocation takes effect on the next request.
 */
export const advisorGrants = pgTable(
  'advisor_grants',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    advisorId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.advisorId] }),
    // The dashboard lists an advisor's mentees.
    index('advisor_grants_advisor_idx').on(t.advisorId, t.studentId),
  ],
)
