// Every rule of guide-rules.md §3 firing and not firing, through computeAnalytics. Each case starts from
// a "healthy" student that fires nothing and changes what the rule looks at.
import { describe, expect, test } from 'vitest'
import { addDays } from '../../../src/modules/analytics/dates.js'
import { computeAnalytics } from '../../../src/modules/analytics/engine.js'
import type { AnalyticsInput, Priority, RuleId } from '../../../src/modules/analytics/index.js'
import { assessment, dailyRow, makeInput, usage, type InputOverrides } from './fixtures.js'

type Daily = AnalyticsInput['daily'][number]
const TODAY = '2027-05-03' // a Monday

/** Six study days a week: days 0–5 and 7–12 back (days 6 and 13 are rest days). */
const STUDY_OFFSETS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]

/**
 * Healthy blocks: 70 new questions a day (420 in 7 days, 840 in 14), 50 timed random (71%), 3 min of
 * review a question, 5 tagged mistakes a day (2 knowledge, 2 misread, 1 timing: 40% at most).
 */
function blocks(fields: Partial<Daily> | ((offset: number) => Partial<Daily>) = {}, offsets = STUDY_OFFSETS) {
  return offsets.map((o) =>
    dailyRow(addDays(TODAY, -o), {
      questions: 70,
      correct: 42,
      newQuestions: 70,
      timedRandomQuestions: 50,
      reviewMinutes: 210,
      questionsWithReviewMinutes: 70,
      mistakesKnowledge: 2,
      mistakesMisread: 2,
      mistakesTiming: 1,
      ...(typeof fields === 'function' ? fields(o) : fields),
    }),
  )
}

/**
 * Dedicated, prep from 2027-04-05 (day 28, plan week 5: heavy_qbank), exam 2027-07-12 (70 days), target
 * 245. UWorld 2000/4085 used: 2085 left at 60 a day → 35 days → 2027-06-07, before 2027-06-28.
 * Scores 238 (2027-04-12) and 246 (2027-05-01): improving, latest above target. Overall 60%.
 */
function healthy(over: InputOverrides = {}): AnalyticsInput {
  const { profile, ...rest } = over
  return makeInput({
    today: TODAY,
    qbankUsage: [usage('uworld', '2027-04-05', 2000, { firstPassCorrect: 1200 })],
    daily: blocks(),
    overall: { attempted: 1000, correct: 600 },
    assessments: [
      assessment('s1', 'nbme-12', '2027-04-12', 238),
      assessment('s2', 'nbme-13', '2027-05-01', 246),
    ],
    lastLoggedOn: TODAY,
    ...rest,
    profile: { prepStartDate: '2027-04-05', examDate: '2027-07-12', targetScore: 245, ...profile },
  })
}

const WEAK_SYSTEMS: AnalyticsInput['systems'] = [
  { system: 'gastrointestinal', attempted: 50, correct: 20, attempted28: 0, correct28: 0 },
  { system: 'nervous', attempted: 100, correct: 50, attempted28: 0, correct28: 0 },
  { system: 'renal', attempted: 20, correct: 8, attempted28: 0, correct28: 0 },
]

const find = (input: AnalyticsInput, id: RuleId) =>
  computeAnalytics(input).recommendations.find((r) => r.id === id)

interface Expected {
  priority: Priority
  /** The whole action sentence, or fragments it must contain. */
  action: string | string[]
  guideSection?: string
  evidence?: Record<string, unknown>
}

function check(input: AnalyticsInput, id: RuleId, expected: Expected | null) {
  const rec = find(input, id)
  if (expected === null) {
    expect(rec).toBeUndefined()
    return
  }
  expect(rec).toBeDefined()
  expect(rec?.priority).toBe(expected.priority)
  if (typeof expected.action === 'string') expect(rec?.action).toBe(expected.action)
  else for (const part of expected.action) expect(rec?.action).toContain(part)
  if (expected.guideSection) expect(rec?.guideSection).toBe(expected.guideSection)
  if (expected.evidence) expect(rec?.evidence).toMatchObject(expected.evidence)
  expect(rec?.rationale.length).toBeGreaterThan(20)
}

type Case = [string, InputOverrides, Expected | null]

test('the healthy student fires nothing', () => {
  expect(computeAnalytics(healthy()).recommendations).toEqual([])
})

