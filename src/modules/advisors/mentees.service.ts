import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { loadAnalyticsInputs, todayIn } from '../analytics/analytics.repository.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { computeAnalytics } from '../analytics/engine.js'
import type { AnalyticsResult, PhaseName, TrendStatus } from '../analytics/types.js'
import { decodeCursor, encodeCursor } from '../sync/pagination.js'
import { users } from '../users/users.table.js'
import { advisorGrants } from './grants.table.js'
import { menteeRisk, type RiskFactor } from './risk.js'

export interface MenteeRow {
  studentId: string
  name: string
  examDate: string | null
  daysToExam: number | null
  phase: PhaseName
  planWeek: number | null
  uworldPercentComplete: number | null
  pace7: number
  requiredDailyPace: number | null
  latestScore: number | null
  trendStatus: TrendStatus
  readinessEstimate: number | null
  weakSystems: { system: string; name: string; percent: number }[]
  highPriorityCount: number
  highPriority: string[]
  lastActivityAt: string | null
  risk: number
  riskFactors: RiskFactor[]
}

export function menteeRow(student: { id: string; name: string }, a: AnalyticsResult): MenteeRow {
  const uworld = a.qbanks.find((q) => q.source === 'uworld')
  const high = a.recommendations.filter((r) => r.priority === 'high')
  const { risk, factors } = menteeRisk(a)
  return {
    studentId: student.id,
    name: student.name,
    examDate: a.plan.examDate,
    daysToExam: a.phase.daysToExam,
    phase: a.phase.name,
    planWeek: a.phase.planWeek,
    uworldPercentComplete: uworld?.percentComplete ?? null,
    pace7: uworld?.pace7 ?? 0,
    requiredDailyPace: uworld?.requiredDailyPace ?? null,
    latestScore: a.trend.latest,
    trendStatus: a.trend.status,
    readinessEstimate: a.readiness.estimate,
    weakSystems: a.weakSystems
      .slice(0, 3)
      .map((w) => ({ system: w.system, name: w.name, percent: w.percent })),
    highPriorityCount: high.length,
    highPriority: high.map((r) => r.id),
    lastActivityAt: a.activity.lastLoggedOn,
    risk,
    riskFactors: factors,
  }
}

export type MenteeSort = 'risk' | 'examDate' | 'name'

/** Sort key as a string that orders correctly, so one keyset cursor works for every sort. */
function sortKey(row: MenteeRow, sort: MenteeSort): string {
  if (sort === 'risk') return String(1000 - row.risk).padStart(4, '0') // risk descending
  if (sort === 'examDate') return row.examDate ?? '9999-12-31' // no date last
  return row.name.toLowerCase()
}

/**
 * The advisor's dashboard: one row per mentee from the analytics engine. A fixed number of
 * queries whatever the number of mentees (one for the grants, then the batched analytics load).
 */
export async function listMentees(
  db: Db,
  {
    advisorId,
    now,
    config,
    query,
  }: {
    advisorId: string
    now: Date
    config: AnalyticsConfig
    query: {
      sort: MenteeSort
      limit: number
      cursor?: string | undefined
      phase?: PhaseName | undefined
      trendStatus?: TrendStatus | undefined
    }
  },
): Promise<{ data: MenteeRow[]; nextCursor: string | null }> {
  const mentees = await db
    .select({ id: users.id, name: users.name, timezone: users.timezone })
    .from(advisorGrants)
    .innerJoin(users, and(eq(users.id, advisorGrants.studentId), eq(users.role, 'student')))
    .where(eq(advisorGrants.advisorId, advisorId))
    .orderBy(asc(users.id))
  const inputs = await loadAnalyticsInputs(
    db,
    mentees.map((m) => ({ studentId: m.id, timezone: m.timezone, asOf: todayIn(m.timezone, now) })),
  )
  let rows = mentees.flatMap((m) => {
    const input = inputs.get(m.id)
    return input ? [menteeRow(m, computeAnalytics(input, config))] : []
  })
  if (query.phase) rows = rows.filter((r) => r.phase === query.phase)
  if (query.trendStatus) rows = rows.filter((r) => r.trendStatus === query.trendStatus)
  const keyed = rows
    .map((row) => ({ row, key: sortKey(row, query.sort) }))
    .sort((a, b) => a.key.localeCompare(b.key) || a.row.studentId.localeCompare(b.row.studentId))
  let start = 0
  if (query.cursor) {
    const { sortValue, id } = decodeCursor(query.cursor)
    start = keyed.findIndex((k) => k.key > sortValue || (k.key === sortValue && k.row.studentId > id))
    if (start === -1) start = keyed.length
  }
  const pageRows = keyed.slice(start, start + query.limit)
  const last = pageRows[pageRows.length - 1]
  return {
    data: pageRows.map((k) => k.row),
    nextCursor:
      start + query.limit < keyed.length && last ? encodeCursor(last.key, last.row.studentId) : null,
  }
}
