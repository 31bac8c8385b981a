// Housekeeping of the tables that only grow: what each keeps, and for how long, lives here.
import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../db/client.js'

/** How long each kind of row is kept. Idempotency replays: api.md promises at least 24 h. */
export const RETENTION = {
  idempotencyKeysHours: 24,
  /** Rate-limit windows are one minute; an hour-old counter can never be read again. */
  rateLimitCountersHours: 1,
  /** Dispatched outbox events (their deliveries hold what receivers got). */
  outboxEventsDays: 30,
  /** Finished webhook deliveries and their attempts: the delivery log's history. */
  webhookDeliveriesDays: 30,
} as const

export interface MaintenanceResult {
  idempotencyKeys: number
  rateLimitCounters: number
  outboxEvents: number
  webhookDeliveries: number
}

const deleted = async (db: Db, statement: ReturnType<typeof sql>) =>
  (
    await queryRows<{ n: number }>(
      db,
      sql`with gone as (${statement} returning 1) select count(*)::int as n from gone`,
    )
  )[0]?.n ?? 0

/**
 * Deletes what has outlived its retention, as of `now`. Idempotent and safe to run from several
 * processes at once (plain deletes by age). Never deleted: pending outbox events and deliveries, and
 * each student's latest `recommendations.changed` event, which is what the next change is compared to.
 */
export async function runMaintenance(db: Db, now: Date): Promise<MaintenanceResult> {
  const at = now.toISOString()
  const hoursAgo = (h: number) => sql`${at}::timestamptz - make_interval(hours => ${h})`
  const daysAgo = (d: number) => sql`${at}::timestamptz - make_interval(days => ${d})`
  return {
    idempotencyKeys: await deleted(
      db,
      sql`delete from idempotency_keys where created_at < ${hoursAgo(RETENTION.idempotencyKeysHours)}`,
    ),
    rateLimitCounters: await deleted(
      db,
      sql`delete from rate_limit_counters where window_start < ${hoursAgo(RETENTION.rateLimitCountersHours)}`,
    ),
    outboxEvents: await deleted(
      db,
      sql`delete from outbox_events o
        where o.dispatched_at is not null and o.created_at < ${daysAgo(RETENTION.outboxEventsDays)}
          and not (o.type = 'recommendations.changed' and o.id = (
            select max(l.id) from outbox_events l
            where l.type = 'recommendations.changed' and l.student_id = o.student_id))`,
    ),
    webhookDeliveries: await deleted(
      db,
      sql`delete from webhook_deliveries
        where status <> 'pending' and completed_at < ${daysAgo(RETENTION.webhookDeliveriesDays)}`,
    ),
  }
}
