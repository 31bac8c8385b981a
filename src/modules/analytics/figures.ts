// Derived figures of guide-rules.md §2 (plan, phase, Qbanks, pace, volume, systems, subjects, topics).
// Pure: inputs and `today` in, numbers out. Trend and readiness live in trend.ts and readiness.ts.
import type { AnalyticsConfig } from './config.js'
import { addDays, daysBetween, inLastDays, maxDate } from './dates.js'
import { EPS, percent, round, sumBy, wilsonInterval } from './stats.js'
import type {
  ActivityFigures,
  ActivityType,
  AnalyticsInput,
  AssessmentRef,
  AssessmentSummary,
  AssessmentWeakSystems,
  IrFocus,
  LowestSystem,
  PhaseFigures,
  PhaseName,
  PlanFigures,
  QbankFigures,
  SubjectFigures,
  SystemFigures,
  TopicFigures,
  VolumeFigures,
  VolumeWindow,
  WeakSubject,
  WeakSystem,
} from './types.js'

type Profile = AnalyticsInput['profile']
type Daily = AnalyticsInput['daily'][number]
type Assessment = AnalyticsInput['assessments'][number]

const ACTIVITY_TYPES: readonly ActivityType[] = [
  'content_review',
  'explanation_review',
  'anki',
  'simulation_day',
  'video',
]

/** Input counts are trusted to be non-negative integers; clamp anyway so a bad row cannot go negative. */
const nn = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0)

export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = out.get(k)
    if (list) list.push(row)
    else out.set(k, [row])
  }
  return out
}

/** Rows of the trailing 28-day window only: the loader sends [today−27, today]; anything else is ignored. */
export function recentDaily(input: AnalyticsInput): Daily[] {
  return input.daily.filter((d) => inLastDays(d.date, input.today, 28))
}

// ---------------------------------------------------------------- plan and phase

/**
 * The profile's prep start; when unset, the first day any Qbank was used. Choice: a student who logs
 * blocks without declaring a start date is studying, so plan weeks count from the first block rather
 * than leaving them in not_started forever.
 */
export function effectivePrepStart(input: AnalyticsInput): { date: string | null; inferred: boolean } {
  if (input.profile.prepStartDate) return { date: input.profile.prepStartDate, inferred: false }
  const firsts = input.qbankUsage.map((u) => u.firstUsedOn).filter((d) => d <= input.today)
  const first = firsts.length ? firsts.reduce((a, b) => (a < b ? a : b)) : null
  return { date: first, inferred: first !== null }
}

export function planFigures(input: AnalyticsInput, c: AnalyticsConfig): PlanFigures {
  const p = input.profile
  const prep = effectivePrepStart(input)
  const latestExamDateForEras = p.erasSubmissionDate
    ? addDays(p.erasSubmissionDate, -c.rules.erasLeadDays)
    : null
  return {
    prepStartDate: prep.date,
    prepStartInferred: prep.inferred,
    examDate: p.examDate,
    erasSubmissionDate: p.erasSubmissionDate,
    latestExamDateForEras,
    erasSlackDays:
      latestExamDateForEras && p.examDate ? daysBetween(p.examDate, latestExamDateForEras) : null,
    planDays: prep.date && p.examDate ? daysBetween(prep.date, p.examDate) : null,
    minPlanDays: c.rules.minPlanDays[p.studyMode],
    targetScore: p.targetScore,
    examScore: p.examScore,
    studyMode: p.studyMode,
    studyDaysPerWeek: studyDaysPerWeek(p),
  }
}

/** 1–7; anything else falls back to the guide's default of 6. */
export function studyDaysPerWeek(p: Profile): number {
  const d = p.studyDaysPerWeek
  return Number.isInteger(d) && d >= 1 && d <= 7 ? d : 6
}

export const STUDY_PHASES: readonly PhaseName[] = [
  'foundation',
  'heavy_qbank',
  'refinement',
  'part_time_build',
]

/**
 * Phase, first match wins (guide-rules.md §2). Without an exam date the exam-relative phases cannot
 * match and a part-time student counts as far from the exam (part_time_build).
 */
