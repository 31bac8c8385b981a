/**
 * Drops the bench database once the bench process is gone, however it went: the IPC channel closes
 * on a normal exit, a crash, a SIGKILL, or `tsx` force-killing a parent that was too busy to answer
 * Ctrl-C within its 30 ms grace. It ignores SIGINT and SIGTERM so one Ctrl-C cannot end it before
 * it has done its job.
 */
import pg from 'pg'

const baseUrl = process.env.BENCH_JANITOR_URL
const name = process.env.BENCH_JANITOR_DATABASE

async function dropDatabase(): Promise<void> {
  if (!baseUrl || !name || !/^bench_[0-9a-f]+$/.test(name)) return
  for (let attempt = 1; attempt <= 5; attempt++) {
    const client = new pg.Client({ connectionString: baseUrl })
    try {
      await client.connect()
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name])
      if (rowCount) {
        await client.query(`drop database if exists "${name}" with (force)`)
        console.error(`bench janitor: dropped database ${name} left by an interrupted run`)
      }
      return
    } catch (err) {
      if (attempt === 5) console.error(`bench janitor: could not drop ${name}:`, err)
      else await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
    } finally {
      await client.end().catch(() => undefined)
    }
  }
}

process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})
process.once('disconnect', () => {
  void dropDatabase().finally(() => process.exit(0))
})
process.send?.({ type: 'ready' })
