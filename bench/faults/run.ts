/**
 * Runs the fault checks one after another, each in its own process (a script that hangs or crashes
 * cannot take the others with it), then prints one line per check. Exit code 1 when any fails.
 *
 *   npm run faults                      # all four
 *   npm run faults -- sigterm db-restart
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHECKS = {
  'db-restart': 'PostgreSQL restarts under write load: readiness, 503s, nothing lost or half-written',
  sigterm: 'SIGTERM under load: in-flight requests finish, the rest refused or 503, exit 0 in time',
  'webhook-receiver': 'hanging and refused webhook receivers stay off the request path',
  'idempotency-storm': '100 concurrent duplicates of one Idempotency-Key store one block',
} as const
type Name = keyof typeof CHECKS

/** A script that takes longer than this is stopped and counted as failed. */
const TIMEOUT_MS = 5 * 60_000
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Outcome {
  name: Name
  passed: boolean
  seconds: number
  warnings: string[]
  note: string
}

function runOne(name: Name): Promise<Outcome> {
  const started = performance.now()
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    output += chunk
    process.stdout.write(chunk)
  })
  // SIGTERM lets the script clean up (its database, its cluster); SIGKILL if it will not go.
  const timer = setTimeout(() => {
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref()
  }, TIMEOUT_MS)
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const verdict = new RegExp(`^${name}: (PASS|FAIL)`, 'm').exec(output)?.[1]
      const warnings = [...output.matchAll(/^\s*\[warn\] (.*)$/gm)].map((m) => m[1] ?? '')
      resolve({
        name,
        // Both the printed verdict and the exit code must agree on a pass.
        passed: verdict === 'PASS' && code === 0,
        seconds: (performance.now() - started) / 1000,
        warnings,
        note: verdict ? '' : `no verdict (exit code ${code}, signal ${signal ?? '-'})`,
      })
    })
  })
}

async function main() {
  const names = Object.keys(CHECKS) as Name[]
  const asked = process.argv.slice(2)
  const unknown = asked.filter((a) => !names.includes(a as Name))
  if (unknown.length > 0) {
    console.error(`unknown fault check(s): ${unknown.join(', ')}; known: ${names.join(', ')}`)
    process.exit(2)
  }
  const selected = asked.length > 0 ? (asked as Name[]) : names

  const outcomes: Outcome[] = []
  for (const name of selected) outcomes.push(await runOne(name))

  console.log('\n=== fault checks ===')
  for (const o of outcomes) {
    console.log(
      `  ${o.passed ? 'PASS' : 'FAIL'}  ${o.name.padEnd(18)} ${o.seconds.toFixed(0).padStart(4)} s  ${CHECKS[o.name]}${o.note ? `  (${o.note})` : ''}`,
    )
    for (const w of o.warnings) console.log(`        warn: ${w}`)
  }
  const failed = outcomes.filter((o) => !o.passed)
  console.log(failed.length === 0 ? 'faults: PASS' : `faults: FAIL (${failed.map((o) => o.name).join(', ')})`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
