// Response schemas of `GET /analytics` and `GET /recommendations`: a field-for-field mirror of the engine's
// output types (types.ts), so the OpenAPI document and the response serializer agree with the engine.
// Units (guide-rules.md §5): percentages 0–100 with one decimal, dates ISO YYYY-MM-DD in the student's
// time zone, timestamps ISO 8601 UTC. "Today" is the `asOf` day; a window "of N days" is [today−(N−1), today].
import { z } from 'zod'
import { IsoDate, MAX } from '../../http/common.schemas.js'
import { IR_TOPICS, SUBJECTS, SYSTEMS } from '../../reference/index.js'
import { ASSESSMENT_SYSTEMS_MAX } from '../assessments/assessments.schemas.js'
import { CONFIG_BOUNDS } from './config.js'
import type {
  ActivityFigures as ActivityFiguresType,
  AnalyticsResult,
  AssessmentRef as AssessmentRefType,
  AssessmentSummary as AssessmentSummaryType,
  AssessmentWeakSystems as AssessmentWeakSystemsType,
  IrFocus as IrFocusType,
  LowestSystem as LowestSystemType,
  PhaseFigures as PhaseFiguresType,
  PlanFigures as PlanFiguresType,
  QbankFigures as QbankFiguresType,
  Range as RangeType,
  Readiness as ReadinessType,
  ReadinessForm as ReadinessFormType,
  Recommendation as RecommendationType,
  SubjectFigures as SubjectFiguresType,
  SystemFigures as SystemFiguresType,
  TopicFigures as TopicFiguresType,
  TrendFigures as TrendFiguresType,
  TrendScore as TrendScoreType,
  VolumeFigures as VolumeFiguresType,
  VolumeWindow as VolumeWindowType,
  WeakSubject as WeakSubjectType,
  WeakSystem as WeakSystemType,
} from './types.js'
import { PHASE_NAMES, RULE_IDS, TREND_STATUSES } from './types.js'

// ---------------------------------------------------------------- building blocks

/** An ISO date (student's time zone) with what it is. */
const date = (description: string) => IsoDate.describe(description)
const int = (description: string) => z.number().int().describe(description)
const num = (description: string) => z.number().describe(description)
/** Timestamps are passed through from the stored rows as they are produced (ISO 8601 UTC), not re-parsed. */
const timestamp = (description: string) =>
  z
    .string()
    .max(MAX.timestamp)
    .describe(`${description}; ISO 8601 timestamp, UTC`)
    .meta({ example: '2027-05-10T13:30:00.000Z' })
/** Ids of stored records (UUIDs), passed through as the engine got them. */
const recordId = (description: string) => z.string().max(36).describe(description)
const slug = (description: string) => z.string().max(MAX.label).describe(description)
const displayName = (description: string) => z.string().max(MAX.name).describe(description)
/** Canonical form ids (nbme-12, uwsa-2, free-120, other). */
const formId = (description: string) => z.string().max(MAX.label).describe(description)

/**
 * A stated cap on lists that grow with a student's history rather than with the reference data
 * (Qbank sources, topic tags, self-assessment scores): far above any real study history, and
 * checked by the response serializer, like every limit here.
 */
export const HISTORY_MAX = 10_000
/** IR topics name at most this many usual systems each. */
const IR_SYSTEMS_MAX = Math.max(...IR_TOPICS.map((t) => t.systems.length))

const WEAK_TEST =
  'at least 20 attempted questions and the upper bound of the 90% Wilson score interval below the student’s overall percent correct (all-time, all blocks)'

export const StudyModeSchema = z
  .enum(['dedicated', 'part_time'])
  .describe('dedicated: full-time study; part_time: studying alongside work or internship')
export const PrioritySchema = z
  .enum(['high', 'medium', 'low'])
  .describe('high, medium or low; recommendations are sorted by it')
export const PhaseNameSchema = z
  .enum(PHASE_NAMES)
  .describe(
    'Study phase, first match wins: post_exam (after the exam date), exam_eve (1 day to go), exam_day, final (≤ 14 days to go), not_started (before prep start), part_time_build (part-time, > 42 days to go), foundation (plan weeks 1–2), heavy_qbank (weeks 3–6), refinement (week 7 on)',
  )
