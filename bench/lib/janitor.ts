import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Starts a detached watcher that drops database `name` when this process ends, in case this
 * process cannot clean up itself (see janitor.process.ts). After a clean run it finds nothing to do.
 */
export async function startJanitor(baseUrl: string, name: string): Promise<void> {
  const script = fileURLToPath(new URL('./janitor.process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_JANITOR_URL: baseUrl, BENCH_JANITOR_DATABASE: name },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    detached: true,
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`bench janitor exited during startup (code ${code})`)))
  })
  child.removeAllListeners('exit')
  // Neither the child nor its channel may keep this process alive: the janitor's cue is our exit.
  child.unref()
  child.channel?.unref()
}
