import type { FastifyInstance } from 'fastify'
import supertest from 'supertest'
import { afterAll, beforeAll } from 'vitest'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { openTestDatabase, type TestDatabase } from './db.js'

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000',
    ...overrides,
  })
}

export interface TestContext {
  app: FastifyInstance
  database: TestDatabase
  http: ReturnType<typeof supertest>
  config: Config
}

/** Builds the app on a fresh database, for the current test file; closes both afterwards. */
export function useTestApp(
  overrides: Record<string, string> = {},
  { onQuery }: { onQuery?: (query: string) => void } = {},
): TestContext {
  const t = {} as TestContext
  beforeAll(async () => {
    t.config = testConfig(overrides)
    t.database = await openTestDatabase(onQuery ? { onQuery } : {})
    t.app = await buildApp({ config: t.config, database: t.database })
    await t.app.ready()
    t.http = supertest(t.app.server)
  })
  afterAll(async () => {
    await t.app?.close()
    await t.database?.destroy()
  })
  return t
}
