import { seedHeavyStudent } from '../../src/demo/bench-data.js'
import type { Scenario } from './types.js'

const SEED = 3_000

/**
 * A student with years of history (guide-rules.md §6: "same answer, same speed class"), seeded by
 * seedHeavyStudent: 3,000 blocks each broken down into all 22 systems and the 5 subjects (66,000 +
 * ~15,000 breakdown rows), 30 self-assessments, 200 activities. Ours: token lookup, rate-limit
 * counter, access check, the analytics statement of loadAnalyticsInputs (one statement, eight
 * aggregate parts), the engine (every figure and rule), response validation and serialisation, a
 * weak ETag over the body. The load sends no If-None-Match, so every request is a full computation
 * (200, never 304). Bare: the same statement, its row returned as it comes.
 * Recommendations are the same work with a smaller body; they share the bare run.
 */
export const analytics: Scenario = {
  name: 'analytics',
  description: 'GET /v1/students/{id}/analytics and /recommendations for a seedHeavyStudent student',
  async run(ctx) {
    const { value: student, seconds } = await ctx.timed(
      'seedHeavyStudent (3,000 blocks × 22 systems, 30 assessments, 200 activities)',
      () => seedHeavyStudent(ctx.database.db, { seed: SEED, now: ctx.now, label: 'analytics' }),
    )
    await ctx.analyze()
    const auth = { authorization: `Bearer ${student.token}` }
    const oursPath = `/v1/students/${student.id}/analytics`
    const recommendationsPath = `/v1/students/${student.id}/recommendations`
    const barePath = `/students/${student.id}/analytics?tz=UTC`

    // Both sides read the same rows: all-time questions per system must agree.
    const first = await fetch(`${ctx.ours.url}${oursPath}`, { headers: auth })
    const figures = (await first.json()) as {
      systems: { attempted: number }[]
      overall: { attempted: number }
    }
    const etag = first.headers.get('etag')
    const revalidated = etag
      ? (await fetch(`${ctx.ours.url}${oursPath}`, { headers: { ...auth, 'if-none-match': etag } })).status
      : 0
    const bareRows = (await (await fetch(`${ctx.bare.url}${barePath}`)).json()) as {
      systems: { attempted: number }[]
    }
    const sum = (rows: { attempted: number }[]) => rows.reduce((s, r) => s + r.attempted, 0)
    const checks = {
      blocks: student.counts.blocks,
      questions: figures.overall.attempted,
      systemsWithAttempts: figures.systems.filter((s) => s.attempted > 0).length,
      sameSystemTotalsAsBare: sum(figures.systems) === sum(bareRows.systems) && sum(figures.systems) > 0,
      // The ETag works (304 on a revalidation), and the load never sends If-None-Match.
      etagRevalidates: revalidated === 304,
    }

    // A latency target: measured below saturation (see Settings.latencyConnections).
    const load = { connections: ctx.settings.latencyConnections }
    const ours = await ctx.measure(ctx.ours, { method: 'GET', path: oursPath, headers: auth }, load)
    const bare = await ctx.measure(ctx.bare, { method: 'GET', path: barePath }, load)
    const recommendations = await ctx.measure(
      ctx.ours,
      { method: 'GET', path: recommendationsPath, headers: auth },
      load,
    )
    const bareNote = 'bare: the same analytics statement only'
    return [
      {
        kind: 'http',
        name: 'GET analytics (3,000 blocks)',
        description:
          'GET /v1/students/{id}/analytics for a seedHeavyStudent student (3,000 blocks × 22 systems, 30 assessments, 200 activities), no If-None-Match; bare runs the same analytics statement (eight aggregate parts and the data version) and returns its row',
        targets: { maxP50Ms: 25 },
        ours,
        bare,
        bareNote,
        seedingSec: seconds,
        checks,
      },
      {
        kind: 'http',
        name: 'GET recommendations (3,000 blocks)',
        description:
          'GET /v1/students/{id}/recommendations for the same student: the same queries and engine, a smaller body; compared with the same bare run',
        targets: { maxP50Ms: 25 },
        ours: recommendations,
        bare,
        bareNote: `${bareNote} (same bare run as analytics)`,
      },
    ]
  },
}
