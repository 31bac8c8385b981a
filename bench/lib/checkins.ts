import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { RunCheckinsResult } from '../../src/modules/checkins/checkins.service.js'

/** How often the child forces a full GC to read the live heap (the same at every size). */
export const LIVE_HEAP_EVERY_MS = 1_000

export interface CheckinRunReport {
  result: RunCheckinsResult
  seconds: number
  /** After connecting, before the run (bytes). */
  baseline: { rssBytes: number; heapUsedBytes: number }
  /** Highest seen during the run (bytes). */
  peak: { rssBytes: number; heapUsedBytes: number }
  /** Heap used after a full GC once the run is over: what it left behind (bytes). */
  retainedHeapUsedBytes: number
  /** Heap used right after each full GC forced during the run, one every LIVE_HEAP_EVERY_MS (bytes). */
  liveHeapSamplesBytes: number[]
  samples: number
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface CheckinRun extends CheckinRunReport {
  /**
   * The largest heap left alive by the full GCs forced during the run (and the one at its end), in
   * bytes: what the run holds at once, garbage excluded. null when gc() was not exposed.
   */
  liveHeapBytes: number | null
  /** Full GCs forced during the run to read the live heap. */
  fullGcs: number
}

let running: (() => void) | undefined

/** Stops a check-in run in flight (Ctrl-C). */
export function stopCheckinRun(): void {
  running?.()
}

/**
 * Runs bench/lib/checkins.process.ts on database `url` as of `now` in a fresh Node process (so the
 * memory it reports is the run's alone) and resolves with its report.
 */
export async function runCheckinsInChild(url: string, now: Date): Promise<CheckinRun> {
  const script = fileURLToPath(new URL('./checkins.process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_DB_URL: url, BENCH_NOW: now.toISOString() },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  running = () => child.kill('SIGTERM')
  try {
    const report = await new Promise<CheckinRunReport>((resolve, reject) => {
      let received: CheckinRunReport | undefined
      child.on('message', (message: CheckinRunReport) => {
        received = message
      })
      child.once('error', reject)
      child.once('exit', (code, signal) => {
        if (received && code === 0) resolve(received)
        else reject(new Error(`check-in run exited with code ${code}, signal ${signal}, no report`))
      })
    })
    const samples = report.liveHeapSamplesBytes
    return {
      ...report,
      fullGcs: samples.length,
      liveHeapBytes: samples.length === 0 ? null : Math.max(...samples, report.retainedHeapUsedBytes),
    }
  } finally {
    running = undefined
  }
}
