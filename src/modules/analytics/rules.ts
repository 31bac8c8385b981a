// The 27 recommendation rules of guide-rules.md §3, one named function each, in spec order.
// Rules read only the computed figures (so every number they use is in the response) and the config.
import type { AnalyticsConfig } from './config.js'
import { addDays, inLastDays } from './dates.js'
import { EPS, round } from './stats.js'
import type { Figures, PhaseName, Priority, QbankFigures, Range, Recommendation, RuleId } from './types.js'
import { RULE_IDS } from './types.js'

export type Rule = (f: Figures, c: AnalyticsConfig) => Recommendation | undefined

/** Headings of shared/guide/step2ck-ir-img-guide.txt that the rules cite. */
export const GUIDE_SECTIONS = {
  timeframe: 'Step 1: Define Your Timeframe and Constraints',
  baseline: 'Step 2: Baseline Assessment',
  resources: 'Step 3: Core Resources and How to Use Them',
  weekly: 'Step 4: Weekly Structure for Busy IMGs',
  foundation: 'Weeks 1–2: Foundation and Structure',
  heavy: 'Weeks 3–6: Heavy Qbank and Clinical Reasoning',
  refinement: 'Weeks 7–9: Refinement and Exam Simulation',
  final: 'Final 1–2 Weeks: Polishing and Confidence Building',
  busy: 'Challenge 2: Balancing Internship/Work with Step 2 CK Prep',
  ir: 'Integrating IR-Relevant Thinking into Your Step 2 CK Prep',
  belowTarget: 'If Your Step 2 CK Score is Below Your Target',
} as const

export interface RuleMeta {
  id: RuleId
  title: string
  /** The firing condition, as in guide-rules.md §3. */
  when: string
  priorities: readonly Priority[]
  guideSections: readonly string[]
}

const G = GUIDE_SECTIONS

/** Rule metadata in spec order (README tables are generated from and checked against it). */
export const RULE_METADATA: readonly RuleMeta[] = [
  {
    id: 'exam-before-eras',
    title: 'Move the exam earlier than ERAS submission',
    when: 'erasSubmissionDate set and examDate > erasSubmissionDate − 60 days',
    priorities: ['high'],
    guideSections: [G.timeframe],
  },
  {
    id: 'plan-too-short',
    title: 'Plan is shorter than the guide’s',
    when: 'examDate − prepStartDate < 42 days (dedicated) or < 90 days (part_time)',
    priorities: ['medium'],
    guideSections: [G.timeframe],
  },
  {
    id: 'baseline-assessment',
    title: 'Take a baseline self-assessment',
    when: 'no self-assessment, a study phase, and day >= 7 (high from day 14, medium days 7–13)',
    priorities: ['high', 'medium'],
    guideSections: [G.baseline],
  },
  {
    id: 'baseline-foundations',
    title: 'Adjust the plan to your baseline',
    when: 'exactly one scored self-assessment',
    priorities: ['medium'],
    guideSections: [G.baseline],
  },
  {
    id: 'assessment-cadence',
    title: 'Self-assessment due',
    when: 'last self-assessment >= 28 days ago (high) or 21–27 days ago (low)',
    priorities: ['high', 'low'],
    guideSections: [G.weekly],
  },
  {
    id: 'first-pass-pace',
    title: 'Behind on the first UWorld pass',
    when: 'a study phase, UWorld first pass not complete, and projectedFirstPassDate > examDate − 14 (or pace7 = 0)',
    priorities: ['high'],
    guideSections: [G.resources],
  },
  {
    id: 'daily-volume',
    title: 'Daily volume below the phase target',
    when: 'foundation, heavy_qbank or refinement, day >= 7, and questions per study day over 7 days below the phase range',
    priorities: ['medium'],
    guideSections: [G.foundation, G.heavy, G.refinement],
  },
  {
    id: 'weekly-volume',
    title: 'Weekly volume below target',
    when: 'part_time_build and last 7 days < 160 questions',
    priorities: ['medium'],
    guideSections: [G.weekly],
  },
  {
    id: 'burnout-volume',
    title: 'Too many questions a day in the final weeks',
    when: 'final phase and any of the last 3 days > 80 questions',
    priorities: ['medium'],
    guideSections: [G.final],
  },
  {
    id: 'timed-random',
    title: 'Switch to timed, random blocks',
    when: 'phase heavy_qbank or later and < 50% of the last 14 days’ questions timed random',
    priorities: ['medium'],
    guideSections: [G.heavy],
  },
  {
    id: 'review-depth',
    title: 'Review explanations more deeply',
    when: 'reviewMinutes logged for the last 7 days and < 2.0 min per question',
    priorities: ['medium'],
    guideSections: [G.weekly],
  },
  {
    id: 'weak-systems',
    title: 'Work on your weak systems',
    when: 'any weak system',
    priorities: ['medium'],
    guideSections: [G.heavy],
  },
  {
    id: 'plateau-cut-new',
    title: 'Scores have plateaued: cut new questions',
    when: 'score trend plateau',
    priorities: ['high'],
    guideSections: [G.heavy],
  },
  {
    id: 'declining-scores',
    title: 'Scores are declining',
    when: 'score trend declining',
    priorities: ['high'],
    guideSections: [G.heavy],
  },
  {
    id: 'keep-going',
    title: 'Scores are rising: keep going',
    when: 'trend improving and latest below target (or no target)',
    priorities: ['low'],
    guideSections: [G.heavy],
  },
  {
    id: 'mistake-pattern',
    title: 'One kind of mistake dominates',
    when: '>= 20 tagged mistakes in the last 14 days and one type > 50%',
    priorities: ['medium'],
    guideSections: [G.foundation],
  },
  {
    id: 'second-pass',
    title: 'Start a second pass of incorrects',
    when: 'first pass complete and secondPassCoverage < 0.5 with >= 14 days to the exam',
    priorities: ['medium'],
    guideSections: [G.resources],
  },
  {
    id: 'secondary-after-uworld',
    title: 'Finish UWorld first',
    when: 'a non-UWorld source logged in the last 14 days while the UWorld first pass < 100%',
    priorities: ['low'],
    guideSections: [G.resources],
  },
  {
    id: 'simulation-day',
    title: 'Do a full-length simulation day',
    when: 'refinement phase and no simulation day logged since the phase began',
    priorities: ['medium'],
    guideSections: [G.refinement],
  },
  {
    id: 'final-assessment',
    title: 'Confirm your range with a final self-assessment',
    when: '7 <= daysToExam <= 28 and no self-assessment in the last 14 days',
    priorities: ['high'],
    guideSections: [G.refinement],
  },
  {
    id: 'below-target-near-exam',
    title: 'Below target close to the exam',
    when: 'target set, a self-assessment in the last 21 days, daysToExam <= 28, latest < target − 5',
    priorities: ['high'],
    guideSections: [G.refinement],
  },
  {
    id: 'final-weeks-focus',
    title: 'Final weeks: consolidate, do not expand',
    when: 'phase final',
    priorities: ['high'],
    guideSections: [G.final],
  },
  {
    id: 'no-new-resources',
    title: 'No new resources now',
    when: 'phase final and a source first used in the last 14 days',
    priorities: ['medium'],
    guideSections: [G.final],
  },
  {
    id: 'exam-eve',
    title: 'Exam tomorrow',
    when: 'phase exam_eve',
    priorities: ['high'],
    guideSections: [G.final],
  },
  {
    id: 'consistency',
    title: 'Protect a daily study block',
    when: 'a study phase, day >= 3, and last logged 3 or more days before today (or nothing logged at all)',
    priorities: ['medium'],
    guideSections: [G.busy],
  },
  {
    id: 'ir-lens',
    title: 'Review with the IR lens',
    when: 'IR-relevant topics among the weak systems or topics',
    priorities: ['low'],
    guideSections: [G.ir],
  },
  {
    id: 'score-below-target',
    title: 'Exam score below target',
    when: 'actual exam score recorded and below target',
    priorities: ['high'],
    guideSections: [G.belowTarget],
  },
]

