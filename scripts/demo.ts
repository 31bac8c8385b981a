// `npm run demo`: the service on the embedded database in ./data/demo (recreated on each run),
// seeded with the demo cohort, then a block of ready-to-paste lines. Serves until Ctrl-C.
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { buildApp } from '../src/app.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { openPglite } from '../src/db/client.js'
import { runMigrations } from '../src/db/migrate.js'
import { DEMO_STORIES, DEMO_STUDENT_KEYS, type DemoCohort, seedDemoCohort } from '../src/demo/cohort.js'
import { mergeAnalyticsConfig } from '../src/modules/analytics/config.js'

const DATA_DIR = resolve('data/demo')

/** Resolves to `port` when it is free on `host`, else to a free port the OS picks. */
function freePort(host: string, port: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number>((ok, fail) => {
      const probe = createServer()
      probe.once('error', fail)
      probe.listen({ host, port: p }, () => {
        const address = probe.address()
        const chosen = typeof address === 'object' && address ? address.port : p
        probe.close(() => ok(chosen))
      })
    })
  return tryPort(port).catch(() => tryPort(0))
}

const BLURB: Record<(typeof DEMO_STUDENT_KEYS)[number], string> = {
  plateau: 'score plateau, GI and renal weak, heavy-Qbank weeks',
  improving: 'scores rising, on pace, refinement weeks',
  behind: 'far behind the first-pass pace, exam too close to ERAS',
  final: 'final two weeks before the exam',
}

function printBlock(base: string, cohort: DemoCohort, seconds: number) {
  const { students, advisor } = cohort
  const curl = (token: string, path: string) => `curl -s -H 'Authorization: Bearer ${token}' '${base}${path}'`
  const width = Math.max(...DEMO_STUDENT_KEYS.map((k) => DEMO_STORIES[k].name.length), advisor.name.length)
  const lines = [
    '',
    `Step 2 CK progress API: demo ready in ${seconds.toFixed(1)} s (embedded database in ./data/demo, recreated on each run)`,
    '',
    `  Base URL   ${base}`,
    `  API docs   ${base}/docs`,
    '',
    'Tokens (Authorization: Bearer <token>):',
    ...DEMO_STUDENT_KEYS.map(
      (k) => `  ${students[k].name.padEnd(width)}  ${students[k].token}   student: ${BLURB[k]}`,
    ),
    `  ${advisor.name.padEnd(width)}  ${advisor.token}   advisor of all four`,
    '',
    'Try (pipe into jq to read them comfortably):',
    `  # ${students.plateau.name}: every figure of the guide (phase, pace, weak systems, trend, readiness)`,
    `  ${curl(students.plateau.token, '/v1/students/me/analytics')}`,
    `  # ${students.plateau.name}: what to do next, most important first`,
    `  ${curl(students.plateau.token, '/v1/students/me/recommendations')}`,
    `  # ${students.behind.name}: behind pace, exam too close to ERAS`,
    `  ${curl(students.behind.token, '/v1/students/me/recommendations')}`,
    `  # ${advisor.name}: the mentee dashboard, highest risk first`,
    `  ${curl(advisor.token, '/v1/advisors/me/mentees?sort=risk')}`,
    `  # ${students.plateau.name}'s check-in for the week of ${cohort.checkins.weekOf}, as her advisor sees it`,
    `  ${curl(advisor.token, `/v1/students/${students.plateau.id}/checkins`)}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

async function main() {
  const started = performance.now()
  let config
  try {
    // The demo always runs embedded, whatever DATABASE_URL says; quiet logs unless asked for.
    config = loadConfig({
      ...process.env,
      DATABASE_URL: undefined,
      DATA_DIR,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    })
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }

  rmSync(DATA_DIR, { recursive: true, force: true })
  const database = await openPglite(DATA_DIR)
  await runMigrations(database)
  const cohort = await seedDemoCohort(database.db, {
    now: new Date(),
    analyticsConfig: mergeAnalyticsConfig(config.ANALYTICS_OVERRIDES),
  })

  const app = await buildApp({ config, database })
  app.addHook('onClose', async () => database.close())

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    process.stdout.write(`\n${signal}: stopping the demo\n`)
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))

  const port = await freePort(config.HOST, config.PORT)
  await app.listen({ host: config.HOST, port })
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST
  const shownHost = host.includes(':') ? `[${host}]` : host
  printBlock(`http://${shownHost}:${port}`, cohort, (performance.now() - started) / 1000)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
