// computeAnalytics: the whole `GET /analytics` response from aggregate inputs. Pure and deterministic:
// no I/O, no clock (today arrives in the input), no logging; the same input gives a deep-equal output.
import { DEFAULT_ANALYTICS_CONFIG, type AnalyticsConfig } from './config.js'
import { dayNumber } from './dates.js'
import {
  activityFigures,
  assessmentSummary,
  assessmentsUpTo,
  assessmentWeakSystems,
  irFocus,
  lowestSystems,
  overallFigures,
  phaseFigures,
  planFigures,
  qbankFigures,
  recentDaily,
  subjectFigures,
  systemFigures,
  topicFigures,
  volumeFigures,
  weakSubjects,
  weakSystems,
} from './figures.js'
import { readiness } from './readiness.js'
import { recommend } from './rules.js'
import { trendFigures } from './trend.js'
import type { AnalyticsInput, AnalyticsResult, Figures } from './types.js'

/** The figures of guide-rules.md §2, everything the rules read. */
export function computeFigures(
  input: AnalyticsInput,
  config: AnalyticsConfig = DEFAULT_ANALYTICS_CONFIG,
): Figures {
  dayNumber(input.today) // a malformed `today` is a programming error: fail loudly, not with NaN figures
  const plan = planFigures(input, config)
  const phase = phaseFigures(input.today, plan, config)
  const daily = recentDaily(input)
  const assessments = assessmentsUpTo(input)
  const systems = systemFigures(input, config)
  const weak = weakSystems(systems, input)
  const subjects = subjectFigures(input, config)
  const topics = topicFigures(input, config)
  return {
    asOf: input.today,
    plan,
    phase,
    qbanks: qbankFigures(input, daily, plan.examDate, config),
    overall: overallFigures(input),
    systems,
    weakSystems: weak,
    lowestSystems: lowestSystems(systems, config),
    assessmentWeakSystems: assessmentWeakSystems(input, assessments, config),
    subjects,
    weakSubjects: weakSubjects(subjects, input),
    topics,
    irFocus: irFocus(input, topics, weak),
    assessments: assessmentSummary(input.today, assessments),
    trend: trendFigures(assessments, phase.daysToExam, config),
    readiness: readiness(assessments, input.today, plan.targetScore, config),
    volume: volumeFigures(input, daily, plan.studyDaysPerWeek, config),
    activity: activityFigures(input, daily),
  }
}

export function computeAnalytics(
  input: AnalyticsInput,
  config: AnalyticsConfig = DEFAULT_ANALYTICS_CONFIG,
): AnalyticsResult {
  const figures = computeFigures(input, config)
  return { ...figures, recommendations: recommend(figures, config) }
}
