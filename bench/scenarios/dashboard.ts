import { sql } from 'drizzle-orm'
import { seedRealisticMentees } from '../../src/demo/bench-data.js'
import { createUserWithToken } from '../../src/demo/users.js'
import type { LoadResult } from '../lib/load.js'
import type { Scenario, ScenarioContext } from './types.js'

const MENTEES = 200
/** The route's maximum is 500 and its default 50: one page holds every mentee. */
const LIMIT = 200
const SEED = 200
/** seedRealisticMentees is sequential; this many run side by side (each its own seed and label). */
const PARALLEL = 4
/** Requests of the cold run, one at a time, each after every stored figure was dropped. */
const COLD_REQUESTS = 20

/**
 * The dashboard with nothing stored: before each request the bench drops every mentee's stored
 * figures (mentee_snapshots), so the request recomputes all 200 (what the first read of the day, or
 * a read after every mentee logged something, costs). One request at a time: a latency, not a load.
 */
async function measureCold(
  ctx: ScenarioContext,
  url: string,
  headers: Record<string, string>,
): Promise<LoadResult> {
  const latencies: number[] = []
  const statusCodes: Record<string, number> = {}
  const started = performance.now()
  for (let i = 0; i < COLD_REQUESTS + 2; i++) {
    ctx.checkInterrupted()
    await ctx.database.db.execute(sql`delete from mentee_snapshots`)
    const t0 = performance.now()
    const res = await fetch(url, { headers })
    await res.arrayBuffer()
    const ms = performance.now() - t0
    // The first two warm the server's code paths for this shape of request; not counted.
    if (i < 2) continue
    latencies.push(ms)
    statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1
  }
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0)
  const responses = latencies.length
  const ok = Object.entries(statusCodes).reduce((n, [code, k]) => (code.startsWith('2') ? n + k : n), 0)
  return {
    requestsPerSec: Math.round((responses / latencies.reduce((a, b) => a + b, 0)) * 1000 * 10) / 10,
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      average: Math.round(latencies.reduce((a, b) => a + b, 0) / responses),
      max: Math.round(latencies[responses - 1] ?? 0),
    },
    responses,
    non2xx: responses - ok,
    errors: 0,
    timeouts: 0,
    statusCodes,
    durationSec: Math.round((performance.now() - started) / 100) / 10,
    connections: 1,
  }
}

/**
 * An advisor's dashboard over 200 mentees with varied, plausible stories (seedRealisticMentees:
 * 2–11 weeks of data each, all granted to the advisor). Two rows: with every mentee's stored figures
 * current (token lookup, rate-limit counter, the grants query with the stored figures and data
 * versions, sorting, one page of 200 rows), and with none stored (the same, plus one batched
 * analytics load for the 200, the engine 200 times, the risk score, storing the figures). No bare
 * equivalent: the work is the engine's, not a query's.
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
    const cold = await measureCold(ctx, `${ctx.ours.url}${path}`, auth)
    return [
      {
        kind: 'http',
        name: `GET mentees (${MENTEES} on a page)`,
        description: `GET /v1/advisors/{advisorId}/mentees?limit=${LIMIT} (default page 50, maximum 500): one advisor, ${MENTEES} mentees from seedRealisticMentees (2–11 weeks of data each), nothing changed since the last read (every mentee's stored figures current); no bare equivalent`,
        targets: { maxP50Ms: 150 },
        ours,
        bare: null,
        seedingSec: seconds,
        checks,
      },
      {
        kind: 'http',
        name: `GET mentees (${MENTEES}, all recomputed)`,
        description: `the same page with every stored figure dropped before each request, so all ${MENTEES} mentees are recomputed (the day's first read, or every mentee logged something since): ${COLD_REQUESTS} requests one at a time`,
        targets: { maxP50Ms: 150 },
        ours: cold,
        bare: null,
        checks: { requests: cold.responses, allOk: cold.non2xx === 0 },
      },
    ]
  },
}
