// The webhook worker: outbox → deliveries → signed POSTs, on a timer. Each step is a short
// transaction on PostgreSQL, so any number of processes may run it side by side; nothing is kept
// in memory between runs, so a process that dies loses nothing (outbox rows and due deliveries
// are still there for the next run, in this process or another).
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'
import type { Db, Tx } from '../../db/client.js'
import { loadAnalyticsInputs, todayIn } from '../analytics/analytics.repository.js'
import { type AnalyticsConfig, mergeAnalyticsConfig } from '../analytics/config.js'
import { computeAnalytics } from '../analytics/engine.js'
import {
  anySubscriptionFor,
  claimDueDeliveries,
  type ClaimedDelivery,
  insertDeliveries,
  insertRecommendationEvents,
  lastAnnouncedHighPriority,
  lockStudentRecommendations,
  lockUndispatchedEvents,
  markDispatched,
  type OutboxEvent,
  recordAttempt,
  studentTimezones,
  withCheckins,
} from './deliveries.repository.js'
import { sendWebhook } from './outbound.js'
import { signedHeaders } from './signature.js'

type Log = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} }

/** Outbox events taken per fan-out transaction. */
const FANOUT_BATCH = 100
/** Fan-out transactions per run at most, so one run never starves deliveries. */
const FANOUT_ROUNDS = 10
/** Deliveries claimed (and sent concurrently) per run. */
const DELIVERY_BATCH = 20
/** Attempts in flight at once per process (the timer's rolling pool)… */
const MAX_IN_FLIGHT = 50
/** …and per subscription, across processes: one slow receiver cannot take every slot. */
const PER_SUBSCRIPTION = 4

/** Writes that can change a student's recommendations. */
const DATA_EVENT = /^(block|assessment|activity)\./

export interface WorkerOptions {
  /** The worker's clock: decides what is due, the retry schedule and the recorded times. */
  now?: Date
  log?: Log
  /** Jitter source (tests pin it). */
  random?: () => number
  analyticsConfig?: AnalyticsConfig
}

export interface WorkerRunResult {
  /** Outbox events fanned out (including recommendations.changed written by this run). */
  events: number
  deliveriesCreated: number
  recommendationEvents: number
  attempted: number
  succeeded: number
  retrying: number
  failed: number
  disabledSubscriptions: number
}

type Change = { studentId: string; added: string[]; removed: string[]; highPriority: string[] }

/**
 * recommendations.changed, decided off the request path: for each student whose data changed in
 * this batch, compute today's high-priority recommendation ids and compare them with the set in
 * the student's last recommendations.changed event (none yet: empty). A difference becomes a new
 * event in the same transaction as the batch, under a per-student advisory lock, so two workers
 * never announce the same change twice.
 */
async function recommendationChanges(
  tx: Tx,
  events: readonly OutboxEvent[],
  { now, analyticsConfig }: { now: Date; analyticsConfig: AnalyticsConfig },
): Promise<Change[]> {
  const studentIds = [
    ...new Set(events.flatMap((e) => (e.studentId && DATA_EVENT.test(e.type) ? [e.studentId] : []))),
  ]
  if (studentIds.length === 0 || !(await anySubscriptionFor(tx, 'recommendations.changed'))) return []
  await lockStudentRecommendations(tx, studentIds)
  const students = await studentTimezones(tx, studentIds)
  // Inside the fan-out transaction (a savepoint): the batched loader's queries, whatever the count.
  const inputs = await loadAnalyticsInputs(
    tx,
    students.map((s) => ({ studentId: s.id, timezone: s.timezone, asOf: todayIn(s.timezone, now) })),
  )
  const announced = await lastAnnouncedHighPriority(tx, studentIds)
  const changes: Change[] = []
  for (const { id } of students) {
    const input = inputs.get(id)
    if (!input) continue
    const highPriority: string[] = computeAnalytics(input, analyticsConfig)
      .recommendations.filter((r) => r.priority === 'high')
      .map((r) => r.id)
      .sort()
    const before = announced.get(id) ?? []
    const added = highPriority.filter((x) => !before.includes(x))
    const removed = before.filter((x) => !highPriority.includes(x))
    if (added.length > 0 || removed.length > 0) changes.push({ studentId: id, added, removed, highPriority })
  }
  return changes
}

