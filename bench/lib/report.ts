import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname } from 'node:path'
import { format, resolveConfig } from 'prettier'
import type { BatchRow, BenchRow, HttpRow, Targets } from '../scenarios/types.js'
import type { CpuPerRequest } from './cpu.js'
import type { Settings } from './settings.js'

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  os: string
  node: string
  postgres: string
  /** host:port of BENCH_DATABASE_URL, without credentials */
  postgresHost: string
  /** 1-minute load average when the bench started: above the core count, other work skews the figures. */
  loadAverageAtStart: number
}

export function describeMachine(postgres: string, baseUrl: string, loadAverageAtStart: number): Machine {
  const cpus = os.cpus()
  const url = new URL(baseUrl)
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
    postgresHost: url.host,
    loadAverageAtStart: Math.round(loadAverageAtStart * 100) / 100,
  }
}

export interface Verdict {
  met: boolean
  /** Why not, or the targets that were met. */
  reason: string
}

const pct = (x: number) => `${Math.round(x * 100)}%`
const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => `${n} ms`
const sec = (n: number) => `${n.toFixed(1)} s`
const mib = (n: number) => `${Math.round(n)} MiB`

/** Boolean checks are pass/fail: a false one fails the row whatever the figures. */
function failedChecks(checks: BenchRow['checks']): string[] {
  return Object.entries(checks ?? {})
    .filter(([, v]) => v === false)
    .map(([k]) => `check ${k} failed`)
}

function judgeHttp(row: HttpRow, ratio: number | null): Verdict {
  const failures: string[] = []
  const { ours, targets } = row
  if (ours.responses === 0) failures.push('no response at all')
  if (ours.non2xx > 0 || ours.errors > 0 || ours.timeouts > 0)
    failures.push(
      `${ours.non2xx} non-2xx, ${ours.errors} errors, ${ours.timeouts} timeouts (${JSON.stringify(ours.statusCodes)})`,
    )
  if (targets.minRatio !== undefined && (ratio === null || ratio < targets.minRatio))
    failures.push(`ratio ${ratio === null ? 'n/a' : pct(ratio)} < ${pct(targets.minRatio)}`)
  if (targets.maxP50Ms !== undefined && ours.latencyMs.p50 > targets.maxP50Ms)
    failures.push(`p50 ${ms(ours.latencyMs.p50)} > ${targets.maxP50Ms}`)
  if (targets.maxP99Ms !== undefined && ours.latencyMs.p99 > targets.maxP99Ms)
    failures.push(`p99 ${ms(ours.latencyMs.p99)} > ${targets.maxP99Ms}`)
  failures.push(...failedChecks(row.checks))
  return failures.length > 0
    ? { met: false, reason: `no: ${failures.join('; ')}` }
    : { met: true, reason: 'yes' }
}

/** Peak of the full run over the peak of the first (smallest) run: RSS, and live heap when known. */
export function memoryGrowth(row: BatchRow): { rss: number; heap: number | null } | null {
  const first = row.runs[0]
  const last = row.runs.at(-1)
  if (!first || !last || first === last) return null
  const [a, b] = [first.peak.liveHeapMiB, last.peak.liveHeapMiB]
  return { rss: last.peak.rssMiB / first.peak.rssMiB, heap: a && b ? b / a : null }
}

function judgeBatch(row: BatchRow): Verdict {
  const failures: string[] = []
  const last = row.runs.at(-1)
  const { targets } = row
  if (!last) return { met: false, reason: 'no: nothing ran' }
  if (targets.maxSeconds !== undefined && last.seconds > targets.maxSeconds)
    failures.push(`${sec(last.seconds)} > ${targets.maxSeconds} s`)
  const growth = memoryGrowth(row)
  if (targets.maxMemoryGrowth !== undefined) {
    if (!growth) failures.push('memory not compared (one run)')
    else if (growth.heap === null) failures.push('live heap unknown (gc() not exposed)')
    else if (growth.rss > targets.maxMemoryGrowth || growth.heap > targets.maxMemoryGrowth)
      failures.push(
        `memory grew ×${growth.rss.toFixed(2)} RSS, ×${growth.heap.toFixed(2)} live heap > ×${targets.maxMemoryGrowth}`,
      )
  }
  failures.push(...failedChecks(row.checks))
  return failures.length > 0
    ? { met: false, reason: `no: ${failures.join('; ')}` }
    : { met: true, reason: 'yes' }
}

