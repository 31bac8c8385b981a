import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  computeAnalytics,
  DEFAULT_ANALYTICS_CONFIG,
  mergeAnalyticsConfig,
  RULE_IDS,
  RULE_METADATA,
  RULES,
  type AnalyticsInput,
  type AnalyticsResult,
} from '../../../src/modules/analytics/index.js'
import { addDays } from '../../../src/modules/analytics/dates.js'
import { makeInput, REFERENCE } from './fixtures.js'

describe('a new student', () => {
  test('no data at all: zeros and insufficient_data, no recommendations, no error', () => {
    const r = computeAnalytics(makeInput())
    expect(r.asOf).toBe('2027-05-03')
    expect(r.phase).toMatchObject({ name: 'not_started', planWeek: null, daysToExam: null })
    expect(r.qbanks).toEqual([
      expect.objectContaining({ source: 'uworld', uniqueUsed: 0, percentComplete: 0, pace7: 0, pace14: 0 }),
    ])
    expect(r.systems.every((s) => s.attempted === 0 && !s.weak)).toBe(true)
    expect(r.weakSystems).toEqual([])
    expect(r.lowestSystems).toEqual([])
    expect(r.trend).toMatchObject({
      status: 'insufficient_data',
      scores: [],
      latest: null,
      projectedAtExam: null,
    })
    expect(r.readiness).toMatchObject({ status: 'insufficient_data', estimate: null })
    expect(r.volume.last7).toMatchObject({ questions: 0, questionsPerStudyDay: 0, timedRandomShare: null })
    expect(r.recommendations).toEqual([])
  })

  test('a plan starting today: only the pace the first pass needs', () => {
    const r = computeAnalytics(
      makeInput({ profile: { prepStartDate: '2027-05-03', examDate: '2027-07-12' } }),
    )
    expect(r.phase).toMatchObject({ name: 'foundation', planWeek: 1, day: 0, daysToExam: 70 })
    // pace7 = 0 fires first-pass-pace from day 0: 4085 / 56 days to 2027-06-28 = 72.9 → 73
    expect(r.recommendations.map((x) => x.id)).toEqual(['first-pass-pace'])
    expect(r.recommendations[0]?.action).toContain('Do 73 new UWorld questions a day')
  })

  test('a plan too short and too close to ERAS: the plan rules', () => {
    const r = computeAnalytics(
      makeInput({
        profile: { prepStartDate: '2027-05-03', examDate: '2027-06-01', erasSubmissionDate: '2027-07-01' },
      }),
    )
    expect(r.recommendations.map((x) => x.id)).toEqual([
      'exam-before-eras',
      'first-pass-pace',
      'plan-too-short',
    ])
  })

  test('before prep starts: only the plan rules can speak', () => {
    const r = computeAnalytics(
      makeInput({ profile: { prepStartDate: '2027-05-10', examDate: '2027-06-01' } }),
    )
    expect(r.phase.name).toBe('not_started')
    expect(r.recommendations.map((x) => x.id)).toEqual(['plan-too-short'])
  })

  test('two weeks in with nothing logged: the baseline rule is high', () => {
    const r = computeAnalytics(
      makeInput({ profile: { prepStartDate: '2027-04-19', examDate: '2027-07-12' } }),
    )
    expect(r.recommendations.find((x) => x.id === 'baseline-assessment')?.priority).toBe('high')
  })
})

describe('rule metadata', () => {
  test('27 rules in spec order, metadata and functions aligned', () => {
    expect(RULE_IDS).toHaveLength(27)
    expect(RULE_METADATA.map((m) => m.id)).toEqual([...RULE_IDS])
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS])
    for (const m of RULE_METADATA) {
      expect(m.priorities.length).toBeGreaterThan(0)
      expect(m.guideSections.length).toBeGreaterThan(0)
      expect(m.when.length).toBeGreaterThan(5)
    }
  })
})