export function phaseName(args: {
  today: string
  prepStartDate: string | null
  examDate: string | null
  studyMode: Profile['studyMode']
  c: AnalyticsConfig
}): PhaseName {
  const { today, prepStartDate, examDate, studyMode, c } = args
  const daysToExam = examDate ? daysBetween(today, examDate) : null
  if (daysToExam !== null) {
    if (daysToExam < 0) return 'post_exam'
    if (daysToExam === 1) return 'exam_eve'
    if (daysToExam === 0) return 'exam_day'
    if (daysToExam <= c.phase.finalDays) return 'final'
  }
  if (prepStartDate === null || today < prepStartDate) return 'not_started'
  if (studyMode === 'part_time' && (daysToExam === null || daysToExam > c.phase.partTimeBuildMinDaysToExam)) {
    return 'part_time_build'
  }
  const week = planWeekOf(prepStartDate, today)
  if (week <= c.phase.foundationLastWeek) return 'foundation'
  if (week <= c.phase.heavyQbankLastWeek) return 'heavy_qbank'
  return 'refinement'
}

export function planWeekOf(prepStartDate: string, today: string): number {
  return Math.floor(daysBetween(prepStartDate, today) / 7) + 1
}

/**
 * First day of the current phase. Plan-week phases start on their first plan week; for a part-time
 * student they cannot start before the build ends (examDate − 42), which is when they begin in practice.
 */
export function phaseStart(name: PhaseName, plan: PlanFigures, c: AnalyticsConfig): string | null {
  const { prepStartDate: prep, examDate: exam } = plan
  const afterBuild = (d: string) => {
    if (plan.studyMode !== 'part_time' || !exam) return d
    const buildEnds = addDays(exam, -c.phase.partTimeBuildMinDaysToExam)
    return buildEnds > d ? buildEnds : d
  }
  switch (name) {
    case 'not_started':
      return null
    case 'part_time_build':
      return prep
    case 'foundation':
      return prep && afterBuild(prep)
    case 'heavy_qbank':
      return prep && afterBuild(addDays(prep, 7 * c.phase.foundationLastWeek))
    case 'refinement':
      return prep && afterBuild(addDays(prep, 7 * c.phase.heavyQbankLastWeek))
    case 'final':
      return exam && addDays(exam, -c.phase.finalDays)
    case 'exam_eve':
      return exam && addDays(exam, -1)
    case 'exam_day':
      return exam
    case 'post_exam':
      return exam && addDays(exam, 1)
  }
}

export function phaseFigures(today: string, plan: PlanFigures, c: AnalyticsConfig): PhaseFigures {
  const name = phaseName({
    today,
    prepStartDate: plan.prepStartDate,
    examDate: plan.examDate,
    studyMode: plan.studyMode,
    c,
  })
  const started = plan.prepStartDate !== null && today >= plan.prepStartDate
  const t = c.targets
  const perDay =
    name === 'foundation' || name === 'heavy_qbank' || name === 'refinement' ? t.questionsPerDay[name] : null
  const b = t.explanationHoursPerBlock
  return {
    name,
    // Choice: before prep starts there is no plan week or day N (the formula would give 0 or less).
    planWeek: started && plan.prepStartDate ? planWeekOf(plan.prepStartDate, today) : null,
    daysToExam: plan.examDate ? daysBetween(today, plan.examDate) : null,
    day: started && plan.prepStartDate ? daysBetween(plan.prepStartDate, today) : null,
    startedOn: phaseStart(name, plan, c),
    isStudyPhase: STUDY_PHASES.includes(name),
    targets: {
      questionsPerDay: perDay,
      questionsPerWeek: name === 'part_time_build' ? t.partTimeQuestionsPerWeek : null,
      maxQuestionsPerDay: name === 'final' ? t.finalMaxQuestionsPerDay : null,
      contentReviewHoursPerWeek: t.contentReviewHoursPerWeek,
      explanationMinutesPerQuestion: {
        min: round((b.min * 60) / t.blockSize, 2),
        max: round((b.max * 60) / t.blockSize, 2),
      },
    },
  }
}

// ---------------------------------------------------------------- Qbanks and pace

