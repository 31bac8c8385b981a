import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openPglite, openPostgres, type QueryListener } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Name of the migrated template database on TEST_DATABASE_URL's server, if any. */
    templateDatabase: string | null
  }
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

export interface TestDatabase extends Database {
  /** Drops the per-file database (PostgreSQL) or closes PGlite. */
  destroy(): Promise<void>
}

/**
 * A fresh, migrated database for one test file: a copy of the migrated template on real
 * PostgreSQL when TEST_DATABASE_URL is set, else an in-memory PGlite.
 */
export async function openTestDatabase({ onQuery }: { onQuery?: QueryListener } = {}): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL
  const template = inject('templateDatabase')
  if (!base || !template) {
    const database = await openPglite(undefined, { onQuery })
    await runMigrations(database)
    return { ...database, destroy: () => database.close() }
  }
  const name = `t_${randomUUID().replace(/-/g, '')}`
  await adminQuery(base, `create database "${name}" template "${template}"`)
  const database = openPostgres(databaseUrl(base, name), { poolMax: 5, onQuery })
  return {
    ...database,
    destroy: async () => {
      await database.close()
      await adminQuery(base, `drop database if exists "${name}" with (force)`)
    },
  }
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}