export const TrendStatusSchema = z
  .enum(TREND_STATUSES)
  .describe(
    'From the last three 3-digit scores, first match wins: insufficient_data (< 2 scores); declining (3+ scores over ≥ 14 days, slope ≤ −1 pt/week and the latest ≥ 5 below the first of the three); plateau (3+ scores over ≥ 14 days, the latest beats the best of the two before it by < 5); improving (slope > 0); flat',
  )
export const RuleIdSchema = z
  .enum(RULE_IDS)
  .describe('The rule of guide-rules.md §3 that fired; stable, use it to key client-side handling')

export const Range = z
  .object({
    min: num('Lower end, inclusive'),
    max: num('Upper end, inclusive'),
  })
  .meta({ id: 'Range', description: 'An inclusive range of a target, in the unit its field names' })

// ---------------------------------------------------------------- plan and phase

export const PlanFigures = z
  .object({
    prepStartDate: date(
      'First day of preparation: the profile’s prepStartDate or, when unset, the first day any Qbank was used; null when neither is known',
    ).nullable(),
    prepStartInferred: z
      .boolean()
      .describe('true when prepStartDate was inferred from the first Qbank day (the profile has none)'),
    examDate: date('Scheduled Step 2 CK exam date from the profile').nullable(),
    erasSubmissionDate: date('Planned ERAS submission date from the profile').nullable(),
    latestExamDateForEras: date(
      'erasSubmissionDate − 60 days: the latest exam date whose score is out when programs read the application; null without an ERAS date',
    ).nullable(),
    erasSlackDays: int(
      'latestExamDateForEras − examDate, days: how much later the exam could move; negative when already too late; null without both dates',
    ).nullable(),
    planDays: int(
      'examDate − prepStartDate, days: the length of the plan; null without both dates',
    ).nullable(),
    minPlanDays: int(
      'Minimum plan length for the study mode, days (42 dedicated, 90 part-time): shorter fires plan-too-short',
    ),
    targetScore: int('Target 3-digit Step 2 CK score from the profile').nullable(),
    examScore: int('Actual 3-digit Step 2 CK score, once recorded').nullable(),
    studyMode: StudyModeSchema,
    studyDaysPerWeek: int('Planned study days per week, 1–7 (6 when the profile has no valid value)'),
  })
  .meta({ id: 'PlanFigures', description: 'The plan from the profile, with the dates derived from it' })

export const PhaseFigures = z
  .object({
    name: PhaseNameSchema,
    planWeek: int(
      'Plan week: floor((today − prepStartDate) / 7) + 1; null before prep starts or without a start date',
    ).nullable(),
    daysToExam: int(
      'examDate − today, days (0 on the exam day, negative after); null without an exam date',
    ).nullable(),
    day: int(
      '"Day N" of prep: today − prepStartDate, days (0 on the start date); null before prep starts',
    ).nullable(),
    startedOn: date('First day of the current phase; null when unknown (not_started)').nullable(),
    isStudyPhase: z
      .boolean()
      .describe('true for the study phases: foundation, heavy_qbank, refinement, part_time_build'),
    targets: z
      .object({
        questionsPerDay: Range.nullable().describe(
          'Questions per day for the phase (foundation 40–60, heavy_qbank 60–80, refinement 40–60); null in other phases',
        ),
        questionsPerWeek: Range.nullable().describe(
          'Questions per week in part_time_build (160–240); null in other phases',
        ),
        maxQuestionsPerDay: int(
          'Daily ceiling in the final phase (80 questions); null in other phases',
        ).nullable(),
        contentReviewHoursPerWeek: Range.describe('Content review, hours per week (4–6), all phases'),
        explanationMinutesPerQuestion: Range.describe(
          'Explanation review, minutes per question (3.0–4.5: 2–3 hours per 40-question block), two decimals',
        ),
      })
      .describe('The guide’s targets for this phase'),
  })
  .meta({ id: 'PhaseFigures', description: 'Where the student is in the plan, as of today' })

