import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core'
import pg from 'pg'
import * as schema from './schema.js'

export type Schema = typeof schema
/** The one database type every repository takes: node-postgres and PGlite behave the same through it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>

export interface Database {
  readonly db: Db
  readonly kind: 'postgres' | 'pglite'
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>
  close(): Promise<void>
  /** Present in embedded mode: pg-boss and tests reach PGlite through it. */
  readonly pglite?: PGlite
  readonly pool?: pg.Pool
}

const drizzleOptions = { schema, casing: 'snake_case' } as const

/** Sees every statement drizzle runs (tests count queries with it). */
export type QueryListener = (query: string) => void
const loggerFor = (onQuery?: QueryListener) =>
  onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {}

export function openPostgres(
  url: string,
  { poolMax = 10, onQuery }: { poolMax?: number; onQuery?: QueryListener } = {},
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    // Fail fast when the server is down so readiness and requests answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // No JIT compilation: every query here is short, and the planner's cost estimates (inflated by
    // set-returning functions it cannot size) would otherwise buy 40–170 ms of compiling for a
    // statement that runs in a few milliseconds (measured on the analytics statement).
    options: '-c jit=off',
  })
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {})
  // A client losing its connection while checked out (mid-transaction) also emits 'error'; pg-pool
  // only listens while the client is idle, so without this the process would crash. The query in
  // flight rejects and its request answers 503/500 through the error handler.
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = drizzlePg({ client: pool, ...drizzleOptions, ...loggerFor(onQuery) }) as unknown as Db
  let closed = false
  return {
    db,
    kind: 'postgres',
    pool,
    ping: (timeoutMs = 2_000) =>
      withTimeout(
        pool.query('select 1').then(() => undefined),
        timeoutMs,
      ),
    close: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

/** Embedded PostgreSQL (PGlite). `dataDir` undefined → in memory (tests). One process only. */
export async function openPglite(
  dataDir?: string,
  { onQuery }: { onQuery?: QueryListener } = {},
): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create(dataDir)
  const db = drizzlePglite({ client: pglite, ...drizzleOptions, ...loggerFor(onQuery) }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    pglite,
    ping: async (timeoutMs = 2_000) => {
      if (pglite.closed) throw new Error('embedded database is closed')
      await withTimeout(
        pglite.query('select 1').then(() => undefined),
        timeoutMs,
      )
    },
    close: async () => {
      if (!pglite.closed) await pglite.close()
    },
  }
}

export async function openDatabase(config: {
  DATABASE_URL?: string | undefined
  DATA_DIR: string
  DB_POOL_MAX: number
}): Promise<Database> {
  return config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL, { poolMax: config.DB_POOL_MAX })
    : openPglite(config.DATA_DIR)
}

/** Rows of a raw statement, whichever driver ran it (both results carry `rows`). */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const execute = db.execute.bind(db) as (q: SQL) => Promise<{ rows: T[] }>
  return (await execute(query)).rows
}

const dialect = new PgDialect({ casing: 'snake_case' })

/**
 * queryRows as a named prepared statement on PostgreSQL: parsed and planned once per connection,
 * then run from its cached plan. Only for a statement whose text never changes (its values are
 * parameters) and whose planning is a real share of its time. On PGlite, a plain query. It goes
 * to the driver directly, so drizzle's query logger does not see it.
 */
export async function queryRowsPrepared<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client?: unknown }).$client
  if (!(client instanceof pg.Pool)) return queryRows<T>(db, query)
  const { sql: text, params } = dialect.sqlToQuery(query)
  return (await client.query<T & pg.QueryResultRow>({ name, text, values: params })).rows
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