describe('config', () => {
  test('defaults are frozen, deeply', () => {
    expect(Object.isFrozen(DEFAULT_ANALYTICS_CONFIG)).toBe(true)
    expect(Object.isFrozen(DEFAULT_ANALYTICS_CONFIG.trend)).toBe(true)
    expect(Object.isFrozen(DEFAULT_ANALYTICS_CONFIG.readiness.weights)).toBe(true)
  })
  test('overrides merge key by key and leave the defaults alone', () => {
    const c = mergeAnalyticsConfig({
      trend: { plateauPoints: 3 },
      rules: { minPlanDays: { part_time: 120 } },
    })
    expect(c.trend).toEqual({ ...DEFAULT_ANALYTICS_CONFIG.trend, plateauPoints: 3 })
    expect(c.rules.minPlanDays).toEqual({ dedicated: 42, part_time: 120 })
    expect(DEFAULT_ANALYTICS_CONFIG.trend.plateauPoints).toBe(5)
    expect(Object.isFrozen(c.rules.minPlanDays)).toBe(true)
  })
  test('an override changes what fires: the minimum plan length', () => {
    // not started yet (prep from 2027-05-10), 46 days of plan: enough for 42, not for 56
    const input = makeInput({ profile: { prepStartDate: '2027-05-10', examDate: '2027-06-25' } })
    expect(computeAnalytics(input).recommendations.map((r) => r.id)).toEqual([])
    const c = mergeAnalyticsConfig({ rules: { minPlanDays: { dedicated: 56 } } })
    expect(computeAnalytics(input, c).recommendations.map((r) => r.id)).toEqual(['plan-too-short'])
  })
  test('nonsense is refused', () => {
    expect(() => mergeAnalyticsConfig({ readiness: { weights: [] } })).toThrow(RangeError)
  })
})

// ---------------------------------------------------------------- property tests

const FORMS = ['nbme-10', 'nbme-13', 'uwsa-1', 'uwsa-2', 'amboss-sa', 'free-120', 'other']
const ACTIVITY_TYPES = ['content_review', 'explanation_review', 'anki', 'simulation_day', 'video'] as const
const BASE_DAY = '2026-01-01'

const date = (min: number, max: number) => fc.integer({ min, max })
const count = (max: number) => fc.integer({ min: 0, max })
/** [attempted, correct] with correct <= attempted. */
const tally = (max: number) =>
  count(max).chain((attempted) => count(attempted).map((correct) => [attempted, correct] as const))

