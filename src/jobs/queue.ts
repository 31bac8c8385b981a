// The Postgres-backed job queue (pg-boss 10, schema "pgboss" in the app's own database) and the schedule.
// Two queues: the weekly check-ins, run every hour so each student's check-in appears soon after
// Monday 00:00 in their own time zone, and the daily maintenance that deletes expired rows.
import type { FastifyBaseLogger } from 'fastify'
import PgBoss from 'pg-boss'
import type { Config } from '../config.js'
import type { Database, Db } from '../db/client.js'
import { type AnalyticsConfig, mergeAnalyticsConfig } from '../modules/analytics/config.js'
import { runCheckins, type RunCheckinsResult } from '../modules/checkins/checkins.service.js'
import { runMaintenance } from './maintenance.js'

export const PGBOSS_SCHEMA = 'pgboss'
export const CHECKINS_QUEUE = 'checkins-weekly'
/** Daily housekeeping (src/jobs/maintenance.ts), at a quiet hour in UTC. */
export const MAINTENANCE_QUEUE = 'maintenance'
export const MAINTENANCE_CRON = '17 3 * * *'

export interface CheckinJobData {
  /** Any date of the week to summarise; default: each student's last complete week. */
  weekOf?: string
}

/**
 * The body of the check-in job, callable directly (tests, the CLI): generate every check-in that is
 * due at `now`. Idempotent, so a retried or duplicated job is harmless.
 */
export async function runCheckinJob({
  db,
  analyticsConfig,
  now = new Date(),
  data = {},
  signal,
}: {
  db: Db
  analyticsConfig: AnalyticsConfig
  now?: Date
  data?: CheckinJobData
  signal?: AbortSignal
}): Promise<RunCheckinsResult> {
  return runCheckins(db, { weekOf: data.weekOf, now, config: analyticsConfig, signal })
}

/**
 * pg-boss's database adapter. PostgreSQL: the app's pool (one pool to size and close). PGlite: one
 * connection in this process; statements without parameters (pg-boss's multi-statement DDL and locked
 * maintenance commands) must go through `exec`, which returns every statement's result: pg-boss reads
 * the last one's rows. PGlite queues each call behind any open transaction, so nothing interleaves.
 */
export function pgbossDb(database: Database): PgBoss.Db {
  const { pglite, pool } = database
  if (pglite) {
    return {
      executeSql: async (text: string, values?: unknown[]) => {
        if (values === undefined || values.length === 0) {
          const results = await pglite.exec(text)
          return { rows: results[results.length - 1]?.rows ?? [] }
        }
        return pglite.query(text, values)
      },
    }
  }
  if (pool) return { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) }
  throw new Error(`no connection for the job queue on a ${database.kind} database`)
}

export interface Jobs {
  readonly boss: PgBoss
  /** Stops taking jobs, lets a running one finish (up to `timeoutMs`), stops the schedule. */
  stop(): Promise<void>
}

/**
 * Starts pg-boss (installing or migrating its schema), the check-in worker and its cron schedule.
 * Returns null when JOBS_ENABLED=false: that process serves the API only. Call after the app's
 * migrations; stop it before the database closes.
 */
export async function startJobs({
  config,
  database,
  log,
  pollingIntervalSeconds = 5,
}: {
  config: Config
  database: Database
  log: FastifyBaseLogger
  pollingIntervalSeconds?: number
}): Promise<Jobs | null> {
  if (!config.JOBS_ENABLED) {
    log.info('jobs disabled (JOBS_ENABLED=false): no worker, no schedule in this process')
    return null
  }
  const analyticsConfig = mergeAnalyticsConfig(config.ANALYTICS_OVERRIDES)
  const boss = new PgBoss({ db: pgbossDb(database), schema: PGBOSS_SCHEMA })
  boss.on('error', (err) => log.error({ err }, 'job queue error'))
  await boss.start()

  // stately: at most one queued and one running; an hourly tick while a run is still going is dropped.
  await boss.createQueue(CHECKINS_QUEUE, {
    name: CHECKINS_QUEUE,
    policy: 'stately',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 60 * 60,
  })
  await boss.schedule(CHECKINS_QUEUE, config.CHECKIN_CRON, {}, { tz: 'UTC' })

  const aborter = new AbortController()
  await boss.work<CheckinJobData>(CHECKINS_QUEUE, { pollingIntervalSeconds }, async (jobs) => {
    for (const job of jobs) {
      const started = Date.now()
      const result = await runCheckinJob({
        db: database.db,
        analyticsConfig,
        data: job.data,
        signal: aborter.signal,
      })
      log.info({ jobId: job.id, ...result, ms: Date.now() - started }, 'weekly check-ins generated')
    }
  })
  await boss.createQueue(MAINTENANCE_QUEUE, { name: MAINTENANCE_QUEUE, policy: 'stately', retryLimit: 2 })
  await boss.schedule(MAINTENANCE_QUEUE, MAINTENANCE_CRON, {}, { tz: 'UTC' })
  await boss.work(MAINTENANCE_QUEUE, { pollingIntervalSeconds }, async () => {
    log.info(await runMaintenance(database.db, new Date()), 'maintenance: expired rows deleted')
  })
  log.info(
    { queues: { [CHECKINS_QUEUE]: config.CHECKIN_CRON, [MAINTENANCE_QUEUE]: MAINTENANCE_CRON } },
    'jobs started',
  )

  // Half the shutdown budget, so the database still closes cleanly before the process is forced out.
  const stopTimeoutMs = Math.max(1_000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2))
  let stopped: Promise<void> | undefined
  return {
    boss,
    stop: () => {
      // A running check-in job stops between pages; what it wrote stays, the next run does the rest.
      aborter.abort()
      stopped ??= boss.stop({ graceful: true, wait: true, timeout: stopTimeoutMs })
      return stopped
    },
  }
}
