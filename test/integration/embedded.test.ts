import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { openPglite } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { findUserByEmail, insertUser } from '../../src/modules/users/users.repository.js'

test('the embedded database keeps data in DATA_DIR across restarts, and migrating twice is harmless', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'step2-pglite-'))
  try {
    const first = await openPglite(dir)
    await runMigrations(first)
    await insertUser(first.db, { role: 'student', name: 'Kept', email: 'kept@example.test' })
    await first.close()

    const second = await openPglite(dir)
    await runMigrations(second)
    expect(await findUserByEmail(second.db, 'KEPT@example.test')).toMatchObject({
      name: 'Kept',
      role: 'student',
    })
    await second.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
