import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * Where a measured run's CPU went, per response: the server process, PostgreSQL (all its
 * processes: backends, WAL writer, checkpointer), the load generator (autocannon runs in the
 * bench's own process), and how busy the whole machine was. On a machine the run saturates,
 * throughput is about cores ÷ CPU per request, so these say why one server is slower than the
 * other. Linux only (read from /proc); PostgreSQL only when it runs on this machine.
 */
export interface CpuPerRequest {
  serverMs: number
  /** Null when PostgreSQL is not on this machine (or /proc cannot be read). */
  postgresMs: number | null
  loadGeneratorMs: number
  /** Share of all cores busy during the run (user + system + interrupts), 0–100. */
  machineBusyPct: number
}

interface CpuSnapshot {
  serverSec: number
  /** CPU seconds of each PostgreSQL process by pid. */
  postgres: Map<string, number> | null
  ownMicros: NodeJS.CpuUsage
  machine: { busy: number; all: number }
}

let ticksPerSecond: number | undefined
const clockTicks = () => {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** user + system CPU seconds of a process and all its threads, or null once it is gone. */
function processSeconds(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks()
  } catch {
    return null
  }
}

function postgresProcesses(): Map<string, number> | null {
  try {
    const seconds = new Map<string, number>()
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      let command: string
      try {
        command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      } catch {
        continue // exited meanwhile
      }
      const used = command === 'postgres' ? processSeconds(pid) : null
      if (used !== null) seconds.set(pid, used)
    }
    return seconds
  } catch {
    return null
  }
}

function machineTicks(): { busy: number; all: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? []
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      values.map(Number)
    return {
      busy: user + nice + system + irq + softirq,
      all: user + nice + system + idle + iowait + irq + softirq + steal,
    }
  } catch {
    return { busy: 0, all: 0 }
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', ''])

/** Whether the PostgreSQL of `baseUrl` runs on this machine (then its processes are counted). */
export const postgresIsLocal = (baseUrl: string) => LOCAL_HOSTS.has(new URL(baseUrl).hostname)

export function cpuSnapshot(serverPid: number, { postgres }: { postgres: boolean }): CpuSnapshot {
  return {
    serverSec: processSeconds(serverPid) ?? 0,
    postgres: postgres ? postgresProcesses() : null,
    ownMicros: process.cpuUsage(),
    machine: machineTicks(),
  }
}

/** CPU per response between two snapshots; null when the run had no response or /proc is missing. */
export function cpuPerRequest(
  before: CpuSnapshot,
  serverPid: number,
  responses: number,
  { postgres }: { postgres: boolean },
): CpuPerRequest | null {
  const after = cpuSnapshot(serverPid, { postgres })
  const serverSec = after.serverSec - before.serverSec
  if (responses === 0 || serverSec <= 0) return null
  const own = process.cpuUsage(before.ownMicros)
  const perRequestMs = (seconds: number) => Math.round(((seconds * 1000) / responses) * 100) / 100
  const all = after.machine.all - before.machine.all
  // A process that started during the run counts from zero; one that ended during it is missed
  // (pool connections live through a run, so that is at most a stray session).
  const postgresSec =
    after.postgres && before.postgres
      ? [...after.postgres].reduce((sum, [pid, sec]) => sum + sec - (before.postgres?.get(pid) ?? 0), 0)
      : null
  return {
    serverMs: perRequestMs(serverSec),
    postgresMs: postgresSec === null ? null : perRequestMs(postgresSec),
    loadGeneratorMs: perRequestMs((own.user + own.system) / 1e6),
    machineBusyPct: all > 0 ? Math.round((100 * (after.machine.busy - before.machine.busy)) / all) : 0,
  }
}
