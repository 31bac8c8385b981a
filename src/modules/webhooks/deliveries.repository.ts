// The worker's queries. Every step is safe with many worker processes on one database:
// outbox rows and deliveries are claimed with FOR UPDATE SKIP LOCKED, so two workers never take
// the same row, and a claimed delivery carries a lease (locked_until) that expires if its worker dies.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.js'
import { queryRows } from '../../db/client.js'
import { checkins } from '../checkins/checkins.table.js'
import { outboxEvents } from '../sync/sync.tables.js'
import { users } from '../users/users.table.js'
import type { SendResult } from './outbound.js'
import { isDelivered } from './outbound.js'
import { MAX_ATTEMPTS, retryDelayMs, shouldDisable } from './retry.js'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from './webhooks.tables.js'

const ts = (date: Date) => sql`${date.toISOString()}::timestamptz`

export interface OutboxEvent {
  id: number
  eventId: string
  type: string
  studentId: string | null
  resourceId: string | null
  payload: unknown
  createdAt: Date
}

const outboxColumns = {
  id: outboxEvents.id,
  eventId: outboxEvents.eventId,
  type: outboxEvents.type,
  studentId: outboxEvents.studentId,
  resourceId: outboxEvents.resourceId,
  payload: outboxEvents.payload,
  createdAt: outboxEvents.createdAt,
}

/** Takes up to `limit` undispatched outbox events, oldest first, skipping rows another worker holds. */
export async function lockUndispatchedEvents(tx: Tx, limit: number): Promise<OutboxEvent[]> {
  return tx
    .select(outboxColumns)
    .from(outboxEvents)
    .where(isNull(outboxEvents.dispatchedAt))
    .orderBy(asc(outboxEvents.id))
    .limit(limit)
    .for('update', { skipLocked: true })
}

export async function markDispatched(tx: Tx, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return
  await tx.update(outboxEvents).set({ dispatchedAt: now }).where(inArray(outboxEvents.id, ids))
}

/**
 * checkin.created events carry the check-in itself (api.md's shape, as GET /checkins/{id} serves
 * it) under `checkin`, next to the ids. Check-ins are never edited, so reading it at fan-out time
 * gives what was written; one query per batch. Events whose payload already holds it are left be.
 */
export async function withCheckins(tx: Tx, events: readonly OutboxEvent[]): Promise<OutboxEvent[]> {
  const wanted = events.filter(
    (e) =>
      e.type === 'checkin.created' &&
      e.resourceId !== null &&
      typeof e.payload === 'object' &&
      e.payload !== null &&
      !('checkin' in e.payload),
  )
  if (wanted.length === 0) return [...events]
  const rows = await tx
    .select({
      id: checkins.id,
      studentId: checkins.studentId,
      weekStart: checkins.weekStart,
      weekEnd: checkins.weekEnd,
      summary: checkins.summary,
      createdAt: checkins.createdAt,
    })
    .from(checkins)
    .where(inArray(checkins.id, [...new Set(wanted.map((e) => e.resourceId ?? ''))]))
  const byId = new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        studentId: r.studentId,
        weekStart: r.weekStart,
        weekEnd: r.weekEnd,
        ...r.summary,
        createdAt: r.createdAt.toISOString(),
      },
    ]),
  )
  return events.map((e) => {
    const checkin = wanted.includes(e) && e.resourceId ? byId.get(e.resourceId) : undefined
    return checkin ? { ...e, payload: { ...(e.payload as Record<string, unknown>), checkin } } : e
  })
}

/** What a receiver gets: small, ids only (a check-in carries itself, see withCheckins). */
export const deliveryPayload = (e: Pick<OutboxEvent, 'type' | 'payload' | 'createdAt'>) => ({
  type: e.type,
  timestamp: e.createdAt.toISOString(),
  data: e.payload,
})

