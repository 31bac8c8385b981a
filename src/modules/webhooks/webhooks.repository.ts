import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { decodeCursor, encodeCursor } from '../sync/pagination.js'
import type { DeliveryListQuery, Webhook, WebhookDelivery, WebhookEventType } from './webhooks.schemas.js'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from './webhooks.tables.js'

const s = webhookSubscriptions
const d = webhookDeliveries

/** Microsecond-exact sort key: a Date (milliseconds) would skip or repeat rows at page edges. */
const sortKey = (column: typeof s.createdAt | typeof d.createdAt) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

const subscriptionColumns = {
  id: s.id,
  ownerId: s.ownerId,
  url: s.url,
  events: s.events,
  description: s.description,
  consecutiveFailures: s.consecutiveFailures,
  disabledAt: s.disabledAt,
  disabledReason: s.disabledReason,
  createdAt: s.createdAt,
  sortKey: sortKey(s.createdAt),
}
type SubscriptionRow = {
  id: string
  ownerId: string
  url: string
  events: string[]
  description: string | null
  consecutiveFailures: number
  disabledAt: Date | null
  disabledReason: string | null
  createdAt: Date
}

const toWebhook = (r: SubscriptionRow): Webhook => ({
  id: r.id,
  ownerId: r.ownerId,
  url: r.url,
  events: r.events as WebhookEventType[],
  description: r.description,
  status: r.disabledAt ? 'disabled' : 'active',
  disabledAt: r.disabledAt?.toISOString() ?? null,
  disabledReason: r.disabledReason,
  consecutiveFailures: r.consecutiveFailures,
  createdAt: r.createdAt.toISOString(),
})

export async function insertSubscription(
  db: Db | Tx,
  input: { ownerId: string; url: string; events: WebhookEventType[]; description?: string; secret: string },
): Promise<Webhook> {
  const [row] = await db
    .insert(s)
    .values({
      ownerId: input.ownerId,
      url: input.url,
      events: input.events,
      description: input.description ?? null,
      secret: input.secret,
    })
    .returning(subscriptionColumns)
  if (!row) throw new Error('subscription insert returned no row')
  return toWebhook(row)
}

/** Who may see a subscription: its owner, or anyone when `ownerId` is undefined (admins). */
type Visibility = { ownerId: string | undefined }
const visible = ({ ownerId }: Visibility) =>
  ownerId === undefined ? isNull(s.deletedAt) : and(isNull(s.deletedAt), eq(s.ownerId, ownerId))

export async function findSubscription(
  db: Db | Tx,
  { id, ...who }: { id: string } & Visibility,
): Promise<Webhook | undefined> {
  const [row] = await db
    .select(subscriptionColumns)
    .from(s)
    .where(and(eq(s.id, id), visible(who)))
  return row && toWebhook(row)
}