const META = new Map(RULE_METADATA.map((m) => [m.id, m]))

function rec(
  id: RuleId,
  r: {
    priority: Priority
    action: string
    rationale: string
    evidence: Record<string, unknown>
    guideSection: string
  },
): Recommendation {
  return {
    id,
    priority: r.priority,
    title: META.get(id)?.title ?? id,
    action: r.action,
    rationale: r.rationale,
    evidence: r.evidence,
    guideSection: r.guideSection,
  }
}

// ---------------------------------------------------------------- wording helpers

const SOURCE_NAMES: Readonly<Record<string, string>> = { uworld: 'UWorld', amboss: 'AMBOSS' }
export const sourceName = (source: string) => SOURCE_NAMES[source] ?? source

/** 'uwsa-2' → 'UWSA 2', 'nbme-12' → 'NBME 12', 'free-120' → 'Free 120', 'amboss-sa' → 'AMBOSS SA'. */
export function formName(form: string): string {
  const m = /^(nbme|uwsa)-(\d+)$/.exec(form)
  if (m) return `${m[1]?.toUpperCase()} ${m[2]}`
  if (form === 'free-120') return 'Free 120'
  if (form === 'amboss-sa') return 'AMBOSS SA'
  return form
}

/** 'A', 'A and B', 'A, B and C'. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

const range = (r: Range) => `${r.min}–${r.max}`
const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`)
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

function primaryBank(f: Figures, c: AnalyticsConfig): QbankFigures | undefined {
  return f.qbanks.find((q) => q.source === c.primarySource)
}

/**
 * Systems to name when the advice is "review your weak systems": the significantly weak ones, else the
 * latest assessment's low systems, else the lowest by percent. Choice: plateau/decline advice should name
 * something whenever the data allows.
 */
function focusSystems(f: Figures, c: AnalyticsConfig): string[] {
  const n = c.rules.namedSystems
  if (f.weakSystems.length) return f.weakSystems.slice(0, n).map((w) => w.name)
  const fromAssessment = f.assessmentWeakSystems?.systems ?? []
  if (fromAssessment.length) return fromAssessment.slice(0, n).map((s) => s.name)
  return f.lowestSystems.slice(0, n).map((s) => s.name)
}

function focusText(f: Figures, c: AnalyticsConfig): string {
  const names = focusSystems(f, c)
  return names.length ? listText(names) : 'your weakest systems'
}

const PLAN_WEEK_PHASES: readonly PhaseName[] = ['foundation', 'heavy_qbank', 'refinement']

// ---------------------------------------------------------------- the rules, in spec order