describe('exam-before-eras', () => {
  test.each<Case>([
    [
      // 2027-08-01 − 60 days = 2027-06-02; the exam is 40 days later
      'exam 2027-07-12, ERAS 2027-08-01',
      { profile: { erasSubmissionDate: '2027-08-01' } },
      {
        priority: 'high',
        action:
          'Move your exam from 2027-07-12 to 2027-06-02 or earlier, at least 60 days before your ERAS submission on 2027-08-01, so your score is out when programs read your application.',
        evidence: { daysTooLate: 40 },
        guideSection: 'Step 1: Define Your Timeframe and Constraints',
      },
    ],
    ['exam exactly 60 days before ERAS 2027-09-10', { profile: { erasSubmissionDate: '2027-09-10' } }, null],
    ['no ERAS date', {}, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'exam-before-eras', expected))
})

describe('plan-too-short', () => {
  test.each<Case>([
    [
      'dedicated, 41 days',
      { profile: { examDate: '2027-05-16' } },
      {
        priority: 'medium',
        action:
          'Move your exam to 2027-05-17 or later to get at least 42 days (6 weeks) of dedicated study: 2027-05-16 leaves 41 days from your prep start on 2027-04-05.',
      },
    ],
    ['dedicated, 42 days', { profile: { examDate: '2027-05-17' } }, null],
    [
      // 2027-04-05 → 2027-07-03: 25 + 31 + 30 + 3 = 89 days
      'part-time, 89 days',
      { profile: { examDate: '2027-07-03', studyMode: 'part_time' } },
      {
        priority: 'medium',
        action:
          'Move your exam to 2027-07-04 or later to get at least 90 days (about 3 months) of part-time prep before the intense final weeks: 2027-07-03 leaves 89 days from your prep start on 2027-04-05.',
      },
    ],
    ['part-time, 90 days', { profile: { examDate: '2027-07-04', studyMode: 'part_time' } }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'plan-too-short', expected))
})

describe('baseline-assessment (day N = today − prepStartDate)', () => {
  const onDay = (day: number, examDate = '2027-07-12'): InputOverrides => ({
    assessments: [],
    profile: { prepStartDate: addDays(TODAY, -day), examDate },
  })
  test.each<Case>([
    ['day 6', onDay(6), null],
    [
      'day 7',
      onDay(7),
      {
        priority: 'medium',
        action:
          'Take a baseline NBME or UWSA self-assessment now: you are on day 7 of prep and have not logged one yet.',
      },
    ],
    ['day 13', onDay(13), { priority: 'medium', action: ['day 13 of prep'] }],
    ['day 14', onDay(14), { priority: 'high', action: ['day 14 of prep'] }],
    ['day 20 but in the final phase', onDay(20, '2027-05-10'), null],
    ['a self-assessment exists', { profile: { prepStartDate: addDays(TODAY, -20) } }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'baseline-assessment', expected))
})

describe('baseline-foundations (exactly one scored self-assessment)', () => {
  const one = (score: number, targetScore: number | null, extra: AnalyticsInput['assessments'] = []) => ({
    assessments: [assessment('b', 'nbme-12', '2027-04-20', score), ...extra],
    profile: { targetScore },
  })
  test.each<Case>([
    [
      '235 < 236 (251 − 15)',
      one(235, 245),
      {
        priority: 'medium',
        action:
          'Spend more time on core content review (4–6 hours a week) and start with subject-specific UWorld blocks: your baseline 235 (NBME 12) is below 236 (national mean 251 − 1 SD).',
        evidence: { foundations: 'weak', meanLimit: 236, targetLimit: 220 },
      },
    ],
    [
      '236, no target: strong',
      one(236, null),
      {
        priority: 'medium',
        action:
          'Put the Qbank first with timed, random UWorld blocks from early on: your baseline 236 (NBME 12) is at or above 236 (national mean 251 − 1 SD).',
        evidence: { foundations: 'strong' },
      },
    ],
    [
      '236 < 262 − 25',
      one(236, 262),
      {
        priority: 'medium',
        action: ['is below 237 (your 262 target − 25).'],
        evidence: { foundations: 'weak' },
      },
    ],
    [
      '236 = 261 − 25: strong',
      one(236, 261),
      {
        priority: 'medium',
        action: ['at or above 236 (national mean 251 − 1 SD) and 236 (your 261 target − 25).'],
      },
    ],
    [
      'a Free 120 does not count as scored',
      one(240, 245, [assessment('f', 'free-120', '2027-04-25', null, { percentCorrect: 70 })]),
      { priority: 'medium', action: ['your baseline 240 (NBME 12)'] },
    ],
    ['two scored assessments', {}, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'baseline-foundations', expected))
})

describe('assessment-cadence', () => {
  const lastOn = (takenOn: string, form = 'nbme-12', score: number | null = 240): InputOverrides => ({
    assessments: [assessment('a0', 'nbme-11', '2027-03-20', 236), assessment('a1', form, takenOn, score)],
  })
  test.each<Case>([
    ['20 days ago', lastOn('2027-04-13'), null],
    [
      '21 days ago',
      lastOn('2027-04-12'),
      {
        priority: 'low',
        action:
          'Schedule your next self-assessment for 2027-05-10 at the latest: your last one, NBME 12 on 2027-04-12, was 21 days ago.',
      },
    ],
    [
      '27 days ago',
      lastOn('2027-04-06'),
      { priority: 'low', action: ['for 2027-05-04 at the latest', '27 days ago'] },
    ],
    [
      '28 days ago',
      lastOn('2027-04-05'),
      {
        priority: 'high',
        action:
          'Take a self-assessment (NBME or UWSA) this week: your last one, NBME 12 on 2027-04-05, was 28 days ago.',
      },
    ],
    [
      'a percent-only form counts as an assessment',
      lastOn('2027-04-03', 'free-120', null),
      { priority: 'high', action: ['your last one, Free 120 on 2027-04-03, was 30 days ago.'] },
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'assessment-cadence', expected))
})

describe('first-pass-pace', () => {
  const used = (n: number) => ({ qbankUsage: [usage('uworld', '2027-04-05', n)] })
  test.each<Case>([
    [
      // 3385 left: 3385/60 = 56.4 → 57 days → 2027-06-29 > 2027-06-28; 3385/56 = 60.4 → 61
      '700 used, pace 60',
      used(700),
      {
        priority: 'high',
        action:
          'Do 61 new UWorld questions a day to finish the first UWorld pass by 2027-06-28 (3385 left; at your 7-day pace of 60 a day you would finish on 2027-06-29).',
        guideSection: 'Step 3: Core Resources and How to Use Them',
      },
    ],
    ['725 used: 3360/60 = 56 days, on 2027-06-28 exactly', used(725), null],
    [
      // 2085/56 = 37.2 → 38
      'no new questions in 7 days',
      { daily: blocks({}, [7, 8, 9, 10, 11, 12]) },
      {
        priority: 'high',
        action:
          'Do 38 new UWorld questions a day to finish the first UWorld pass by 2027-06-28 (2085 left; you did no new ones in the last 7 days).',
      },
    ],
    ['final phase', { ...used(700), profile: { examDate: '2027-05-10' } }, null],
    ['first pass complete', used(4085), null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'first-pass-pace', expected))
})

describe('daily-volume (questions in 7 days ÷ study days per week)', () => {
  const perDay = (n: number, offsets = [0, 1, 2, 3, 4, 5]) =>
    blocks({ questions: n, newQuestions: n }, offsets)
  test.each<Case>([
    [
      'heavy_qbank, 6 × 59 = 354 → 59',
      { daily: perDay(59) },
      {
        priority: 'medium',
        action:
          'Raise your Qbank volume to 60–80 questions a day: you did 354 in the last 7 days, 59 per study day over your 6 study days.',
        guideSection: 'Weeks 3–6: Heavy Qbank and Clinical Reasoning',
      },
    ],
    ['heavy_qbank, 6 × 60 = 360 → 60', { daily: perDay(60) }, null],
    [
      'foundation day 7, 239 → 39.8',
      {
        profile: { prepStartDate: addDays(TODAY, -7) },
        daily: [...perDay(40, [0, 1, 2, 3, 4]), ...perDay(39, [5])],
      },
      {
        priority: 'medium',
        action: ['40–60 questions a day', 'you did 239 in the last 7 days, 39.8 per study day'],
        guideSection: 'Weeks 1–2: Foundation and Structure',
      },
    ],
    ['foundation day 6', { profile: { prepStartDate: addDays(TODAY, -6) }, daily: [] }, null],
    [
      'refinement, 234 → 39',
      { profile: { prepStartDate: '2027-03-22' }, daily: perDay(39), lastSimulationDayOn: TODAY },
      {
        priority: 'medium',
        action: ['40–60 questions a day'],
        guideSection: 'Weeks 7–9: Refinement and Exam Simulation',
      },
    ],
    [
      '300 questions over 5 study days a week → 60',
      { daily: perDay(50), profile: { studyDaysPerWeek: 5 } },
      null,
    ],
    [
      '300 questions over 6 study days a week → 50',
      { daily: perDay(50), profile: { studyDaysPerWeek: 6 } },
      {
        priority: 'medium',
        action: ['you did 300 in the last 7 days, 50 per study day over your 6 study days'],
      },
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'daily-volume', expected))
})

describe('weekly-volume (part_time_build)', () => {
  const partTime = { prepStartDate: '2027-01-04', examDate: '2027-09-06', studyMode: 'part_time' as const }
  const week = (last: number) => [
    ...blocks({ questions: 40, newQuestions: 40 }, [0, 1, 2]),
    ...blocks({ questions: last, newQuestions: last }, [5]),
  ]
  test.each<Case>([
    [
      '159 in 7 days',
      { profile: partTime, daily: week(39) },
      {
        priority: 'medium',
        action:
          'Reach 160–240 questions a week with 2 timed blocks of 20–25 on weekdays and 40–80 on a weekend day: you did 159 in the last 7 days.',
        guideSection: 'Step 4: Weekly Structure for Busy IMGs',
      },
    ],
    ['160 in 7 days', { profile: partTime, daily: week(40) }, null],
    ['dedicated student', { profile: { ...partTime, studyMode: 'dedicated' }, daily: week(39) }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'weekly-volume', expected))
})

describe('burnout-volume (final phase, last 3 days)', () => {
  const final = { examDate: '2027-05-15' } // 12 days to go
  const heavyDay = (offset: number, n: number) => blocks((o) => (o === offset ? { questions: n } : {}))
  test.each<Case>([
    [
      '81 yesterday',
      { profile: final, daily: heavyDay(1, 81) },
      {
        priority: 'medium',
        action:
          'Stay under 80 questions a day in the final weeks: you did 81 on 2027-05-02, and rest beats cramming now.',
        guideSection: 'Final 1–2 Weeks: Polishing and Confidence Building',
      },
    ],
    ['80 is allowed', { profile: final, daily: heavyDay(1, 80) }, null],
    ['81 three days ago is outside the window', { profile: final, daily: heavyDay(3, 81) }, null],
    ['not in the final phase', { daily: heavyDay(1, 120) }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'burnout-volume', expected))
})

describe('timed-random (heavy_qbank or later, last 14 days)', () => {
  const timed = (first: number) => blocks((o) => ({ timedRandomQuestions: o === 0 ? first : 35 }))
  test.each<Case>([
    [
      // 11 × 35 + 34 = 419 of 840 = 49.9%
      '419/840',
      { daily: timed(34) },
      {
        priority: 'medium',
        action:
          'Switch to timed, random blocks: only 49.9% of your 840 questions in the last 14 days were timed random (aim for at least 50%).',
      },
    ],
    ['420/840 = 50%', { daily: timed(35) }, null],
    [
      'foundation phase',
      { profile: { prepStartDate: addDays(TODAY, -7) }, daily: blocks({ timedRandomQuestions: 0 }) },
      null,
    ],
    [
      'final phase counts as later',
      { profile: { examDate: '2027-05-15' }, daily: blocks({ timedRandomQuestions: 0 }) },
      { priority: 'medium', action: ['only 0% of your 840 questions'] },
    ],
    ['no questions in 14 days', { daily: [] }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'timed-random', expected))
})

describe('review-depth (last 7 days)', () => {
  test.each<Case>([
    [
      // 5 × 140 + 100 = 800 min / 420 questions = 1.905
      '800 min for 420 questions',
      { daily: blocks((o) => ({ reviewMinutes: o === 0 ? 100 : 140 })) },
      {
        priority: 'medium',
        action:
          'Spend 2–3 hours reviewing explanations per 40-question block (3.0–4.5 minutes a question): you logged 1.9 minutes a question over the last 7 days.',
      },
    ],
    ['840 min for 420 questions = 2.0', { daily: blocks({ reviewMinutes: 140 }) }, null],
    [
      'no review minutes logged',
      { daily: blocks({ reviewMinutes: null, questionsWithReviewMinutes: 0 }) },
      null,
    ],
    [
      // only today's block logged review: 60 min / 70 questions = 0.857
      'only the blocks that logged minutes count',
      {
        daily: blocks((o) =>
          o === 0 ? { reviewMinutes: 60 } : { reviewMinutes: null, questionsWithReviewMinutes: 0 },
        ),
      },
      { priority: 'medium', action: ['you logged 0.86 minutes a question'] },
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'review-depth', expected))
})

describe('weak-systems', () => {
  test.each<Case>([
    [
      'GI, nervous and renal are weak (ranked by gap × exam weight)',
      { systems: WEAK_SYSTEMS },
      {
        priority: 'medium',
        action:
          'Spend 30–60 minutes a day on Gastrointestinal & Nutrition, Nervous System and Renal, Urinary Systems & Electrolytes, and do one 2–3 hour deep dive this week on Gastrointestinal & Nutrition.',
        guideSection: 'Weeks 3–6: Heavy Qbank and Clinical Reasoning',
      },
    ],
    [
      'nothing significantly weak',
      { systems: [{ system: 'renal', attempted: 100, correct: 58, attempted28: 0, correct28: 0 }] },
      null,
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'weak-systems', expected))
})

describe('plateau-cut-new and declining-scores', () => {
  const three = (a: number, b: number, c: number, dates = ['2027-04-12', '2027-04-19', '2027-04-26']) =>
    [a, b, c].map((s, i) => assessment(`t${i}`, 'nbme-12', dates[i] ?? '', s))
  test.each<Case>([
    [
      'gain 4 over 14 days, weak systems named',
      { assessments: three(240, 243, 247), systems: WEAK_SYSTEMS },
      {
        priority: 'high',
        action:
          'Cut new questions to about 20–40 a day for now and spend the time reviewing Gastrointestinal & Nutrition, Nervous System and Renal, Urinary Systems & Electrolytes and rewatching short high-yield videos on them: your last three scores (240, 243, 247) over 14 days moved +4 on the best before the latest.',
      },
    ],
    [
      'no weak systems: generic focus',
      { assessments: three(240, 243, 247) },
      { priority: 'high', action: ['spend the time reviewing your weakest systems and rewatching'] },
    ],
    ['gain 5', { assessments: three(240, 243, 248) }, null],
  ])('plateau-cut-new: %s', (_n, over, expected) => check(healthy(over), 'plateau-cut-new', expected))

  const declining = ['2027-04-05', '2027-04-19', '2027-05-03']
  test.each<Case>([
    [
      // x = 0, 2, 4 weeks: slope = (244 − 250)/4 = −1.5; drop 6
      '250 → 247 → 244 over 28 days',
      { assessments: three(250, 247, 244, declining) },
      {
        priority: 'high',
        action:
          'Cut new questions to about 20–40 a day for now and spend the time reviewing your weakest systems, and check your mistake mix (last 14 days: 24 knowledge, 24 misread, 12 timing) and your fatigue: your last three scores went from 250 to 244 over 28 days (-1.5 points a week).',
      },
    ],
    ['a drop of 4 is a plateau, not a decline', { assessments: three(250, 247, 246, declining) }, null],
  ])('declining-scores: %s', (_n, over, expected) => check(healthy(over), 'declining-scores', expected))

  test('a decline is not also reported as a plateau', () => {
    const recs = computeAnalytics(healthy({ assessments: three(250, 247, 244, declining) })).recommendations
    expect(recs.map((r) => r.id)).not.toContain('plateau-cut-new')
  })
})

describe('keep-going', () => {
  // 238 (2027-04-12) → 246 (2027-05-01): 8 points over 19/7 weeks = 2.947 a week
  test.each<Case>([
    [
      'below a 250 target',
      { profile: { targetScore: 250 } },
      {
        priority: 'low',
        action:
          'Keep going with your current plan: your scores are rising (238 to 246, +2.95 points a week), 4 below your 250 target.',
      },
    ],
    [
      'no target',
      { profile: { targetScore: null } },
      {
        priority: 'low',
        action:
          'Keep going with your current plan: your scores are rising (238 to 246, +2.95 points a week).',
      },
    ],
    ['at the target', { profile: { targetScore: 246 } }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'keep-going', expected))
})

describe('mistake-pattern (last 14 days)', () => {
  const mistakes = (k: number, m: number, t: number, offset = 2) => ({
    daily: [
      ...blocks({ mistakesKnowledge: 0, mistakesMisread: 0, mistakesTiming: 0 }),
      dailyRow(addDays(TODAY, -offset), {
        questions: 40,
        correct: 10,
        mistakesKnowledge: k,
        mistakesMisread: m,
        mistakesTiming: t,
      }),
    ],
  })
  test.each<Case>([
    [
      'knowledge 11/20 = 55%',
      mistakes(11, 5, 4),
      {
        priority: 'medium',
        action:
          'Do content review on the systems behind your knowledge gaps (your weakest systems): 11 of your 20 tagged mistakes in the last 14 days were knowledge gaps.',
      },
    ],
    ['knowledge 10/20 = 50%', mistakes(10, 6, 4), null],
    ['19 tagged', mistakes(11, 4, 4), null],
    [
      'misread 12/20',
      mistakes(4, 12, 4),
      {
        priority: 'medium',
        action:
          'Slow down and read each question stem and its last line carefully, and review your "guessed but right" questions too: 12 of your 20 tagged mistakes in the last 14 days were misreads.',
      },
    ],
    [
      'timing 15/25',
      mistakes(5, 5, 15),
      {
        priority: 'medium',
        action:
          'Do more timed blocks and check your pacing during each one: 15 of your 25 tagged mistakes in the last 14 days were timing mistakes.',
      },
    ],
    ['14 days ago is outside the window', mistakes(30, 0, 0, 14), null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'mistake-pattern', expected))
})

describe('second-pass', () => {
  // 4085 done, 2451 right → 1634 incorrect
  const done = (reviewQuestions: number) => ({
    qbankUsage: [usage('uworld', '2027-02-01', 4085, { firstPassCorrect: 2451, reviewQuestions })],
  })
  test.each<Case>([
    [
      '816/1634 = 0.499',
      done(816),
      {
        priority: 'medium',
        action:
          'Start a second pass of your 1634 incorrect UWorld questions: you have reviewed 816 so far (49.9% coverage) with 70 days to the exam.',
      },
    ],
    ['817/1634 = 0.5', done(817), null],
    ['13 days to the exam', { ...done(0), profile: { examDate: '2027-05-16' } }, null],
    [
      '14 days to the exam',
      { ...done(0), profile: { examDate: '2027-05-17' } },
      { priority: 'medium', action: ['with 14 days to the exam'] },
    ],
    ['first pass not complete', {}, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'second-pass', expected))
})

describe('secondary-after-uworld (last 14 days)', () => {
  const amboss = (date: string) => ({
    daily: [...blocks(), dailyRow(date, { source: 'amboss', questions: 20, newQuestions: 20 })],
  })
  test.each<Case>([
    [
      'AMBOSS 13 days ago, UWorld 49.0%',
      amboss('2027-04-20'),
      {
        priority: 'low',
        action: 'Finish UWorld first (49% done, 2085 left) and add AMBOSS only if time allows after it.',
      },
    ],
    ['AMBOSS 14 days ago', amboss('2027-04-19'), null],
    [
      'UWorld first pass complete',
      { ...amboss('2027-04-20'), qbankUsage: [usage('uworld', '2027-02-01', 4085)] },
      null,
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'secondary-after-uworld', expected))
})

describe('simulation-day (refinement since 2027-05-03, plan week 7)', () => {
  const refinement = { profile: { prepStartDate: '2027-03-22' } }
  test.each<Case>([
    [
      'none logged',
      refinement,
      {
        priority: 'medium',
        action:
          'Do a full-length simulation day this week with 6–8 timed blocks and realistic breaks: none is logged since your refinement phase began on 2027-05-03.',
      },
    ],
    ['one today', { ...refinement, lastSimulationDayOn: TODAY }, null],
    [
      'one the day before the phase began',
      { ...refinement, lastSimulationDayOn: '2027-05-02' },
      { priority: 'medium', action: ['began on 2027-05-03'] },
    ],
    [
      'an activity today',
      { ...refinement, activities: [{ date: TODAY, type: 'simulation_day', minutes: 420 }] },
      null,
    ],
    ['heavy_qbank', {}, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'simulation-day', expected))
})

describe('final-assessment (7–28 days to the exam, none scored in 14 days)', () => {
  const lastScored = (
    takenOn: string,
    examDate = '2027-05-31',
    extra: AnalyticsInput['assessments'] = [],
  ) => ({
    profile: { examDate },
    assessments: [
      assessment('a0', 'nbme-12', '2027-04-05', 238),
      assessment('a1', 'nbme-13', takenOn, 246),
      ...extra,
    ],
  })
  test.each<Case>([
    [
      '28 days, last 14 days ago',
      lastScored('2027-04-19'),
      {
        priority: 'high',
        action:
          'Take UWSA 2 or an NBME under exam conditions by 2027-05-24: your exam is in 28 days and your last scored self-assessment (NBME 13) was 14 days ago.',
      },
    ],
    ['last 13 days ago', lastScored('2027-04-20'), null],
    ['29 days to the exam', lastScored('2027-04-19', '2027-06-01'), null],
    [
      '7 days to the exam',
      lastScored('2027-04-19', '2027-05-10'),
      { priority: 'high', action: ['by 2027-05-03'] },
    ],
    ['6 days to the exam', lastScored('2027-04-19', '2027-05-09'), null],
    [
      'a recent Free 120 does not confirm a score range',
      lastScored('2027-04-19', '2027-05-31', [
        assessment('f', 'free-120', '2027-05-01', null, { percentCorrect: 72 }),
      ]),
      { priority: 'high', action: ['(NBME 13) was 14 days ago'] },
    ],
    [
      'nothing scored yet',
      { profile: { examDate: '2027-05-31' }, assessments: [] },
      { priority: 'high', action: ['you have no scored self-assessment yet.'] },
    ],
  ])('%s', (_n, over, expected) => check(healthy(over), 'final-assessment', expected))
})

describe('below-target-near-exam (target 260, exam 2027-05-31)', () => {
  const near = (latest: number, takenOn = '2027-05-01', profile: InputOverrides['profile'] = {}) => ({
    profile: { targetScore: 260, examDate: '2027-05-31', ...profile },
    assessments: [
      assessment('a0', 'nbme-12', '2027-03-20', 238),
      assessment('a1', 'nbme-13', takenOn, latest),
    ],
  })
  const lead =
    'Consider a short delay if the ERAS timeline allows: your latest score 244 (NBME 13, 2027-05-01) is 16 below your 260 target, and '
  test.each<Case>([
    [
      'no ERAS date',
      near(244),
      {
        priority: 'high',
        action: `${lead}no ERAS submission date is set, so check your application timeline first.`,
        guideSection: 'Weeks 7–9: Refinement and Exam Simulation',
      },
    ],
    [
      // latest exam date 2027-09-01 − 60 = 2027-07-03, 33 days after 2027-05-31
      '33 days of ERAS slack',
      near(244, '2027-05-01', { erasSubmissionDate: '2027-09-01' }),
      {
        priority: 'high',
        action: `${lead}you can move the exam up to 33 days later (to 2027-07-03) before it falls within 60 days of ERAS submission.`,
        evidence: { erasSlackDays: 33 },
      },
    ],
    [
      'no slack',
      near(244, '2027-05-01', { erasSubmissionDate: '2027-07-15' }),
      {
        priority: 'high',
        action: `${lead}the ERAS timeline leaves no slack (the latest exam date for it is 2027-05-16).`,
      },
    ],
    ['255 = 260 − 5', near(255), null],
    [
      '254',
      near(254),
      { priority: 'high', action: ['your latest score 254 (NBME 13, 2027-05-01) is 6 below'] },
    ],
    ['latest 21 days ago', near(244, '2027-04-12'), null],
    ['29 days to the exam', near(244, '2027-05-01', { examDate: '2027-06-01' }), null],
    ['no target', near(200, '2027-05-01', { targetScore: null }), null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'below-target-near-exam', expected))
})

describe('final-weeks-focus and no-new-resources (final phase)', () => {
  test.each<Case>([
    [
      '14 days to go',
      { profile: { examDate: '2027-05-17' } },
      {
        priority: 'high',
        action:
          'Review your UWorld incorrects and marked questions, repeat the key algorithms (ACS, stroke, DVT/PE with IVC filter indications, GI bleeding), keep Anki light, and start no new major resource in the 14 days left.',
      },
    ],
    ['15 days to go', { profile: { examDate: '2027-05-18' } }, null],
  ])('final-weeks-focus: %s', (_n, over, expected) => check(healthy(over), 'final-weeks-focus', expected))

  const withAmboss = (firstUsedOn: string) => ({
    profile: { examDate: '2027-05-17' },
    qbankUsage: [usage('uworld', '2027-04-05', 2000), usage('amboss', firstUsedOn, 100)],
  })
  test.each<Case>([
    [
      'AMBOSS first used 13 days ago',
      withAmboss('2027-04-20'),
      {
        priority: 'medium',
        action:
          'Drop AMBOSS (first used 2027-04-20) and spend the 14 days left on UWorld incorrects and marked questions.',
      },
    ],
    ['AMBOSS first used 14 days ago', withAmboss('2027-04-19'), null],
    [
      'UWorld itself started late is not a new resource',
      { profile: { examDate: '2027-05-17' }, qbankUsage: [usage('uworld', '2027-04-25', 500)] },
      null,
    ],
    [
      'not the final phase',
      { qbankUsage: [usage('uworld', '2027-04-05', 2000), usage('amboss', TODAY, 10)] },
      null,
    ],
  ])('no-new-resources: %s', (_n, over, expected) => check(healthy(over), 'no-new-resources', expected))
})

describe('exam-eve', () => {
  test('the day before the exam: the only recommendation', () => {
    const recs = computeAnalytics(
      healthy({ profile: { examDate: '2027-05-04', erasSubmissionDate: '2027-05-05' } }),
    ).recommendations
    expect(recs).toEqual([
      expect.objectContaining({
        id: 'exam-eve',
        priority: 'high',
        action:
          'Keep today to very light review (a few notes or flashcards), check the route to the test center, prepare your documents, snacks and layers of clothing, and sleep rather than cram before your exam on 2027-05-04.',
        guideSection: 'Final 1–2 Weeks: Polishing and Confidence Building',
      }),
    ])
  })
  test('two days before: not yet', () => {
    check(healthy({ profile: { examDate: '2027-05-05' } }), 'exam-eve', null)
  })
  test('exam day: nothing to do but the exam', () => {
    expect(computeAnalytics(healthy({ profile: { examDate: TODAY } })).recommendations).toEqual([])
  })
})

describe('consistency (study phase, day >= 3)', () => {
  const lastOn = (offset: number) => ({
    daily: blocks(
      {},
      STUDY_OFFSETS.filter((o) => o >= offset),
    ),
    lastLoggedOn: addDays(TODAY, -offset),
  })
  test.each<Case>([
    [
      'last logged 3 days ago',
      lastOn(3),
      {
        priority: 'medium',
        action:
          'Protect a non-negotiable study block (1–2 hours early morning or 2–3 hours late evening) and use breaks for micro-learning: nothing is logged for 3 days, since 2027-04-30.',
        guideSection: 'Challenge 2: Balancing Internship/Work with Step 2 CK Prep',
      },
    ],
    ['last logged 2 days ago', lastOn(2), null],
    [
      'nothing logged on day 3',
      {
        profile: { prepStartDate: addDays(TODAY, -3) },
        daily: [],
        assessments: [],
        lastLoggedOn: null,
        qbankUsage: [],
      },
      { priority: 'medium', action: ['micro-learning: nothing is logged yet on day 3 of prep.'] },
    ],
    [
      'nothing logged on day 2',
      { profile: { prepStartDate: addDays(TODAY, -2) }, daily: [], lastLoggedOn: null, qbankUsage: [] },
      null,
    ],
    [
      'an activity counts as logging',
      { ...lastOn(5), activities: [{ date: TODAY, type: 'anki', minutes: 30 }] },
      null,
    ],
    ['final phase', { ...lastOn(5), profile: { examDate: '2027-05-15' } }, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'consistency', expected))
})

describe('ir-lens', () => {
  test.each<Case>([
    [
      'GI is weak: GI bleeding and portal hypertension',
      { systems: WEAK_SYSTEMS },
      {
        priority: 'low',
        action:
          'Review GI bleeding and Portal hypertension and TIPS with the IR lens: would this patient go to IR, which imaging comes first and why, and which procedure (biopsy, drain, angiography, embolization) could IR offer.',
        guideSection: 'Integrating IR-Relevant Thinking into Your Step 2 CK Prep',
      },
    ],
    [
      'a weak IR topic tag',
      { topics: [{ topic: 'dvt-pe', attempted: 20, correct: 8 }] },
      { priority: 'low', action: ['Review DVT/PE and anticoagulation with the IR lens'] },
    ],
    ['a weak system no IR topic uses', { systems: [WEAK_SYSTEMS[2]!] }, null],
    ['nothing weak', {}, null],
  ])('%s', (_n, over, expected) => check(healthy(over), 'ir-lens', expected))
})

describe('score-below-target (after the exam)', () => {
  test('245 against a 250 target: the only recommendation', () => {
    const recs = computeAnalytics(
      healthy({ profile: { examDate: '2027-04-26', examScore: 245, targetScore: 250 }, daily: [] }),
    ).recommendations
    expect(recs).toEqual([
      expect.objectContaining({
        id: 'score-below-target',
        priority: 'high',
        action:
          'Reassess your targets: your exam score 245 is 5 below your 250 target, so apply to DR and prelim/transitional years alongside IR, strengthen research, USCE and letters, and consider delaying the match attempt a year if the rest of your profile is thin.',
        guideSection: 'If Your Step 2 CK Score is Below Your Target',
      }),
    ])
  })
  test('at the target: nothing', () => {
    const input = healthy({ profile: { examDate: '2027-04-26', examScore: 250, targetScore: 250 } })
    expect(computeAnalytics(input).recommendations).toEqual([])
  })
  test('post_exam without a score: no study-volume nagging', () => {
    const input = healthy({ profile: { examDate: '2027-04-26' }, daily: [], lastLoggedOn: '2027-04-20' })
    expect(computeAnalytics(input).recommendations).toEqual([])
  })
})

describe('ordering', () => {
  test('by priority, then spec order', () => {
    // Day 14 with nothing logged, ERAS too close, and an AMBOSS block: exam-before-eras (high, rule 1),
    // baseline-assessment (high, 3), first-pass-pace (high, 6), daily-volume (medium, 7),
    // timed-random (medium, 10: none of the 10 AMBOSS questions was timed random),
    // consistency (medium, 25), secondary-after-uworld (low, 18).
    const input = makeInput({
      today: TODAY,
      profile: {
        prepStartDate: addDays(TODAY, -14),
        examDate: '2027-07-12',
        erasSubmissionDate: '2027-08-01',
      },
      daily: [dailyRow('2027-04-25', { source: 'amboss', questions: 10, newQuestions: 10 })],
      lastLoggedOn: '2027-04-25',
    })
    const recs = computeAnalytics(input).recommendations
    expect(recs.map((r) => [r.id, r.priority])).toEqual([
      ['exam-before-eras', 'high'],
      ['baseline-assessment', 'high'],
      ['first-pass-pace', 'high'],
      ['daily-volume', 'medium'],
      ['timed-random', 'medium'],
      ['consistency', 'medium'],
      ['secondary-after-uworld', 'low'],
    ])
    // 4085/56 = 72.9 → 73 a day
    expect(recs[2]?.action).toContain('Do 73 new UWorld questions a day')
  })
})
