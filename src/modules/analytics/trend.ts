// Score trend over 3-digit self-assessment scores (guide-rules.md §2 "Score trend").
import type { AnalyticsConfig } from './config.js'
import { daysBetween, weeksBetweenTimestamps } from './dates.js'
import { EPS, olsSlope, round } from './stats.js'
import type { AnalyticsInput, TrendFigures, TrendScore, TrendStatus } from './types.js'

type Assessment = AnalyticsInput['assessments'][number]

/** OLS slope in points per week, x = takenAt in days / 7 (measured from the first score for precision). */
export function slopePerWeek(scores: readonly TrendScore[]): number | null {
  const first = scores[0]
  if (!first) return null
  return olsSlope(scores.map((s) => ({ x: weeksBetweenTimestamps(first.takenAt, s.takenAt), y: s.score })))
}

/**
 * Status from the last three scores, first match wins. "span" counts calendar days (takenOn, the
 * student's dates) from the first of the three to the latest, like every other day count here; the
 * slope's x axis uses the exact takenAt timestamps.
 */
export function trendStatus(scores: readonly TrendScore[], c: AnalyticsConfig): TrendStatus {
  if (scores.length < 2) return 'insufficient_data'
  const three = scores.slice(-3)
  const [a, b, latest] = three
  const slope3 = slopePerWeek(three)
  if (a && b && latest) {
    const span = daysBetween(a.takenOn, latest.takenOn)
    if (span >= c.trend.minSpanDays) {
      if (
        slope3 !== null &&
        slope3 <= c.trend.declineSlopePerWeek + EPS &&
        latest.score <= a.score - c.trend.declinePoints
      ) {
        return 'declining'
      }
      if (latest.score - Math.max(a.score, b.score) < c.trend.plateauPoints) return 'plateau'
    }
  }
  return slope3 !== null && slope3 > EPS ? 'improving' : 'flat'
}

export function trendScores(assessments: readonly Assessment[]): TrendScore[] {
  return assessments.flatMap((a) =>
    a.score === null
      ? []
      : [{ id: a.id, takenAt: a.takenAt, takenOn: a.takenOn, form: a.form, score: a.score }],
  )
}

export function trendFigures(
  assessments: readonly Assessment[],
  daysToExam: number | null,
  c: AnalyticsConfig,
): TrendFigures {
  const scores = trendScores(assessments)
  const values = scores.map((s) => s.score)
  const first = values[0] ?? null
  const latest = values.at(-1) ?? null
  const slope = slopePerWeek(scores)
  const three = scores.slice(-3)
  const threeFirst = three[0]
  const threeLast = three.at(-1)
  const before = three.slice(0, -1).map((s) => s.score)

  // Choice: the projection needs an exam date ("at exam"); it is null without one, after the exam,
  // and with fewer than two scores. A degenerate slope (all scores at one instant) projects flat.
  let projectedAtExam: TrendFigures['projectedAtExam'] = null
  if (latest !== null && scores.length >= 2 && daysToExam !== null && daysToExam >= 0) {
    const weeks = Math.min(daysToExam / 7, c.trend.projectionMaxWeeks)
    const clamp = (v: number) => Math.min(c.scoreScale.max, Math.max(c.scoreScale.min, v))
    const estimate = clamp(latest + (slope ?? 0) * weeks)
    projectedAtExam = {
      estimate: round(estimate, 1),
      low: round(clamp(estimate - c.trend.projectionBand), 1),
      high: round(clamp(estimate + c.trend.projectionBand), 1),
      weeks: round(weeks, 2),
      label: 'estimate',
    }
  }

  return {
    status: trendStatus(scores, c),
    scores,
    first,
    latest,
    best: values.length ? Math.max(...values) : null,
    changeSinceFirst: latest !== null && first !== null ? latest - first : null,
    slopePerWeek: slope === null ? null : round(slope, 2),
    lastThree:
      three.length === 3 && threeFirst && threeLast
        ? {
            scores: three.map((s) => s.score),
            spanDays: daysBetween(threeFirst.takenOn, threeLast.takenOn),
            slopePerWeek: ((s) => (s === null ? null : round(s, 2)))(slopePerWeek(three)),
            gainOverBestBefore: threeLast.score - Math.max(...before),
            change: threeLast.score - threeFirst.score,
          }
        : null,
    projectedAtExam,
  }
}
