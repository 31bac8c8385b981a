import { z } from 'zod'
import { IsoDate, MAX, StudentIdParam } from '../../http/common.schemas.js'
import { SYSTEMS } from '../../reference/index.js'
import {
  HISTORY_MAX,
  PhaseNameSchema,
  Range,
  Recommendation,
  TrendStatusSchema,
  WeakSystem,
} from '../analytics/analytics.schemas.js'
import { RULE_IDS } from '../analytics/types.js'
import { ListQuery, page } from '../sync/pagination.js'
import { CHECKIN_FLAGS, type CheckinSummary } from './summary.js'

const int = (description: string) => z.number().int().describe(description)
const hours = (description: string) => z.number().describe(`${description}; hours, one decimal`)

export const CheckinFlag = z
  .enum(CHECKIN_FLAGS)
  .describe(
    'behind_pace: the first-pass-pace rule fired; plateau: score trend plateau; assessment_overdue: assessment-cadence (high) or baseline-assessment fired; inactive: nothing logged in the week',
  )

const ActivityHours = z
  .object({
    content_review: hours('Content review'),
    explanation_review: hours('Explanation review logged as an activity'),
    anki: hours('Anki'),
    simulation_day: hours('Simulation days'),
    video: hours('Videos'),
  })
  .describe('Hours of each activity type in the week')

export const Checkin = z
  .object({
    id: z.uuid(),
    studentId: z.uuid(),
    weekStart: IsoDate.describe('Monday of the week (student’s time zone)'),
    weekEnd: IsoDate.describe('Sunday of the week'),
    phase: PhaseNameSchema.describe('Study phase on the week’s Sunday; it sets the week’s targets'),
    planWeek: int('Plan week on the week’s Sunday').nullable(),
    questions: z
      .object({
        total: int('Questions done in the week, new and review'),
        new: int('First-pass (new) questions'),
        review: int('Review-pass questions'),
        correct: int('Correct answers'),
        target: Range.nullable().describe(
          'The phase’s weekly range: per-day range × study days per week (foundation, heavy_qbank, refinement), 160–240 (part_time_build), 0 to 80 × study days (final weeks); null for not_started and post_exam',
        ),
        targetBasis: z.string().max(MAX.text).nullable().describe('How the target was made, in words'),
        vsTarget: z.enum(['below', 'within', 'above']).nullable().describe('total against the target'),
      })
      .describe('Question volume in the week against the phase’s target'),
    percentCorrect: z.number().nullable().describe('Percent correct over the week’s questions, one decimal'),
    uworld: z
      .object({
        percentComplete: z
          .number()
          .nullable()
          .describe('UWorld first pass complete at the week’s end, 0–100'),
        percentCompleteBefore: z.number().nullable().describe('The same on the Sunday before the week'),
        change: z.number().nullable().describe('Change over the week, points, one decimal'),
        newQuestions: int('New UWorld questions in the week'),
      })
      .describe('UWorld first-pass completion and its change over the week'),
    studyDays: int('Days of the week with a block or an activity logged'),
    reviewHours: hours('Explanation review: blocks’ reviewMinutes plus explanation_review activities'),
    reviewHoursTarget: Range.nullable().describe(
      '2–3 h per 40-question block (3.0–4.5 min per question) for the week’s questions, hours; null without questions',
    ),
    contentReviewHours: hours('Content review activities'),
    contentReviewHoursTarget: Range.describe('Content review target, hours per week (4–6)'),
    activityHours: ActivityHours,
    assessments: z
      .array(
        z.object({
          id: z.uuid(),
          form: z.string().max(MAX.label),
          takenAt: z.string().max(MAX.timestamp).describe('ISO 8601 timestamp, UTC'),
          takenOn: IsoDate,
          score: z.number().int().nullable(),
          percentCorrect: z.number().nullable(),
        }),
      )
      .max(HISTORY_MAX)
      .describe('Self-assessments taken in the week, in time order'),
    trendStatus: TrendStatusSchema,
    latestScore: z
      .number()
      .int()
      .nullable()
      .describe('Latest 3-digit self-assessment score by the week’s end'),
    weakSystems: z
      .array(WeakSystem)
      .max(SYSTEMS.length)
      .describe('Weak systems as of the week’s end, most important first'),
    recommendations: z
      .array(Recommendation)
      .max(RULE_IDS.length)
      .describe('The recommended actions as of the week’s end (guide-rules.md §3)'),
    flags: z
      .array(CheckinFlag)
      .max(CHECKIN_FLAGS.length)
      .describe('What needs attention; empty when nothing does'),
    createdAt: z
      .string()
      .max(MAX.timestamp)
      .describe('When the check-in was generated; ISO 8601 timestamp, UTC'),
  })
  .meta({ id: 'Checkin', description: 'A weekly check-in (guide-rules.md §4)' })
export type Checkin = z.infer<typeof Checkin>

export const CheckinPage = page(Checkin, 'CheckinPage')

export const CheckinListQuery = ListQuery.pick({ limit: true, cursor: true })

export const CheckinParams = StudentIdParam.extend({ checkinId: z.uuid() })

export const RunCheckinsBody = z
  .object({
    weekOf: IsoDate.optional().describe(
      'Any date of the Monday–Sunday week to summarise; default: the last complete week in each student’s time zone',
    ),
  })
  .meta({ id: 'RunCheckinsBody' })

export const RunCheckinsResult = z
  .object({
    weekStart: IsoDate.optional().describe('Monday of the week, when weekOf was given'),
    weekEnd: IsoDate.optional().describe('Sunday of the week, when weekOf was given'),
    created: int('Check-ins created by this run'),
    skipped: int('Students whose check-in for the week already existed'),
    notDue: int(
      'Students with no check-in due: the week has not ended yet in their time zone, or (default week) their account is newer than it',
    ),
  })
  .meta({ id: 'RunCheckinsResult' })

/** The stored summary and the response agree field for field (checked at compile time). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const _summary: Same<
  Omit<Checkin, 'id' | 'studentId' | 'weekStart' | 'weekEnd' | 'createdAt'>,
  CheckinSummary
> = true