export function qbankFigures(
  input: AnalyticsInput,
  daily: readonly Daily[],
  examDate: string | null,
  c: AnalyticsConfig,
): QbankFigures[] {
  const today = input.today
  const totals = new Map<string, number | null>()
  for (const t of input.qbankTotals) totals.set(t.source, t.totalQuestions)
  // The primary bank is always listed; without a size from the loader it has the reference default.
  if (totals.get(c.primarySource) == null) totals.set(c.primarySource, c.defaultPrimaryTotal)
  const usage = new Map(input.qbankUsage.map((u) => [u.source, u]))
  // Every source the student has a size for, has used, or logged in the window (a loader may send a
  // recent source before its usage row).
  const sources = [...new Set([...totals.keys(), ...usage.keys(), ...daily.map((d) => d.source)])].sort(
    (a, b) =>
      // The primary bank first, then by name: a stable order clients can rely on.
      a === c.primarySource ? -1 : b === c.primarySource ? 1 : a.localeCompare(b),
  )
  const firstPassTargetDate = examDate ? addDays(examDate, -c.firstPassBufferDays) : null

  return sources.map((source) => {
    const u = usage.get(source)
    const rawTotal = totals.get(source) ?? null
    const total = rawTotal !== null && rawTotal > 0 ? rawTotal : null
    const uniqueUsed = nn(u?.newQuestions ?? 0)
    const firstPassIncorrect = Math.max(0, nn(u?.firstPassQuestions ?? 0) - nn(u?.firstPassCorrect ?? 0))
    const reviewed = nn(u?.reviewQuestions ?? 0)
    const rows = daily.filter((d) => d.source === source)
    const last7 = rows.filter((d) => inLastDays(d.date, today, 7))
    const last14 = rows.filter((d) => inLastDays(d.date, today, 14))
    const pace7 = sumBy(last7, (d) => nn(d.newQuestions)) / 7
    const remaining = total === null ? null : Math.max(0, total - uniqueUsed)
    const firstPassComplete = total !== null && uniqueUsed >= total
    return {
      source,
      totalQuestions: total,
      uniqueUsed,
      remaining,
      percentComplete: total === null ? null : Math.min(100, round((100 * uniqueUsed) / total, 1)),
      firstPassComplete,
      firstPassIncorrect,
      reviewed,
      secondPassCoverage: firstPassIncorrect > 0 ? round(reviewed / firstPassIncorrect, 3) : 0,
      pace7: round(pace7, 1),
      pace14: round(sumBy(last14, (d) => nn(d.newQuestions)) / 14, 1),
      // Choice: no projection once the pass is complete (nothing left to project) or without a bank size.
      projectedFirstPassDate:
        remaining !== null && remaining > 0 && pace7 > 0
          ? addDays(today, Math.ceil(remaining / pace7))
          : null,
      requiredDailyPace:
        remaining !== null && firstPassTargetDate
          ? Math.ceil(remaining / Math.max(1, daysBetween(today, firstPassTargetDate)))
          : null,
      firstPassTargetDate,
      firstUsedOn: u?.firstUsedOn ?? null,
      questions7: sumBy(last7, (d) => nn(d.questions)),
      questions14: sumBy(last14, (d) => nn(d.questions)),
    }
  })
}

// ---------------------------------------------------------------- volume

export function volumeWindow(
  input: AnalyticsInput,
  daily: readonly Daily[],
  days: number,
  studyDaysPerWeek: number,
): VolumeWindow {
  const today = input.today
  const rows = daily.filter((d) => inLastDays(d.date, today, days))
  const acts = input.activities.filter((a) => inLastDays(a.date, today, days))
  const questions = sumBy(rows, (d) => nn(d.questions))
  const newQuestions = sumBy(rows, (d) => nn(d.newQuestions))
  const correct = sumBy(rows, (d) => nn(d.correct))
  const timedRandom = sumBy(rows, (d) => nn(d.timedRandomQuestions))
  const reviewMinutes = sumBy(rows, (d) => nn(d.reviewMinutes ?? 0))
  const logged = rows.filter((d) => d.reviewMinutes !== null)
  const withReview = sumBy(logged, (d) => nn(d.questionsWithReviewMinutes))
  const mistakes = {
    knowledge: sumBy(rows, (d) => nn(d.mistakesKnowledge)),
    misread: sumBy(rows, (d) => nn(d.mistakesMisread)),
    timing: sumBy(rows, (d) => nn(d.mistakesTiming)),
  }
  const activityMinutes = {} as Record<ActivityType, number>
  for (const t of ACTIVITY_TYPES) activityMinutes[t] = sumBy(acts, (a) => (a.type === t ? nn(a.minutes) : 0))
  const activeDates = new Set([
    ...rows.filter((d) => nn(d.questions) > 0).map((d) => d.date),
    ...acts.filter((a) => nn(a.minutes) > 0).map((a) => a.date),
  ])
  const bySource = [...groupBy(rows, (d) => d.source)]
    .map(([source, list]) => ({
      source,
      questions: sumBy(list, (d) => nn(d.questions)),
      newQuestions: sumBy(list, (d) => nn(d.newQuestions)),
    }))
    .sort((a, b) => a.source.localeCompare(b.source))
  return {
    days,
    from: addDays(today, -(days - 1)),
    to: today,
    questions,
    newQuestions,
    reviewQuestions: Math.max(0, questions - newQuestions),
    correct,
    percentCorrect: percent(correct, questions),
    studyDays: activeDates.size,
    // guide-rules.md §3: all questions in the window ÷ the study days the student plans in it.
    questionsPerStudyDay: round(questions / ((studyDaysPerWeek * days) / 7), 1),
    timedRandomQuestions: timedRandom,
    timedRandomShare: percent(timedRandom, questions),
    reviewMinutes,
    questionsWithReviewMinutes: withReview,
    reviewMinutesPerQuestion: withReview > 0 ? round(reviewMinutes / withReview, 2) : null,
    mistakes: { ...mistakes, total: mistakes.knowledge + mistakes.misread + mistakes.timing },
    activityMinutes,
    bySource,
  }
}