/**
 * One fan-out transaction: lock a batch of undispatched outbox events, add the
 * recommendations.changed events they cause, create the deliveries, mark the batch dispatched.
 * All or nothing: a crash before commit leaves the events undispatched for the next run.
 */
async function fanOutOnce(
  db: Db,
  { now, analyticsConfig, log }: { now: Date; analyticsConfig: AnalyticsConfig; log: Log },
) {
  return db.transaction(async (tx) => {
    const events = await lockUndispatchedEvents(tx, FANOUT_BATCH)
    if (events.length === 0) return { events: 0, deliveries: 0, recommendationEvents: 0 }
    // In a savepoint: a failure here must not hold the data events back (a poison batch would
    // block the outbox for good). The change is then announced with the student's next write.
    let changes: Change[] = []
    try {
      changes = await tx.transaction((sp) => recommendationChanges(sp, events, { now, analyticsConfig }))
    } catch (err) {
      log.error({ err }, 'recommendations.changed skipped for this batch')
    }
    const derived = await insertRecommendationEvents(tx, changes, now)
    const deliveries = await insertDeliveries(tx, await withCheckins(tx, [...events, ...derived]), now)
    await markDispatched(
      tx,
      events.map((e) => e.id),
      now,
    )
    return { events: events.length + derived.length, deliveries, recommendationEvents: derived.length }
  })
}

async function attempt(
  db: Db,
  config: Config,
  delivery: ClaimedDelivery,
  { now, random }: { now: Date; random: () => number },
) {
  const body = JSON.stringify(delivery.payload)
  const result = await sendWebhook({
    url: delivery.url,
    // Signed with the wall clock, not the worker's clock: receivers check the timestamp against theirs.
    headers: { ...signedHeaders(delivery.secret, { id: delivery.eventId, timestamp: new Date(), body }) },
    body,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
  })
  return recordAttempt(db, { delivery, result, now, random })
}

type Recorded = Awaited<ReturnType<typeof recordAttempt>>

/** Fans out what the outbox holds: a few bounded transactions, so a backlog never starves deliveries. */
async function fanOut(
  db: Db,
  { now, analyticsConfig, log }: { now: Date; analyticsConfig: AnalyticsConfig; log: Log },
) {
  const total = { events: 0, deliveries: 0, recommendationEvents: 0 }
  for (let round = 0; round < FANOUT_ROUNDS; round++) {
    const fanned = await fanOutOnce(db, { now, analyticsConfig, log })
    total.events += fanned.events
    total.deliveries += fanned.deliveries
    total.recommendationEvents += fanned.recommendationEvents
    if (fanned.events - fanned.recommendationEvents < FANOUT_BATCH) break
  }
  return total
}

/** Claims up to `limit` due deliveries and starts their attempts; one promise per attempt. */
async function startDueAttempts(
  db: Db,
  config: Config,
  { now, random, log, limit }: { now: Date; random: () => number; log: Log; limit: number },
): Promise<Promise<Recorded>[]> {
  // The lease outlasts the attempt's deadline, so a live worker never loses its claim.
  const leaseMs = config.WEBHOOK_TIMEOUT_MS * 2 + 30_000
  const claimed = await claimDueDeliveries(db, { now, limit, leaseMs, perSubscription: PER_SUBSCRIPTION })
  return claimed.map(async (delivery) => {
    const recorded = await attempt(db, config, delivery, { now, random })
    if (recorded.disabled)
      log.warn(
        { subscriptionId: delivery.subscriptionId, reason: recorded.disabled.reason },
        'webhook subscription disabled after repeated failures',
      )
    return recorded
  })
}

