/**
 * One weekly check-in run, alone in its own Node process so its memory is its own: what the hourly
 * job does (runCheckins in due mode: each student's last complete week) over every student of
 * BENCH_DB_URL, on a pool the size of the service's default (DB_POOL_MAX 10). Memory is read every
 * 10 ms (heap used, RSS) and the kernel's high-water mark of the RSS is read at the end, so a peak
 * between two samples still counts. The heap used peaks just before each full GC, at a height that
 * depends on V8's heuristics more than on what is alive; so once a second a full GC is forced
 * (--expose-gc) and the heap it leaves is the live heap at that moment: the same cadence at every
 * size, and no floating garbage (V8's own incremental full GCs keep what was allocated while they
 * marked, so their after-GC sizes vary from one GC to the next). A full GC forced at the end shows
 * what the run left behind. Reports over IPC.
 */
import { openPostgres } from '../../src/db/client.js'
import { DEFAULT_ANALYTICS_CONFIG } from '../../src/modules/analytics/config.js'
import { runCheckins } from '../../src/modules/checkins/checkins.service.js'
import { requireEnv } from '../servers/child.js'
import { type CheckinRunReport, LIVE_HEAP_EVERY_MS } from './checkins.js'

// The bench went away (crash, Ctrl-C): nobody will read the result.
process.once('disconnect', () => process.exit(1))

async function main() {
  const database = openPostgres(requireEnv('BENCH_DB_URL'), { poolMax: 10 })
  const now = new Date(requireEnv('BENCH_NOW'))
  try {
    await database.ping(10_000)
    globalThis.gc?.()
    const start = process.memoryUsage()
    const baseline = { rssBytes: start.rss, heapUsedBytes: start.heapUsed }
    const peak = { ...baseline }
    let samples = 0
    const sample = () => {
      const m = process.memoryUsage()
      peak.rssBytes = Math.max(peak.rssBytes, m.rss)
      peak.heapUsedBytes = Math.max(peak.heapUsedBytes, m.heapUsed)
      samples++
    }
    const liveHeapSamplesBytes: number[] = []
    const liveHeap = () => {
      if (!globalThis.gc) return
      globalThis.gc()
      liveHeapSamplesBytes.push(process.memoryUsage().heapUsed)
    }
    const timer = setInterval(sample, 10)
    const liveTimer = setInterval(liveHeap, LIVE_HEAP_EVERY_MS)
    const began = performance.now()
    const result = await runCheckins(database.db, { now, config: DEFAULT_ANALYTICS_CONFIG })
    const seconds = (performance.now() - began) / 1000
    clearInterval(timer)
    clearInterval(liveTimer)
    sample()
    globalThis.gc?.()
    const retainedHeapUsedBytes = process.memoryUsage().heapUsed
    // maxRSS is in KiB: the process's all-time peak, startup included, which the baseline shows.
    peak.rssBytes = Math.max(peak.rssBytes, process.resourceUsage().maxRSS * 1024)
    const report: CheckinRunReport = {
      result,
      seconds,
      baseline,
      peak,
      retainedHeapUsedBytes,
      liveHeapSamplesBytes,
      samples,
    }
    await new Promise<void>((resolve, reject) =>
      process.send ? process.send(report, (err: Error | null) => (err ? reject(err) : resolve())) : resolve(),
    )
  } finally {
    await database.close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