export function volumeFigures(
  input: AnalyticsInput,
  daily: readonly Daily[],
  studyDaysPerWeek: number,
  c: AnalyticsConfig,
): VolumeFigures {
  const lastDays: VolumeFigures['lastDays'] = []
  for (let i = c.rules.burnoutDays - 1; i >= 0; i--) {
    const date = addDays(input.today, -i)
    lastDays.push({ date, questions: sumBy(daily, (d) => (d.date === date ? nn(d.questions) : 0)) })
  }
  return {
    last7: volumeWindow(input, daily, 7, studyDaysPerWeek),
    last14: volumeWindow(input, daily, 14, studyDaysPerWeek),
    lastDays,
  }
}

// ---------------------------------------------------------------- systems, subjects, topics

interface Tally {
  attempted: number
  correct: number
}

/** The weak test (guide-rules.md §2): enough attempts and the 90% Wilson upper bound below overall. */
export function isWeak(t: Tally, overallFraction: number | null, c: AnalyticsConfig): boolean {
  if (overallFraction === null || t.attempted < c.weak.minAttempts) return false
  return wilsonInterval(t.correct, t.attempted, c.weak.wilsonZ).high < overallFraction - EPS
}

function wilsonUpperPercent(t: Tally, c: AnalyticsConfig): number | null {
  return t.attempted > 0 ? round(100 * wilsonInterval(t.correct, t.attempted, c.weak.wilsonZ).high, 1) : null
}

function clampTally(t: Tally): Tally {
  const attempted = nn(t.attempted)
  return { attempted, correct: Math.min(attempted, nn(t.correct)) }
}

export function overallFigures(input: AnalyticsInput) {
  const t = clampTally(input.overall)
  return { ...t, percent: percent(t.correct, t.attempted) }
}

const overallFraction = (o: Tally) => (o.attempted > 0 ? o.correct / o.attempted : null)

export function systemFigures(input: AnalyticsInput, c: AnalyticsConfig): SystemFigures[] {
  const ref = input.reference.systems
  const totalWeight = sumBy(ref, (s) => nn(s.examWeight))
  const bySlug = new Map(input.systems.map((s) => [s.system, s]))
  const overall = overallFraction(clampTally(input.overall))
  // Systems outside the reference (should not happen: the API normalises labels) are kept, weight 0.
  const extra = [...bySlug.keys()].filter((s) => !ref.some((r) => r.slug === s)).sort()
  const rows = [
    ...ref.map((r) => ({ slug: r.slug, name: r.name, outline: r.outlineSystem, weight: nn(r.examWeight) })),
    ...extra.map((slug) => ({ slug, name: slug, outline: null, weight: 0 })),
  ]
  return rows.map((r) => {
    const s = bySlug.get(r.slug)
    const all = clampTally({ attempted: s?.attempted ?? 0, correct: s?.correct ?? 0 })
    const recent = clampTally({ attempted: s?.attempted28 ?? 0, correct: s?.correct28 ?? 0 })
    return {
      system: r.slug,
      name: r.name,
      outlineSystem: r.outline,
      examWeight: totalWeight > 0 ? round(r.weight / totalWeight, 4) : 0,
      attempted: all.attempted,
      correct: all.correct,
      percent: percent(all.correct, all.attempted),
      wilsonUpper: wilsonUpperPercent(all, c),
      weak: isWeak(all, overall, c),
      attempted28: recent.attempted,
      correct28: recent.correct,
      percent28: percent(recent.correct, recent.attempted),
    }
  })
}

