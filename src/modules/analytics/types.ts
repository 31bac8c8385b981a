// Input and output shapes of the pure analytics engine (guide-rules.md §2–3, api.md `GET /analytics`).
// The input is aggregate-shaped: a repository fills it with a few SQL aggregates, so its size does not
// grow with years of history (except `assessments`, a handful of rows per student).

export type StudyMode = 'dedicated' | 'part_time'
export type ActivityType = 'content_review' | 'explanation_review' | 'anki' | 'simulation_day' | 'video'
export type Priority = 'high' | 'medium' | 'low'

export const PHASE_NAMES = [
  'not_started',
  'part_time_build',
  'foundation',
  'heavy_qbank',
  'refinement',
  'final',
  'exam_eve',
  'exam_day',
  'post_exam',
] as const
export type PhaseName = (typeof PHASE_NAMES)[number]

export const TREND_STATUSES = ['insufficient_data', 'declining', 'plateau', 'improving', 'flat'] as const
export type TrendStatus = (typeof TREND_STATUSES)[number]

export interface AnalyticsInput {
  /** ISO date in the student's timezone: the day the analytics are evaluated for (`asOf`). */
  today: string
  profile: {
    prepStartDate: string | null
    examDate: string | null
    erasSubmissionDate: string | null
    targetScore: number | null
    studyMode: StudyMode
    studyDaysPerWeek: number
    examScore: number | null
  }
  /** Bank sizes per source; `uworld` is always present (default 4085). `null`: the student has not set it. */
  qbankTotals: readonly { source: string; totalQuestions: number | null }[]
  /** All-time sums per source up to today. */
  qbankUsage: readonly {
    source: string
    /** Date (student tz) of the first block from this source. */
    firstUsedOn: string
    newQuestions: number
    firstPassQuestions: number
    firstPassCorrect: number
    reviewQuestions: number
  }[]
  /** Per day and source; only days in [today−27, today] are needed (older rows are ignored). */
  daily: readonly {
    date: string
    source: string
    questions: number
    correct: number
    newQuestions: number
    timedRandomQuestions: number
    /** Sum of reviewMinutes over the blocks that logged it; null when none did. */
    reviewMinutes: number | null
    /** Questions in the blocks that logged reviewMinutes (the denominator of minutes per question). */
    questionsWithReviewMinutes: number
    mistakesKnowledge: number
    mistakesMisread: number
    mistakesTiming: number
  }[]
  /** Canonical system slug with all-time and trailing-28-day sums. */
  systems: readonly {
    system: string
    attempted: number
    correct: number
    attempted28: number
    correct28: number
  }[]
  subjects: readonly {
    subject: string
    attempted: number
    correct: number
    attempted28: number
    correct28: number
  }[]
  /** All blocks, all time: the student's overall percent correct for the weak test. */
  overall: { attempted: number; correct: number }
  /** Every self-assessment, in time order (the engine sorts again to be safe). */
  assessments: readonly {
    id: string
    form: string
    /** ISO timestamp, UTC. */
    takenAt: string
    /** ISO date in the student's timezone. */
    takenOn: string
    score: number | null
    percentCorrect: number | null
    systems: readonly { system: string; percentCorrect: number }[] | null
  }[]
  /** Activities of the last ~28 days (older rows are ignored except through `lastSimulationDayOn`). */
  activities: readonly { date: string; type: ActivityType; minutes: number }[]
  lastSimulationDayOn: string | null
  /** Latest block or activity date (student tz). */
  lastLoggedOn: string | null
  /** Topic tags from blocks, all time. */
  topics: readonly { topic: string; attempted: number; correct: number }[]
  reference: {
    /** `examWeight` may be the UWorld question count or a share: the engine normalises it to a share. */
    systems: readonly { slug: string; name: string; outlineSystem: string; examWeight: number }[]
    subjects: readonly { slug: string; name: string }[]
    irTopics: readonly { slug: string; name: string; systems: readonly string[] }[]
  }
}

export interface Range {
  readonly min: number
  readonly max: number
}

