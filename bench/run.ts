/**
 * `npm run bench`: the service against a bare Fastify + one-INSERT server, on real PostgreSQL.
 *
 * 1. creates a fresh `bench_<random>` database on BENCH_DATABASE_URL's server and migrates it;
 * 2. starts each server in its own Node process (bench/servers/*.ts) on that database;
 * 3. runs every scenario (bench/scenarios): warm-up, then autocannon on ours, then on bare;
 * 4. prints one table (req/s, p50/p99, ratio, target met?) and writes bench/results/latest.json;
 * 5. stops the servers and drops the database, also on error and on Ctrl-C; should this process die
 *    without cleaning up (SIGKILL, or `tsx` force-killing it), a detached janitor drops the database
 *    and the servers close when their IPC channel does.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION
 * (s per run, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 50),
 * BENCH_SCENARIOS (comma-separated names, default all). Never part of `npm test`.
 */
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { blockBodies } from './lib/bodies.js'
import { benchDatabaseName, createBenchDatabase, createStudent } from './lib/database.js'
import { postEach } from './lib/http.js'
import { startJanitor } from './lib/janitor.js'
import { runLoad, stopAllLoads } from './lib/load.js'
import {
  describeMachine,
  formatMachine,
  formatTable,
  judge,
  type Report,
  type ScenarioReport,
  writeReport,
} from './lib/report.js'
import { type ServerHandle, startServer } from './lib/servers.js'
import { loadSettings } from './lib/settings.js'
import { SCENARIOS } from './scenarios/index.js'
import type { ScenarioContext } from './scenarios/types.js'

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url))

class Interrupted extends Error {}

/** Undo steps, run once, newest first, whatever happened before. */
class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> }[] = []
  private running: Promise<void> | undefined
  add(label: string, run: () => Promise<void>) {
    this.steps.push({ label, run })
  }
  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run()
        } catch (err) {
          console.error(`cleanup: ${step.label} failed:`, err)
        }
      }
    })())
  }
}

const log = (message: string) => console.log(`· ${message}`)

async function main(): Promise<number> {
  const loadAverageAtStart = os.loadavg()[0] ?? 0
  const settings = loadSettings()
  const scenarios = settings.scenarios
    ? SCENARIOS.filter((s) => settings.scenarios?.includes(s.name))
    : SCENARIOS
  if (scenarios.length === 0)
    throw new Error(`BENCH_SCENARIOS matched nothing; known: ${SCENARIOS.map((s) => s.name).join(', ')}`)

  const cleanup = new Cleanup()
  let interrupted: NodeJS.Signals | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // Second Ctrl-C: do not wait for the load to wind down.
      void cleanup.run().finally(() => process.exit(130))
      return
    }
    interrupted = signal
    console.error(`\n${signal}: stopping the load and cleaning up (again to force)…`)
    stopAllLoads()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const checkInterrupted = () => {
    if (interrupted) throw new Interrupted(interrupted)
  }

  try {
    const name = benchDatabaseName()
    await startJanitor(settings.baseUrl, name)
    const bench = await createBenchDatabase(settings.baseUrl, name)
    cleanup.add(`drop database ${bench.name}`, async () => {
      await bench.drop()
      log(`dropped database ${bench.name}`)
    })
    log(`created and migrated database ${bench.name}`)
    checkInterrupted()

    const env = { BENCH_DB_URL: bench.url }
    const [ours, bare] = await Promise.all([startServer('ours', env), startServer('bare', env)])
    cleanup.add('stop servers', async () => {
      await Promise.all([ours.stop(), bare.stop()])
    })
    log(`ours on ${ours.url} (pid ${ours.pid}), bare on ${bare.url} (pid ${bare.pid})`)
    checkInterrupted()

    const ctx: ScenarioContext = {
      settings,
      ours,
      bare,
      database: bench.database,
      blockBodies: blockBodies(1_000),
      createStudent: (label) => createStudent(bench.database, label),
      measure: async (server: ServerHandle, request) => {
        checkInterrupted()
        if (settings.warmupSec > 0)
          await runLoad(server.url, request, {
            durationSec: settings.warmupSec,
            connections: settings.connections,
          })
        checkInterrupted()
        const result = await runLoad(server.url, request, settings)
        checkInterrupted()
        log(
          `${server.name.padEnd(4)} ${request.method} ${request.path}: ${Math.round(result.requestsPerSec)} req/s, ` +
            `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${JSON.stringify(result.statusCodes)}` +
            (result.errors > 0 ? `, ${result.errors} errors` : ''),
        )
        return result
      },
      seed: async (server, { path, headers = {} }, bodies) => {
        await postEach(`${server.url}${path}`, headers, bodies)
        log(`seeded ${bodies.length} via ${server.name} ${path}`)
      },
      log,
    }

    const reports: ScenarioReport[] = []
    for (const scenario of scenarios) {
      log(`scenario ${scenario.name}: ${scenario.description}`)
      const result = await scenario.run(ctx)
      const ratio = result.bare ? result.ours.requestsPerSec / result.bare.requestsPerSec : null
      reports.push({
        name: scenario.name,
        description: scenario.description,
        targets: scenario.targets,
        ...result,
        ratio,
        verdict: judge(scenario.targets, result, ratio),
      })
      if (result.checks) log(`checks: ${JSON.stringify(result.checks)}`)
    }

    const { baseUrl: _baseUrl, ...shownSettings } = settings
    const report: Report = {
      date: new Date().toISOString(),
      machine: describeMachine(bench.serverVersion, settings.baseUrl, loadAverageAtStart),
      settings: shownSettings,
      scenarios: reports,
    }
    console.log(`\n${formatMachine(report)}\n\n${formatTable(reports)}\n`)
    for (const s of reports)
      console.log(
        `${s.name}: targets ${JSON.stringify(s.targets)}` +
          (s.checks ? `; checks ${JSON.stringify(s.checks)}` : ''),
      )
    await writeReport(RESULTS, report)
    log(`wrote ${RESULTS}`)
    // Missed targets are a finding to read in the table, not a crash: exit 0 whenever the bench ran.
    return 0
  } catch (err) {
    if (err instanceof Interrupted) {
      console.error(`interrupted by ${err.message}`)
      return 130
    }
    throw err
  } finally {
    await cleanup.run()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