export type RowReport = BenchRow & { ratio: number | null; verdict: Verdict }

export function judgeRow(row: BenchRow): RowReport {
  if (row.kind === 'batch') return { ...row, ratio: null, verdict: judgeBatch(row) }
  const ratio = row.bare ? row.ours.requestsPerSec / row.bare.requestsPerSec : null
  return { ...row, ratio, verdict: judgeHttp(row, ratio) }
}

export interface Report {
  date: string
  machine: Machine
  settings: Omit<Settings, 'baseUrl'>
  rows: RowReport[]
}

export function describeTargets(targets: Targets, row?: BenchRow): string {
  const parts: string[] = []
  if (targets.minRatio !== undefined) parts.push(`≥ ${pct(targets.minRatio)} of bare`)
  if (targets.maxP50Ms !== undefined) parts.push(`p50 ≤ ${targets.maxP50Ms} ms`)
  if (targets.maxP99Ms !== undefined) parts.push(`p99 ≤ ${targets.maxP99Ms} ms`)
  if (targets.maxSeconds !== undefined) parts.push(`≤ ${targets.maxSeconds} s`)
  if (targets.maxMemoryGrowth !== undefined) {
    const sizes = row?.kind === 'batch' ? row.runs.map((r) => int(r.students)) : []
    parts.push(
      `flat memory (peak RSS and live heap ≤ ×${targets.maxMemoryGrowth}${sizes.length > 1 ? ` from ${sizes[0]} to ${sizes.at(-1)} students` : ''})`,
    )
  }
  return parts.length > 0 ? parts.join(', ') : '—'
}

/** "server 2.3 + PostgreSQL 4.5 + load 0.5 ms (machine 93% busy)" */
export function formatCpu(cpu: CpuPerRequest): string {
  const postgres = cpu.postgresMs === null ? '' : ` + PostgreSQL ${cpu.postgresMs}`
  return `server ${cpu.serverMs}${postgres} + load ${cpu.loadGeneratorMs} ms (machine ${cpu.machineBusyPct}% busy)`
}

/**
 * The throughput a latency target needs under the bench's closed-loop load: each connection sends
 * its next request when the last one answers, so the mean latency is connections ÷ req/s (Little's
 * law). A p99 of X ms keeps the mean under X unless the slowest 1% are extreme outliers, so the
 * target needs about this many req/s whatever the server does per request.
 */
export function reqPerSecForLatency(connections: number, latencyMs: number): number {
  return (connections * 1000) / latencyMs
}

/**
 * "p99 ≤ 50 ms at 50 connections needs about ≥ 1,000 req/s (…), 74% of bare here": says whether the
 * p99 target is within reach of the machine at all, measured by what the bare server did on it.
 * Null when the row has no p99 target or runs one request at a time.
 */
export function latencyFloor(row: HttpRow): string | null {
  const { maxP99Ms } = row.targets
  const { connections } = row.ours
  if (maxP99Ms === undefined || connections < 2) return null
  const needed = reqPerSecForLatency(connections, maxP99Ms)
  const head = `p99 ≤ ${maxP99Ms} ms at ${connections} connections needs about ≥ ${int(needed)} req/s (mean latency = connections ÷ req/s)`
  if (!row.bare) return head
  const bare = row.bare.requestsPerSec
  return needed > bare
    ? `${head}, more than bare's ${int(bare)} here`
    : `${head}, ${pct(needed / bare)} of bare here`
}