export interface PlanFigures {
  /** The profile's prepStartDate, or (when unset) the first day any Qbank was used. */
  prepStartDate: string | null
  prepStartInferred: boolean
  examDate: string | null
  erasSubmissionDate: string | null
  /** erasSubmissionDate − erasLeadDays: the latest exam date whose score is out in time. */
  latestExamDateForEras: string | null
  /** latestExamDateForEras − examDate: days the exam could move later (negative: already too late). */
  erasSlackDays: number | null
  /** examDate − prepStartDate. */
  planDays: number | null
  /** Minimum plan length for the study mode (plan-too-short). */
  minPlanDays: number
  targetScore: number | null
  examScore: number | null
  studyMode: StudyMode
  studyDaysPerWeek: number
}

export interface PhaseFigures {
  name: PhaseName
  /** floor((today − prepStartDate)/7) + 1; null before prep starts or without a start date. */
  planWeek: number | null
  /** examDate − today; null without an exam date. */
  daysToExam: number | null
  /** "Day N" of prep: today − prepStartDate (0 on the start date); null before prep starts. */
  day: number | null
  /** First day of the current phase; null when unknown (not_started). */
  startedOn: string | null
  /** foundation, heavy_qbank, refinement or part_time_build. */
  isStudyPhase: boolean
  targets: {
    questionsPerDay: Range | null
    questionsPerWeek: Range | null
    maxQuestionsPerDay: number | null
    contentReviewHoursPerWeek: Range
    explanationMinutesPerQuestion: Range
  }
}

export interface QbankFigures {
  source: string
  totalQuestions: number | null
  uniqueUsed: number
  remaining: number | null
  /** 0–100, one decimal; null when the bank size is unknown. */
  percentComplete: number | null
  firstPassComplete: boolean
  firstPassIncorrect: number
  reviewed: number
  /** reviewed / firstPassIncorrect (0 when undefined); a ratio, three decimals, may exceed 1. */
  secondPassCoverage: number
  /** New questions per calendar day over [today−6, today] and [today−13, today], one decimal. */
  pace7: number
  pace14: number
  projectedFirstPassDate: string | null
  /** null without an exam date or bank size. */
  requiredDailyPace: number | null
  /** examDate − firstPassBufferDays: when the first pass should end. */
  firstPassTargetDate: string | null
  firstUsedOn: string | null
  questions7: number
  questions14: number
}

export interface SystemFigures {
  system: string
  name: string
  outlineSystem: string | null
  /** Share of the UWorld bank (0–1, four decimals): the exam-blueprint proxy. */
  examWeight: number
  attempted: number
  correct: number
  percent: number | null
  /** Upper bound of the 90% Wilson interval, 0–100 one decimal; null without attempts. */
  wilsonUpper: number | null
  weak: boolean
  attempted28: number
  correct28: number
  percent28: number | null
}

export interface WeakSystem {
  system: string
  name: string
  attempted: number
  percent: number
  /** overall% − system%, points, one decimal. */
  gap: number
  examWeight: number
  /** gap × examWeight, the ranking key (three decimals). */
  priorityScore: number
}

export interface LowestSystem {
  system: string
  name: string
  attempted: number
  percent: number
}

export interface SubjectFigures {
  subject: string
  name: string
  attempted: number
  correct: number
  percent: number | null
  wilsonUpper: number | null
  weak: boolean
  attempted28: number
  correct28: number
  percent28: number | null
}

export interface WeakSubject {
  subject: string
  name: string
  attempted: number
  percent: number
  gap: number
}

export interface AssessmentWeakSystems {
  assessmentId: string
  form: string
  takenOn: string
  /** The assessment's overall percent correct (its breakdown mean when it only reports a breakdown). */
  percentCorrect: number
  systems: { system: string; name: string; percentCorrect: number; gap: number }[]
}

export interface TopicFigures {
  topic: string
  name: string
  attempted: number
  correct: number
  percent: number | null
  weak: boolean
}

export interface IrFocus {
  topic: string
  name: string
  weakTopic: boolean
  /** The topic's usual systems that are weak. */
  weakSystems: string[]
}

export interface AssessmentRef {
  id: string
  form: string
  takenAt: string
  takenOn: string
  score: number | null
  percentCorrect: number | null
}

export interface AssessmentSummary {
  count: number
  scoredCount: number
  last: AssessmentRef | null
  daysSinceLast: number | null
  lastScored: AssessmentRef | null
  daysSinceLastScored: number | null
}

export interface TrendScore {
  id: string
  takenAt: string
  takenOn: string
  form: string
  score: number
}

