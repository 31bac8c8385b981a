import { sql } from 'drizzle-orm'
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../users/users.table.js'

/**
 * Transactional outbox: every data change writes its event here in the same transaction, so an
 * event exists exactly when the change does. The webhooks worker delivers and marks them.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    eventId: uuid().notNull().defaultRandom().unique(),
    type: text().notNull(),
    studentId: uuid().references(() => users.id, { onDelete: 'cascade' }),
    resourceId: uuid(),
    payload: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('outbox_events_pending_idx')
      .on(t.id)
      .where(sql`${t.dispatchedAt} is null`),
    index('outbox_events_student_idx').on(t.studentId, t.id),
  ],
)

/**
 * Idempotency-Key records, scoped to the calling user. The response is stored in the same
 * transaction as the write it answers, so a replay can never disagree with the data.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text().notNull(),
    requestHash: text().notNull(),
    lockedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    responseStatus: integer(),
    responseBody: jsonb(),
    completedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
)
