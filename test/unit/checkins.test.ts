import { describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG as C } from '../../src/modules/analytics/config.js'
import type { PhaseName } from '../../src/modules/analytics/types.js'
import { checkinSummary, weeklyQuestionTarget } from '../../src/modules/checkins/summary.js'
import { isWeekOver, lastCompleteWeek, weekContaining } from '../../src/modules/checkins/weeks.js'
import { assessment, dailyRow, makeInput, usage } from './analytics/fixtures.js'

// The week under test: Monday 2027-04-26 to Sunday 2027-05-02.
const WEEK_START = '2027-04-26'
const WEEK_END = '2027-05-02'
const DAY_BEFORE = '2027-04-25'

describe('a dedicated student’s week, computed by hand', () => {
  // Prep from Monday 2027-04-05: on Sunday 2027-05-02 it is day 27, plan week floor(27/7)+1 = 4 → heavy_qbank.
  const profile = { prepStartDate: '2027-04-05', examDate: '2027-07-15', studyDaysPerWeek: 6 }
  const atEnd = makeInput({
    today: WEEK_END,
    profile,
    qbankUsage: [usage('uworld', '2027-04-05', 1000)],
    daily: [
      // The Sunday before the week: must not count.
      dailyRow('2027-04-25', { questions: 60, correct: 40, newQuestions: 60 }),
      dailyRow('2027-04-26', {
        questions: 40,
        correct: 30,
        newQuestions: 40,
        reviewMinutes: 120,
        questionsWithReviewMinutes: 40,
      }),
      dailyRow('2027-04-28', { questions: 40, correct: 28, newQuestions: 40 }),
      dailyRow('2027-05-01', {
        questions: 40,
        correct: 26,
        newQuestions: 20,
        reviewMinutes: 90,
        questionsWithReviewMinutes: 40,
      }),
    ],
    activities: [
      { date: '2027-04-24', type: 'content_review', minutes: 300 }, // before the week
      { date: '2027-04-27', type: 'explanation_review', minutes: 60 },
      { date: '2027-04-29', type: 'content_review', minutes: 150 },
      { date: '2027-04-30', type: 'video', minutes: 30 },
      { date: '2027-05-02', type: 'content_review', minutes: 90 },
    ],
    assessments: [
      assessment('a1', 'nbme-11', '2027-04-10', 232),
      assessment('a2', 'nbme-12', '2027-04-29', 240),
    ],
    lastLoggedOn: '2027-05-02',
  })
  const before = makeInput({ today: DAY_BEFORE, profile, qbankUsage: [usage('uworld', '2027-04-05', 900)] })
  const s = checkinSummary({ weekStart: WEEK_START, atEnd, before, config: C })

  test('heavy_qbank week 4: target 60–80 a day × 6 study days = 360–480', () => {
    expect(s.phase).toBe('heavy_qbank')
    expect(s.planWeek).toBe(4)
    expect(s.questions.target).toEqual({ min: 360, max: 480 })
    expect(s.questions.targetBasis).toContain('60–80 questions a day')
  })

  test('40 + 40 + 40 questions (100 new, 20 review, 84 correct) → 70.0 %, below target', () => {
    expect(s.questions).toMatchObject({ total: 120, new: 100, review: 20, correct: 84, vsTarget: 'below' })
    expect(s.percentCorrect).toBe(70)
  })

  test('UWorld 900 → 1000 of 4085: 22.0 % → 24.5 %, change 2.5 points, 100 new', () => {
    expect(s.uworld).toEqual({
      percentComplete: 24.5,
      percentCompleteBefore: 22,
      change: 2.5,
      newQuestions: 100,
    })
  })

  test('review 120 + 90 block minutes + 60 explanation_review = 4.5 h against 120 × 3.0–4.5 min = 6.0–9.0 h', () => {
    expect(s.reviewHours).toBe(4.5)
    expect(s.reviewHoursTarget).toEqual({ min: 6, max: 9 })
  })

  test('content review 150 + 90 min = 4.0 h against 4–6 h; the 300 min before the week do not count', () => {
    expect(s.contentReviewHours).toBe(4)
    expect(s.contentReviewHoursTarget).toEqual({ min: 4, max: 6 })
    expect(s.activityHours).toEqual({
      content_review: 4,
      explanation_review: 1,
      anki: 0,
      simulation_day: 0,
      video: 0.5,
    })
  })

  test('seven days with something logged; the NBME of the week listed, the earlier one not', () => {
    expect(s.studyDays).toBe(7)
    expect(s.assessments).toEqual([
      {
        id: 'a2',
        form: 'nbme-12',
        takenAt: '2027-04-29T12:00:00Z',
        takenOn: '2027-04-29',
        score: 240,
        percentCorrect: null,
      },
    ])
    expect(s.trendStatus).toBe('improving')
    expect(s.latestScore).toBe(240)
  })

  test('14.3 new a day cannot finish 3085 questions by exam − 14: behind_pace, and nothing else', () => {
    expect(s.recommendations.map((r) => r.id)).toContain('first-pass-pace')
    expect(s.flags).toEqual(['behind_pace'])
  })
})

