import { seedRealisticMentees } from '../../src/demo/bench-data.js'
import { createUserWithToken } from '../../src/demo/users.js'
import type { Scenario } from './types.js'

const MENTEES = 200
/** The route's maximum is 500 and its default 50: one page holds every mentee. */
const LIMIT = 200
const SEED = 200
/** seedRealisticMentees is sequential; this many run side by side (each its own seed and label). */
const PARALLEL = 4

/**
 * An advisor's dashboard over 200 mentees with varied, plausible stories (seedRealisticMentees:
 * 2–11 weeks of data each, all granted to the advisor). Ours: token lookup, rate-limit counter, the
 * grants query, one batched loadAnalyticsInputs for the 200 (the analytics statement, batch form), the
 * engine 200 times, the risk score, sorting, one page of 200 rows. No bare equivalent: the work is
 * the engine's, not a query's.
 */
export const dashboard: Scenario = {
  name: 'dashboard',
  description: `GET /v1/advisors/{advisorId}/mentees?limit=${LIMIT} over ${MENTEES} seedRealisticMentees mentees`,
  async run(ctx) {
    const db = ctx.database.db
    const advisor = await createUserWithToken(db, {
      role: 'advisor',
      name: 'Bench Advisor',
      email: 'advisor-dashboard@bench.step2-progress.local',
      timezone: 'America/New_York',
      tokenName: 'bench',
    })
    const perRun = Math.ceil(MENTEES / PARALLEL)
    const { value: mentees, seconds } = await ctx.timed(
      `seedRealisticMentees: ${MENTEES} mentees granted to the advisor`,
      async () =>
        (
          await Promise.all(
            Array.from({ length: PARALLEL }, (_, k) =>
              seedRealisticMentees(db, {
                count: Math.min(perRun, MENTEES - k * perRun),
                seed: SEED + k,
                now: ctx.now,
                advisorId: advisor.id,
                label: `dashboard-${k}`,
              }),
            ),
          )
        ).flat(),
    )
    await ctx.analyze()
    const auth = { authorization: `Bearer ${advisor.token}` }
    const path = `/v1/advisors/${advisor.id}/mentees?limit=${LIMIT}`

    const res = await fetch(`${ctx.ours.url}${path}`, { headers: auth })
    const page = (await res.json()) as { data: { risk: number }[]; nextCursor: string | null }
    const checks = {
      mentees: mentees.length,
      blocks: mentees.reduce((sum, m) => sum + m.counts.blocks, 0),
      rows: page.data.length,
      allOnOnePage: page.data.length === MENTEES && page.nextCursor === null,
    }

    // A latency target: measured below saturation (see Settings.latencyConnections).
    const ours = await ctx.measure(
      ctx.ours,
      { method: 'GET', path, headers: auth },
      { connections: ctx.settings.latencyConnections },
    )
    return [
      {
        kind: 'http',
        name: `GET mentees (${MENTEES} on a page)`,
        description: `GET /v1/advisors/{advisorId}/mentees?limit=${LIMIT} (default page 50, maximum 500): one advisor, ${MENTEES} mentees from seedRealisticMentees (2–11 weeks of data each); no bare equivalent`,
        targets: { maxP50Ms: 150 },
        ours,
        bare: null,
        seedingSec: seconds,
        checks,
      },
    ]
  },
}