export function examBeforeEras(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { examDate, erasSubmissionDate, latestExamDateForEras, erasSlackDays } = f.plan
  if (!examDate || !erasSubmissionDate || !latestExamDateForEras || erasSlackDays === null) return undefined
  if (erasSlackDays >= 0) return undefined // examDate <= erasSubmissionDate − 60
  const lead = c.rules.erasLeadDays
  return rec('exam-before-eras', {
    priority: 'high',
    action: `Move your exam from ${examDate} to ${latestExamDateForEras} or earlier, at least ${lead} days before your ERAS submission on ${erasSubmissionDate}, so your score is out when programs read your application.`,
    rationale:
      'The guide targets an exam date at least 2–3 months before ERAS submission so the Step 2 CK score is available when you apply; programs that filter on Step 2 CK may otherwise pass over the application.',
    evidence: {
      examDate,
      erasSubmissionDate,
      latestExamDate: latestExamDateForEras,
      daysTooLate: -erasSlackDays,
      erasLeadDays: lead,
    },
    guideSection: G.timeframe,
  })
}

export function planTooShort(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  const { planDays, minPlanDays, prepStartDate, examDate, studyMode } = f.plan
  if (planDays === null || !prepStartDate || !examDate || planDays >= minPlanDays) return undefined
  const length =
    studyMode === 'dedicated'
      ? `${minPlanDays} days${minPlanDays % 7 === 0 ? ` (${minPlanDays / 7} weeks)` : ''} of dedicated study`
      : `${minPlanDays} days (about ${Math.round(minPlanDays / 30)} months) of part-time prep before the intense final weeks`
  return rec('plan-too-short', {
    priority: 'medium',
    action: `Move your exam to ${addDays(prepStartDate, minPlanDays)} or later to get at least ${length}: ${examDate} leaves ${plural(planDays, 'day')} from your prep start on ${prepStartDate}.`,
    rationale:
      'The guide plans 6–10 weeks of full-time dedicated study, or 3–6 months of part-time prep followed by 4–6 weeks of more intense focus; a shorter plan squeezes the first UWorld pass, the self-assessments and the final review.',
    evidence: { prepStartDate, examDate, planDays, minPlanDays, studyMode },
    guideSection: G.timeframe,
  })
}

export function baselineAssessment(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { day, isStudyPhase } = f.phase
  const b = c.rules.baselineAssessment
  if (f.assessments.count > 0 || !isStudyPhase || day === null || day < b.mediumFromDay) return undefined
  return rec('baseline-assessment', {
    priority: day >= b.highFromDay ? 'high' : 'medium',
    action: `Take a baseline NBME or UWSA self-assessment now: you are on day ${day} of prep and have not logged one yet.`,
    rationale:
      'The guide takes a baseline self-assessment within the first 1–2 weeks, not to panic but to adjust the plan: weak foundations get more core content review, strong foundations an earlier emphasis on the Qbank.',
    evidence: { day, assessments: 0, mediumFromDay: b.mediumFromDay, highFromDay: b.highFromDay },
    guideSection: G.baseline,
  })
}

export function baselineFoundations(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const baseline = f.trend.scores[0]
  if (f.assessments.scoredCount !== 1 || !baseline) return undefined
  const s = c.scoreScale
  const bf = c.rules.baselineFoundations
  const meanLimit = s.nationalMean - bf.sdsBelowMean * s.nationalSd
  const target = f.plan.targetScore
  const targetLimit = target === null ? null : target - bf.pointsBelowTarget
  const belowMean = baseline.score < meanLimit
  const belowTarget = targetLimit !== null && baseline.score < targetLimit
  const weak = belowMean || belowTarget
  const form = formName(baseline.form)
  const evidence = {
    score: baseline.score,
    form: baseline.form,
    takenOn: baseline.takenOn,
    foundations: weak ? 'weak' : 'strong',
    nationalMean: s.nationalMean,
    nationalSd: s.nationalSd,
    meanLimit,
    targetScore: target,
    targetLimit,
  }
  const reasons = [
    ...(belowMean ? [`${meanLimit} (national mean ${s.nationalMean} − ${bf.sdsBelowMean} SD)`] : []),
    ...(belowTarget ? [`${targetLimit} (your ${target} target − ${bf.pointsBelowTarget})`] : []),
  ]
  if (weak) {
    const cr = c.targets.contentReviewHoursPerWeek
    return rec('baseline-foundations', {
      priority: 'medium',
      action: `Spend more time on core content review (${range(cr)} hours a week) and start with subject-specific UWorld blocks: your baseline ${baseline.score} (${form}) is below ${reasons.join(' and ')}.`,
      rationale:
        'The guide uses the baseline to adjust the plan: weak foundations mean more time reviewing core content, with subject-specific blocks first while the basics are rusty.',
      evidence,
      guideSection: G.baseline,
    })
  }
  return rec('baseline-foundations', {
    priority: 'medium',
    action: `Put the Qbank first with timed, random UWorld blocks from early on: your baseline ${baseline.score} (${form}) is at or above ${meanLimit} (national mean ${s.nationalMean} − ${bf.sdsBelowMean} SD)${targetLimit === null ? '' : ` and ${targetLimit} (your ${target} target − ${bf.pointsBelowTarget})`}.`,
    rationale:
      'The guide uses the baseline to adjust the plan: strong foundations mean an earlier, heavier emphasis on question banks, with timed, random blocks.',
    evidence,
    guideSection: G.baseline,
  })
}

