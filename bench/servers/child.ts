/**
 * The child side of bench/lib/servers.ts: report the port over IPC once listening, and close cleanly
 * when the parent asks (SIGTERM), on Ctrl-C (SIGINT reaches the whole process group), or when the
 * parent disappears (the IPC channel disconnects), so no server outlives a bench run.
 */
export function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}

export function serveForParent(port: number, close: () => Promise<void>): void {
  let closing = false
  const shutdown = () => {
    if (closing) return
    closing = true
    const force = setTimeout(() => process.exit(1), 5_000)
    force.unref()
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
  process.once('disconnect', shutdown)
  if (!process.send) throw new Error('bench servers run as children of bench/run.ts (IPC channel missing)')
  process.send({ type: 'ready', port })
}

export function failStartup(err: unknown): never {
  console.error(err)
  process.exit(1)
}
