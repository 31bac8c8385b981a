import type { AnalyticsResult } from '../analytics/types.js'

/**
 * How urgently a mentee needs an advisor's attention, 0–100 (higher first on the dashboard).
 * Points add up and are capped at 100; every factor that scored is listed, so a dashboard can
 * say why. Weights are a judgement of what an advisor would act on first:
 *
 * | factor                                  | points |
 * |-----------------------------------------|--------|
 * | each high-priority recommendation       | 10 (at most 30) |
 * | score trend declining / plateau         | 25 / 15 |
 * | behind the first-pass pace              | 15 |
 * | self-assessment overdue (≥ 28 days, or none after the first week) | 10 |
 * | days since anything was logged: ≥ 7 / 3–6 (or nothing ever, in a study phase) | 15 / 5 (15) |
 * | exam within 14 / 28 days                | 10 / 5 |
 *
 * After the exam only the high-priority recommendations count (e.g. a score below target).
 */
export interface RiskFactor {
  factor: string
  points: number
}

export const RISK_WEIGHTS = {
  highPriorityEach: 10,
  highPriorityMax: 30,
  declining: 25,
  plateau: 15,
  behindPace: 15,
  assessmentOverdue: 10,
  inactive7: 15,
  inactive3: 5,
  examWithin14: 10,
  examWithin28: 5,
} as const

export function menteeRisk(a: AnalyticsResult, w = RISK_WEIGHTS): { risk: number; factors: RiskFactor[] } {
  const factors: RiskFactor[] = []
  const add = (factor: string, points: number) => {
    if (points > 0) factors.push({ factor, points })
  }
  const ids = new Set(a.recommendations.map((r) => r.id))
  const high = a.recommendations.filter((r) => r.priority === 'high').length
  add('high_priority_recommendations', Math.min(w.highPriorityMax, high * w.highPriorityEach))
  if (a.phase.name !== 'post_exam') {
    if (a.trend.status === 'declining') add('declining_scores', w.declining)
    if (a.trend.status === 'plateau') add('plateau', w.plateau)
    if (ids.has('first-pass-pace')) add('behind_pace', w.behindPace)
    if (ids.has('assessment-cadence') || ids.has('baseline-assessment'))
      add('assessment_overdue', w.assessmentOverdue)
    const idle = a.activity.daysSinceLastLogged
    if (idle === null) {
      if (a.phase.isStudyPhase) add('inactive', w.inactive7)
    } else if (idle >= 7) add('inactive', w.inactive7)
    else if (idle >= 3) add('inactive', w.inactive3)
    const days = a.phase.daysToExam
    if (days !== null && days >= 0 && days <= 14) add('exam_soon', w.examWithin14)
    else if (days !== null && days > 14 && days <= 28) add('exam_soon', w.examWithin28)
  }
  const risk = Math.min(
    100,
    factors.reduce((s, f) => s + f.points, 0),
  )
  return { risk, factors }
}
