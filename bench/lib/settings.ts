/** Bench settings from the environment; the defaults are the ones the targets assume. */
export interface Settings {
  /** A PostgreSQL server the bench may create (and drop) a database on. */
  baseUrl: string
  /** Seconds of measured load per run. */
  durationSec: number
  /** Seconds of unmeasured load before each run (JIT, pool and cache warm-up). */
  warmupSec: number
  connections: number
  /**
   * Connections for the benchmarks whose target is a latency of a heavy request (analytics,
   * recommendations, the advisor dashboard): at 50 connections their p50 would only be queueing
   * (50 ÷ throughput), not the time a request takes.
   */
  latencyConnections: number
  /** Only the scenarios named here (comma-separated BENCH_SCENARIOS), or all. */
  scenarios: string[] | null
}

function positive(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`)
  return value
}

export function loadSettings(): Settings {
  const scenarios = process.env.BENCH_SCENARIOS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return {
    baseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    durationSec: positive('BENCH_DURATION', 10),
    warmupSec: positive('BENCH_WARMUP', 3, { allowZero: true }),
    connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
    latencyConnections: Math.round(positive('BENCH_LATENCY_CONNECTIONS', 2)),
    scenarios: scenarios && scenarios.length > 0 ? scenarios : null,
  }
}