describe('an inactive part-time week with a plateau and an overdue assessment', () => {
  const profile = {
    prepStartDate: '2027-01-04',
    examDate: '2027-09-01',
    studyMode: 'part_time' as const,
    studyDaysPerWeek: 5,
  }
  // 230 → 238 → 240 over 28 days: the latest beats the best before it by 2 < 5 → plateau;
  // the last one 28 days before the Sunday → assessment-cadence high.
  const assessments = [
    assessment('p1', 'nbme-10', '2027-03-07', 230),
    assessment('p2', 'nbme-11', '2027-03-21', 238),
    assessment('p3', 'nbme-12', '2027-04-04', 240),
  ]
  const s = checkinSummary({
    weekStart: WEEK_START,
    atEnd: makeInput({ today: WEEK_END, profile, assessments }),
    before: makeInput({ today: DAY_BEFORE, profile, assessments }),
    config: C,
  })

  test('part_time_build: 160–240 a week, 0 done', () => {
    expect(s.phase).toBe('part_time_build')
    expect(s.questions).toMatchObject({ total: 0, target: { min: 160, max: 240 }, vsTarget: 'below' })
    expect(s.percentCorrect).toBeNull()
    expect(s.reviewHoursTarget).toBeNull()
    expect(s.uworld).toEqual({ percentComplete: 0, percentCompleteBefore: 0, change: 0, newQuestions: 0 })
  })

  test('all four flags, in their fixed order', () => {
    expect(s.trendStatus).toBe('plateau')
    expect(s.recommendations.find((r) => r.id === 'assessment-cadence')?.priority).toBe('high')
    expect(s.flags).toEqual(['behind_pace', 'plateau', 'assessment_overdue', 'inactive'])
  })

  test('a self-assessment alone in the week is not inactive', () => {
    const withOne = [...assessments, assessment('p4', 'uwsa-2', '2027-04-30', 241)]
    const t = checkinSummary({
      weekStart: WEEK_START,
      atEnd: makeInput({ today: WEEK_END, profile, assessments: withOne }),
      before: makeInput({ today: DAY_BEFORE, profile, assessments }),
      config: C,
    })
    expect(t.flags).not.toContain('inactive')
    expect(t.assessments.map((a) => a.id)).toEqual(['p4'])
  })
})

test('no self-assessment by day 14 → baseline-assessment → assessment_overdue', () => {
  const profile = { prepStartDate: '2027-04-12', examDate: '2027-07-15' } // day 20 on 05-02
  const s = checkinSummary({
    weekStart: WEEK_START,
    atEnd: makeInput({ today: WEEK_END, profile }),
    before: makeInput({ today: DAY_BEFORE, profile }),
    config: C,
  })
  expect(s.recommendations.map((r) => r.id)).toContain('baseline-assessment')
  expect(s.flags).toContain('assessment_overdue')
})

test('the inputs must be as of the week’s Sunday and the Sunday before', () => {
  const good = { weekStart: WEEK_START, config: C }
  expect(() =>
    checkinSummary({
      ...good,
      atEnd: makeInput({ today: '2027-05-03' }),
      before: makeInput({ today: DAY_BEFORE }),
    }),
  ).toThrow(RangeError)
  expect(() =>
    checkinSummary({
      ...good,
      atEnd: makeInput({ today: WEEK_END }),
      before: makeInput({ today: WEEK_START }),
    }),
  ).toThrow(RangeError)
})