/**
 * One delivery per (event, subscription that may see it), in a single statement. Who sees what
 * follows the owner's rights at this moment:
 * - a student's subscription: the student's own events;
 * - an advisor's: events of students who currently grant it access;
 * - an admin's: every event.
 * A subscription only gets events that happened after it was created. ON CONFLICT DO NOTHING
 * makes a repeated fan-out (a worker that died before committing) harmless.
 */
export async function insertDeliveries(tx: Tx, events: readonly OutboxEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0
  const rows = JSON.stringify(
    events.map((e) => ({
      event_id: e.eventId,
      type: e.type,
      student_id: e.studentId,
      created_at: e.createdAt.toISOString(),
      payload: deliveryPayload(e),
    })),
  )
  const inserted = await queryRows<{ id: string }>(
    tx,
    sql`insert into webhook_deliveries (subscription_id, event_id, event_type, payload, next_attempt_at)
      select s.id, e.event_id, e.type, e.payload, ${ts(now)}
      from jsonb_to_recordset(${rows}::jsonb) as e(event_id uuid, type text, student_id uuid, created_at timestamptz, payload jsonb)
      join webhook_subscriptions s on e.type = any(s.events) and s.created_at <= e.created_at
        and s.deleted_at is null and s.disabled_at is null
      join users o on o.id = s.owner_id
      where o.role = 'admin'
        or (o.role = 'student' and s.owner_id = e.student_id)
        or (o.role = 'advisor' and exists (
              select 1 from advisor_grants g where g.advisor_id = s.owner_id and g.student_id = e.student_id))
      on conflict (subscription_id, event_id) do nothing
      returning id`,
  )
  return inserted.length
}

/** Whether any live subscription asks for an event type (so work for it can be skipped). */
export async function anySubscriptionFor(db: Db | Tx, type: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(
      and(
        sql`${type} = any(${webhookSubscriptions.events})`,
        isNull(webhookSubscriptions.deletedAt),
        isNull(webhookSubscriptions.disabledAt),
      ),
    )
    .limit(1)
  return row !== undefined
}

/**
 * Serialises recommendation bookkeeping per student across workers until the transaction ends.
 * Callers lock in sorted order, so two workers can never wait on each other in a cycle.
 */
