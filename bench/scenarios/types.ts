import type { Database } from '../../src/db/client.js'
import type { BenchStudent } from '../lib/database.js'
import type { LoadRequest, LoadResult } from '../lib/load.js'
import type { ServerHandle } from '../lib/servers.js'
import type { Settings } from '../lib/settings.js'

/** What a scenario may use; the runner owns the database, the servers and the clock. */
export interface ScenarioContext {
  settings: Settings
  /** The service (bench/servers/ours.ts). */
  ours: ServerHandle
  /** The bare Fastify + one-INSERT baseline (bench/servers/bare.ts). */
  bare: ServerHandle
  /** The bench's own small pool on the bench database: seeding and sanity checks only. */
  database: Database
  /** Realistic block bodies (JSON), shared by every scenario that posts blocks. */
  blockBodies: readonly string[]
  createStudent(label: string): Promise<BenchStudent>
  /** Unmeasured warm-up, then the measured run (settings.durationSec × settings.connections). */
  measure(server: ServerHandle, request: LoadRequest): Promise<LoadResult>
  /** Posts every body once, a few at a time, and fails unless each is a 2xx: seeding, not load. */
  seed(
    server: ServerHandle,
    request: { path: string; headers?: Record<string, string> },
    bodies: readonly string[],
  ): Promise<void>
  log(message: string): void
}

export interface Targets {
  /** ours req/s ÷ bare req/s at least this. */
  minRatio?: number
  /** ours p99 latency at most this, ms. */
  maxP99Ms?: number
}

export interface ScenarioResult {
  ours: LoadResult
  /** null when the scenario has no bare equivalent (analytics, dashboards). */
  bare: LoadResult | null
  /** Sanity figures the scenario checked after the load (rows written, page sizes, …). */
  checks?: Record<string, number | string | boolean>
}

/**
 * One benchmark: seeds what it needs, then measures ours (and, when it has one, the bare
 * equivalent right after, so the two runs alternate under the same conditions).
 */
export interface Scenario {
  /** Short and stable: the table row and the key in results/latest.json. */
  name: string
  description: string
  targets: Targets
  run(ctx: ScenarioContext): Promise<ScenarioResult>
}
