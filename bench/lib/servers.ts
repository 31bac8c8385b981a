import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServerHandle {
  name: string
  /** http://127.0.0.1:<port> */
  url: string
  pid: number
  /** Asks the child to close, then kills it if it has not exited within a few seconds. */
  stop(): Promise<void>
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/**
 * Runs bench/servers/<name>.ts in its own Node process (through tsx) and waits for it to report
 * its port over IPC. One process per server keeps the comparison fair: neither server shares an
 * event loop, a heap or a GC with the other or with autocannon, and each gets the same pool size.
 */
export async function startServer(name: string, env: Record<string, string>): Promise<ServerHandle> {
  const script = fileURLToPath(new URL(`../servers/${name}.ts`, import.meta.url))
  // BENCH_SERVER_NODE_ARGS: extra Node flags for both servers, e.g. --cpu-prof --cpu-prof-dir=prof
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })

  const stop = async () => {
    if (exited(child)) return
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 8_000)
    await done
    clearTimeout(timer)
  }

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} server did not start within 60 s`))
    }, 60_000)
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer)
        resolve(message.port)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${name} server exited during startup (code ${code}, signal ${signal})`))
    })
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  }).catch(async (err: unknown) => {
    await stop()
    throw err
  })

  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1, stop }
}