export function assessmentCadence(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { last, daysSinceLast } = f.assessments
  const cad = c.rules.assessmentCadence
  if (!last || daysSinceLast === null || daysSinceLast < cad.lowDays) return undefined
  const high = daysSinceLast >= cad.highDays
  const lastText = `your last one, ${formName(last.form)} on ${last.takenOn}, was ${daysSinceLast} days ago`
  return rec('assessment-cadence', {
    priority: high ? 'high' : 'low',
    action: high
      ? `Take a self-assessment (NBME or UWSA) this week: ${lastText}.`
      : `Schedule your next self-assessment for ${addDays(last.takenOn, cad.highDays)} at the latest: ${lastText}.`,
    rationale:
      'The guide spaces self-assessments every 3–4 weeks to see whether scores are trending up and which systems remain problematic.',
    evidence: { lastAssessment: last, daysSinceLast, lowDays: cad.lowDays, highDays: cad.highDays },
    guideSection: G.weekly,
  })
}

export function firstPassPace(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const q = primaryBank(f, c)
  if (!f.phase.isStudyPhase || !q || q.firstPassComplete) return undefined
  const { requiredDailyPace, firstPassTargetDate, projectedFirstPassDate, remaining, pace7 } = q
  if (requiredDailyPace === null || firstPassTargetDate === null || remaining === null) return undefined
  // projectedFirstPassDate is null with questions left only when pace7 = 0.
  if (projectedFirstPassDate !== null && projectedFirstPassDate <= firstPassTargetDate) return undefined
  const name = sourceName(q.source)
  const now =
    projectedFirstPassDate === null
      ? 'you did no new ones in the last 7 days'
      : `at your 7-day pace of ${pace7} a day you would finish on ${projectedFirstPassDate}`
  return rec('first-pass-pace', {
    priority: 'high',
    action: `Do ${requiredDailyPace} new ${name} questions a day to finish the first ${name} pass by ${firstPassTargetDate} (${remaining} left; ${now}).`,
    rationale: `The guide's core is one full ${name} pass, ideally with a partial second pass of incorrects; finishing the first pass ${c.firstPassBufferDays} days before the exam leaves the final weeks for incorrects and marked questions.`,
    evidence: {
      source: q.source,
      remaining,
      pace7,
      projectedFirstPassDate,
      firstPassTargetDate,
      requiredDailyPace,
    },
    guideSection: G.resources,
  })
}

export function dailyVolume(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { name, day, targets } = f.phase
  const target = targets.questionsPerDay
  if (!PLAN_WEEK_PHASES.includes(name) || !target || day === null || day < c.rules.dailyVolumeFromDay) {
    return undefined
  }
  const v = f.volume.last7
  const perStudyDay = v.questions / f.plan.studyDaysPerWeek
  if (perStudyDay >= target.min) return undefined
  const section = name === 'foundation' ? G.foundation : name === 'heavy_qbank' ? G.heavy : G.refinement
  const why =
    name === 'foundation'
      ? 'to start the Qbank systematically and find your weak areas'
      : name === 'heavy_qbank'
        ? 'to complete most of the first UWorld pass and build pattern recognition'
        : 'of mostly random, timed, exam-like questions to close gaps and build stamina'
  return rec('daily-volume', {
    priority: 'medium',
    action: `Raise your Qbank volume to ${range(target)} questions a day: you did ${v.questions} in the last 7 days, ${v.questionsPerStudyDay} per study day over your ${f.plan.studyDaysPerWeek} study days.`,
    rationale: `In this phase of the guide's plan (${section}) the daily target is ${range(target)} questions ${why}.`,
    evidence: {
      phase: name,
      questions7: v.questions,
      studyDaysPerWeek: f.plan.studyDaysPerWeek,
      questionsPerStudyDay: v.questionsPerStudyDay,
      target,
    },
    guideSection: section,
  })
}

export function weeklyVolume(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const target = f.phase.targets.questionsPerWeek
  if (f.phase.name !== 'part_time_build' || !target) return undefined
  const q = f.volume.last7.questions
  if (q >= target.min) return undefined
  const t = c.targets
  return rec('weekly-volume', {
    priority: 'medium',
    action: `Reach ${range(target)} questions a week with ${t.weekdayBlocks} timed blocks of ${range(t.weekdayBlockSize)} on weekdays and ${range(t.weekendDayQuestions)} on a weekend day: you did ${q} in the last 7 days.`,
    rationale:
      'The guide’s weekly targets for busy students are 160–240 Qbank questions, built from short timed blocks on weekdays and a longer weekend session; consistency matters more than perfection.',
    evidence: { questions7: q, target },
    guideSection: G.weekly,
  })
}

export function burnoutVolume(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const max = f.phase.targets.maxQuestionsPerDay
  if (f.phase.name !== 'final' || max === null) return undefined
  const over = f.volume.lastDays.filter((d) => d.questions > max)
  if (over.length === 0) return undefined
  // Name the heaviest day (the latest among equals).
  const worst = over.reduce((a, b) => (b.questions >= a.questions ? b : a))
  return rec('burnout-volume', {
    priority: 'medium',
    action: `Stay under ${max} questions a day in the final weeks: you did ${worst.questions} on ${worst.date}, and rest beats cramming now.`,
    rationale:
      'The guide’s final 1–2 weeks are for maximising recall and avoiding burnout: it warns against overloading with 80+ questions a day.',
    evidence: { lastDays: f.volume.lastDays, maxQuestionsPerDay: max, days: c.rules.burnoutDays },
    guideSection: G.final,
  })
}