// ---------------------------------------------------------------- Qbanks

export const QbankFigures = z
  .object({
    source: z
      .string()
      .max(40)
      .describe('Qbank id: uworld (always listed, first), amboss or another lower-case id'),
    totalQuestions: int(
      'Questions in the bank (UWorld defaults to 4085); null when the student has not set the size',
    ).nullable(),
    uniqueUsed: int('Questions seen at least once, all time: the sum of new (first-pass) questions'),
    remaining: int('totalQuestions − uniqueUsed, never below 0; null without a bank size').nullable(),
    percentComplete: num(
      'First-pass completion, 100·uniqueUsed/totalQuestions capped at 100, percent 0–100, one decimal; null without a bank size',
    ).nullable(),
    firstPassComplete: z.boolean().describe('uniqueUsed ≥ totalQuestions (false without a bank size)'),
    firstPassIncorrect: int('Questions answered incorrectly in first-pass blocks, all time'),
    reviewed: int('Questions done in review-pass blocks, all time'),
    secondPassCoverage: num(
      'reviewed / firstPassIncorrect, a ratio with three decimals (0 when there are no first-pass incorrects); may exceed 1',
    ),
    pace7: num('New (first-pass) questions per calendar day over the 7 days ending today, one decimal'),
    pace14: num('New (first-pass) questions per calendar day over the 14 days ending today, one decimal'),
    projectedFirstPassDate: date(
      'today + ceil(remaining / pace7): when the first pass ends at the 7-day pace; null when pace7 is 0, the pass is complete or the bank size is unknown',
    ).nullable(),
    requiredDailyPace: int(
      'New questions per day needed to finish the first pass by firstPassTargetDate: ceil(remaining / max(1, days until then)); null without an exam date or a bank size',
    ).nullable(),
    firstPassTargetDate: date(
      'examDate − 14 days: when the first pass should end, so the final weeks go to incorrects; null without an exam date',
    ).nullable(),
    firstUsedOn: date('Day of the first block from this source; null when never used').nullable(),
    questions7: int('All questions (new and review) from this source over the 7 days ending today'),
    questions14: int('All questions (new and review) from this source over the 14 days ending today'),
  })
  .meta({ id: 'QbankFigures', description: 'Completion and pace of one Qbank' })

// ---------------------------------------------------------------- systems, subjects, topics

export const SystemFigures = z
  .object({
    system: slug('Canonical system slug (see GET /v1/systems)'),
    name: displayName('Display name of the system'),
    outlineSystem: z
      .string()
      .max(MAX.label)
      .nullable()
      .describe('The USMLE content-outline system it maps to; null for a system outside the reference'),
    examWeight: num(
      'The system’s share of the UWorld bank, 0–1 with four decimals: a proxy for the exam blueprint',
    ),
    attempted: int('Questions attempted in this system, all time'),
    correct: int('Of which correct, all time'),
    percent: num(
      '100·correct/attempted, all time, percent 0–100, one decimal; null without attempts',
    ).nullable(),
    wilsonUpper: num(
      'Upper bound of the 90% Wilson score interval of the all-time percent correct, percent 0–100, one decimal; null without attempts',
    ).nullable(),
    weak: z.boolean().describe(`Weak: ${WEAK_TEST}`),
    attempted28: int('Questions attempted in this system over the 28 days ending today'),
    correct28: int('Of which correct, over the 28 days ending today'),
    percent28: num(
      '100·correct28/attempted28, percent 0–100, one decimal; null without attempts in the 28 days (reported, not used for the weak test)',
    ).nullable(),
  })
  .meta({ id: 'SystemFigures', description: 'Accuracy in one system, all time and over the last 28 days' })

