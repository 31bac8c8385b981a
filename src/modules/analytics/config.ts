// Every threshold of guide-rules.md in one typed, frozen object. Deployments override parts of it with
// mergeAnalyticsConfig; the engine never holds a threshold as a literal.
import type { Range } from './types.js'

export interface AnalyticsConfig {
  /** The main Qbank (guide: "UWorld is still the gold standard"). */
  readonly primarySource: string
  /** reference-data.md: UWorld Step 2 CK bank, 2026 capture. */
  readonly defaultPrimaryTotal: number
  readonly phase: {
    /** final while daysToExam <= finalDays ("Final 1–2 Weeks"). */
    readonly finalDays: number
    /** part_time_build while daysToExam > partTimeBuildMinDaysToExam ("then 4–6 weeks of more intense focus"). */
    readonly partTimeBuildMinDaysToExam: number
    /** foundation through this plan week ("Weeks 1–2"). */
    readonly foundationLastWeek: number
    /** heavy_qbank through this plan week ("Weeks 3–6"); refinement after. */
    readonly heavyQbankLastWeek: number
  }
  readonly targets: {
    readonly questionsPerDay: {
      readonly foundation: Range
      readonly heavy_qbank: Range
      readonly refinement: Range
    }
    /** final: "Overloading with 80+ questions daily". */
    readonly finalMaxQuestionsPerDay: number
    /** Busy students: "Qbank: 160–240 questions/week". */
    readonly partTimeQuestionsPerWeek: Range
    readonly contentReviewHoursPerWeek: Range
    /** "2–3 hours of explanation review per 40-question block" = 3.0–4.5 min per question. */
    readonly explanationHoursPerBlock: Range
    readonly blockSize: number
    /** Busy weekday: "2 blocks of 20–25 questions (timed)"; weekend day: "40–80 questions". */
    readonly weekdayBlocks: number
    readonly weekdayBlockSize: Range
    readonly weekendDayQuestions: Range
  }
  /** The first pass should end this many days before the exam, so the final weeks go to incorrects. */
  readonly firstPassBufferDays: number
  readonly weak: {
    /** Two-sided 90% Wilson interval: z = Φ⁻¹(0.95). */
    readonly wilsonZ: number
    readonly minAttempts: number
    readonly lowestMinAttempts: number
    readonly lowestCount: number
    /** Assessment breakdown: systems at least this many points below the assessment's overall percent. */
    readonly assessmentGapPoints: number
  }
  readonly trend: {
    readonly minSpanDays: number
    readonly plateauPoints: number
    readonly declineSlopePerWeek: number
    readonly declinePoints: number
    readonly projectionMaxWeeks: number
    /** About one standard error of measurement. */
    readonly projectionBand: number
  }
  readonly readiness: {
    readonly windowDays: number
    /** From the most recent; their count is how many scores are used. */
    readonly weights: readonly number[]
    /** Community-reported over-prediction, not official; forms not listed get 0. */
    readonly formOffsets: Readonly<Record<string, number>>
    readonly baseBand: number
  }
  readonly scoreScale: {
    readonly min: number
    readonly max: number
    readonly passing: number
    readonly nationalMean: number
    readonly nationalSd: number
  }
  readonly rules: {
    readonly erasLeadDays: number
    readonly minPlanDays: { readonly dedicated: number; readonly part_time: number }
    readonly baselineAssessment: { readonly mediumFromDay: number; readonly highFromDay: number }
    readonly baselineFoundations: { readonly sdsBelowMean: number; readonly pointsBelowTarget: number }
    readonly assessmentCadence: { readonly lowDays: number; readonly highDays: number }
    readonly dailyVolumeFromDay: number
    readonly burnoutDays: number
    /** Percent (0–100) of the last 14 days' questions that should be timed random. */
    readonly timedRandomMinShare: number
    readonly reviewDepthMinMinutesPerQuestion: number
    readonly weakSystemMinutesPerDay: Range
    readonly deepDiveHours: Range
    /** How many weak systems an action names. */
    readonly namedSystems: number
    readonly plateauNewQuestionsPerDay: Range
    readonly mistakes: { readonly minTagged: number; readonly dominantShare: number }
    readonly secondPass: { readonly maxCoverage: number; readonly minDaysToExam: number }
    readonly finalAssessment: {
      readonly minDaysToExam: number
      readonly maxDaysToExam: number
      readonly recentDays: number
    }
    readonly belowTarget: {
      readonly recentDays: number
      readonly maxDaysToExam: number
      readonly pointsBelowTarget: number
    }
    readonly noNewResourcesDays: number
    readonly consistency: {
      readonly fromDay: number
      readonly inactiveDays: number
      /** "Early morning (1–2 hours) or late evening (2–3 hours)". */
      readonly morningHours: Range
      readonly eveningHours: Range
    }
    readonly simulationBlocks: Range
  }
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K]
}

