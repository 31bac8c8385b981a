/**
 * A throwaway PostgreSQL cluster for faults that stop the server: initdb into a temporary folder,
 * pg_ctl on a free port with its socket in that folder. Never touches the machine's own cluster.
 * As root, initdb refuses to run, so the binaries run as the `postgres` user (runuser) and the
 * folder is handed to it.
 */
import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort, onInterrupt } from './lib.js'

const run = promisify(execFile)

/** The newest PostgreSQL bin folder (Debian layout), or FAULTS_PG_BIN. */
function binDir(): string {
  if (process.env.FAULTS_PG_BIN) return process.env.FAULTS_PG_BIN
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (!versions[0]) throw new Error('no PostgreSQL binaries in /usr/lib/postgresql/*/bin; set FAULTS_PG_BIN')
  return join(root, versions[0], 'bin')
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
  return { uid, gid }
}

export interface Cluster {
  port: number
  dir: string
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  baseUrl: string
  /** pg_ctl stop; mode fast (sessions ended, checkpoint) or immediate (a crash: WAL replay on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>
  /** Stops the server if it runs and deletes the folder; safe to call more than once. */
  destroy(): Promise<void>
}

export async function createCluster(): Promise<Cluster> {
  const bin = binDir()
  const root = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'faults-pg-'))
  const data = join(dir, 'data')
  const log = join(dir, 'server.log')
  if (root) {
    const { uid, gid } = await postgresIds()
    chownSync(dir, uid, gid)
  }
  const asOwner = (command: string, args: string[]) =>
    root
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args])
      : run(join(bin, command), args)

  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`
  const pgCtl = (args: string[]) => asOwner('pg_ctl', ['-D', data, '-l', log, ...args])
  let destroying: Promise<void> | undefined

  const cluster: Cluster = {
    port,
    dir,
    baseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => {
      await pgCtl(['-o', options, '-w', '-t', '60', 'start'])
    },
    stop: async (mode = 'fast') => {
      await pgCtl(['-m', mode, '-w', '-t', '60', 'stop'])
    },
    destroy: () =>
      (destroying ??= (async () => {
        // Whatever the script believed: a postmaster.pid means a server may be running.
        if (existsSync(join(data, 'postmaster.pid')))
          await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined)
        rmSync(dir, { recursive: true, force: true })
      })()),
  }
  onInterrupt(() => cluster.destroy())
  try {
    await asOwner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
    await cluster.start()
  } catch (err) {
    await cluster.destroy()
    throw err
  }
  return cluster
}
