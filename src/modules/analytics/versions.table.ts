import { sql } from 'drizzle-orm'
import { bigint, check, pgTable, primaryKey, smallint, uuid } from 'drizzle-orm/pg-core'
import { TOTALS_SHARDS } from '../qbank/blocks.table.js'
import { users } from '../users/users.table.js'

/**
 * A counter per student that every committed write of anything the analytics engine reads (blocks,
 * their breakdown rows, assessments, activities, profile, Qbank sizes, the time zone) increases,
 * kept by triggers (migration 0007). Its sum over the stripes only ever grows, so a result computed
 * from a snapshot that read sum V is current exactly while the sum is still V. Striped like the
 * running totals (same stripe, same advisory lock), so concurrent writes of one student never
 * queue on one counter row.
 */
export const studentDataVersions = pgTable(
  'student_data_versions',
  {
    studentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    shard: smallint().notNull(),
    version: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.shard] }),
    check(
      'student_data_versions_check',
      sql`${t.shard} between 0 and ${sql.raw(String(TOTALS_SHARDS - 1))} and ${t.version} >= 1`,
    ),
  ],
)