export const WeakSystem = z
  .object({
    system: slug('Canonical system slug'),
    name: displayName('Display name of the system'),
    attempted: int('Questions attempted in this system, all time'),
    percent: num('Percent correct in this system, all time, 0–100, one decimal'),
    gap: num('Overall percent correct − this system’s percent correct, points, one decimal'),
    examWeight: num('The system’s share of the UWorld bank, 0–1 with four decimals'),
    priorityScore: num('gap × examWeight, three decimals: the ranking key, largest first'),
  })
  .meta({
    id: 'WeakSystem',
    description: `A weak system (${WEAK_TEST}), ranked by (overall% − system%) × examWeight`,
  })

export const LowestSystem = z
  .object({
    system: slug('Canonical system slug'),
    name: displayName('Display name of the system'),
    attempted: int('Questions attempted in this system, all time (at least 10)'),
    percent: num('Percent correct in this system, all time, 0–100, one decimal'),
  })
  .meta({
    id: 'LowestSystem',
    description:
      'One of the three systems with the lowest all-time percent correct among those with ≥ 10 attempts',
  })

export const AssessmentWeakSystems = z
  .object({
    assessmentId: recordId('Id of the most recent self-assessment with a per-system breakdown'),
    form: formId('Its form id (e.g. nbme-13, uwsa-2, free-120)'),
    takenOn: date('Day it was taken'),
    percentCorrect: num(
      'Its overall percent correct, 0–100, one decimal (the breakdown’s mean when the form only reports a breakdown)',
    ),
    systems: z
      .array(
        z.object({
          system: slug('System label as reported (canonical or outline slug)'),
          name: displayName('Display name; the label itself when not a canonical system'),
          percentCorrect: num('Percent correct in this system on the assessment, 0–100, one decimal'),
          gap: num('Assessment percentCorrect − this system’s, points, one decimal (at least 10)'),
        }),
      )
      .max(ASSESSMENT_SYSTEMS_MAX)
      .describe('Systems at least 10 points below the assessment’s overall percent, largest gap first'),
  })
  .meta({
    id: 'AssessmentWeakSystems',
    description: 'Weak systems according to the most recent self-assessment with a breakdown',
  })

export const SubjectFigures = z
  .object({
    subject: slug('Canonical subject slug (medicine, surgery, pediatrics, …)'),
    name: displayName('Display name of the subject'),
    attempted: int('Questions attempted in this subject, all time'),
    correct: int('Of which correct, all time'),
    percent: num(
      '100·correct/attempted, all time, percent 0–100, one decimal; null without attempts',
    ).nullable(),
    wilsonUpper: num(
      'Upper bound of the 90% Wilson score interval of the all-time percent correct, percent 0–100, one decimal; null without attempts',
    ).nullable(),
    weak: z.boolean().describe(`Weak: ${WEAK_TEST}`),
    attempted28: int('Questions attempted in this subject over the 28 days ending today'),
    correct28: int('Of which correct, over the 28 days ending today'),
    percent28: num(
      '100·correct28/attempted28, percent 0–100, one decimal; null without attempts in the 28 days',
    ).nullable(),
  })
  .meta({ id: 'SubjectFigures', description: 'Accuracy in one subject, all time and over the last 28 days' })

export const WeakSubject = z
  .object({
    subject: slug('Canonical subject slug'),
    name: displayName('Display name of the subject'),
    attempted: int('Questions attempted in this subject, all time'),
    percent: num('Percent correct in this subject, all time, 0–100, one decimal'),
    gap: num('Overall percent correct − this subject’s, points, one decimal: the ranking key, largest first'),
  })
  .meta({ id: 'WeakSubject', description: `A weak subject (${WEAK_TEST}), ranked by the gap` })

export const TopicFigures = z
  .object({
    topic: z.string().max(MAX.topic).describe('Topic tag from blocks (e.g. dvt-pe, gi-bleeding)'),
    name: displayName('Display name for IR-relevant topics; the tag itself otherwise'),
    attempted: int('Questions in blocks tagged with this topic, all time'),
    correct: int('Of which correct, all time'),
    percent: num('100·correct/attempted, percent 0–100, one decimal; null without attempts').nullable(),
    weak: z.boolean().describe(`Weak: ${WEAK_TEST}`),
  })
  .meta({ id: 'TopicFigures', description: 'Accuracy in blocks tagged with one topic, all time' })