export interface TrendFigures {
  status: TrendStatus
  scores: TrendScore[]
  first: number | null
  latest: number | null
  best: number | null
  changeSinceFirst: number | null
  /** OLS slope over all scores, points per week, two decimals. */
  slopePerWeek: number | null
  lastThree: {
    scores: number[]
    spanDays: number
    slopePerWeek: number | null
    /** latest − best of the two before it. */
    gainOverBestBefore: number
    /** latest − first of the three. */
    change: number
  } | null
  projectedAtExam: { estimate: number; low: number; high: number; weeks: number; label: 'estimate' } | null
}

export interface ReadinessForm {
  id: string
  form: string
  takenOn: string
  score: number
  offset: number
  corrected: number
  weight: number
}

export interface Readiness {
  status: 'estimate' | 'insufficient_data'
  estimate: number | null
  low: number | null
  high: number | null
  /** ±band used as one standard deviation: base band + SD of the corrected scores. */
  band: number | null
  /** Probabilities 0–1, three decimals. */
  passProbability: number | null
  targetProbability: number | null
  passingScore: number
  targetScore: number | null
  formsUsed: ReadinessForm[]
  method: string
  /** Why there is no estimate; null when there is one. */
  reason: string | null
}

export interface VolumeWindow {
  days: number
  from: string
  to: string
  questions: number
  newQuestions: number
  reviewQuestions: number
  correct: number
  percentCorrect: number | null
  /** Days with a block or an activity. */
  studyDays: number
  /** questions ÷ (studyDaysPerWeek × days/7), one decimal. */
  questionsPerStudyDay: number
  timedRandomQuestions: number
  /** Timed random questions as a percent (0–100, one decimal) of all questions; null without questions. */
  timedRandomShare: number | null
  reviewMinutes: number
  questionsWithReviewMinutes: number
  /** null when no block in the window logged reviewMinutes. */
  reviewMinutesPerQuestion: number | null
  mistakes: { knowledge: number; misread: number; timing: number; total: number }
  activityMinutes: Record<ActivityType, number>
  bySource: { source: string; questions: number; newQuestions: number }[]
}

export interface VolumeFigures {
  last7: VolumeWindow
  last14: VolumeWindow
  /** Questions per day over [today−2, today] (burnout-volume), oldest first. */
  lastDays: { date: string; questions: number }[]
}

export interface ActivityFigures {
  lastLoggedOn: string | null
  daysSinceLastLogged: number | null
  lastSimulationDayOn: string | null
}

export interface Recommendation {
  id: RuleId
  priority: Priority
  title: string
  /** One imperative sentence with the numbers filled in. */
  action: string
  rationale: string
  evidence: Record<string, unknown>
  guideSection: string
}

export interface AnalyticsResult {
  asOf: string
  plan: PlanFigures
  phase: PhaseFigures
  qbanks: QbankFigures[]
  overall: { attempted: number; correct: number; percent: number | null }
  systems: SystemFigures[]
  weakSystems: WeakSystem[]
  lowestSystems: LowestSystem[]
  assessmentWeakSystems: AssessmentWeakSystems | null
  subjects: SubjectFigures[]
  weakSubjects: WeakSubject[]
  topics: TopicFigures[]
  irFocus: IrFocus[]
  assessments: AssessmentSummary
  trend: TrendFigures
  readiness: Readiness
  volume: VolumeFigures
  activity: ActivityFigures
  recommendations: Recommendation[]
}

/** Everything the rules read: the response without the recommendations. */
export type Figures = Omit<AnalyticsResult, 'recommendations'>

export const RULE_IDS = [
  'exam-before-eras',
  'plan-too-short',
  'baseline-assessment',
  'baseline-foundations',
  'assessment-cadence',
  'first-pass-pace',
  'daily-volume',
  'weekly-volume',
  'burnout-volume',
  'timed-random',
  'review-depth',
  'weak-systems',
  'plateau-cut-new',
  'declining-scores',
  'keep-going',
  'mistake-pattern',
  'second-pass',
  'secondary-after-uworld',
  'simulation-day',
  'final-assessment',
  'below-target-near-exam',
  'final-weeks-focus',
  'no-new-resources',
  'exam-eve',
  'consistency',
  'ir-lens',
  'score-below-target',
] as const
export type RuleId = (typeof RULE_IDS)[number]