export function timedRandom(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  if (!['heavy_qbank', 'refinement', 'final'].includes(f.phase.name)) return undefined
  const v = f.volume.last14
  // Choice: with no questions in the window there is no share to judge (consistency covers inactivity).
  if (v.questions === 0 || v.timedRandomShare === null) return undefined
  const share = (100 * v.timedRandomQuestions) / v.questions
  if (share >= c.rules.timedRandomMinShare) return undefined
  return rec('timed-random', {
    priority: 'medium',
    action: `Switch to timed, random blocks: only ${v.timedRandomShare}% of your ${v.questions} questions in the last 14 days were timed random (aim for at least ${c.rules.timedRandomMinShare}%).`,
    rationale:
      'From week 3 the guide shifts to more random, timed blocks to strengthen pattern recognition, timing and stamina; subject-specific blocks are for the early weeks.',
    evidence: {
      questions14: v.questions,
      timedRandomQuestions14: v.timedRandomQuestions,
      timedRandomShare: v.timedRandomShare,
      minShare: c.rules.timedRandomMinShare,
    },
    guideSection: G.heavy,
  })
}

export function reviewDepth(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const v = f.volume.last7
  if (v.reviewMinutesPerQuestion === null || v.questionsWithReviewMinutes === 0) return undefined
  const perQuestion = v.reviewMinutes / v.questionsWithReviewMinutes
  if (perQuestion >= c.rules.reviewDepthMinMinutesPerQuestion) return undefined
  const t = c.targets
  const m = f.phase.targets.explanationMinutesPerQuestion
  return rec('review-depth', {
    priority: 'medium',
    action: `Spend ${range(t.explanationHoursPerBlock)} hours reviewing explanations per ${t.blockSize}-question block (${m.min.toFixed(1)}–${m.max.toFixed(1)} minutes a question): you logged ${v.reviewMinutesPerQuestion} minutes a question over the last 7 days.`,
    rationale:
      'The guide counts on actively reading explanations (diagnostic algorithms, management steps, imaging indications): 2–3 hours of review per 40-question block.',
    evidence: {
      reviewMinutes7: v.reviewMinutes,
      questionsWithReviewMinutes7: v.questionsWithReviewMinutes,
      reviewMinutesPerQuestion: v.reviewMinutesPerQuestion,
      minMinutesPerQuestion: c.rules.reviewDepthMinMinutesPerQuestion,
    },
    guideSection: G.weekly,
  })
}

export function weakSystemsRule(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const top = f.weakSystems[0]
  if (!top) return undefined
  const named = f.weakSystems.slice(0, c.rules.namedSystems)
  const r = c.rules
  return rec('weak-systems', {
    priority: 'medium',
    action: `Spend ${range(r.weakSystemMinutesPerDay)} minutes a day on ${listText(named.map((w) => w.name))}, and do one ${range(r.deepDiveHours)} hour deep dive this week on ${top.name}.`,
    rationale: `The guide gives 30–60 minutes a day to focused review of the weakest areas, top-down from your data, plus one 2–3 hour deep dive a week. These systems are significantly below your overall ${f.overall.percent}% (at least ${c.weak.minAttempts} questions and the upper bound of the 90% interval below it), ranked by the gap times the system's exam weight.`,
    evidence: { overallPercent: f.overall.percent, weakSystems: named },
    guideSection: G.heavy,
  })
}

function cutNewAction(f: Figures, c: AnalyticsConfig): string {
  const r = c.rules.plateauNewQuestionsPerDay
  return `Cut new questions to about ${range(r)} a day for now and spend the time reviewing ${focusText(f, c)}`
}

export function plateauCutNew(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const three = f.trend.lastThree
  if (f.trend.status !== 'plateau' || !three) return undefined
  return rec('plateau-cut-new', {
    priority: 'high',
    action: `${cutNewAction(f, c)} and rewatching short high-yield videos on them: your last three scores (${three.scores.join(', ')}) over ${three.spanDays} days moved ${signed(three.gainOverBestBefore)} on the best before the latest.`,
    rationale: `The guide's answer to a plateau is to reduce new questions temporarily, prioritise reviewing weaknesses, and rewatch short high-yield videos for problem topics. A gain under ${c.trend.plateauPoints} points is within the measurement error.`,
    evidence: {
      lastThree: three.scores,
      spanDays: three.spanDays,
      gain: three.gainOverBestBefore,
      plateauPoints: c.trend.plateauPoints,
      focusSystems: focusSystems(f, c),
    },
    guideSection: G.heavy,
  })
}

export function decliningScores(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const three = f.trend.lastThree
  if (f.trend.status !== 'declining' || !three) return undefined
  const m = f.volume.last14.mistakes
  return rec('declining-scores', {
    priority: 'high',
    action: `${cutNewAction(f, c)}, and check your mistake mix (last 14 days: ${m.knowledge} knowledge, ${m.misread} misread, ${m.timing} timing) and your fatigue: your last three scores went from ${three.scores[0]} to ${three.scores[2]} over ${three.spanDays} days (${three.slopePerWeek} points a week).`,
    rationale:
      'Falling scores call for the guide’s plateau response (fewer new questions, more review of weak systems) plus a look at why: knowledge gaps, misreading or timing, and whether fatigue is building.',
    evidence: {
      lastThree: three.scores,
      spanDays: three.spanDays,
      slopePerWeek: three.slopePerWeek,
      change: three.change,
      mistakes14: m,
      focusSystems: focusSystems(f, c),
    },
    guideSection: G.heavy,
  })
}

