import { sql } from 'drizzle-orm'
import { queryRows } from '../../src/db/client.js'
import { generatedBlockBodies, UNIQUE_TOKEN } from '../lib/bodies.js'
import type { Scenario } from './types.js'

const BODIES = 1_000
const SEED = 20_261_128

/**
 * Logging a block, the service's hottest write: token lookup, rate-limit counter, zod validation and
 * alias normalisation, Idempotency-Key claim, block + per-system + per-subject rows + outbox event in
 * one transaction (with the deferred breakdown-sum checks at commit), the stored response saved for
 * replays. Bare: parse JSON, one INSERT (breakdowns as jsonb).
 */
export const blocksPost: Scenario = {
  name: 'POST /blocks',
  description:
    'log one generated block (src/demo generator, realistic students: ~10 systems and ~4 subjects a block on average, mistakes, review time), a fresh externalId and Idempotency-Key each',
  async run(ctx) {
    const student = await ctx.createStudent('writer')
    const bodies = generatedBlockBodies(BODIES, { seed: SEED, now: ctx.now, externalId: 'unique' })
    const request = {
      method: 'POST',
      bodies,
      uniqueHeader: 'idempotency-key',
      uniqueBodyToken: UNIQUE_TOKEN,
    } as const
    const ours = await ctx.measure(ctx.ours, {
      ...request,
      path: '/v1/students/me/blocks',
      headers: student.auth,
    })
    const bare = await ctx.measure(ctx.bare, { ...request, path: `/students/${student.id}/blocks` })

    // Every accepted POST (warm-up included) must have written exactly one block, one outbox event
    // and one completed idempotency record: a fast but lossy write path would show here.
    const [row] = await queryRows<{ blocks: number; events: number; keys: number; systems: number }>(
      ctx.database.db,
      sql`select
        (select count(*)::int from blocks where student_id = ${student.id}) as blocks,
        (select count(*)::int from outbox_events where student_id = ${student.id} and type = 'block.created') as events,
        (select count(*)::int from idempotency_keys where user_id = ${student.id} and completed_at is not null) as keys,
        (select count(*)::int from block_systems where student_id = ${student.id}) as systems`,
    )
    const created = ours.statusCodes['201'] ?? 0
    return [
      {
        kind: 'http',
        name: 'POST /blocks',
        description: blocksPost.description,
        targets: { minRatio: 0.6, maxP99Ms: 50 },
        ours,
        bare,
        checks: {
          blocksWritten: row?.blocks ?? -1,
          outboxEvents: row?.events ?? -1,
          idempotencyKeys: row?.keys ?? -1,
          systemsPerBlock: row && row.blocks > 0 ? Math.round((row.systems / row.blocks) * 10) / 10 : 0,
          consistent:
            row !== undefined &&
            row.blocks === row.events &&
            row.blocks === row.keys &&
            row.blocks >= created,
        },
      },
    ]
  },
}