export async function lockStudentRecommendations(tx: Tx, studentIds: readonly string[]): Promise<void> {
  for (const id of [...studentIds].sort())
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('webhooks.recommendations'), hashtext(${id}))`)
}

export async function studentTimezones(
  tx: Tx,
  studentIds: readonly string[],
): Promise<{ id: string; timezone: string }[]> {
  if (studentIds.length === 0) return []
  return tx
    .select({ id: users.id, timezone: users.timezone })
    .from(users)
    .where(and(inArray(users.id, [...studentIds]), eq(users.role, 'student')))
}

/**
 * The high-priority set last announced for each student: the payload of its latest
 * recommendations.changed event. Students never announced are absent (their set was empty).
 */
export async function lastAnnouncedHighPriority(
  tx: Tx,
  studentIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (studentIds.length === 0) return new Map()
  const rows = await tx
    .selectDistinctOn([outboxEvents.studentId], {
      studentId: outboxEvents.studentId,
      payload: outboxEvents.payload,
    })
    .from(outboxEvents)
    .where(
      and(eq(outboxEvents.type, 'recommendations.changed'), inArray(outboxEvents.studentId, [...studentIds])),
    )
    .orderBy(outboxEvents.studentId, desc(outboxEvents.id))
  const result = new Map<string, string[]>()
  for (const row of rows) {
    const high = (row.payload as { highPriority?: unknown }).highPriority
    if (row.studentId && Array.isArray(high))
      result.set(
        row.studentId,
        high.filter((x): x is string => typeof x === 'string'),
      )
  }
  return result
}

/** Writes recommendations.changed events, already dispatched: the caller fans them out itself. */
export async function insertRecommendationEvents(
  tx: Tx,
  changes: readonly { studentId: string; added: string[]; removed: string[]; highPriority: string[] }[],
  now: Date,
): Promise<OutboxEvent[]> {
  if (changes.length === 0) return []
  return tx
    .insert(outboxEvents)
    .values(
      changes.map((c) => ({
        type: 'recommendations.changed',
        studentId: c.studentId,
        resourceId: null,
        payload: c,
        dispatchedAt: now,
      })),
    )
    .returning(outboxColumns)
}

export interface ClaimedDelivery {
  id: string
  subscriptionId: string
  eventId: string
  eventType: string
  payload: unknown
  url: string
  secret: string
}

/**
 * Claims due deliveries of live subscriptions for `leaseMs`. The claim commits at once, so the
 * HTTP call happens outside any transaction; if the worker dies mid-call the lease lapses and
 * another worker retries with the same webhook-id. Fair: a subscription never holds more than
 * `perSubscription` attempts in flight, so a receiver that hangs with a backlog cannot take every
 * slot and delay everyone else's events.
 */
export async function claimDueDeliveries(
  db: Db,
  {
    now,
    limit,
    leaseMs,
    perSubscription = limit,
  }: {
    now: Date
    limit: number
    leaseMs: number
    /** At most this many attempts in flight per subscription (claimed here or still leased). */
    perSubscription?: number
  },
): Promise<ClaimedDelivery[]> {
  const leaseEnd = new Date(now.getTime() + leaseMs)
  // Access is checked again at send time, not only at fan-out: a retry of a mentee's event must not
  // reach an advisor whose grant was revoked in the meantime. Only advisors can lose sight of a
  // student (a student always sees itself, an admin everyone), and every payload names its student.
  await db.execute(
    sql`update webhook_deliveries d
      set status = 'failed', completed_at = ${ts(now)}, locked_until = null,
        last_error = 'withdrawn: the subscription owner no longer has access to this student'
      from webhook_subscriptions s
      join users o on o.id = s.owner_id and o.role = 'advisor'
      where s.id = d.subscription_id and d.status = 'pending' and d.next_attempt_at <= ${ts(now)}
        and (d.locked_until is null or d.locked_until <= ${ts(now)})
        and not exists (select 1 from advisor_grants g
          where g.advisor_id = s.owner_id and g.student_id::text = d.payload->'data'->>'studentId')`,
  )
  const rows = await queryRows<{
    id: string
    subscription_id: string
    event_id: string
    event_type: string
    payload: unknown
    url: string
    secret: string
  }>(
    db,
    sql`with leased as (
        select subscription_id, count(*)::int as n from webhook_deliveries
        where status = 'pending' and locked_until > ${ts(now)}
        group by subscription_id),
      ranked as (
        select d.id, row_number() over (partition by d.subscription_id order by d.next_attempt_at, d.id)
          + coalesce(l.n, 0) as slot
        from webhook_deliveries d
        join webhook_subscriptions s on s.id = d.subscription_id
          and s.deleted_at is null and s.disabled_at is null
        left join leased l on l.subscription_id = d.subscription_id
        where d.status = 'pending' and d.next_attempt_at <= ${ts(now)}
          and (d.locked_until is null or d.locked_until <= ${ts(now)})),
      due as (
        select d.id from webhook_deliveries d
        join ranked r on r.id = d.id and r.slot <= ${perSubscription}
        order by d.next_attempt_at, d.id
        limit ${limit}
        for update of d skip locked)
      update webhook_deliveries d set locked_until = ${ts(leaseEnd)}
      from due, webhook_subscriptions s
      where d.id = due.id and s.id = d.subscription_id
      returning d.id, d.subscription_id, d.event_id, d.event_type, d.payload, s.url, s.secret`,
  )
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.event_type,
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload,
    url: r.url,
    secret: r.secret,
  }))
}

export type AttemptOutcome =
  | { status: 'succeeded' }
  | { status: 'retrying'; nextAttemptAt: Date }
  | { status: 'failed' }
  | { status: 'gone' }

/**
 * Records one attempt and what follows from it, in one transaction: the attempt row; the delivery
 * succeeded, rescheduled (backoff with jitter) or failed after MAX_ATTEMPTS; the subscription's
 * run of consecutive failures, and its disabling under the rule in retry.ts.
 */
export async function recordAttempt(
  db: Db,
  {
    delivery,
    result,
    now,
    random = Math.random,
  }: { delivery: ClaimedDelivery; result: SendResult; now: Date; random?: () => number },
): Promise<{ outcome: AttemptOutcome; disabled: { reason: string } | null }> {
  return db.transaction(async (tx) => {
    const d = webhookDeliveries
    const s = webhookSubscriptions
    // Lock the row; a delivery reset by redeliver or ended by a delete meanwhile still gets the log row.
    const [current] = await tx
      .select({ attempts: d.attempts, status: d.status })
      .from(d)
      .where(eq(d.id, delivery.id))
      .for('update')
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      attemptedAt: now,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
      responseExcerpt: result.responseExcerpt,
    })
    const last = {
      lastStatusCode: result.statusCode,
      lastError: result.error,
      lastDurationMs: result.durationMs,
      lockedUntil: null,
    }
    if (!current || current.status !== 'pending') {
      return { outcome: { status: 'gone' } as const, disabled: null }
    }
    const attempts = current.attempts + 1

    if (isDelivered(result)) {
      await tx
        .update(d)
        .set({ ...last, status: 'succeeded', attempts, completedAt: now })
        .where(eq(d.id, delivery.id))
      await tx.update(s).set({ consecutiveFailures: 0 }).where(eq(s.id, delivery.subscriptionId))
      return { outcome: { status: 'succeeded' } as const, disabled: null }
    }

    let outcome: AttemptOutcome
    if (attempts >= MAX_ATTEMPTS) {
      await tx
        .update(d)
        .set({ ...last, status: 'failed', attempts, completedAt: now })
        .where(eq(d.id, delivery.id))
      outcome = { status: 'failed' }
    } else {
      const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts, random))
      await tx
        .update(d)
        .set({ ...last, attempts, nextAttemptAt })
        .where(eq(d.id, delivery.id))
      outcome = { status: 'retrying', nextAttemptAt }
    }

    const [sub] = await tx
      .update(s)
      .set({ consecutiveFailures: sql`${s.consecutiveFailures} + 1` })
      .where(and(eq(s.id, delivery.subscriptionId), isNull(s.disabledAt)))
      .returning({ consecutiveFailures: s.consecutiveFailures })
    if (!sub) return { outcome, disabled: null }
    const failingSince = await firstFailureSinceLastSuccess(tx, delivery.subscriptionId)
    if (!shouldDisable({ consecutiveFailures: sub.consecutiveFailures, failingSince, now }))
      return { outcome, disabled: null }
    const reason = `Every attempt failed since ${failingSince?.toISOString() ?? '?'} (${sub.consecutiveFailures} in a row; last: ${result.statusCode === null ? (result.error ?? 'no response') : `HTTP ${result.statusCode}`})`
    await tx
      .update(s)
      .set({ disabledAt: now, disabledReason: reason })
      .where(eq(s.id, delivery.subscriptionId))
    return { outcome, disabled: { reason } }
  })
}

/** When the subscription's current run of failures began: its first failed attempt after the last 2xx. */
async function firstFailureSinceLastSuccess(tx: Tx, subscriptionId: string): Promise<Date | null> {
  const [row] = await queryRows<{ since: string | null }>(
    tx,
    sql`select to_char(min(a.attempted_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as since
      from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
      where d.subscription_id = ${subscriptionId}
        and a.attempted_at > coalesce((
          select max(a2.attempted_at) from webhook_attempts a2
          join webhook_deliveries d2 on d2.id = a2.delivery_id
          where d2.subscription_id = ${subscriptionId} and a2.status_code between 200 and 299
        ), '-infinity'::timestamptz)`,
  )
  return row?.since ? new Date(row.since) : null
}