function notes(row: RowReport): string {
  if (row.kind === 'batch') {
    const last = row.runs.at(-1)
    const runs = [...row.runs].reverse().map((r, i) => {
      const head = `${int(r.students)} students: ${sec(r.seconds)}`
      const rate = i === 0 && last ? ` (${int(r.studentsPerSec)}/s)` : ''
      const live = r.peak.liveHeapMiB === null ? 'n/a' : mib(r.peak.liveHeapMiB)
      return `${head}${rate}, peak RSS ${mib(r.peak.rssMiB)}, heap used ${mib(r.peak.heapUsedMiB)}, live heap ${live}`
    })
    const seeding = row.runs.map((r) => sec(r.seedingSec)).join(' + ')
    return `${runs.join('; ')}; seeding ${seeding}`
  }
  const parts: string[] = [
    `${row.ours.connections} connection${row.ours.connections === 1 ? '' : 's'}${row.ours.connections === 1 ? ', one request at a time' : ''}`,
  ]
  if (row.bare) parts.push(`bare p50 ${ms(row.bare.latencyMs.p50)}, p99 ${ms(row.bare.latencyMs.p99)}`)
  if (row.bareNote) parts.push(row.bareNote)
  const floor = latencyFloor(row)
  if (floor) parts.push(floor)
  if (row.ours.cpu)
    parts.push(
      `CPU per request: ours ${formatCpu(row.ours.cpu)}` +
        (row.bare?.cpu ? `, bare ${formatCpu(row.bare.cpu)}` : ''),
    )
  if (row.seedingSec !== undefined) parts.push(`seeding ${sec(row.seedingSec)}`)
  return parts.join('; ')
}

/**
 * One table, one row per benchmark, the ratio first. Pipe-aligned, so the same text is the console
 * output and valid Markdown. A batch row (check-ins) has no req/s or latency: its figures are in
 * the notes.
 */
export function formatTable(rows: readonly RowReport[]): string {
  const header = ['benchmark', 'ratio ours/bare', 'ours req/s', 'bare req/s', 'ours p50', 'ours p99']
  header.push('target', 'met?', 'notes')
  const body = rows.map((r) =>
    r.kind === 'http'
      ? [
          r.name,
          r.ratio === null ? '—' : pct(r.ratio),
          int(r.ours.requestsPerSec),
          r.bare ? int(r.bare.requestsPerSec) : '—',
          ms(r.ours.latencyMs.p50),
          ms(r.ours.latencyMs.p99),
          describeTargets(r.targets, r),
          r.verdict.reason,
          notes(r),
        ]
      : [r.name, '—', '—', '—', '—', '—', describeTargets(r.targets, r), r.verdict.reason, notes(r)],
  )
  const numeric = new Set([1, 2, 3, 4, 5])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`
  return [line(header), rule, ...body.map(line)].join('\n')
}

export function formatMachine(report: Report): string {
  const m = report.machine
  const s = report.settings
  return [
    `date:     ${report.date}`,
    `machine:  ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; load average ${m.loadAverageAtStart} at start`,
    `runtime:  Node ${m.node}; PostgreSQL ${m.postgres} at ${m.postgresHost}`,
    `load:     autocannon, ${s.connections} connections (${s.latencyConnections} for the heavy reads), ${s.durationSec} s per run after ${s.warmupSec} s warm-up; ours and bare alternate`,
  ].join('\n')
}

/** The table with its context, ready to paste into docs/performance.md. */
export function formatMarkdown(report: Report): string {
  const m = report.machine
  const s = report.settings
  const describe = report.rows.map((r) => {
    const checks = r.checks
      ? ` Checks: ${Object.entries(r.checks)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')}.`
      : ''
    return `- **${r.name}**: ${r.description}.${checks}`
  })
  return [
    `Run of ${report.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ` +
      `PostgreSQL ${m.postgres} on ${m.postgresHost}; load average ${m.loadAverageAtStart} at start. ` +
      `autocannon, ${s.connections} connections (${s.latencyConnections} for the heavy reads: analytics, ` +
      `recommendations, dashboard), ${s.durationSec} s per run after ${s.warmupSec} s of warm-up` +
      (s.scenarios ? `; scenarios ${s.scenarios.join(', ')}` : '') +
      '.',
    '',
    formatTable(report.rows),
    '',
    ...describe,
    '',
  ].join('\n')
}

/** Formatted as the repository's Prettier would, so a committed copy passes `npm run lint`. */
async function writeFormatted(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const options = (await resolveConfig(path)) ?? {}
  await writeFile(path, await format(text, { ...options, filepath: path }))
}

export async function writeReport(jsonPath: string, markdownPath: string, report: Report): Promise<void> {
  await writeFormatted(jsonPath, JSON.stringify(report))
  await writeFormatted(markdownPath, formatMarkdown(report))
}
