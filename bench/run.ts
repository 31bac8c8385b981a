/**
 * `npm run bench`: every benchmark of the service, on real PostgreSQL, in one table.
 *
 * 1. creates a fresh `bench_<random>` database on BENCH_DATABASE_URL's server and migrates it;
 * 2. starts each server in its own Node process (bench/servers/*.ts) on that database;
 * 3. runs every scenario (bench/scenarios): each seeds its data with the demo generator
 *    (src/demo), then warm-up and autocannon on ours, then on bare when there is a bare equivalent;
 *    the check-ins scenario times runCheckins in a child process on a scratch database instead;
 * 4. prints one table (ratio, req/s, p50/p99, target, met?, notes) and writes
 *    bench/results/latest.json and bench/results/latest.md (the table, to paste into docs);
 * 5. stops the servers and drops the databases, also on error and on Ctrl-C; should this process die
 *    without cleaning up (SIGKILL, or `tsx` force-killing it), detached janitors drop the databases
 *    and the servers close when their IPC channel does.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION
 * (s per run, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 50),
 * BENCH_SCENARIOS (comma-separated names, default all). Never part of `npm test`.
 */
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { type BenchDatabase, benchDatabaseName, createBenchDatabase, createStudent } from './lib/database.js'
import { stopCheckinRun } from './lib/checkins.js'
import { cpuPerRequest, cpuSnapshot, postgresIsLocal } from './lib/cpu.js'
import { postEach } from './lib/http.js'
import { startJanitor } from './lib/janitor.js'
import { runLoad, stopAllLoads } from './lib/load.js'
import {
  describeMachine,
  formatCpu,
  formatMachine,
  formatTable,
  judgeRow,
  type Report,
  type RowReport,
  writeReport,
} from './lib/report.js'
import { type ServerHandle, startServer } from './lib/servers.js'
import { loadSettings } from './lib/settings.js'
import { SCENARIOS } from './scenarios/index.js'
import type { ScenarioContext } from './scenarios/types.js'

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url))
const RESULTS_MD = fileURLToPath(new URL('./results/latest.md', import.meta.url))

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

/**
 * autocannon stops at the end of a run without waiting for the requests in flight, which the server
 * still finishes: wait about as long as the slowest one took, so they do not eat into the next run
 * (a slow endpoint's warm-up would otherwise overlap its measured run, or ours' tail bare's start).
 */
const settle = (run: { responses: number; durationSec: number; latencyMs: { max: number } }) => {
  const ms = run.responses > 0 ? run.latencyMs.max : run.durationSec * 1000
  return new Promise((resolve) => setTimeout(resolve, Math.min(10_000, Math.max(100, ms))))
}

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
    stopCheckinRun()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const checkInterrupted = () => {
    if (interrupted) throw new Interrupted(interrupted)
  }

  try {
    /** A fresh migrated database, watched by a janitor and dropped at the end whatever happens. */
    const newDatabase = async (): Promise<BenchDatabase> => {
      const name = benchDatabaseName()
      await startJanitor(settings.baseUrl, name)
      const created = await createBenchDatabase(settings.baseUrl, name)
      let dropped = false
      const drop = async () => {
        if (dropped) return
        dropped = true
        await created.drop()
        log(`dropped database ${created.name}`)
      }
      cleanup.add(`drop database ${created.name}`, drop)
      log(`created and migrated database ${created.name}`)
      return { ...created, drop }
    }
    const bench = await newDatabase()
    checkInterrupted()

    const env = { BENCH_DB_URL: bench.url }
    const [ours, bare] = await Promise.all([startServer('ours', env), startServer('bare', env)])
    cleanup.add('stop servers', async () => {
      await Promise.all([ours.stop(), bare.stop()])
    })
    log(`ours on ${ours.url} (pid ${ours.pid}), bare on ${bare.url} (pid ${bare.pid})`)
    checkInterrupted()

    const countPostgres = postgresIsLocal(settings.baseUrl)
    const ctx: ScenarioContext = {
      settings,
      ours,
      bare,
      database: bench.database,
      now: new Date(),
      createStudent: (label) => createStudent(bench.database, label),
      measure: async (server: ServerHandle, request, { connections = settings.connections } = {}) => {
        checkInterrupted()
        if (settings.warmupSec > 0)
          await settle(await runLoad(server.url, request, { durationSec: settings.warmupSec, connections }))
        checkInterrupted()
        const before = cpuSnapshot(server.pid, { postgres: countPostgres })
        const result = await runLoad(server.url, request, { durationSec: settings.durationSec, connections })
        result.cpu = cpuPerRequest(before, server.pid, result.responses, { postgres: countPostgres })
        await settle(result)
        checkInterrupted()
        log(
          `${server.name.padEnd(4)} ${request.method} ${request.path}: ${Math.round(result.requestsPerSec)} req/s, ` +
            `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${connections} connections, ` +
            `${JSON.stringify(result.statusCodes)}` +
            (result.errors > 0 ? `, ${result.errors} errors` : '') +
            (result.timeouts > 0 ? `, ${result.timeouts} timeouts` : '') +
            (result.cpu ? `; CPU per request ${formatCpu(result.cpu)}` : ''),
        )
        return result
      },
      seed: async (server, { path, headers = {} }, bodies) => {
        await postEach(`${server.url}${path}`, headers, bodies)
        log(`seeded ${bodies.length} via ${server.name} ${path}`)
      },
      timed: async (label, work) => {
        checkInterrupted()
        const began = performance.now()
        const value = await work()
        const seconds = (performance.now() - began) / 1000
        log(`${label}: ${seconds.toFixed(1)} s`)
        checkInterrupted()
        return { value, seconds }
      },
      scratchDatabase: newDatabase,
      analyze: async (database = bench.database) => {
        await database.db.execute(sql`analyze`)
      },
      checkInterrupted,
      log,
    }

    const rows: RowReport[] = []
    for (const scenario of scenarios) {
      log(`scenario ${scenario.name}: ${scenario.description}`)
      for (const row of await scenario.run(ctx)) {
        rows.push(judgeRow(row))
        if (row.checks) log(`${row.name} checks: ${JSON.stringify(row.checks)}`)
      }
    }
    // Rows with a bare equivalent (a ratio) first, in scenario order; then the others.
    rows.sort((a, b) => Number(a.ratio === null) - Number(b.ratio === null))

    const { baseUrl: _baseUrl, ...shownSettings } = settings
    const report: Report = {
      date: new Date().toISOString(),
      machine: describeMachine(bench.serverVersion, settings.baseUrl, loadAverageAtStart),
      settings: shownSettings,
      rows,
    }
    console.log(`\n${formatMachine(report)}\n\n${formatTable(rows)}\n`)
    for (const r of rows)
      console.log(`${r.name}: ${r.description}` + (r.checks ? `; checks ${JSON.stringify(r.checks)}` : ''))
    await writeReport(RESULTS, RESULTS_MD, report)
    log(`wrote ${RESULTS} and ${RESULTS_MD}`)
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