export function keepGoing(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  const { status, latest, lastThree, slopePerWeek, scores } = f.trend
  const target = f.plan.targetScore
  if (status !== 'improving' || latest === null) return undefined
  if (target !== null && latest >= target) return undefined
  const from = scores.slice(-3)[0]?.score ?? latest
  const slope = lastThree?.slopePerWeek ?? slopePerWeek ?? 0
  return rec('keep-going', {
    priority: 'low',
    action:
      target === null
        ? `Keep going with your current plan: your scores are rising (${from} to ${latest}, ${signed(slope)} points a week).`
        : `Keep going with your current plan: your scores are rising (${from} to ${latest}, ${signed(slope)} points a week), ${target - latest} below your ${target} target.`,
    rationale: 'The guide’s advice when scores are lower than hoped but improving is to continue the plan.',
    evidence: { from, latest, slopePerWeek: slope, targetScore: target },
    guideSection: G.heavy,
  })
}

export function mistakePattern(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const m = f.volume.last14.mistakes
  const r = c.rules.mistakes
  if (m.total < r.minTagged) return undefined
  const kinds = [
    ['knowledge', m.knowledge],
    ['misread', m.misread],
    ['timing', m.timing],
  ] as const
  const top = kinds.find(([, n]) => n / m.total > r.dominantShare + EPS)
  if (!top) return undefined
  const [kind, n] = top
  const tail = `${n} of your ${m.total} tagged mistakes in the last 14 days were ${kind === 'knowledge' ? 'knowledge gaps' : kind === 'misread' ? 'misreads' : 'timing mistakes'}`
  const action =
    kind === 'knowledge'
      ? `Do content review on the systems behind your knowledge gaps (${focusText(f, c)}): ${tail}.`
      : kind === 'misread'
        ? `Slow down and read each question stem and its last line carefully, and review your "guessed but right" questions too: ${tail}.`
        : `Do more timed blocks and check your pacing during each one: ${tail}.`
  return rec('mistake-pattern', {
    priority: 'medium',
    action,
    rationale:
      'The guide analyses mistakes by type (knowledge gaps vs. misreading vs. time management) because each needs a different fix: content review, careful reading, or timed practice.',
    evidence: { mistakes14: m, dominant: kind, share: round(n / m.total, 3), dominantShare: r.dominantShare },
    guideSection: G.foundation,
  })
}

export function secondPass(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const q = primaryBank(f, c)
  const sp = c.rules.secondPass
  const d = f.phase.daysToExam
  // Choice: with no first-pass incorrects there is nothing to re-do; without an exam date there is time.
  if (!q?.firstPassComplete || q.firstPassIncorrect === 0) return undefined
  if (d !== null && d < sp.minDaysToExam) return undefined
  if (q.reviewed / q.firstPassIncorrect >= sp.maxCoverage) return undefined
  const name = sourceName(q.source)
  return rec('second-pass', {
    priority: 'medium',
    action: `Start a second pass of your ${q.firstPassIncorrect} incorrect ${name} questions: you have reviewed ${q.reviewed} so far (${round(100 * q.secondPassCoverage, 1)}% coverage)${d === null ? '' : ` with ${d} days to the exam`}.`,
    rationale: `The guide aims for one full ${name} pass and ideally a partial second pass of incorrects, which is where the remaining gaps are.`,
    evidence: {
      firstPassIncorrect: q.firstPassIncorrect,
      reviewed: q.reviewed,
      secondPassCoverage: q.secondPassCoverage,
      daysToExam: d,
    },
    guideSection: G.resources,
  })
}

export function secondaryAfterUworld(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const q = primaryBank(f, c)
  if (!q || q.firstPassComplete) return undefined
  const others = f.qbanks.filter((b) => b.source !== c.primarySource && b.questions14 > 0)
  if (others.length === 0) return undefined
  const name = sourceName(q.source)
  return rec('secondary-after-uworld', {
    priority: 'low',
    action: `Finish ${name} first (${q.percentComplete}% done, ${q.remaining} left) and add ${listText(others.map((o) => sourceName(o.source)))} only if time allows after it.`,
    rationale: `The guide keeps a small, high-yield set of resources: ${name} is the primary Qbank, and a second bank is optional, only if time allows after finishing it.`,
    evidence: {
      percentComplete: q.percentComplete,
      remaining: q.remaining,
      otherSources: others.map((o) => ({ source: o.source, questions14: o.questions14 })),
    },
    guideSection: G.resources,
  })
}

export function simulationDay(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { name, startedOn } = f.phase
  const last = f.activity.lastSimulationDayOn
  if (name !== 'refinement' || !startedOn || (last !== null && last >= startedOn)) return undefined
  return rec('simulation-day', {
    priority: 'medium',
    action: `Do a full-length simulation day this week with ${range(c.rules.simulationBlocks)} timed blocks and realistic breaks: none is logged since your refinement phase began on ${startedOn}.`,
    rationale:
      'Weeks 7–9 of the guide build test-day stamina with full-length simulation days under exam conditions: a quiet place, timed blocks, limited phone use.',
    evidence: { phaseStartedOn: startedOn, lastSimulationDayOn: last },
    guideSection: G.refinement,
  })
}

