import type { Database } from '../../src/db/client.js'
import type { RunCheckinsResult } from '../../src/modules/checkins/checkins.service.js'
import type { BenchDatabase, BenchStudent } from '../lib/database.js'
import type { LoadRequest, LoadResult } from '../lib/load.js'
import type { ServerHandle } from '../lib/servers.js'
import type { Settings } from '../lib/settings.js'

/** What a scenario may use; the runner owns the databases, the servers and the clock. */
export interface ScenarioContext {
  settings: Settings
  /** The service (bench/servers/ours.ts). */
  ours: ServerHandle
  /** The bare Fastify + plain SQL baseline (bench/servers/bare.ts). */
  bare: ServerHandle
  /**
   * The bench's own pool on the bench database (asynchronous commit, 8 connections): seeding and
   * sanity checks only, never on the measured path.
   */
  database: Database
  /** The bench's "now", fixed at start: every generated history ends the day before it. */
  now: Date
  createStudent(label: string): Promise<BenchStudent>
  /**
   * Unmeasured warm-up, then the measured run: settings.durationSec seconds on
   * settings.connections connections, or on `connections` when given.
   */
  measure(server: ServerHandle, request: LoadRequest, options?: { connections?: number }): Promise<LoadResult>
  /** Posts every body once, a few at a time, and fails unless each is a 2xx: seeding, not load. */
  seed(
    server: ServerHandle,
    request: { path: string; headers?: Record<string, string> },
    bodies: readonly string[],
  ): Promise<void>
  /** Runs `work`, logs how long it took, returns its value and the seconds. */
  timed<T>(label: string, work: () => Promise<T>): Promise<{ value: T; seconds: number }>
  /**
   * A second fresh, migrated database on the same server, dropped when the bench ends (or earlier
   * through its `drop`): for a scenario that must own every row (check-ins walk all students).
   */
  scratchDatabase(): Promise<BenchDatabase>
  /** Fresh planner statistics after a big seed (what autovacuum would soon do in production). */
  analyze(database?: Database): Promise<void>
  /** Throws when the bench was interrupted (Ctrl-C): call between long steps. */
  checkInterrupted(): void
  log(message: string): void
}

export interface Targets {
  /** ours req/s ÷ bare req/s at least this. */
  minRatio?: number
  /** ours median latency at most this, ms. */
  maxP50Ms?: number
  /** ours p99 latency at most this, ms. */
  maxP99Ms?: number
  /** Batch: the full run takes at most this, seconds. */
  maxSeconds?: number
  /**
   * Batch: "flat memory": the full run's peak RSS and peak live heap at most this many times the
   * smaller run's (linear growth would be the ratio of the sizes).
   */
  maxMemoryGrowth?: number
}

type Checks = Record<string, number | string | boolean>

/** An HTTP endpoint under autocannon load: ours, and the bare equivalent when there is one. */
export interface HttpRow {
  kind: 'http'
  /** Short and stable: the table row and the key in results/latest.json. */
  name: string
  description: string
  targets: Targets
  ours: LoadResult
  /** null when there is no meaningful bare equivalent (the advisor dashboard). */
  bare: LoadResult | null
  /** What the bare side does, when it is not the obvious one. */
  bareNote?: string
  /** Seconds spent seeding this row's data before the load. */
  seedingSec?: number
  /** Sanity figures checked around the load (rows written, page sizes, …). */
  checks?: Checks
}

/** One timed batch run (the weekly check-ins) over `students` students. */
export interface BatchRun {
  students: number
  /** Seconds to seed those students (the part added for this run). */
  seedingSec: number
  seconds: number
  studentsPerSec: number
  result: RunCheckinsResult
  /** The process after connecting, before the run. */
  baseline: { rssMiB: number; heapUsedMiB: number }
  /**
   * Highest during the run: RSS (kernel high-water mark), heap used (sampled every 10 ms: it peaks
   * before each full GC, at a height set by V8's heuristics), and the live heap (the largest heap
   * a full GC left behind: what the run actually holds at once).
   */
  peak: { rssMiB: number; heapUsedMiB: number; liveHeapMiB: number | null }
  fullGcs: number
}

/** A timed batch job rather than a load: runs at growing sizes, the last one is the target's. */
export interface BatchRow {
  kind: 'batch'
  name: string
  description: string
  targets: Targets
  runs: BatchRun[]
  checks?: Checks
}

export type BenchRow = HttpRow | BatchRow

/**
 * One benchmark: seeds what it needs, then measures ours (and, when it has one, the bare
 * equivalent right after, so the two runs alternate under the same conditions). Returns one table
 * row per endpoint or job it measured.
 */
export interface Scenario {
  /** What BENCH_SCENARIOS selects. */
  name: string
  description: string
  run(ctx: ScenarioContext): Promise<BenchRow[]>
}