const inputArb: fc.Arbitrary<AnalyticsInput> = fc
  .record({
    todayOffset: date(0, 1500), // 2026-01-01 … early 2030, across leap day 2028-02-29
    prep: fc.option(date(-400, 200)),
    exam: fc.option(date(-60, 400)),
    eras: fc.option(date(-60, 500)),
    targetScore: fc.option(fc.integer({ min: 200, max: 280 })),
    studyMode: fc.constantFrom('dedicated' as const, 'part_time' as const),
    studyDaysPerWeek: fc.integer({ min: 1, max: 7 }),
    examScore: fc.option(fc.integer({ min: 1, max: 300 })),
    uworldTotal: fc.option(fc.integer({ min: 1, max: 5000 })),
    ambossTotal: fc.option(fc.integer({ min: 1, max: 3000 })),
    usage: fc.array(
      fc.record({
        source: fc.constantFrom('uworld', 'amboss', 'other-bank'),
        first: date(-500, 0),
        fp: tally(6000),
        extraNew: count(100),
        review: count(3000),
      }),
      { maxLength: 3 },
    ),
    daily: fc.array(
      fc.record({
        offset: date(-40, 2), // some outside the window, some in the future
        source: fc.constantFrom('uworld', 'amboss'),
        qc: tally(200),
        newShare: fc.double({ min: 0, max: 1, noNaN: true }),
        timedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        review: fc.option(count(900)),
        m: fc.tuple(count(50), count(50), count(50)),
      }),
      { maxLength: 40 },
    ),
    systems: fc.array(
      fc.record({ i: fc.integer({ min: 0, max: 22 }), all: tally(800), recent: tally(200) }),
      { maxLength: 25 },
    ),
    subjects: fc.array(fc.record({ i: fc.integer({ min: 0, max: 5 }), all: tally(2000) }), { maxLength: 6 }),
    overall: tally(5000),
    assessments: fc.array(
      fc.record({
        offset: date(-200, 3),
        minutes: fc.integer({ min: 0, max: 1439 }),
        form: fc.constantFrom(...FORMS),
        score: fc.option(fc.integer({ min: 1, max: 300 })),
        pc: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
        breakdown: fc.option(
          fc.array(
            fc.record({
              system: fc.constantFrom('cardiovascular', 'renal', 'renal-reproductive', 'nervous'),
              pc: fc.double({ min: 0, max: 100, noNaN: true }),
            }),
            { maxLength: 4 },
          ),
        ),
      }),
      { maxLength: 7 },
    ),
    activities: fc.array(
      fc.record({ offset: date(-30, 1), type: fc.constantFrom(...ACTIVITY_TYPES), minutes: count(600) }),
      { maxLength: 10 },
    ),
    lastSim: fc.option(date(-300, 2)),
    lastLogged: fc.option(date(-300, 2)),
    topics: fc.array(fc.record({ i: fc.integer({ min: 0, max: 6 }), t: tally(300) }), { maxLength: 6 }),
  })
  .map((r): AnalyticsInput => {
    const today = addDays(BASE_DAY, r.todayOffset)
    const at = (offset: number) => addDays(today, offset)
    const sys = REFERENCE.systems.map((s) => s.slug).concat('unknown-system')
    const subj = REFERENCE.subjects.map((s) => s.slug).concat('emergency-medicine')
    const topics = REFERENCE.irTopics.map((t) => t.slug).concat('stroke', 'acs')
    return {
      today,
      profile: {
        prepStartDate: r.prep === null ? null : at(r.prep),
        examDate: r.exam === null ? null : at(r.exam),
        erasSubmissionDate: r.eras === null ? null : at(r.eras),
        targetScore: r.targetScore,
        studyMode: r.studyMode,
        studyDaysPerWeek: r.studyDaysPerWeek,
        examScore: r.examScore,
      },
      qbankTotals: [
        { source: 'uworld', totalQuestions: r.uworldTotal ?? 4085 },
        { source: 'amboss', totalQuestions: r.ambossTotal },
      ],
      qbankUsage: r.usage.map((u) => ({
        source: u.source,
        firstUsedOn: at(u.first),
        newQuestions: u.fp[0] + u.extraNew,
        firstPassQuestions: u.fp[0],
        firstPassCorrect: u.fp[1],
        reviewQuestions: u.review,
      })),
      daily: r.daily.map((d) => {
        const [questions, correct] = d.qc
        const wrong = questions - correct
        const [k, m, t] = d.m.map((x) => Math.min(x, wrong)) as [number, number, number]
        const knowledge = Math.min(k, wrong)
        const misread = Math.min(m, wrong - knowledge)
        return {
          date: at(d.offset),
          source: d.source,
          questions,
          correct,
          newQuestions: Math.floor(questions * d.newShare),
          timedRandomQuestions: Math.floor(questions * d.timedShare),
          reviewMinutes: d.review,
          questionsWithReviewMinutes: d.review === null ? 0 : questions,
          mistakesKnowledge: knowledge,
          mistakesMisread: misread,
          mistakesTiming: Math.min(t, wrong - knowledge - misread),
        }
      }),
      systems: r.systems.map((s) => ({
        system: sys[s.i] ?? 'renal',
        attempted: s.all[0],
        correct: s.all[1],
        attempted28: s.recent[0],
        correct28: s.recent[1],
      })),
      subjects: r.subjects.map((s) => ({
        subject: subj[s.i] ?? 'medicine',
        attempted: s.all[0],
        correct: s.all[1],
        attempted28: 0,
        correct28: 0,
      })),
      overall: { attempted: r.overall[0], correct: r.overall[1] },
      assessments: r.assessments.map((a, i) => {
        const takenOn = at(a.offset)
        const hh = String(Math.floor(a.minutes / 60)).padStart(2, '0')
        const mm = String(a.minutes % 60).padStart(2, '0')
        return {
          id: `a${i}`,
          form: a.form,
          takenAt: `${takenOn}T${hh}:${mm}:00Z`,
          takenOn,
          score: a.form === 'free-120' ? null : a.score,
          percentCorrect: a.pc,
          systems: a.breakdown?.map((b) => ({ system: b.system, percentCorrect: b.pc })) ?? null,
        }
      }),
      activities: r.activities.map((a) => ({ date: at(a.offset), type: a.type, minutes: a.minutes })),
      lastSimulationDayOn: r.lastSim === null ? null : at(r.lastSim),
      lastLoggedOn: r.lastLogged === null ? null : at(r.lastLogged),
      topics: r.topics.map((t) => ({ topic: topics[t.i] ?? 'dvt-pe', attempted: t.t[0], correct: t.t[1] })),
      reference: REFERENCE,
    }
  })