export const IrFocus = z
  .object({
    topic: z
      .string()
      .max(MAX.topic)
      .describe('IR-relevant topic slug (dvt-pe, gi-bleeding, portal-hypertension, …)'),
    name: displayName('Display name of the topic'),
    weakTopic: z.boolean().describe('The topic’s own tagged blocks are weak'),
    weakSystems: z
      .array(z.string().max(MAX.label))
      .max(IR_SYSTEMS_MAX)
      .describe('Slugs of the topic’s usual systems that are weak'),
  })
  .meta({
    id: 'IrFocus',
    description:
      'An IR-relevant topic to review with the IR lens: it is weak, or one of its usual systems is',
  })

// ---------------------------------------------------------------- assessments, trend, readiness

export const AssessmentRef = z
  .object({
    id: recordId('Self-assessment id'),
    form: formId('Form id (e.g. nbme-13, uwsa-2, free-120)'),
    takenAt: timestamp('When it was finished'),
    takenOn: date('Day it was taken'),
    score: int('3-digit score; null for percent-only forms').nullable(),
    percentCorrect: num('Percent correct, 0–100; null when not reported').nullable(),
  })
  .meta({ id: 'AssessmentRef', description: 'A self-assessment, in short' })

export const AssessmentSummary = z
  .object({
    count: int('Self-assessments taken up to today (percent-only forms included)'),
    scoredCount: int('Of which with a 3-digit score'),
    last: AssessmentRef.nullable().describe('The most recent self-assessment; null when none'),
    daysSinceLast: int('today − its day, days; null when none').nullable(),
    lastScored: AssessmentRef.nullable().describe('The most recent one with a 3-digit score; null when none'),
    daysSinceLastScored: int('today − its day, days; null when none').nullable(),
  })
  .meta({ id: 'AssessmentSummary', description: 'Self-assessments taken so far' })

export const TrendScore = z
  .object({
    id: recordId('Self-assessment id'),
    takenAt: timestamp('When it was finished (the trend’s x axis)'),
    takenOn: date('Day it was taken'),
    form: formId('Form id'),
    score: int('3-digit score'),
  })
  .meta({ id: 'TrendScore', description: 'A 3-digit self-assessment score' })

export const TrendFigures = z
  .object({
    status: TrendStatusSchema,
    scores: z
      .array(TrendScore)
      .max(HISTORY_MAX)
      .describe('Every 3-digit self-assessment score up to today, in time order'),
    first: int('The first score; null without scores').nullable(),
    latest: int('The most recent score; null without scores').nullable(),
    best: int('The highest score; null without scores').nullable(),
    changeSinceFirst: int('latest − first, points; null without scores').nullable(),
    slopePerWeek: num(
      'Ordinary-least-squares slope over all scores, points per week (x = takenAt in days / 7), two decimals; null with fewer than 2 scores',
    ).nullable(),
    lastThree: z
      .object({
        scores: z.array(z.number().int()).max(3).describe('The last three scores, oldest first'),
        spanDays: int('Days from the first of the three to the latest'),
        slopePerWeek: num('OLS slope of the three, points per week, two decimals').nullable(),
        gainOverBestBefore: int('latest − the best of the two before it, points'),
        change: int('latest − the first of the three, points'),
      })
      .nullable()
      .describe('The three most recent scores the status is decided from; null with fewer than 3 scores'),
    projectedAtExam: z
      .object({
        estimate: num('latest + slopePerWeek × weeks, clamped to 1–300, one decimal'),
        low: num('estimate − 8 (about one standard error of measurement), one decimal'),
        high: num('estimate + 8, one decimal'),
        weeks: num('Weeks projected: min(daysToExam / 7, 4), two decimals'),
        label: z.literal('estimate').describe('Always "estimate": a projection, not a prediction'),
      })
      .nullable()
      .describe(
        'Projected score at the exam; null without an exam date, after the exam or with fewer than 2 scores',
      ),
  })
  .meta({ id: 'TrendFigures', description: 'The trend of 3-digit self-assessment scores' })

