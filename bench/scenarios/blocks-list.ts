import { blockBodies } from '../lib/bodies.js'
import type { Scenario } from './types.js'

const SEEDED = 500
const LIMIT = 50

/**
 * The first page of a student's blocks: token lookup, rate-limit counter, access check, one keyset
 * query with the per-system breakdowns aggregated in SQL, serialisation of 50 blocks. Bare: one
 * indexed SELECT ... LIMIT 50 of rows that carry their breakdowns as jsonb.
 */
export const blocksList: Scenario = {
  name: `GET /blocks?limit=${LIMIT}`,
  description: `first page of ${LIMIT} out of ${SEEDED} seeded blocks`,
  targets: { maxP99Ms: 50 },
  async run(ctx) {
    const student = await ctx.createStudent('reader')
    // Its own bodies and student, so the POST scenario's thousands of rows do not change this one.
    const bodies = blockBodies(SEEDED, 7)
    await ctx.seed(ctx.ours, { path: '/v1/students/me/blocks', headers: student.auth }, bodies)
    await ctx.seed(ctx.bare, { path: `/students/${student.id}/blocks` }, bodies)

    const oursPath = `/v1/students/me/blocks?limit=${LIMIT}`
    const barePath = `/students/${student.id}/blocks?limit=${LIMIT}`
    const page = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers })
      return ((await res.json()) as { data: unknown[] }).data.length
    }
    const checks = {
      oursPageSize: await page(`${ctx.ours.url}${oursPath}`, student.auth),
      barePageSize: await page(`${ctx.bare.url}${barePath}`),
    }

    const ours = await ctx.measure(ctx.ours, { method: 'GET', path: oursPath, headers: student.auth })
    const bare = await ctx.measure(ctx.bare, { method: 'GET', path: barePath })
    return { ours, bare, checks }
  },
}