const PERCENT_KEYS =
  /^(percent|percent28|percentComplete|percentCorrect|wilsonUpper|timedRandomShare|uworldPercentComplete)$/

/** Every numeric field whose name says it is a percentage, anywhere in the response. */
function percentages(value: unknown, key = ''): number[] {
  if (typeof value === 'number') return PERCENT_KEYS.test(key) ? [value] : []
  if (Array.isArray(value)) return value.flatMap((v) => percentages(v, key))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => percentages(v, k))
  return []
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value)
  if (Array.isArray(value)) return value.some(hasNonFinite)
  if (value && typeof value === 'object') return Object.values(value).some(hasNonFinite)
  return false
}

const RANK = { high: 0, medium: 1, low: 2 }
const META = new Map(RULE_METADATA.map((m) => [m.id, m]))

describe('properties (fast-check, fixed seed)', () => {
  const params = { seed: 20270503, numRuns: 400 }

  test('never throws; percentages 0–100, probabilities 0–1, every number finite', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r: AnalyticsResult = computeAnalytics(input)
        for (const p of percentages(r)) expect(p >= 0 && p <= 100, `percentage ${p}`).toBe(true)
        for (const p of [r.readiness.passProbability, r.readiness.targetProbability]) {
          if (p !== null) expect(p >= 0 && p <= 1).toBe(true)
        }
        expect(hasNonFinite(r)).toBe(false)
        expect(JSON.parse(JSON.stringify(r))).toEqual(r)
      }),
      params,
    )
  })

  test('same input → deep-equal output (and the input is not mutated)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input)
        const a = computeAnalytics(input)
        expect(input).toEqual(copy)
        expect(computeAnalytics(copy)).toEqual(a)
      }),
      params,
    )
  })

  test('recommendations: sorted, known ids once each, priorities and sections as documented', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const recs = computeAnalytics(input).recommendations
        const ids = recs.map((r) => r.id)
        expect(new Set(ids).size).toBe(ids.length)
        for (let i = 1; i < recs.length; i++) {
          const [a, b] = [recs[i - 1]!, recs[i]!]
          const order = RANK[a.priority] - RANK[b.priority] || RULE_IDS.indexOf(a.id) - RULE_IDS.indexOf(b.id)
          expect(order).toBeLessThan(0)
        }
        for (const r of recs) {
          const meta = META.get(r.id)
          expect(meta?.priorities).toContain(r.priority)
          expect(meta?.guideSections).toContain(r.guideSection)
          expect(r.action).toMatch(/^[A-Z].*\.$/)
          expect(r.action).not.toMatch(/undefined|NaN|null/)
        }
      }),
      params,
    )
  })

  test('post_exam never nags about volume', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeAnalytics(input)
        if (r.phase.name !== 'post_exam') return
        expect(r.recommendations.every((x) => x.id === 'score-below-target')).toBe(true)
      }),
      params,
    )
  })
})
