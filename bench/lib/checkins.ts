import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { RunCheckinsResult } from '../../src/modules/checkins/checkins.service.js'

/** Printed by the child around the run, so the parent reads only the run's GCs. */
export const RUN_STARTED = 'bench: check-in run started'
export const RUN_ENDED = 'bench: check-in run ended'

export interface CheckinRunReport {
  result: RunCheckinsResult
  seconds: number
  /** After connecting, before the run (bytes). */
  baseline: { rssBytes: number; heapUsedBytes: number }
  /** Highest seen during the run (bytes). */
  peak: { rssBytes: number; heapUsedBytes: number }
  /** Heap used after a full GC once the run is over: what it left behind (bytes). */
  retainedHeapUsedBytes: number
  samples: number
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MiB = 2 ** 20

export interface CheckinRun extends CheckinRunReport {
  /**
   * The largest heap left alive by a full GC during the run (and the forced one at its end), in
   * bytes: what the run holds at once, garbage excluded. null when --trace-gc printed nothing usable.
   */
  liveHeapBytes: number | null
  /** Full GCs (mark-compact) during the run. */
  fullGcs: number
}

let running: (() => void) | undefined

/** Stops a check-in run in flight (Ctrl-C). */
export function stopCheckinRun(): void {
  running?.()
}

// V8's --trace-gc line for a full GC: "... Mark-Compact 150.5 (176.4) -> 32.1 (112.9) MB, ...".
const FULL_GC = /Mark-Compact(?: \([a-z ]+\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/

/**
 * Runs bench/lib/checkins.process.ts on database `url` as of `now` in a fresh Node process (so the
 * memory it reports is the run's alone), reads its --trace-gc output, and resolves with its report.
 */
export async function runCheckinsInChild(url: string, now: Date): Promise<CheckinRun> {
  const script = fileURLToPath(new URL('./checkins.process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--trace-gc', '--expose-gc', '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_DB_URL: url, BENCH_NOW: now.toISOString() },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  running = () => child.kill('SIGTERM')
  let inRun = false
  let fullGcs = 0
  let liveHeapMiB: number | null = null
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === RUN_STARTED) inRun = true
    else if (line === RUN_ENDED) inRun = false
    else if (inRun) {
      const match = FULL_GC.exec(line)
      if (match) {
        fullGcs++
        liveHeapMiB = Math.max(liveHeapMiB ?? 0, Number(match[1]))
      }
    } else if (!line.includes('Scavenge') && !FULL_GC.test(line)) console.log(line)
  })
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
    const live: number | null = liveHeapMiB
    return {
      ...report,
      fullGcs,
      liveHeapBytes: Math.max(live === null ? 0 : live * MiB, report.retainedHeapUsedBytes),
    }
  } finally {
    running = undefined
  }
}
