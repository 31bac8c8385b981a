/**
 * Shared pieces of the fault scripts: a throwaway database, students with tokens, the real service
 * (`src/server.ts`) in a child process, a raw HTTP client that never throws and reports how a request
 * ended, percentiles and the PASS/FAIL verdict. Copied rather than imported from bench/lib so the
 * fault checks do not move when the bench does.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { type Database, openPostgres, queryRows } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { insertToken, insertUser } from '../../src/modules/users/users.repository.js'
import { SCOPES_BY_ROLE } from '../../src/modules/users/tokens.js'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The PostgreSQL server the scripts that need no cluster of their own create their database on. */
export const FAULTS_BASE_URL =
  process.env.FAULTS_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** Undo steps (stop the service, drop the database, …), run on SIGINT/SIGTERM by runScript. */
const undo: (() => Promise<unknown>)[] = []
export const onInterrupt = (step: () => Promise<unknown>) => void undo.push(step)

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A TCP port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

export function withDatabase(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

export async function adminQuery(baseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export interface FaultDatabase {
  name: string
  url: string
  /** The script's own small pool: seeding and checks, never on the measured path. */
  database: Database
  /** Rows of a raw statement on the script's pool. */
  rows<T>(text: string, values?: unknown[]): Promise<T[]>
  /** Closes the pool and drops the database; safe to call more than once. */
  drop(): Promise<void>
}

/** A fresh, migrated database `faults_<script>_<random>` on the server of `baseUrl`. */
export async function createFaultDatabase(baseUrl: string, script: string): Promise<FaultDatabase> {
  const name = `faults_${script.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`
  await adminQuery(baseUrl, `create database "${name}"`)
  const url = withDatabase(baseUrl, name)
  const database = openPostgres(url, { poolMax: 4 })
  let dropping: Promise<void> | undefined
  const drop = () =>
    (dropping ??= (async () => {
      await database.close().catch(() => undefined)
      // FORCE ends the sessions a killed service may have left behind.
      await adminQuery(baseUrl, `drop database if exists "${name}" with (force)`)
    })())
  onInterrupt(drop)
  try {
    await runMigrations(database)
  } catch (err) {
    await drop().catch(() => undefined)
    throw err
  }
  const rows = async <T>(text: string, values: unknown[] = []) => {
    if (!database.pool) throw new Error('no pool')
    return (await database.pool.query(text, values)).rows as T[]
  }
  return { name, url, database, rows, drop }
}

export interface FaultUser {
  id: string
  token: string
  auth: { authorization: string }
}

/** A student with a progress:read/write token, straight through the repositories. */
export async function createStudent(database: Database, label: string): Promise<FaultUser> {
  const user = await insertUser(database.db, {
    role: 'student',
    name: `Fault ${label}`,
    email: `fault-${label}-${randomBytes(4).toString('hex')}@example.test`,
  })
  if (!user) throw new Error('student insert failed')
  const token = await insertToken(database.db, {
    userId: user.id,
    name: 'faults',
    scopes: SCOPES_BY_ROLE.student,
  })
  return { id: user.id, token: token.token, auth: { authorization: `Bearer ${token.token}` } }
}

/** The server version, for the report. */
export async function serverVersion(database: Database): Promise<string> {
  const [row] = await queryRows<{ v: string }>(
    database.db,
    sql`select current_setting('server_version') as v`,
  )
  return row?.v ?? 'unknown'
}

// ---------------------------------------------------------------------------------------------
// The service in a child process
// ---------------------------------------------------------------------------------------------

export interface ServiceExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** performance.now() when the process exited. */
  at: number
}

export interface Service {
  url: string
  port: number
  pid: number
  child: ChildProcess
  /** Resolves when the process exits (whatever the reason). */
  exited: Promise<ServiceExit>
  /** The process's log lines so far (pino JSON on stdout, anything on stderr). */
  logs(): string[]
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<ServiceExit>
}

const MAX_LOG_LINES = 200_000

/**
 * Starts `src/server.ts` exactly as deployed (node --import tsx, configuration from the
 * environment) and waits until GET /health/ready answers 200. The service sees only the variables
 * given here on top of a PATH-only environment, so a developer's .env or shell never leaks in.
 */
export async function startService(env: Record<string, string>, { readyTimeoutMs = 60_000 } = {}) {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_ANON_PER_MINUTE: '100000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = ''
    stream?.setEncoding('utf8')
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n')
      partial = parts.pop() ?? ''
      for (const line of parts) {
        if (lines.length >= MAX_LOG_LINES) lines.shift()
        lines.push(line)
      }
    })
  }
  collect(child.stdout)
  collect(child.stderr)
  const exited = new Promise<ServiceExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  )
  let exit: ServiceExit | undefined
  void exited.then((e) => (exit = e))

  const stop = async (graceMs = 15_000) => {
    if (exit) return exit
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    const result = await exited
    clearTimeout(timer)
    return result
  }

  onInterrupt(() => stop(5_000))
  const url = `http://127.0.0.1:${port}`
  const deadline = performance.now() + readyTimeoutMs
  for (;;) {
    if (exit)
      throw new Error(
        `service exited during startup (code ${exit.code}, signal ${exit.signal}):\n${lines.slice(-30).join('\n')}`,
      )
    const res = await httpRequest(url, { method: 'GET', path: '/health/ready', timeoutMs: 2_000 })
    if (res.status === 200) break
    if (performance.now() > deadline) {
      await stop(2_000)
      throw new Error(`service not ready within ${readyTimeoutMs} ms:\n${lines.slice(-30).join('\n')}`)
    }
    await sleep(100)
  }
  const service: Service = { url, port, pid: child.pid ?? -1, child, exited, logs: () => lines, stop }
  return service
}