export function finalAssessment(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const d = f.phase.daysToExam
  const fa = c.rules.finalAssessment
  if (d === null || d < fa.minDaysToExam || d > fa.maxDaysToExam) return undefined
  // Choice: only a scored form confirms a target range, so a recent Free 120 does not count here.
  const { lastScored, daysSinceLastScored } = f.assessments
  if (daysSinceLastScored !== null && daysSinceLastScored < fa.recentDays) return undefined
  const examDate = f.plan.examDate ?? ''
  const last = lastScored
    ? `your last scored self-assessment (${formName(lastScored.form)}) was ${daysSinceLastScored} days ago`
    : 'you have no scored self-assessment yet'
  return rec('final-assessment', {
    priority: 'high',
    action: `Take UWSA 2 or an NBME under exam conditions by ${addDays(examDate, -fa.minDaysToExam)}: your exam is in ${d} days and ${last}.`,
    rationale:
      'Near the end of the plan the guide takes UWSA 2 or an NBME close to exam conditions to confirm you are within your target range and decide whether to proceed or delay slightly.',
    evidence: { daysToExam: d, lastScored, daysSinceLastScored, recentDays: fa.recentDays },
    guideSection: G.refinement,
  })
}

export function belowTargetNearExam(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const target = f.plan.targetScore
  const d = f.phase.daysToExam
  const bt = c.rules.belowTarget
  const { lastScored, daysSinceLastScored } = f.assessments
  const latest = f.trend.latest
  if (target === null || d === null || d < 0 || d > bt.maxDaysToExam) return undefined
  // "A self-assessment in the last 21 days": the scored one whose score is compared.
  if (
    !lastScored ||
    latest === null ||
    daysSinceLastScored === null ||
    daysSinceLastScored >= bt.recentDays
  ) {
    return undefined
  }
  if (latest >= target - bt.pointsBelowTarget) return undefined
  const { erasSlackDays: slack, latestExamDateForEras } = f.plan
  const lead = c.rules.erasLeadDays
  const eras =
    slack === null
      ? 'no ERAS submission date is set, so check your application timeline first'
      : slack > 0
        ? `you can move the exam up to ${slack} days later (to ${latestExamDateForEras}) before it falls within ${lead} days of ERAS submission`
        : `the ERAS timeline leaves no slack (the latest exam date for it is ${latestExamDateForEras})`
  return rec('below-target-near-exam', {
    priority: 'high',
    action: `Consider a short delay if the ERAS timeline allows: your latest score ${latest} (${formName(lastScored.form)}, ${lastScored.takenOn}) is ${target - latest} below your ${target} target, and ${eras}.`,
    rationale:
      'The guide uses the late UWSA 2 or NBME to decide whether a slight delay is needed, if possible; a later exam date must still leave the score out before programs read the ERAS application.',
    evidence: {
      latestScore: latest,
      targetScore: target,
      takenOn: lastScored.takenOn,
      daysToExam: d,
      erasSlackDays: slack,
      latestExamDate: latestExamDateForEras,
    },
    guideSection: G.refinement,
  })
}

export function finalWeeksFocus(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  const d = f.phase.daysToExam
  if (f.phase.name !== 'final' || d === null) return undefined
  return rec('final-weeks-focus', {
    priority: 'high',
    action: `Review your UWorld incorrects and marked questions, repeat the key algorithms (ACS, stroke, DVT/PE with IVC filter indications, GI bleeding), keep Anki light, and start no new major resource in the ${d} days left.`,
    rationale:
      'The guide’s final 1–2 weeks maximise recall and avoid burnout: incorrects and marked questions, the key management algorithms, light Anki, and no new major resources.',
    evidence: { daysToExam: d },
    guideSection: G.final,
  })
}

export function noNewResources(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const d = f.phase.daysToExam
  if (f.phase.name !== 'final' || d === null) return undefined
  // Choice: the primary bank is the core resource, never "new" (even when started late), so only other
  // sources first used in the window count.
  const fresh = f.qbanks.filter(
    (q) =>
      q.source !== c.primarySource &&
      q.firstUsedOn !== null &&
      inLastDays(q.firstUsedOn, f.asOf, c.rules.noNewResourcesDays),
  )
  if (fresh.length === 0) return undefined
  return rec('no-new-resources', {
    priority: 'medium',
    action: `Drop ${listText(fresh.map((q) => `${sourceName(q.source)} (first used ${q.firstUsedOn})`))} and spend the ${d} days left on ${sourceName(c.primarySource)} incorrects and marked questions.`,
    rationale:
      'The guide’s final weeks avoid starting new major resources: depth in a focused set beats new exposure now.',
    evidence: {
      sources: fresh.map((q) => ({ source: q.source, firstUsedOn: q.firstUsedOn })),
      daysToExam: d,
    },
    guideSection: G.final,
  })
}

export function examEve(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  if (f.phase.name !== 'exam_eve') return undefined
  return rec('exam-eve', {
    priority: 'high',
    action: `Keep today to very light review (a few notes or flashcards), check the route to the test center, prepare your documents, snacks and layers of clothing, and sleep rather than cram before your exam on ${f.plan.examDate}.`,
    rationale:
      'The guide’s day before the exam: very light review only, logistics ready, and sleep over last-minute cramming.',
    evidence: { examDate: f.plan.examDate, daysToExam: f.phase.daysToExam },
    guideSection: G.final,
  })
}