/** Weak systems ranked by (overall% − system%) × examWeight, largest first; ties by slug. */
export function weakSystems(systems: readonly SystemFigures[], input: AnalyticsInput): WeakSystem[] {
  const o = clampTally(input.overall)
  return systems
    .filter((s) => s.weak)
    .map((s) => {
      const gap = (100 * o.correct) / o.attempted - (100 * s.correct) / s.attempted
      return { s, gap, key: gap * s.examWeight }
    })
    .sort((a, b) => b.key - a.key || a.s.system.localeCompare(b.s.system))
    .map(({ s, gap, key }) => ({
      system: s.system,
      name: s.name,
      attempted: s.attempted,
      percent: s.percent ?? 0,
      gap: round(gap, 1),
      examWeight: s.examWeight,
      priorityScore: round(key, 3),
    }))
}

/** The `lowestCount` lowest systems with at least `lowestMinAttempts` attempts; ties by slug. */
export function lowestSystems(systems: readonly SystemFigures[], c: AnalyticsConfig): LowestSystem[] {
  return systems
    .filter((s) => s.attempted >= c.weak.lowestMinAttempts)
    .sort((a, b) => a.correct / a.attempted - b.correct / b.attempted || a.system.localeCompare(b.system))
    .slice(0, c.weak.lowestCount)
    .map((s) => ({ system: s.system, name: s.name, attempted: s.attempted, percent: s.percent ?? 0 }))
}

export function subjectFigures(input: AnalyticsInput, c: AnalyticsConfig): SubjectFigures[] {
  const bySlug = new Map(input.subjects.map((s) => [s.subject, s]))
  const overall = overallFraction(clampTally(input.overall))
  const ref = input.reference.subjects
  const extra = [...bySlug.keys()].filter((s) => !ref.some((r) => r.slug === s)).sort()
  const rows = [
    ...ref.map((r) => ({ slug: r.slug, name: r.name })),
    ...extra.map((slug) => ({ slug, name: slug })),
  ]
  return rows.map((r) => {
    const s = bySlug.get(r.slug)
    const all = clampTally({ attempted: s?.attempted ?? 0, correct: s?.correct ?? 0 })
    const recent = clampTally({ attempted: s?.attempted28 ?? 0, correct: s?.correct28 ?? 0 })
    return {
      subject: r.slug,
      name: r.name,
      attempted: all.attempted,
      correct: all.correct,
      percent: percent(all.correct, all.attempted),
      wilsonUpper: wilsonUpperPercent(all, c),
      weak: isWeak(all, overall, c),
      attempted28: recent.attempted,
      correct28: recent.correct,
      percent28: percent(recent.correct, recent.attempted),
    }
  })
}

/** Weak subjects: the same test, ranked by the gap alone (largest first; ties by slug). */
export function weakSubjects(subjects: readonly SubjectFigures[], input: AnalyticsInput): WeakSubject[] {
  const o = clampTally(input.overall)
  return subjects
    .filter((s) => s.weak)
    .map((s) => ({ s, gap: (100 * o.correct) / o.attempted - (100 * s.correct) / s.attempted }))
    .sort((a, b) => b.gap - a.gap || a.s.subject.localeCompare(b.s.subject))
    .map(({ s, gap }) => ({
      subject: s.subject,
      name: s.name,
      attempted: s.attempted,
      percent: s.percent ?? 0,
      gap: round(gap, 1),
    }))
}

/** Topic tags with the weak test applied (for ir-lens), sorted by slug. */
export function topicFigures(input: AnalyticsInput, c: AnalyticsConfig): TopicFigures[] {
  const overall = overallFraction(clampTally(input.overall))
  const names = new Map(input.reference.irTopics.map((t) => [t.slug, t.name]))
  return [...groupBy(input.topics, (t) => t.topic)]
    .map(([topic, list]) => {
      const t = clampTally({
        attempted: sumBy(list, (r) => r.attempted),
        correct: sumBy(list, (r) => r.correct),
      })
      return {
        topic,
        name: names.get(topic) ?? topic,
        ...t,
        percent: percent(t.correct, t.attempted),
        weak: isWeak(t, overall, c),
      }
    })
    .sort((a, b) => a.topic.localeCompare(b.topic))
}

/**
 * IR-relevant topics that need the IR lens: the topic itself is weak (topic tags), or one of its usual
 * systems is weak. Reference order.
 */