/** With FAULTS_LOG_DIR set, writes the service's log there (<script>.log) for a closer look. */
export function saveLogs(script: string, service: Service | undefined): void {
  const dir = process.env.FAULTS_LOG_DIR
  if (!dir || !service) return
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${script}.log`)
  writeFileSync(file, service.logs().join('\n') + '\n')
  console.log(`  service log: ${file}`)
}

/** Parsed pino lines at `level` or above (40 warn, 50 error, 60 fatal). */
export function logEntries(lines: readonly string[], minLevel = 40): { level: number; msg: string }[] {
  const entries: { level: number; msg: string }[] = []
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown }
      if (typeof entry.level === 'number' && entry.level >= minLevel)
        entries.push({ level: entry.level, msg: typeof entry.msg === 'string' ? entry.msg : '' })
    } catch {
      if (line.trim()) entries.push({ level: 50, msg: line })
    }
  }
  return entries
}

/** "request failed ×3, job queue error ×12": log messages at `minLevel`+ with their counts. */
export function summariseLogs(lines: readonly string[], minLevel = 40): string {
  const counts = new Map<string, number>()
  for (const { msg } of logEntries(lines, minLevel)) counts.set(msg, (counts.get(msg) ?? 0) + 1)
  return [...counts].map(([msg, n]) => `${msg.slice(0, 80)} ×${n}`).join('; ') || 'none'
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export interface HttpOutcome {
  /** The status, or null when no response head arrived. */
  status: number | null
  headers: http.IncomingHttpHeaders
  body: string
  /** Why the request failed (ECONNREFUSED, ECONNRESET, timeout, …); null when it completed. */
  error: string | null
  /** The response head had arrived when the error happened: a reset mid-response. */
  midResponse: boolean
  /** performance.now() when the request was started and when it ended. */
  startedAt: number
  endedAt: number
}

/**
 * One request through node:http; never throws. `agent: false` opens a fresh connection that closes
 * after the response; pass a keep-alive Agent to reuse connections.
 */
export function httpRequest(
  baseUrl: string,
  {
    method,
    path,
    headers = {},
    body,
    agent,
    timeoutMs = 30_000,
  }: {
    method: string
    path: string
    headers?: Record<string, string>
    body?: string
    agent?: http.Agent | false
    timeoutMs?: number
  },
): Promise<HttpOutcome> {
  const startedAt = performance.now()
  return new Promise((resolve) => {
    let settled = false
    let head: http.IncomingMessage | undefined
    const chunks: Buffer[] = []
    const finish = (error: string | null) => {
      if (settled) return
      settled = true
      resolve({
        status: head?.statusCode ?? null,
        headers: head?.headers ?? {},
        body: Buffer.concat(chunks).toString('utf8'),
        error,
        midResponse: error !== null && head !== undefined,
        startedAt,
        endedAt: performance.now(),
      })
    }
    const req = http.request(
      new URL(path, baseUrl),
      {
        method,
        agent: agent ?? undefined,
        headers: {
          ...headers,
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
            : {}),
        },
      },
      (res) => {
        head = res
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => finish(null))
        res.on('aborted', () => finish('aborted mid-response'))
        res.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message))
        res.on('close', () => {
          if (!res.complete) finish('closed mid-response')
        })
      },
    )
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message))
    req.end(body)
  })
}

export const jsonOf = <T = Record<string, unknown>>(outcome: HttpOutcome): T | undefined => {
  try {
    return JSON.parse(outcome.body) as T
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Figures and verdicts
// ---------------------------------------------------------------------------------------------

/** Nearest-rank percentile of `values` (need not be sorted); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a')

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const item of items) {
    const k = key(item)
    counts[k] = (counts[k] ?? 0) + 1
  }
  return counts
}

export const formatCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || 'none'

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail })

/**
 * Prints the figures and every check, then the one-line verdict `<script>: PASS|FAIL` that
 * run.ts reads; FAIL sets a non-zero exit code.
 */
export function report(
  script: string,
  figures: Record<string, string | number>,
  checks: Check[],
  /** Findings outside the PASS criteria, printed as [warn] lines. */
  warnings: string[] = [],
): boolean {
  const ok = checks.length > 0 && checks.every((c) => c.ok)
  console.log(`\n=== ${script} ===`)
  const width = Math.max(...Object.keys(figures).map((k) => k.length), 0)
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(width)}  ${value}`)
  console.log('  checks:')
  for (const c of checks) console.log(`    [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`)
  for (const w of warnings) console.log(`    [warn] ${w}`)
  console.log(`${script}: ${ok ? 'PASS' : 'FAIL'}`)
  if (!ok) process.exitCode = 1
  return ok
}

/** Runs `main`; an exception is a FAIL of `script` with the error printed, never a silent pass. */
export function runScript(script: string, main: () => Promise<void>): void {
  // Ctrl-C or run.ts's timeout: leave no service, database or cluster behind. From then on this
  // path alone ends the process (main may still be failing its way out meanwhile).
  let interrupted = false
  const interrupt = (signal: string) => {
    interrupted = true
    console.log(`${script}: FAIL (interrupted by ${signal})`)
    void (async () => {
      for (const step of undo.reverse()) await step().catch(() => undefined)
      process.exit(130)
    })()
  }
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  main().then(
    () => {
      if (!interrupted) process.exit(process.exitCode ?? 0)
    },
    (err: unknown) => {
      if (interrupted) return
      console.error(err)
      console.log(
        `${script}: FAIL (error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
      )
      process.exit(1)
    },
  )
}
