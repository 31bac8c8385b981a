import rateLimit from '@fastify/rate-limit'
import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { type Db, queryRowsPrepared } from '../db/client.js'
import { isPublicRoute } from './auth.js'
import { Problem } from './errors.js'

type IncrCallback = (err: Error | null, result?: { current: number; ttl: number }) => void

/**
 * Counts hits in PostgreSQL so every API process shares one limit per client. One upsert per
 * request; the window comes from the database clock, so processes agree on it.
 */
export async function countHit(
  db: Db,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const seconds = windowMs / 1000
  // Prepared: it runs on every request.
  const [row] = await queryRowsPrepared<{ hits: number; ttl_ms: number | string }>(
    db,
    'rate_limit_hit',
    sql`insert into rate_limit_counters as c (key, window_start, hits)
        values (${key}, to_timestamp(floor(extract(epoch from now()) / ${seconds}) * ${seconds}), 1)
        on conflict (key) do update set
          hits = case when c.window_start = excluded.window_start then c.hits + 1 else 1 end,
          window_start = excluded.window_start
        returning hits,
          ceil(extract(epoch from (window_start + make_interval(secs => ${seconds}) - now())) * 1000)::float8 as ttl_ms`,
  )
  if (!row) throw new Error('rate limit upsert returned no row')
  return { current: row.hits, ttl: Math.max(0, Number(row.ttl_ms)) }
}

function postgresStore(db: Db) {
  return class PostgresRateLimitStore {
    incr(key: string, cb: IncrCallback, timeWindow: number) {
      countHit(db, key, timeWindow).then(
        (result) => cb(null, result),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      )
    }
    child() {
      return new PostgresRateLimitStore()
    }
  }
}

const keyOf = (req: FastifyRequest) => (req.caller ? `token:${req.caller.tokenId}` : `ip:${req.ip}`)

/**
 * Per token (or per IP without a valid token), set by RATE_LIMIT_PER_MINUTE and
 * RATE_LIMIT_ANON_PER_MINUTE. Registered after the caller is resolved and before it is required,
 * so requests with bad tokens spend the anonymous per-IP budget.
 */
export async function registerRateLimit(app: FastifyInstance, { config, db }: { config: Config; db: Db }) {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (req: FastifyRequest) =>
      Promise.resolve(req.caller ? config.RATE_LIMIT_PER_MINUTE : config.RATE_LIMIT_ANON_PER_MINUTE),
    keyGenerator: keyOf,
    allowList: (req: FastifyRequest) => isPublicRoute(req) || req.routeOptions.url === undefined,
    store: postgresStore(db),
    // If the counter cannot be reached, serve the request: the database error surfaces as 503 anyway.
    skipOnError: true,
    errorResponseBuilder: (_req, context) =>
      new Problem(
        429,
        'rate_limited',
        `Rate limit of ${context.max} requests a minute exceeded; retry in ${context.after}`,
      ),
  })
}
