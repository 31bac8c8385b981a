// Process entry: load config, open the database, migrate, listen, close cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { runMigrations } from './db/migrate.js'
import { startJobs } from './jobs/queue.js'
import { ensureBootstrapAdmin } from './modules/users/users.repository.js'
import { startWebhookWorker } from './modules/webhooks/worker.js'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }

  const database = await openDatabase(config)
  if (config.MIGRATE_ON_START) await runMigrations(database)
  if (config.ADMIN_TOKEN) await ensureBootstrapAdmin(database.db, config.ADMIN_TOKEN)

  const app = await buildApp({ config, database })
  // The queue (pg-boss) runs on the same database: after migrations, stopped before the database closes.
  const jobs = await startJobs({ config, database, log: app.log })
  // Webhooks: outbox → signed POSTs on a timer; its in-flight batch finishes before the database closes.
  const webhooks = startWebhookWorker({ db: database.db, config, log: app.log })
  app.addHook('onClose', async () => {
    await webhooks?.stop()
    await jobs?.stop()
    await database.close()
  })

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    // Never hang forever on a stuck request: the orchestrator would kill us less gracefully.
    const force = setTimeout(() => {
      app.log.error('shutdown timed out; exiting')
      process.exit(1)
    }, config.SHUTDOWN_TIMEOUT_MS)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))

  const address = await app.listen({ host: config.HOST, port: config.PORT })
  app.log.info({ database: database.kind }, `serving on ${address}; docs at ${address}/docs`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
