import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openPostgres } from '../src/db/client.js'

/**
 * The OpenAPI document exactly as the code generates it. The pool is lazy, so no database is
 * reached: the URL only has to parse.
 */
export async function generateOpenapi(): Promise<unknown> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  const database = openPostgres('postgres://openapi@127.0.0.1:1/none', { poolMax: 1 })
  const app = await buildApp({ config, database })
  await app.ready()
  const doc = app.swagger()
  await app.close()
  await database.close()
  return JSON.parse(JSON.stringify(doc)) as unknown
}
