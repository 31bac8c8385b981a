// Readiness: "am I ready, or should I postpone?" (guide-rules.md §2 "Readiness").
import type { AnalyticsConfig } from './config.js'
import { daysBetween } from './dates.js'
import { normalCdf, round, sampleSd, sumBy } from './stats.js'
import type { AnalyticsInput, Readiness, ReadinessForm } from './types.js'

type Assessment = AnalyticsInput['assessments'][number]

export function formOffset(form: string, c: AnalyticsConfig): number {
  return c.readiness.formOffsets[form] ?? 0
}

/**
 * Weighted mean of the last scores (most recent first, weights renormalised when fewer), each corrected
 * by its form's offset; band = base band + the sample SD (n − 1) of the corrected scores, used as ±1 SD
 * of a normal model. Choice: the sample SD, because two or three scores estimate a spread rather than
 * describe a population; the spec's "0 for one score" is where the sample SD is undefined.
 */
export function readiness(
  assessments: readonly Assessment[],
  today: string,
  targetScore: number | null,
  c: AnalyticsConfig,
): Readiness {
  const r = c.readiness
  const passingScore = c.scoreScale.passing
  const offsets = Object.entries(r.formOffsets)
    .map(([form, o]) => `${form} ${o > 0 ? '+' : ''}${o}`)
    .join(', ')
  const method =
    `Weighted mean of your ${r.weights.length} most recent 3-digit self-assessment scores from the past ${r.windowDays} days ` +
    `(weights ${r.weights.join(' / ')} from the most recent, renormalised when fewer), each corrected for ` +
    `community-reported over-prediction (${offsets || 'no offsets'}; not official), with a band of ` +
    `±(${r.baseBand} + the standard deviation of those corrected scores) read as one standard deviation ` +
    `of a normal model. An estimate, not a prediction.`
  const none = (reason: string): Readiness => ({
    status: 'insufficient_data',
    estimate: null,
    low: null,
    high: null,
    band: null,
    passProbability: null,
    targetProbability: null,
    passingScore,
    targetScore,
    formsUsed: [],
    method,
    reason,
  })

  const scored = assessments.filter((a) => a.score !== null)
  const recent = scored.filter((a) => {
    const ago = daysBetween(a.takenOn, today)
    return ago >= 0 && ago <= r.windowDays
  })
  if (recent.length === 0) {
    if (scored.length > 0) {
      const last = scored.at(-1)
      return none(
        `No 3-digit self-assessment score in the last ${r.windowDays} days (the latest is from ${last?.takenOn}).`,
      )
    }
    if (assessments.length > 0) {
      return none('Only percent-only forms so far (such as the Free 120): readiness needs a 3-digit score.')
    }
    return none('No self-assessment yet: take an NBME or UWSA to get a 3-digit score.')
  }

  const used = recent.slice(-r.weights.length).reverse() // most recent first
  const raw = used.map((_, i) => r.weights[i] ?? 0)
  const totalWeight = sumBy(raw, (w) => w)
  const weights = raw.map((w) => (totalWeight > 0 ? w / totalWeight : 1 / raw.length))
  const formsUsed: ReadinessForm[] = used.map((a, i) => {
    const offset = formOffset(a.form, c)
    const score = a.score ?? 0
    return {
      id: a.id,
      form: a.form,
      takenOn: a.takenOn,
      score,
      offset,
      corrected: score + offset,
      weight: round(weights[i] ?? 0, 4),
    }
  })
  const estimate = sumBy(formsUsed, (f, i) => f.corrected * (weights[i] ?? 0))
  const band = r.baseBand + sampleSd(formsUsed.map((f) => f.corrected))
  // A zero band (baseBand overridden to 0, one score) is a point estimate: certain either way.
  const probAtLeast = (score: number) =>
    band > 0 ? normalCdf((estimate - score) / band) : estimate >= score ? 1 : 0
  const clamp = (v: number) => Math.min(c.scoreScale.max, Math.max(c.scoreScale.min, v))
  return {
    status: 'estimate',
    estimate: round(clamp(estimate), 1),
    low: round(clamp(estimate - band), 1),
    high: round(clamp(estimate + band), 1),
    band: round(band, 1),
    passProbability: round(probAtLeast(passingScore), 3),
    targetProbability: targetScore === null ? null : round(probAtLeast(targetScore), 3),
    passingScore,
    targetScore,
    formsUsed,
    method,
    reason: null,
  }
}