/**
 * One pass of the worker: fan out what the outbox holds, then attempt the deliveries due at `now`
 * and wait for them. Tests call it directly with their own clock; in production the timer in
 * startWebhookWorker runs the same steps without waiting for slow receivers.
 */
export async function runWebhookWorkerOnce(
  db: Db,
  config: Config,
  { now = new Date(), log = silent, random = Math.random, analyticsConfig }: WorkerOptions = {},
): Promise<WorkerRunResult> {
  const rulesConfig = analyticsConfig ?? mergeAnalyticsConfig(config.ANALYTICS_OVERRIDES)
  const fanned = await fanOut(db, { now, analyticsConfig: rulesConfig, log })
  const result: WorkerRunResult = {
    events: fanned.events,
    deliveriesCreated: fanned.deliveries,
    recommendationEvents: fanned.recommendationEvents,
    attempted: 0,
    succeeded: 0,
    retrying: 0,
    failed: 0,
    disabledSubscriptions: 0,
  }
  const outcomes = await Promise.all(
    await startDueAttempts(db, config, { now, random, log, limit: DELIVERY_BATCH }),
  )
  for (const { outcome, disabled } of outcomes) {
    result.attempted++
    if (outcome.status === 'succeeded') result.succeeded++
    else if (outcome.status === 'retrying') result.retrying++
    else if (outcome.status === 'failed') result.failed++
    if (disabled) result.disabledSubscriptions++
  }
  if (result.events > 0 || result.attempted > 0) log.info({ ...result }, 'webhook worker run')
  return result
}

export interface WebhookWorker {
  /** Stops the timer and waits for the pass in progress and every attempt in flight to be recorded. */
  stop(): Promise<void>
}

/**
 * Runs the worker every WEBHOOK_POLL_MS (measured from the end of the previous pass, so passes never
 * overlap). A pass fans out the outbox and starts the due attempts without waiting for them: attempts
 * form a rolling pool of at most MAX_IN_FLIGHT, so a receiver that hangs until its timeout delays
 * nobody else. Returns null when WEBHOOKS_ENABLED=false or JOBS_ENABLED=false: that process serves
 * the API only, and another delivers.
 */
export function startWebhookWorker({
  db,
  config,
  log,
}: {
  db: Db
  config: Config
  log: FastifyBaseLogger
}): WebhookWorker | null {
  if (!config.WEBHOOKS_ENABLED || !config.JOBS_ENABLED) {
    log.info('webhook worker disabled (WEBHOOKS_ENABLED or JOBS_ENABLED is false)')
    return null
  }
  const analyticsConfig = mergeAnalyticsConfig(config.ANALYTICS_OVERRIDES)
  const inFlight = new Set<Promise<unknown>>()
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  const pass = async () => {
    const now = new Date()
    const fanned = await fanOut(db, { now, analyticsConfig, log })
    if (fanned.events > 0) log.info(fanned, 'webhook events fanned out')
    const room = MAX_IN_FLIGHT - inFlight.size
    if (room <= 0 || stopped) return
    for (const started of await startDueAttempts(db, config, {
      now,
      random: Math.random,
      log,
      limit: room,
    })) {
      const tracked = started.then(
        () => undefined,
        (err: unknown) =>
          log.error({ err }, 'webhook attempt failed to record; its lease lapses and it is retried'),
      )
      inFlight.add(tracked)
      void tracked.then(() => inFlight.delete(tracked))
    }
  }

  const tick = () => {
    running = pass().catch((err: unknown) =>
      log.error({ err }, 'webhook worker pass failed; retrying on the next tick'),
    )
    void running.then(() => {
      running = undefined
      if (!stopped) timer = setTimeout(tick, config.WEBHOOK_POLL_MS)
    })
  }
  timer = setTimeout(tick, config.WEBHOOK_POLL_MS)
  log.info({ pollMs: config.WEBHOOK_POLL_MS, maxInFlight: MAX_IN_FLIGHT }, 'webhook worker started')

  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running
      await Promise.allSettled([...inFlight])
    },
  }
}