export function consistency(f: Figures, c: AnalyticsConfig): Recommendation | undefined {
  const { isStudyPhase, day } = f.phase
  const cons = c.rules.consistency
  const { lastLoggedOn, daysSinceLastLogged } = f.activity
  if (!isStudyPhase || day === null || day < cons.fromDay) return undefined
  if (daysSinceLastLogged !== null && daysSinceLastLogged < cons.inactiveDays) return undefined
  const gap =
    lastLoggedOn === null
      ? `nothing is logged yet on day ${day} of prep`
      : `nothing is logged for ${daysSinceLastLogged} days, since ${lastLoggedOn}`
  return rec('consistency', {
    priority: 'medium',
    action: `Protect a non-negotiable study block (${range(cons.morningHours)} hours early morning or ${range(cons.eveningHours)} hours late evening) and use breaks for micro-learning: ${gap}.`,
    rationale:
      'The guide’s answer to a busy schedule is consistency over perfection: protected study blocks every day, and Anki or explanations in the gaps.',
    evidence: { day, lastLoggedOn, daysSinceLastLogged, inactiveDays: cons.inactiveDays },
    guideSection: G.busy,
  })
}

export function irLens(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  if (f.irFocus.length === 0) return undefined
  return rec('ir-lens', {
    priority: 'low',
    action: `Review ${listText(f.irFocus.map((t) => t.name))} with the IR lens: would this patient go to IR, which imaging comes first and why, and which procedure (biopsy, drain, angiography, embolization) could IR offer.`,
    rationale:
      'Step 2 CK does not test IR procedures, but it tests the decisions behind them; asking the IR questions while reviewing these weak areas builds IR reasoning without extra study time.',
    evidence: { irFocus: f.irFocus },
    guideSection: G.ir,
  })
}

export function scoreBelowTarget(f: Figures, _c: AnalyticsConfig): Recommendation | undefined {
  const { examScore, targetScore } = f.plan
  if (examScore === null || targetScore === null || examScore >= targetScore) return undefined
  return rec('score-below-target', {
    priority: 'high',
    action: `Reassess your targets: your exam score ${examScore} is ${targetScore - examScore} below your ${targetScore} target, so apply to DR and prelim/transitional years alongside IR, strengthen research, USCE and letters, and consider delaying the match attempt a year if the rest of your profile is thin.`,
    rationale:
      'The guide’s plan for a score below target: still apply to IR but also to diagnostic radiology and prelim/transitional years, strengthen other areas aggressively, and consider a one-year delay when the rest of the profile is thin.',
    evidence: { examScore, targetScore, gap: targetScore - examScore },
    guideSection: G.belowTarget,
  })
}

/** The rules in guide-rules.md §3 order: the order breaks ties within a priority. */
export const RULES: readonly { id: RuleId; rule: Rule }[] = [
  { id: 'exam-before-eras', rule: examBeforeEras },
  { id: 'plan-too-short', rule: planTooShort },
  { id: 'baseline-assessment', rule: baselineAssessment },
  { id: 'baseline-foundations', rule: baselineFoundations },
  { id: 'assessment-cadence', rule: assessmentCadence },
  { id: 'first-pass-pace', rule: firstPassPace },
  { id: 'daily-volume', rule: dailyVolume },
  { id: 'weekly-volume', rule: weeklyVolume },
  { id: 'burnout-volume', rule: burnoutVolume },
  { id: 'timed-random', rule: timedRandom },
  { id: 'review-depth', rule: reviewDepth },
  { id: 'weak-systems', rule: weakSystemsRule },
  { id: 'plateau-cut-new', rule: plateauCutNew },
  { id: 'declining-scores', rule: decliningScores },
  { id: 'keep-going', rule: keepGoing },
  { id: 'mistake-pattern', rule: mistakePattern },
  { id: 'second-pass', rule: secondPass },
  { id: 'secondary-after-uworld', rule: secondaryAfterUworld },
  { id: 'simulation-day', rule: simulationDay },
  { id: 'final-assessment', rule: finalAssessment },
  { id: 'below-target-near-exam', rule: belowTargetNearExam },
  { id: 'final-weeks-focus', rule: finalWeeksFocus },
  { id: 'no-new-resources', rule: noNewResources },
  { id: 'exam-eve', rule: examEve },
  { id: 'consistency', rule: consistency },
  { id: 'ir-lens', rule: irLens },
  { id: 'score-below-target', rule: scoreBelowTarget },
]

const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 }

/**
 * Which rules may speak in this phase. Choices beyond the table (guide-rules.md §6 "no study-volume
 * nagging" after the exam, taken further):
 * - after the exam (post_exam, or an exam score recorded and the exam day reached) only
 *   score-below-target: every other rule prepares for an exam that has been taken. An exam score
 *   does not silence an `asOf` before the exam, which shows what the student was told then;
 * - on the eve only exam-eve (a delay, a self-assessment or a volume target is no help the night
 *   before), and on the exam day nothing: the day belongs to the exam.
 */
export function ruleApplies(id: RuleId, f: Figures): boolean {
  const examTaken = f.plan.examScore !== null && (f.phase.daysToExam === null || f.phase.daysToExam <= 0)
  if (f.phase.name === 'post_exam' || examTaken) return id === 'score-below-target'
  if (f.phase.name === 'exam_eve' || f.phase.name === 'exam_day') return id === 'exam-eve'
  return true
}

/** Fired rules sorted by priority (high, medium, low), then spec order. Deterministic. */
export function recommend(f: Figures, c: AnalyticsConfig): Recommendation[] {
  const order = new Map(RULE_IDS.map((id, i) => [id, i]))
  return RULES.filter(({ id }) => ruleApplies(id, f))
    .flatMap(({ rule }) => rule(f, c) ?? [])
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0),
    )
}
