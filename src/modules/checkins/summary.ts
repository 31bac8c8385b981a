// The weekly check-in of guide-rules.md §4 for one student and one Monday–Sunday week, from the same
// aggregate inputs as the analytics engine. Pure: no I/O, no clock; the same inputs give the same check-in.
import type { AnalyticsConfig } from '../analytics/config.js'
import { addDays } from '../analytics/dates.js'
import { computeAnalytics, computeFigures } from '../analytics/engine.js'
import { round } from '../analytics/stats.js'
import type {
  ActivityType,
  AnalyticsInput,
  PhaseName,
  Range,
  Recommendation,
  TrendStatus,
  WeakSystem,
} from '../analytics/types.js'

export const CHECKIN_FLAGS = ['behind_pace', 'plateau', 'assessment_overdue', 'inactive'] as const
export type CheckinFlag = (typeof CHECKIN_FLAGS)[number]

const ACTIVITY_TYPES: readonly ActivityType[] = [
  'content_review',
  'explanation_review',
  'anki',
  'simulation_day',
  'video',
]

export interface CheckinAssessment {
  id: string
  form: string
  takenAt: string
  takenOn: string
  score: number | null
  percentCorrect: number | null
}

/** What a check-in holds besides its identity (id, student, week, createdAt): the stored `summary`. */
export interface CheckinSummary {
  /** Phase as of the week's Sunday: it sets the week's targets. */
  phase: PhaseName
  planWeek: number | null
  questions: {
    total: number
    new: number
    review: number
    correct: number
    /** The phase's weekly range; null when the phase sets none (not_started, post_exam). */
    target: Range | null
    /** How the target was made, in words. */
    targetBasis: string | null
    vsTarget: 'below' | 'within' | 'above' | null
  }
  /** Over the week's questions, 0–100 one decimal; null without questions. */
  percentCorrect: number | null
  uworld: {
    /** First-pass completion at the end of the week (0–100, one decimal). */
    percentComplete: number | null
    /** The same on the Sunday before the week. */
    percentCompleteBefore: number | null
    /** percentComplete − percentCompleteBefore, points, one decimal. */
    change: number | null
    newQuestions: number
  }
  /** Days of the week with a block or an activity logged. */
  studyDays: number
  /** Explanation review: blocks' reviewMinutes plus explanation_review activities, hours, one decimal. */
  reviewHours: number
  /** 2–3 h per 40-question block (3.0–4.5 min per question) for the week's questions; null without questions. */
  reviewHoursTarget: Range | null
  /** content_review activities, hours, one decimal. */
  contentReviewHours: number
  contentReviewHoursTarget: Range
  /** Every activity type's hours in the week, one decimal. */
  activityHours: Record<ActivityType, number>
  /** Self-assessments taken in the week (student's time zone), in time order. */
  assessments: CheckinAssessment[]
  trendStatus: TrendStatus
  latestScore: number | null
  weakSystems: WeakSystem[]
  /** The recommendations as of the week's Sunday. */
  recommendations: Recommendation[]
  flags: CheckinFlag[]
}

/**
 * The week's question target for the phase (guide-rules.md §2 "Phase targets").
 * - foundation, heavy_qbank, refinement: the per-day range × the student's study days per week;
 * - part_time_build: 160–240 a week;
 * - final, exam_eve, exam_day: 0 up to the "under 80 a day" cap × study days (the guide wants review of
 *   incorrects then, not a volume);
 * - not_started, post_exam: no target (null).
 */
export function weeklyQuestionTarget(
  phase: PhaseName,
  studyDaysPerWeek: number,
  c: AnalyticsConfig,
): { target: Range | null; basis: string | null } {
  const t = c.targets
  switch (phase) {
    case 'foundation':
    case 'heavy_qbank':
    case 'refinement': {
      const perDay = t.questionsPerDay[phase]
      return {
        target: { min: perDay.min * studyDaysPerWeek, max: perDay.max * studyDaysPerWeek },
        basis: `${perDay.min}–${perDay.max} questions a day (${phase}) × ${studyDaysPerWeek} study days`,
      }
    }
    case 'part_time_build': {
      const week = t.partTimeQuestionsPerWeek
      return {
        target: { min: week.min, max: week.max },
        basis: `${week.min}–${week.max} questions a week (part-time build)`,
      }
    }
    case 'final':
    case 'exam_eve':
    case 'exam_day':
      return {
        target: { min: 0, max: t.finalMaxQuestionsPerDay * studyDaysPerWeek },
        basis: `final weeks: under ${t.finalMaxQuestionsPerDay} a day × ${studyDaysPerWeek} study days, reviewing incorrects and marked questions`,
      }
    case 'not_started':
    case 'post_exam':
      return { target: null, basis: null }
  }
}