export const ReadinessForm = z
  .object({
    id: recordId('Self-assessment id'),
    form: formId('Form id'),
    takenOn: date('Day it was taken'),
    score: int('Its 3-digit score'),
    offset: num(
      'Per-form correction, points (uwsa-1 −6, uwsa-2 −3, others 0; community-reported, not official)',
    ),
    corrected: num('score + offset'),
    weight: num('Its weight in the estimate, 0–1 with four decimals (0.5 / 0.3 / 0.2 from the most recent)'),
  })
  .meta({ id: 'ReadinessForm', description: 'A self-assessment used for the readiness estimate' })

export const Readiness = z
  .object({
    status: z
      .enum(['estimate', 'insufficient_data'])
      .describe('estimate, or insufficient_data when no 3-digit score is from the last 42 days'),
    estimate: num(
      'Weighted mean of the corrected scores, 3-digit scale, one decimal; null without an estimate',
    ).nullable(),
    low: num('estimate − band, one decimal; null without an estimate').nullable(),
    high: num('estimate + band, one decimal; null without an estimate').nullable(),
    band: num(
      '8 + the sample standard deviation of the corrected scores, points, one decimal: one SD of the normal model; null without an estimate',
    ).nullable(),
    passProbability: num(
      'Probability of scoring at least passingScore under that normal model, 0–1 with three decimals; null without an estimate',
    ).nullable(),
    targetProbability: num(
      'Probability of scoring at least targetScore, 0–1 with three decimals; null without an estimate or a target',
    ).nullable(),
    passingScore: int('Step 2 CK passing score (218)'),
    targetScore: int('The profile’s target score').nullable(),
    formsUsed: z
      .array(ReadinessForm)
      .max(CONFIG_BOUNDS.readinessWeights)
      .describe('The (up to three) 3-digit scores from the last 42 days used, most recent first'),
    method: z.string().max(MAX.text).describe('How the estimate is made, in words'),
    reason: z.string().max(MAX.text).nullable().describe('Why there is no estimate; null when there is one'),
  })
  .meta({
    id: 'Readiness',
    description: '"Am I ready, or should I postpone?": an estimate, not a prediction',
  })

// ---------------------------------------------------------------- volume and activity

const windowInt = (what: string) => int(`${what} over the window`)

export const VolumeWindow = z
  .object({
    days: int('Window length, days (7 or 14)'),
    from: date('First day of the window: today − (days − 1)'),
    to: date('Last day of the window: today'),
    questions: windowInt('All Qbank questions (new and review)'),
    newQuestions: windowInt('New (first-pass) questions'),
    reviewQuestions: windowInt('questions − newQuestions: questions seen before'),
    correct: windowInt('Questions answered correctly'),
    percentCorrect: num(
      '100·correct/questions, percent 0–100, one decimal; null without questions',
    ).nullable(),
    studyDays: windowInt('Days with a block or an activity'),
    questionsPerStudyDay: num(
      'questions ÷ (studyDaysPerWeek × days / 7): questions per planned study day, one decimal',
    ),
    timedRandomQuestions: windowInt('Questions in timed blocks of random (mixed) selection'),
    timedRandomShare: num(
      'Timed random questions as a percent of all questions, 0–100, one decimal; null without questions',
    ).nullable(),
    reviewMinutes: windowInt('Minutes spent reading explanations, over the blocks that logged it,'),
    questionsWithReviewMinutes: windowInt('Questions in the blocks that logged reviewMinutes'),
    reviewMinutesPerQuestion: num(
      'reviewMinutes / questionsWithReviewMinutes, minutes per question, two decimals; null when no block logged reviewMinutes',
    ).nullable(),
    mistakes: z
      .object({
        knowledge: windowInt('Mistakes tagged knowledge (lacked the knowledge)'),
        misread: windowInt('Mistakes tagged misread (misread the stem or answers)'),
        timing: windowInt('Mistakes tagged timing (ran out of time or rushed)'),
        total: windowInt('All tagged mistakes'),
      })
      .describe('Missed questions by tagged cause'),
    activityMinutes: z
      .object({
        content_review: windowInt('Minutes of content review'),
        explanation_review: windowInt('Minutes of explanation review logged as an activity'),
        anki: windowInt('Minutes of Anki'),
        simulation_day: windowInt('Minutes of simulation days'),
        video: windowInt('Minutes of video'),
      })
      .describe('Logged study-activity minutes by type'),
    bySource: z
      .array(
        z.object({
          source: z.string().max(40).describe('Qbank id'),
          questions: windowInt('All questions from this source'),
          newQuestions: windowInt('New (first-pass) questions from this source'),
        }),
      )
      .max(HISTORY_MAX)
      .describe('Questions per Qbank used in the window, by source id'),
  })
  .meta({ id: 'VolumeWindow', description: 'Study volume over the N days ending today' })

