import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/db/client.js'
import type { Scenario } from './types.js'

/**
 * Logging a block, the service's hottest write: token lookup, rate-limit counter, zod validation and
 * alias normalisation, Idempotency-Key claim, block + per-system rows + outbox event in one
 * transaction, the stored response saved for replays. Bare: parse JSON, one INSERT.
 */
export const blocksPost: Scenario = {
  name: 'POST /blocks',
  description: 'log a 40-question block with 3–5 systems and mistakes, a fresh Idempotency-Key each',
  targets: { minRatio: 0.6, maxP99Ms: 50 },
  async run(ctx) {
    const student = await ctx.createStudent('writer')
    const request = { method: 'POST', bodies: ctx.blockBodies, uniqueHeader: 'idempotency-key' } as const
    const ours = await ctx.measure(ctx.ours, {
      ...request,
      path: '/v1/students/me/blocks',
      headers: student.auth,
    })
    const bare = await ctx.measure(ctx.bare, { ...request, path: `/students/${student.id}/blocks` })

    // Every accepted POST (warm-up included) must have written exactly one block, one outbox event
    // and one completed idempotency record: a fast but lossy write path would show here.
    const [row] = await queryRows<{ blocks: number; events: number; keys: number }>(
      ctx.database.db,
      sql`select
        (select count(*)::int from blocks where student_id = ${student.id}) as blocks,
        (select count(*)::int from outbox_events where student_id = ${student.id} and type = 'block.created') as events,
        (select count(*)::int from idempotency_keys where user_id = ${student.id} and completed_at is not null) as keys`,
    )
    const created = ours.statusCodes['201'] ?? 0
    return {
      ours,
      bare,
      checks: {
        blocksWritten: row?.blocks ?? -1,
        outboxEvents: row?.events ?? -1,
        idempotencyKeys: row?.keys ?? -1,
        consistent:
          row !== undefined && row.blocks === row.events && row.blocks === row.keys && row.blocks >= created,
      },
    }
  },
}