export async function listSubscriptions(
  db: Db | Tx,
  { limit, cursor, ...who }: { limit: number; cursor: string | undefined } & Visibility,
): Promise<{ data: Webhook[]; nextCursor: string | null }> {
  const conditions: (SQL | undefined)[] = [visible(who)]
  if (cursor) {
    const { sortValue, id } = decodeCursor(cursor)
    conditions.push(sql`(${s.createdAt}, ${s.id}) > (${sortValue}::timestamptz, ${id}::uuid)`)
  }
  const rows = await db
    .select(subscriptionColumns)
    .from(s)
    .where(and(...conditions))
    .orderBy(asc(s.createdAt), asc(s.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    data: page.map(toWebhook),
    nextCursor: rows.length > limit && last ? encodeCursor(last.sortKey, last.id) : null,
  }
}

/**
 * Soft-deletes a subscription and ends its pending deliveries, so nothing more is sent (an
 * attempt already in flight may still land). False when it was not there.
 */
export async function deleteSubscription(tx: Tx, id: string, now: Date): Promise<boolean> {
  const deleted = await tx
    .update(s)
    .set({ deletedAt: now })
    .where(and(eq(s.id, id), isNull(s.deletedAt)))
    .returning({ id: s.id })
  if (deleted.length === 0) return false
  await tx
    .update(d)
    .set({
      status: 'failed',
      completedAt: now,
      lockedUntil: null,
      lastError: 'subscription deleted',
    })
    .where(and(eq(d.subscriptionId, id), eq(d.status, 'pending')))
  return true
}

const deliveryColumns = {
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastDurationMs: d.lastDurationMs,
  createdAt: d.createdAt,
  completedAt: d.completedAt,
  sortKey: sortKey(d.createdAt),
}

/** A subscription's deliveries, newest first, each with its attempts (two queries per page). */
export async function listDeliveries(
  db: Db | Tx,
  { subscriptionId, query }: { subscriptionId: string; query: DeliveryListQuery },
): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
  const conditions: (SQL | undefined)[] = [eq(d.subscriptionId, subscriptionId)]
  if (query.status) conditions.push(eq(d.status, query.status))
  if (query.cursor) {
    const { sortValue, id } = decodeCursor(query.cursor)
    conditions.push(sql`(${d.createdAt}, ${d.id}) < (${sortValue}::timestamptz, ${id}::uuid)`)
  }
  const rows = await db
    .select(deliveryColumns)
    .from(d)
    .where(and(...conditions))
    .orderBy(desc(d.createdAt), desc(d.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const attempts =
    page.length === 0
      ? []
      : await db
          .select({
            deliveryId: webhookAttempts.deliveryId,
            attemptedAt: webhookAttempts.attemptedAt,
            statusCode: webhookAttempts.statusCode,
            durationMs: webhookAttempts.durationMs,
            error: webhookAttempts.error,
            responseExcerpt: webhookAttempts.responseExcerpt,
          })
          .from(webhookAttempts)
          .where(
            inArray(
              webhookAttempts.deliveryId,
              page.map((r) => r.id),
            ),
          )
          .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id))
  const byDelivery = new Map<string, WebhookDelivery['attempts']>()
  for (const { deliveryId, attemptedAt, ...a } of attempts) {
    const list = byDelivery.get(deliveryId) ?? []
    list.push({ ...a, attemptedAt: attemptedAt.toISOString() })
    byDelivery.set(deliveryId, list)
  }
  const last = page.at(-1)
  return {
    data: page.map((r) => ({
      id: r.id,
      eventId: r.eventId,
      eventType: r.eventType as WebhookEventType,
      status: r.status,
      attemptCount: r.attempts,
      nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
      lastStatusCode: r.lastStatusCode,
      lastError: r.lastError,
      lastDurationMs: r.lastDurationMs,
      createdAt: r.createdAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
      attempts: byDelivery.get(r.id) ?? [],
    })),
    nextCursor: query.limit < rows.length && last ? encodeCursor(last.sortKey, last.id) : null,
  }
}

export type RedeliverOutcome = 'scheduled' | 'not_found' | 'in_flight'

/**
 * Puts a delivery back to pending, due now, with a fresh schedule of attempts (the attempt log
 * stays). Refused while an attempt holds its lease, so two senders never race on one delivery.
 */
export async function redeliver(
  db: Db | Tx,
  { subscriptionId, deliveryId, now }: { subscriptionId: string; deliveryId: string; now: Date },
): Promise<RedeliverOutcome> {
  const updated = await db
    .update(d)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null, completedAt: null })
    .where(
      and(
        eq(d.id, deliveryId),
        eq(d.subscriptionId, subscriptionId),
        sql`(${d.lockedUntil} is null or ${d.lockedUntil} <= ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: d.id })
  if (updated.length > 0) return 'scheduled'
  const [exists] = await db
    .select({ id: d.id })
    .from(d)
    .where(and(eq(d.id, deliveryId), eq(d.subscriptionId, subscriptionId)))
  return exists ? 'in_flight' : 'not_found'
}