const DEFAULTS: AnalyticsConfig = {
  primarySource: 'uworld',
  defaultPrimaryTotal: 4085,
  phase: { finalDays: 14, partTimeBuildMinDaysToExam: 42, foundationLastWeek: 2, heavyQbankLastWeek: 6 },
  targets: {
    questionsPerDay: {
      foundation: { min: 40, max: 60 },
      heavy_qbank: { min: 60, max: 80 },
      refinement: { min: 40, max: 60 },
    },
    finalMaxQuestionsPerDay: 80,
    partTimeQuestionsPerWeek: { min: 160, max: 240 },
    contentReviewHoursPerWeek: { min: 4, max: 6 },
    explanationHoursPerBlock: { min: 2, max: 3 },
    blockSize: 40,
    weekdayBlocks: 2,
    weekdayBlockSize: { min: 20, max: 25 },
    weekendDayQuestions: { min: 40, max: 80 },
  },
  firstPassBufferDays: 14,
  weak: {
    wilsonZ: 1.6448536269514722,
    minAttempts: 20,
    lowestMinAttempts: 10,
    lowestCount: 3,
    assessmentGapPoints: 10,
  },
  trend: {
    minSpanDays: 14,
    plateauPoints: 5,
    declineSlopePerWeek: -1,
    declinePoints: 5,
    projectionMaxWeeks: 4,
    projectionBand: 8,
  },
  readiness: {
    windowDays: 42,
    weights: [0.5, 0.3, 0.2],
    formOffsets: { 'uwsa-1': -6, 'uwsa-2': -3 },
    baseBand: 8,
  },
  scoreScale: { min: 1, max: 300, passing: 218, nationalMean: 251, nationalSd: 15 },
  rules: {
    erasLeadDays: 60,
    minPlanDays: { dedicated: 42, part_time: 90 },
    baselineAssessment: { mediumFromDay: 7, highFromDay: 14 },
    baselineFoundations: { sdsBelowMean: 1, pointsBelowTarget: 25 },
    assessmentCadence: { lowDays: 21, highDays: 28 },
    dailyVolumeFromDay: 7,
    burnoutDays: 3,
    timedRandomMinShare: 50,
    reviewDepthMinMinutesPerQuestion: 2.0,
    weakSystemMinutesPerDay: { min: 30, max: 60 },
    deepDiveHours: { min: 2, max: 3 },
    namedSystems: 3,
    plateauNewQuestionsPerDay: { min: 20, max: 40 },
    mistakes: { minTagged: 20, dominantShare: 0.5 },
    secondPass: { maxCoverage: 0.5, minDaysToExam: 14 },
    finalAssessment: { minDaysToExam: 7, maxDaysToExam: 28, recentDays: 14 },
    belowTarget: { recentDays: 21, maxDaysToExam: 28, pointsBelowTarget: 5 },
    noNewResourcesDays: 14,
    consistency: {
      fromDay: 3,
      inactiveDays: 3,
      morningHours: { min: 1, max: 2 },
      eveningHours: { min: 2, max: 3 },
    },
    simulationBlocks: { min: 6, max: 8 },
  },
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base
  if (!isPlainObject(base) || !isPlainObject(override)) return override
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value)
  return out
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** Limits on overrides that the response schemas rely on. */
export const CONFIG_BOUNDS = { readinessWeights: 10, burnoutDays: 14 } as const

export const DEFAULT_ANALYTICS_CONFIG: AnalyticsConfig = deepFreeze(structuredClone(DEFAULTS))

/**
 * Defaults with `overrides` laid over them (objects merge key by key, arrays and values replace),
 * returned frozen. `formOffsets` merges too: `{ readiness: { formOffsets: { 'nbme-13': 2 } } }` keeps
 * the UWSA offsets.
 */
export function mergeAnalyticsConfig(
  overrides: DeepPartial<AnalyticsConfig> = {},
  base: AnalyticsConfig = DEFAULT_ANALYTICS_CONFIG,
): AnalyticsConfig {
  const merged = deepMerge(structuredClone(base), structuredClone(overrides)) as AnalyticsConfig
  if (merged.readiness.weights.length === 0) throw new RangeError('readiness.weights must not be empty')
  // The response schemas state these bounds (formsUsed, lastDays, a Qbank source id): keep them true.
  if (merged.readiness.weights.length > CONFIG_BOUNDS.readinessWeights)
    throw new RangeError(`readiness.weights holds at most ${CONFIG_BOUNDS.readinessWeights} weights`)
  if (merged.rules.burnoutDays > CONFIG_BOUNDS.burnoutDays)
    throw new RangeError(`rules.burnoutDays is at most ${CONFIG_BOUNDS.burnoutDays}`)
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(merged.primarySource))
    throw new RangeError('primarySource must be a Qbank source id (lower-case, at most 40 characters)')
  if (merged.weak.wilsonZ <= 0) throw new RangeError('weak.wilsonZ must be positive')
  return deepFreeze(merged)
}
