// `npm run db:migrate`: applies migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
import { loadConfig } from '../config.js'
import { openDatabase } from './client.js'
import { runMigrations } from './migrate.js'

const config = loadConfig()
const database = await openDatabase(config)
try {
  await runMigrations(database)
  console.log(`migrations applied (${database.kind})`)
} finally {
  await database.close()
}
