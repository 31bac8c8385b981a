import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type Database, openPostgres, queryRows } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { insertToken, insertUser } from '../../src/modules/users/users.repository.js'
import { SCOPES_BY_ROLE } from '../../src/modules/users/tokens.js'
import { sql } from 'drizzle-orm'

export function withDatabase(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

async function adminQuery(baseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/**
 * The bench's own sessions commit asynchronously: a seed of thousands of small transactions stops
 * waiting for the WAL flush of each. The servers' and the check-in run's connections (plain `url`)
 * keep the server's setting, so what is measured is unchanged.
 */
function asyncCommitUrl(url: string): string {
  const u = new URL(url)
  u.searchParams.set('options', `${u.searchParams.get('options') ?? ''} -c synchronous_commit=off`.trim())
  return u.toString()
}

export interface BenchDatabase {
  name: string
  url: string
  /** The bench's own pool (asynchronous commit): seeding and sanity checks, never on the measured path. */
  database: Database
  serverVersion: string
  /** Closes the pool and drops the database; safe to call more than once. */
  drop(): Promise<void>
}

export const benchDatabaseName = () => `bench_${randomBytes(6).toString('hex')}`

/** A fresh, migrated database `name` on the server of `baseUrl`. */
export async function createBenchDatabase(baseUrl: string, name: string): Promise<BenchDatabase> {
  await adminQuery(baseUrl, `create database "${name}"`)
  const url = withDatabase(baseUrl, name)
  const database = openPostgres(asyncCommitUrl(url), { poolMax: 8 })
  let dropping: Promise<void> | undefined
  const drop = () =>
    (dropping ??= (async () => {
      await database.close().catch(() => undefined)
      // FORCE ends sessions a killed server child may have left behind.
      await adminQuery(baseUrl, `drop database if exists "${name}" with (force)`)
    })())
  try {
    await runMigrations(database)
    const [row] = await queryRows<{ v: string }>(
      database.db,
      sql`select current_setting('server_version') as v`,
    )
    return { name, url, database, serverVersion: row?.v ?? 'unknown', drop }
  } catch (err) {
    await drop().catch(() => undefined)
    throw err
  }
}

export interface BenchStudent {
  id: string
  token: string
  auth: { authorization: string }
}

/** A student with a progress:read/write token, straight through the repositories. */
export async function createStudent(database: Database, label: string): Promise<BenchStudent> {
  const user = await insertUser(database.db, {
    role: 'student',
    name: `Bench ${label}`,
    email: `bench-${label}-${randomBytes(4).toString('hex')}@example.test`,
  })
  if (!user) throw new Error('bench student insert failed')
  const token = await insertToken(database.db, {
    userId: user.id,
    name: 'bench',
    scopes: SCOPES_BY_ROLE.student,
  })
  return { id: user.id, token: token.token, auth: { authorization: `Bearer ${token.token}` } }
}