export const VolumeFigures = z
  .object({
    last7: VolumeWindow.describe('The 7 days ending today'),
    last14: VolumeWindow.describe('The 14 days ending today'),
    lastDays: z
      .array(
        z.object({
          date: date('The day'),
          questions: int('All Qbank questions that day'),
        }),
      )
      .max(CONFIG_BOUNDS.burnoutDays)
      .describe(
        'Questions per day over the 3 days ending today, oldest first (burnout check in the final phase)',
      ),
  })
  .meta({ id: 'VolumeFigures', description: 'Study volume over the last 7 and 14 days' })

export const ActivityFigures = z
  .object({
    lastLoggedOn: date(
      'Latest day with a block or an activity, up to today; null when nothing is logged',
    ).nullable(),
    daysSinceLastLogged: int('today − lastLoggedOn, days; null when nothing is logged').nullable(),
    lastSimulationDayOn: date(
      'Latest day with a simulation-day activity, up to today; null when none',
    ).nullable(),
  })
  .meta({ id: 'ActivityFigures', description: 'When the student last logged anything' })

// ---------------------------------------------------------------- recommendations and the response

export const Recommendation = z
  .object({
    id: RuleIdSchema,
    priority: PrioritySchema,
    title: z.string().max(200).describe('Short title of the rule'),
    action: z.string().max(MAX.text).describe('One imperative sentence with the numbers filled in'),
    rationale: z.string().max(MAX.text).describe('Why, in the guide’s terms'),
    evidence: z
      .record(z.string().max(64), z.unknown())
      .describe('The figures that fired the rule, by name (units as in the analytics response)'),
    guideSection: z.string().max(200).describe('Heading of the study guide section the advice comes from'),
  })
  .meta({ id: 'Recommendation', description: 'A recommended next action (guide-rules.md §3)' })

