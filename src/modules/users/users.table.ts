import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const ROLES = ['student', 'advisor', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const SCOPES = ['progress:read', 'progress:write', 'mentees:read', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    role: text().$type<Role>().notNull(),
    name: text().notNull(),
    email: text().notNull(),
    timezone: text().notNull().default('UTC'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('users_role_check', sql`${t.role} in ('student', 'advisor', 'admin')`),
    check('users_name_check', sql`length(${t.name}) between 1 and 200`),
    // Emails are compared case-insensitively: one person, one account.
    uniqueIndex('users_email_unique').on(sql`lower(${t.email})`),
  ],
)

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    // SHA-256 of the secret: tokens are 256-bit random, so a fast hash is enough and lookups stay O(1).
    tokenHash: text().notNull(),
    scopes: text().array().$type<Scope[]>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_unique').on(t.tokenHash),
    index('api_tokens_user_id_idx').on(t.userId),
    check(
      'api_tokens_scopes_check',
      sql`${t.scopes} <@ array['progress:read', 'progress:write', 'mentees:read', 'admin']::text[]`,
    ),
  ],
)