const hours = (minutes: number) => round(minutes / 60, 1)

/**
 * One student's check-in for the week starting `weekStart` (a Monday).
 * `atEnd` is the analytics input as of the week's Sunday, `before` as of the Sunday before the week
 * (both from loadAnalyticsInputs): the week's volume is the 7-day window ending on that Sunday.
 */
export function checkinSummary({
  weekStart,
  atEnd,
  before,
  config,
}: {
  weekStart: string
  atEnd: AnalyticsInput
  before: AnalyticsInput
  config: AnalyticsConfig
}): CheckinSummary {
  const weekEnd = addDays(weekStart, 6)
  if (atEnd.today !== weekEnd) throw new RangeError(`atEnd is as of ${atEnd.today}, not ${weekEnd}`)
  const dayBefore = addDays(weekStart, -1)
  if (before.today !== dayBefore) throw new RangeError(`before is as of ${before.today}, not ${dayBefore}`)

  const end = computeAnalytics(atEnd, config)
  const start = computeFigures(before, config)
  const week = end.volume.last7 // [weekEnd − 6, weekEnd] = the week
  const { target, basis } = weeklyQuestionTarget(end.phase.name, end.plan.studyDaysPerWeek, config)

  const primary = config.primarySource
  const pctEnd = end.qbanks.find((q) => q.source === primary)?.percentComplete ?? null
  const pctBefore = start.qbanks.find((q) => q.source === primary)?.percentComplete ?? null

  const reviewMinutes = week.reviewMinutes + week.activityMinutes.explanation_review
  const perQuestion = end.phase.targets.explanationMinutesPerQuestion

  const assessments = atEnd.assessments
    .filter((a) => a.takenOn >= weekStart && a.takenOn <= weekEnd)
    .sort((a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id))
    .map(({ id, form, takenAt, takenOn, score, percentCorrect }) => ({
      id,
      form,
      takenAt,
      takenOn,
      score,
      percentCorrect,
    }))

  const fired = (id: Recommendation['id']) => end.recommendations.find((r) => r.id === id)
  const flagged: Record<CheckinFlag, boolean> = {
    behind_pace: fired('first-pass-pace') !== undefined,
    plateau: end.trend.status === 'plateau',
    assessment_overdue:
      fired('assessment-cadence')?.priority === 'high' || fired('baseline-assessment') !== undefined,
    inactive: week.studyDays === 0 && assessments.length === 0,
  }

  const activityHours = {} as Record<ActivityType, number>
  for (const type of ACTIVITY_TYPES) activityHours[type] = hours(week.activityMinutes[type])

  return {
    phase: end.phase.name,
    planWeek: end.phase.planWeek,
    questions: {
      total: week.questions,
      new: week.newQuestions,
      review: week.reviewQuestions,
      correct: week.correct,
      target,
      targetBasis: basis,
      vsTarget:
        target === null
          ? null
          : week.questions < target.min
            ? 'below'
            : week.questions > target.max
              ? 'above'
              : 'within',
    },
    percentCorrect: week.percentCorrect,
    uworld: {
      percentComplete: pctEnd,
      percentCompleteBefore: pctBefore,
      change: pctEnd === null || pctBefore === null ? null : round(pctEnd - pctBefore, 1),
      newQuestions: week.bySource.find((s) => s.source === primary)?.newQuestions ?? 0,
    },
    studyDays: week.studyDays,
    reviewHours: hours(reviewMinutes),
    reviewHoursTarget:
      week.questions > 0
        ? {
            min: hours(week.questions * perQuestion.min),
            max: hours(week.questions * perQuestion.max),
          }
        : null,
    contentReviewHours: activityHours.content_review,
    contentReviewHoursTarget: { ...end.phase.targets.contentReviewHoursPerWeek },
    activityHours,
    assessments,
    trendStatus: end.trend.status,
    latestScore: end.trend.latest,
    weakSystems: end.weakSystems,
    recommendations: end.recommendations,
    flags: CHECKIN_FLAGS.filter((f) => flagged[f]),
  }
}
