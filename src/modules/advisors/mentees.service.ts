import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../../db/client.js'
import { driverError } from '../../http/errors.js'
import { loadVersionedAnalyticsInputs, todayIn } from '../analytics/analytics.repository.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { computeAnalytics } from '../analytics/engine.js'
import type { AnalyticsResult, PhaseName, TrendStatus } from '../analytics/types.js'
import { decodeCursor, encodeCursor } from '../sync/pagination.js'
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

/** What a stored snapshot holds: the row without who the student is (read live from users). */
type MenteeFigures = Omit<MenteeRow, 'studentId' | 'name'>

/**
 * Bump when the engine, the risk score or the row's fields change in a way the thresholds do not
 * show: stored snapshots computed by older code then stop matching and are recomputed.
 */
const FIGURES_FORMAT = 1

/** Names what stored figures were computed with: the deployment's thresholds and the code's format. */
export function engineKey(config: AnalyticsConfig): string {
  return createHash('sha256')
    .update(JSON.stringify({ config, format: FIGURES_FORMAT }))
    .digest('base64url')
}

/**
 * Figures for every mentee, from their stored snapshots where still current (same day in the
 * student's time zone, same data version, same engine key), else computed by the analytics engine
 * and stored for the next read. Three queries at most whatever the number of mentees: the grants
 * with the snapshots and current versions, one batched analytics load of the stale ones, one upsert.
 */
async function menteeRows(
  db: Db,
  { advisorId, now, config }: { advisorId: string; now: Date; config: AnalyticsConfig },
): Promise<MenteeRow[]> {
  const key = engineKey(config)
  const mentees = await queryRows<{
    id: string
    name: string
    timezone: string
    as_of: string | null
    data_version: number | string | null
    engine_key: string | null
    figures: MenteeFigures | null
    current_version: number | string
  }>(
    db,
    sql`select u.id, u.name, u.timezone, m.as_of::text as as_of, m.data_version, m.engine_key, m.figures,
          (select coalesce(sum(v.version), 0) from student_data_versions v where v.student_id = u.id) as current_version
        from advisor_grants g
        join users u on u.id = g.student_id and u.role = 'student'
        left join mentee_snapshots m on m.student_id = u.id
        where g.advisor_id = ${advisorId}
        order by u.id`,
  )
  const figures = new Map<string, MenteeFigures>()
  const stale: { studentId: string; timezone: string; asOf: string }[] = []
  for (const m of mentees) {
    const asOf = todayIn(m.timezone, now)
    const current =
      m.figures !== null &&
      m.as_of === asOf &&
      m.engine_key === key &&
      Number(m.data_version) === Number(m.current_version)
    if (current && m.figures) figures.set(m.id, m.figures)
    else stale.push({ studentId: m.id, timezone: m.timezone, asOf })
  }
  if (stale.length > 0) {
    const loaded = await loadVersionedAnalyticsInputs(db, stale)
    const fresh = stale.flatMap((target) => {
      const entry = loaded.get(target.studentId)
      if (!entry) return []
      const {
        studentId: _,
        name: __,
        ...computed
      } = menteeRow({ id: target.studentId, name: '' }, computeAnalytics(entry.input, config))
      figures.set(target.studentId, computed)
      // The time zone changed after the first query: these figures answer this read, not the next.
      if (entry.timezone !== target.timezone) return []
      return [
        {
          student_id: target.studentId,
          as_of: target.asOf,
          data_version: entry.dataVersion,
          figures: computed,
        },
      ]
    })
    await storeSnapshots(db, key, fresh)
  }
  return mentees.flatMap((m) => {
    const f = figures.get(m.id)
    return f ? [{ studentId: m.id, name: m.name, ...f }] : []
  })
}

/**
 * Saves computed figures for the next read, in one statement. The snapshot is a cache: a student
 * removed meanwhile (foreign-key violation) only means there is nothing to keep.
 */
async function storeSnapshots(
  db: Db,
  key: string,
  rows: { student_id: string; as_of: string; data_version: number; figures: MenteeFigures }[],
): Promise<void> {
  if (rows.length === 0) return
  try {
    await db.execute(
      sql`insert into mentee_snapshots (student_id, as_of, data_version, engine_key, figures)
          select x.student_id, x.as_of, x.data_version, ${key}, x.figures
          from json_to_recordset(${JSON.stringify(rows)}::json)
            as x(student_id uuid, as_of date, data_version bigint, figures jsonb)
          order by x.student_id
          on conflict (student_id) do update set as_of = excluded.as_of, data_version = excluded.data_version,
            engine_key = excluded.engine_key, figures = excluded.figures, computed_at = now()`,
    )
  } catch (err) {
    if (driverError(err)?.code !== '23503') throw err
  }
}

/**
 * The advisor's dashboard: one row per mentee (menteeRows), filtered, sorted and cut into a page.
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
  let rows = await menteeRows(db, { advisorId, now, config })
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