describe('weekly question target by phase', () => {
  test.each<[PhaseName, number, { min: number; max: number } | null]>([
    ['foundation', 6, { min: 240, max: 360 }],
    ['heavy_qbank', 5, { min: 300, max: 400 }],
    ['refinement', 7, { min: 280, max: 420 }],
    ['part_time_build', 3, { min: 160, max: 240 }],
    ['final', 6, { min: 0, max: 480 }],
    ['exam_eve', 6, { min: 0, max: 480 }],
    ['exam_day', 4, { min: 0, max: 320 }],
    ['not_started', 6, null],
    ['post_exam', 6, null],
  ])('%s with %i study days → %o', (phase, days, want) => {
    expect(weeklyQuestionTarget(phase, days, C).target).toEqual(want)
  })
})

describe('weeks', () => {
  test.each([
    ['2026-11-30', '2026-11-30', '2026-12-06'], // a Monday
    ['2026-12-02', '2026-11-30', '2026-12-06'],
    ['2026-11-29', '2026-11-23', '2026-11-29'], // a Sunday belongs to the week before
    ['2027-01-01', '2026-12-28', '2027-01-03'], // across a year
  ])('the week containing %s is %s – %s', (date, weekStart, weekEnd) => {
    expect(weekContaining(date)).toEqual({ weekStart, weekEnd })
  })

  // Worked out by hand: Monday 00:00 local is Sunday 11:00Z in Auckland (NZDT, UTC+13), Monday 08:00Z in
  // Los Angeles (PST, UTC−8), Sunday 18:30Z in Kolkata (UTC+5:30), Monday 11:00Z in Pago Pago (UTC−11),
  // Sunday 10:00Z in Kiritimati (UTC+14); Berlin springs forward on Sunday 2026-03-29 (Monday 00:00 CEST =
  // Sunday 22:00Z) and New York falls back on Sunday 2026-11-01 (Monday 00:00 EST = 05:00Z).
  const previous = { weekStart: '2026-11-16', weekEnd: '2026-11-22' }
  const last = { weekStart: '2026-11-23', weekEnd: '2026-11-29' }
  test.each([
    ['Pacific/Auckland', '2026-11-29T10:59:59Z', previous], // Sunday 23:59:59
    ['Pacific/Auckland', '2026-11-29T11:00:00Z', last], // Monday 00:00
    ['Pacific/Auckland', '2026-11-30T10:00:00Z', last], // Monday 23:00
    ['America/Los_Angeles', '2026-11-29T11:00:00Z', previous], // Sunday 03:00
    ['America/Los_Angeles', '2026-11-30T07:59:59Z', previous], // Sunday 23:59:59
    ['America/Los_Angeles', '2026-11-30T08:00:00Z', last], // Monday 00:00
    ['America/Los_Angeles', '2026-11-30T10:00:00Z', last], // Monday 02:00
    ['Asia/Kolkata', '2026-11-29T18:29:59Z', previous],
    ['Asia/Kolkata', '2026-11-29T18:30:00Z', last],
    ['Pacific/Pago_Pago', '2026-11-30T10:00:00Z', previous], // still Sunday 23:00
    ['Pacific/Pago_Pago', '2026-11-30T11:00:00Z', last],
    ['Pacific/Kiritimati', '2026-11-29T10:00:00Z', last], // Monday 00:00 already
    ['Pacific/Kiritimati', '2026-11-30T10:00:00Z', last], // Tuesday 00:00: still the same last week
    ['UTC', '2026-11-29T23:59:59Z', previous],
    ['UTC', '2026-11-30T00:00:00Z', last],
    ['Europe/Berlin', '2026-03-29T21:59:59Z', { weekStart: '2026-03-16', weekEnd: '2026-03-22' }],
    ['Europe/Berlin', '2026-03-29T22:00:00Z', { weekStart: '2026-03-23', weekEnd: '2026-03-29' }],
    ['America/New_York', '2026-11-02T04:59:59Z', { weekStart: '2026-10-19', weekEnd: '2026-10-25' }],
    ['America/New_York', '2026-11-02T05:00:00Z', { weekStart: '2026-10-26', weekEnd: '2026-11-01' }],
  ])('in %s at %s the last complete week is %o', (tz, at, week) => {
    expect(lastCompleteWeek(tz, new Date(at))).toEqual(week)
  })

  test('at 2026-11-30T10:00Z the week of 2026-11-23 is over in Auckland and Los Angeles, not in Pago Pago', () => {
    const now = new Date('2026-11-30T10:00:00Z')
    expect(isWeekOver(last, 'Pacific/Auckland', now)).toBe(true)
    expect(isWeekOver(last, 'America/Los_Angeles', now)).toBe(true)
    expect(isWeekOver(last, 'Pacific/Pago_Pago', now)).toBe(false)
  })
})