export function irFocus(
  input: AnalyticsInput,
  topics: readonly TopicFigures[],
  weak: readonly WeakSystem[],
): IrFocus[] {
  const weakSlugs = new Set(weak.map((w) => w.system))
  const weakTopics = new Set(topics.filter((t) => t.weak).map((t) => t.topic))
  return input.reference.irTopics
    .map((t) => ({
      topic: t.slug,
      name: t.name,
      weakTopic: weakTopics.has(t.slug),
      weakSystems: t.systems.filter((s) => weakSlugs.has(s)),
    }))
    .filter((t) => t.weakTopic || t.weakSystems.length > 0)
}

// ---------------------------------------------------------------- assessments and activity

/** Self-assessments up to today, in time order (takenAt, then id for a stable order). */
export function assessmentsUpTo(input: AnalyticsInput): Assessment[] {
  return input.assessments
    .filter((a) => a.takenOn <= input.today)
    .sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt) || a.id.localeCompare(b.id))
}

const ref = (a: Assessment): AssessmentRef => ({
  id: a.id,
  form: a.form,
  takenAt: a.takenAt,
  takenOn: a.takenOn,
  score: a.score,
  percentCorrect: a.percentCorrect,
})

/**
 * Every form counts as a self-assessment for baseline and cadence, percent-only ones (Free 120) included:
 * the student did sit a practice exam. Only scored (3-digit) forms count as "scored".
 */
export function assessmentSummary(today: string, list: readonly Assessment[]): AssessmentSummary {
  const last = list.at(-1) ?? null
  const scored = list.filter((a) => a.score !== null)
  const lastScored = scored.at(-1) ?? null
  return {
    count: list.length,
    scoredCount: scored.length,
    last: last === null ? null : ref(last),
    daysSinceLast: last === null ? null : daysBetween(last.takenOn, today),
    lastScored: lastScored === null ? null : ref(lastScored),
    daysSinceLastScored: lastScored === null ? null : daysBetween(lastScored.takenOn, today),
  }
}

/**
 * From the most recent assessment with a breakdown: systems at least `assessmentGapPoints` below its
 * overall percent. Choice: a scored form that only reports a breakdown uses the breakdown's mean as
 * its overall percent. Breakdown labels may be canonical or outline systems; names fall back to the slug.
 */
export function assessmentWeakSystems(
  input: AnalyticsInput,
  list: readonly Assessment[],
  c: AnalyticsConfig,
): AssessmentWeakSystems | null {
  const withBreakdown = list.filter((a) => a.systems && a.systems.length > 0)
  const a = withBreakdown.at(-1)
  if (!a?.systems) return null
  const overall = a.percentCorrect ?? sumBy(a.systems, (s) => s.percentCorrect) / a.systems.length
  const names = new Map(input.reference.systems.map((s) => [s.slug, s.name]))
  return {
    assessmentId: a.id,
    form: a.form,
    takenOn: a.takenOn,
    percentCorrect: round(overall, 1),
    systems: a.systems
      .map((s) => ({ s, gap: overall - s.percentCorrect }))
      .filter(({ gap }) => gap >= c.weak.assessmentGapPoints - EPS)
      .sort((x, y) => y.gap - x.gap || x.s.system.localeCompare(y.s.system))
      .map(({ s, gap }) => ({
        system: s.system,
        name: names.get(s.system) ?? s.system,
        percentCorrect: round(s.percentCorrect, 1),
        gap: round(gap, 1),
      })),
  }
}

/**
 * Last logged = the latest block or activity date up to today: the loader's `lastLoggedOn` when it is not
 * in the future of `today` (an `asOf` in the past), else what the 28-day rows show.
 */
export function activityFigures(input: AnalyticsInput, daily: readonly Daily[]): ActivityFigures {
  const today = input.today
  const candidates = [
    input.lastLoggedOn,
    ...daily.filter((d) => nn(d.questions) > 0).map((d) => d.date),
    ...input.activities.map((a) => a.date),
  ].filter((d): d is string => d != null && d <= today)
  const lastLoggedOn = maxDate(candidates)
  const sims = [
    input.lastSimulationDayOn,
    ...input.activities.filter((a) => a.type === 'simulation_day').map((a) => a.date),
  ]
  const lastSimulationDayOn = maxDate(sims.filter((d): d is string => d != null && d <= today))
  return {
    lastLoggedOn,
    daysSinceLastLogged: lastLoggedOn === null ? null : daysBetween(lastLoggedOn, today),
    lastSimulationDayOn,
  }
}
