import { generatedBlockBodies } from '../lib/bodies.js'
import type { Scenario } from './types.js'

const SEEDED = 500
const LIMIT = 50
const SEED = 7

/**
 * The first page of a student's blocks: token lookup, rate-limit counter, access check, one keyset
 * query with the per-system and per-subject breakdowns aggregated in SQL, serialisation of 50
 * blocks. Bare: one indexed SELECT ... LIMIT 50 of rows that carry their breakdowns as jsonb.
 */
export const blocksList: Scenario = {
  name: `GET /blocks?limit=${LIMIT}`,
  description: `first page of ${LIMIT} out of ${SEEDED} generated blocks (src/demo generator), the same ones posted to both servers`,
  async run(ctx) {
    const student = await ctx.createStudent('reader')
    // Its own bodies and student, so the POST scenario's thousands of rows do not change this one.
    const bodies = generatedBlockBodies(SEEDED, { seed: SEED, now: ctx.now, externalId: 'generated' })
    const { seconds } = await ctx.timed(`seeded ${SEEDED} generated blocks on both servers`, async () => {
      await ctx.seed(ctx.ours, { path: '/v1/students/me/blocks', headers: student.auth }, bodies)
      await ctx.seed(ctx.bare, { path: `/students/${student.id}/blocks` }, bodies)
    })

    const oursPath = `/v1/students/me/blocks?limit=${LIMIT}`
    const barePath = `/students/${student.id}/blocks?limit=${LIMIT}`
    const page = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers })
      return ((await res.json()) as { data: unknown[] }).data.length
    }
    const oursPageSize = await page(`${ctx.ours.url}${oursPath}`, student.auth)
    const barePageSize = await page(`${ctx.bare.url}${barePath}`)

    const ours = await ctx.measure(ctx.ours, { method: 'GET', path: oursPath, headers: student.auth })
    const bare = await ctx.measure(ctx.bare, { method: 'GET', path: barePath })
    return [
      {
        kind: 'http',
        name: blocksList.name,
        description: blocksList.description,
        targets: { maxP99Ms: 50 },
        ours,
        bare,
        seedingSec: seconds,
        checks: { oursPageSize, barePageSize, fullPages: oursPageSize === LIMIT && barePageSize === LIMIT },
      },
    ]
  },
}
