/**
 * The service as deployed: buildApp on PostgreSQL with auth, rate limiting (counted in PostgreSQL),
 * validation, idempotency keys and the outbox, all on. Rate limits are raised so they never refuse a
 * bench request, but every request still pays for the counter.
 */
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openPostgres } from '../../src/db/client.js'
import { failStartup, requireEnv, serveForParent } from './child.js'

const POOL_MAX = 20

async function main() {
  const url = requireEnv('BENCH_DB_URL')
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    DB_POOL_MAX: String(POOL_MAX),
  })
  const database = openPostgres(url, { poolMax: POOL_MAX })
  const app = await buildApp({ config, database })
  await app.listen({ port: 0, host: '127.0.0.1' })
  serveForParent((app.server.address() as AddressInfo).port, async () => {
    await app.close()
    await database.close()
  })
}

main().catch(failStartup)
