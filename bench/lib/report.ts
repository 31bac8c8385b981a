import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname } from 'node:path'
import { format, resolveConfig } from 'prettier'
import type { ScenarioResult, Targets } from '../scenarios/types.js'
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

export function judge(targets: Targets, result: ScenarioResult, ratio: number | null): Verdict {
  const failures: string[] = []
  const met: string[] = []
  const { ours } = result
  if (ours.non2xx > 0 || ours.errors > 0)
    failures.push(`${ours.non2xx} non-2xx, ${ours.errors} errors (${JSON.stringify(ours.statusCodes)})`)
  if (targets.minRatio !== undefined) {
    const want = `${Math.round(targets.minRatio * 100)}%`
    if (ratio === null || ratio < targets.minRatio)
      failures.push(`ratio ${ratio === null ? 'n/a' : `${Math.round(ratio * 100)}%`} < ${want}`)
    else met.push(`≥ ${want}`)
  }
  if (targets.maxP99Ms !== undefined) {
    if (ours.latencyMs.p99 > targets.maxP99Ms)
      failures.push(`p99 ${ours.latencyMs.p99} ms > ${targets.maxP99Ms}`)
    else met.push(`p99 ≤ ${targets.maxP99Ms} ms`)
  }
  if (result.checks?.consistent === false)
    failures.push(`inconsistent writes ${JSON.stringify(result.checks)}`)
  return failures.length > 0
    ? { met: false, reason: `no: ${failures.join('; ')}` }
    : { met: true, reason: met.length > 0 ? `yes (${met.join(', ')})` : 'yes' }
}

export interface ScenarioReport extends ScenarioResult {
  name: string
  description: string
  targets: Targets
  ratio: number | null
  verdict: Verdict
}

export interface Report {
  date: string
  machine: Machine
  settings: Omit<Settings, 'baseUrl'>
  scenarios: ScenarioReport[]
}

const rps = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => `${n} ms`

export function formatTable(scenarios: readonly ScenarioReport[]): string {
  const header = [
    'scenario',
    'ours req/s',
    'bare req/s',
    'ratio',
    'ours p50',
    'ours p99',
    'bare p50',
    'bare p99',
    'target met?',
  ]
  const rows = scenarios.map((s) => [
    s.name,
    rps(s.ours.requestsPerSec),
    s.bare ? rps(s.bare.requestsPerSec) : '—',
    s.ratio === null ? '—' : `${Math.round(s.ratio * 100)}%`,
    ms(s.ours.latencyMs.p50),
    ms(s.ours.latencyMs.p99),
    s.bare ? ms(s.bare.latencyMs.p50) : '—',
    s.bare ? ms(s.bare.latencyMs.p99) : '—',
    s.verdict.reason,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

export function formatMachine(report: Report): string {
  const m = report.machine
  const s = report.settings
  return [
    `date:     ${report.date}`,
    `machine:  ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; load average ${m.loadAverageAtStart} at start`,
    `runtime:  Node ${m.node}; PostgreSQL ${m.postgres} at ${m.postgresHost}`,
    `load:     autocannon, ${s.connections} connections, ${s.durationSec} s per run after ${s.warmupSec} s warm-up; ours and bare alternate`,
  ].join('\n')
}

export async function writeReport(path: string, report: Report): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  // Formatted as the repository's Prettier would, so a committed result passes `npm run lint`.
  const options = (await resolveConfig(path)) ?? {}
  await writeFile(path, await format(JSON.stringify(report), { ...options, filepath: path }))
}