export const AnalyticsResponse = z
  .object({
    asOf: date(
      'The day the analytics are evaluated for, in the student’s time zone: data up to its end counts',
    ),
    plan: PlanFigures.describe('The plan from the profile'),
    phase: PhaseFigures.describe('Phase, plan week and the phase’s targets'),
    qbanks: z.array(QbankFigures).max(HISTORY_MAX).describe('Per Qbank: UWorld first, then the others by id'),
    overall: z
      .object({
        attempted: int('Questions attempted, all time, all blocks'),
        correct: int('Of which correct'),
        percent: num(
          'Overall percent correct, 0–100, one decimal: the baseline of the weak test; null without attempts',
        ).nullable(),
      })
      .describe('All-time accuracy over all blocks'),
    systems: z
      .array(SystemFigures)
      .max(SYSTEMS.length)
      .describe('Every reference system, in reference order (logged labels are normalised to them)'),
    weakSystems: z
      .array(WeakSystem)
      .max(SYSTEMS.length)
      .describe('Weak systems, by priorityScore (gap × examWeight), largest first'),
    lowestSystems: z
      .array(LowestSystem)
      .max(SYSTEMS.length)
      .describe('The three lowest systems by all-time percent correct with ≥ 10 attempts, lowest first'),
    assessmentWeakSystems: AssessmentWeakSystems.nullable().describe(
      'From the most recent self-assessment with a breakdown; null when none has one',
    ),
    subjects: z
      .array(SubjectFigures)
      .max(SUBJECTS.length)
      .describe('Every reference subject, in reference order (logged labels are normalised to them)'),
    weakSubjects: z.array(WeakSubject).max(SUBJECTS.length).describe('Weak subjects, by gap, largest first'),
    topics: z.array(TopicFigures).max(HISTORY_MAX).describe('Every topic tag logged, by slug'),
    irFocus: z
      .array(IrFocus)
      .max(IR_TOPICS.length)
      .describe('IR-relevant topics that are weak or have weak systems, reference order'),
    assessments: AssessmentSummary.describe('Self-assessments taken so far'),
    trend: TrendFigures.describe('Trend of 3-digit self-assessment scores'),
    readiness: Readiness.describe('Readiness estimate from recent 3-digit scores'),
    volume: VolumeFigures.describe('Study volume over the last 7 and 14 days'),
    activity: ActivityFigures.describe('Last logged days'),
    recommendations: z
      .array(Recommendation)
      .max(RULE_IDS.length)
      .describe(
        'Fired rules (each at most once), by priority (high, medium, low) then rule order; deterministic',
      ),
  })
  .meta({
    id: 'Analytics',
    description: 'Every figure of the study guide as of one day, and the recommended next actions',
  })

export const RecommendationsResponse = z
  .object({
    asOf: date('The day the recommendations are evaluated for, in the student’s time zone'),
    data: z
      .array(Recommendation)
      .max(RULE_IDS.length)
      .describe('Fired rules (each at most once), by priority (high, medium, low) then rule order'),
  })
  .meta({ id: 'Recommendations', description: 'Just the recommended next actions, most important first' })

// ---------------------------------------------------------------- compile-time agreement with types.ts

/** true when A and B are mutually assignable (readonly property modifiers aside, which TS ignores). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Out<S extends z.ZodType> = z.output<S>

const _analytics: Same<Out<typeof AnalyticsResponse>, AnalyticsResult> = true
const _recommendations: Same<
  Out<typeof RecommendationsResponse>,
  { asOf: string; data: AnalyticsResult['recommendations'] }
> = true
const _parts: [
  Same<Out<typeof Range>, RangeType>,
  Same<Out<typeof PlanFigures>, PlanFiguresType>,
  Same<Out<typeof PhaseFigures>, PhaseFiguresType>,
  Same<Out<typeof QbankFigures>, QbankFiguresType>,
  Same<Out<typeof SystemFigures>, SystemFiguresType>,
  Same<Out<typeof WeakSystem>, WeakSystemType>,
  Same<Out<typeof LowestSystem>, LowestSystemType>,
  Same<Out<typeof AssessmentWeakSystems>, AssessmentWeakSystemsType>,
  Same<Out<typeof SubjectFigures>, SubjectFiguresType>,
  Same<Out<typeof WeakSubject>, WeakSubjectType>,
  Same<Out<typeof TopicFigures>, TopicFiguresType>,
  Same<Out<typeof IrFocus>, IrFocusType>,
  Same<Out<typeof AssessmentRef>, AssessmentRefType>,
  Same<Out<typeof AssessmentSummary>, AssessmentSummaryType>,
  Same<Out<typeof TrendScore>, TrendScoreType>,
  Same<Out<typeof TrendFigures>, TrendFiguresType>,
  Same<Out<typeof ReadinessForm>, ReadinessFormType>,
  Same<Out<typeof Readiness>, ReadinessType>,
  Same<Out<typeof VolumeWindow>, VolumeWindowType>,
  Same<Out<typeof VolumeFigures>, VolumeFiguresType>,
  Same<Out<typeof ActivityFigures>, ActivityFiguresType>,
  Same<Out<typeof Recommendation>, RecommendationType>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
]
/** The route handlers return an AnalyticsResult where the serializer expects the schema's input type. */
const _routeInput: [AnalyticsResult] extends [z.input<typeof AnalyticsResponse>] ? true : false = true
