import { describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG as C } from '../../../src/modules/analytics/config.js'
import { computeFigures } from '../../../src/modules/analytics/engine.js'
import { isWeak, phaseName } from '../../../src/modules/analytics/figures.js'
import { assessment, dailyRow, makeInput, usage } from './fixtures.js'

describe('phase (first match wins)', () => {
  // Dedicated plan from Monday 2027-03-01; "day N" = today − prepStartDate, so day 0 is the start date.
  test.each([
    ['before the start', '2027-02-28', 'not_started', null, null],
    ['day 0', '2027-03-01', 'foundation', 1, 0],
    ['day 13, last foundation day', '2027-03-14', 'foundation', 2, 13],
    ['day 14, first heavy day', '2027-03-15', 'heavy_qbank', 3, 14],
    ['day 41, last heavy day', '2027-04-11', 'heavy_qbank', 6, 41],
    ['day 42, first refinement day', '2027-04-12', 'refinement', 7, 42],
    ['15 days to the exam', '2027-05-30', 'refinement', 13, 90], // floor(90/7) + 1 = 13
    ['14 days to the exam', '2027-05-31', 'final', 14, 91], // floor(91/7) + 1 = 14
    ['2 days to the exam', '2027-06-12', 'final', 15, 103],
    ['1 day to the exam', '2027-06-13', 'exam_eve', 15, 104],
    ['exam day', '2027-06-14', 'exam_day', 16, 105],
    ['the day after', '2027-06-15', 'post_exam', 16, 106],
  ])('%s (%s) → %s, plan week %s, day %s', (_n, today, phase, planWeek, day) => {
    const f = computeFigures(
      makeInput({ today, profile: { prepStartDate: '2027-03-01', examDate: '2027-06-14' } }),
    )
    expect(f.phase.name).toBe(phase)
    expect(f.phase.planWeek).toBe(planWeek)
    expect(f.phase.day).toBe(day)
  })

  test.each([
    // part-time plan from 2027-01-04, exam 2027-06-14: build while more than 42 days are left
    ['part_time', '2027-01-04', '2027-06-14', '2027-05-02', 'part_time_build'], // 43 days left
    ['part_time', '2027-01-04', '2027-06-14', '2027-05-03', 'refinement'], // 42 left, plan week 18
    ['part_time', '2027-01-04', null, '2027-05-03', 'part_time_build'], // no exam date: far from it
    ['part_time', '2027-05-01', '2027-06-05', '2027-05-03', 'foundation'], // 33 left, plan week 1
    ['part_time', '2027-06-05', '2027-06-14', '2027-06-01', 'final'], // final outranks not_started
    ['dedicated', null, null, '2027-05-03', 'not_started'],
    ['dedicated', null, '2027-05-02', '2027-05-03', 'post_exam'],
  ] as const)('%s, prep %s, exam %s, today %s → %s', (studyMode, prepStartDate, examDate, today, phase) => {
    expect(phaseName({ today, prepStartDate, examDate, studyMode, c: C })).toBe(phase)
  })

  test('phase start dates: refinement at plan week 7, or when a part-time build ends', () => {
    const dedicated = computeFigures(
      makeInput({ today: '2027-05-03', profile: { prepStartDate: '2027-03-01', examDate: '2027-06-14' } }),
    )
    expect(dedicated.phase.startedOn).toBe('2027-04-12') // 2027-03-01 + 42
    const partTime = computeFigures(
      makeInput({
        today: '2027-05-03',
        profile: { prepStartDate: '2027-01-04', examDate: '2027-06-14', studyMode: 'part_time' },
      }),
    )
    expect(partTime.phase.startedOn).toBe('2027-05-03') // max(2027-02-15, 2027-06-14 − 42)
    const final = computeFigures(
      makeInput({ today: '2027-06-01', profile: { prepStartDate: '2027-03-01', examDate: '2027-06-14' } }),
    )
    expect(final.phase.startedOn).toBe('2027-05-31')
  })

  test('without a prep start date, plan weeks count from the first Qbank day', () => {
    const f = computeFigures(makeInput({ qbankUsage: [usage('uworld', '2027-04-19', 300)] }))
    expect(f.plan).toMatchObject({ prepStartDate: '2027-04-19', prepStartInferred: true })
    expect(f.phase).toMatchObject({ name: 'heavy_qbank', planWeek: 3, day: 14 })
  })
})

describe('Qbank completion', () => {
  test.each([
    [0, 0, false, 4085],
    [1000, 24.5, false, 3085], // 100·1000/4085 = 24.4798 → 24.5
    [2042, 50, false, 2043], // 49.9878 → 50.0
    [4084, 100, false, 1], // 99.9755 rounds to 100.0, yet one question is left
    [4085, 100, true, 0],
    [5000, 100, true, 0], // capped at 100
  ])('%i of 4085 used → %f percent, complete: %s, left: %i', (used, pct, complete, remaining) => {
    const f = computeFigures(makeInput({ qbankUsage: [usage('uworld', '2027-03-01', used)] }))
    expect(f.qbanks[0]).toMatchObject({
      source: 'uworld',
      uniqueUsed: used,
      percentComplete: pct,
      firstPassComplete: complete,
      remaining,
    })
  })

  test('a student-set bank size; a source without one has no percentage', () => {
    const f = computeFigures(
      makeInput({
        qbankTotals: [
          { source: 'uworld', totalQuestions: 3 },
          { source: 'amboss', totalQuestions: null },
        ],
        qbankUsage: [usage('uworld', '2027-03-01', 1), usage('amboss', '2027-03-01', 10)],
      }),
    )
    expect(f.qbanks.map((q) => [q.source, q.percentComplete, q.remaining])).toEqual([
      ['uworld', 33.3, 2],
      ['amboss', null, null],
    ])
  })

  test('uworld is always present, with the default 4085 when the loader sends no size', () => {
    const f = computeFigures(makeInput({ qbankTotals: [] }))
    expect(f.qbanks).toHaveLength(1)
    expect(f.qbanks[0]).toMatchObject({ source: 'uworld', totalQuestions: 4085 })
  })

  test('second-pass coverage: 150 reviewed / (1000 − 600) incorrect = 0.375', () => {
    const f = computeFigures(
      makeInput({
        qbankUsage: [
          usage('uworld', '2027-03-01', 1000, {
            firstPassQuestions: 1000,
            firstPassCorrect: 600,
            reviewQuestions: 150,
          }),
        ],
      }),
    )
    expect(f.qbanks[0]).toMatchObject({ firstPassIncorrect: 400, reviewed: 150, secondPassCoverage: 0.375 })
  })
  test('no first-pass incorrects → coverage 0', () => {
    const f = computeFigures(
      makeInput({
        qbankUsage: [usage('uworld', '2027-03-01', 10, { firstPassCorrect: 10, reviewQuestions: 5 })],
      }),
    )
    expect(f.qbanks[0]?.secondPassCoverage).toBe(0)
  })
})

describe('pace and projection (today 2027-05-03)', () => {
  // New UWorld questions: 60 on each of 05-01..05-03 (in both windows), 70 on 04-22 (11 days ago: 14-day
  // window only), 100 on 04-19 (14 days ago: outside both), 50 AMBOSS today (another source).
  const daily = [
    dailyRow('2027-05-01', { questions: 60, newQuestions: 60 }),
    dailyRow('2027-05-02', { questions: 60, newQuestions: 60 }),
    dailyRow('2027-05-03', { questions: 60, newQuestions: 60 }),
    dailyRow('2027-04-22', { questions: 70, newQuestions: 70 }),
    dailyRow('2027-04-19', { questions: 100, newQuestions: 100 }),
    dailyRow('2027-05-03', { source: 'amboss', questions: 50, newQuestions: 50 }),
  ]
  const figures = (used: number, examDate: string | null) =>
    computeFigures(
      makeInput({ daily, qbankUsage: [usage('uworld', '2027-03-01', used)], profile: { examDate } }),
    )

  test('pace7 = 180/7 = 25.7, pace14 = 250/14 = 17.9', () => {
    const q = figures(3000, '2027-06-14').qbanks[0]
    expect(q).toMatchObject({ pace7: 25.7, pace14: 17.9, questions7: 180, questions14: 250 })
  })

  test.each([
    // remaining 1085: 1085 / (180/7) = 42.19 → 43 days → 2027-06-15; target 2027-05-31 is 28 days away:
    // 1085/28 = 38.75 → 39
    [3000, '2027-06-14', '2027-06-15', 39, '2027-05-31'],
    [3005, '2027-06-14', '2027-06-14', 39, '2027-05-31'], // 1080·7/180 = 42 days exactly; 1080/28 = 38.57 → 39
    [2965, '2027-06-14', '2027-06-16', 40, '2027-05-31'], // 1120·7/180 = 43.56 → 44 days; 1120/28 = 40 exactly
    // exam 2027-05-17: the target is today, max(1, 0) = 1 → all 1085 today
    [3000, '2027-05-17', '2027-06-15', 1085, '2027-05-03'],
    // exam 2027-05-10: the target passed a week ago, max(1, −7) = 1
    [3000, '2027-05-10', '2027-06-15', 1085, '2027-04-26'],
    [3000, null, '2027-06-15', null, null], // no exam date, no required pace
    [4085, '2027-06-14', null, 0, '2027-05-31'], // complete: nothing to project, nothing required
  ])('%i used, exam %s → projected %s, required %s a day', (used, exam, projected, required, target) => {
    expect(figures(used, exam).qbanks[0]).toMatchObject({
      projectedFirstPassDate: projected,
      requiredDailyPace: required,
      firstPassTargetDate: target,
    })
  })

  test('pace7 = 0 → no projected date', () => {
    const f = computeFigures(makeInput({ qbankUsage: [usage('uworld', '2027-03-01', 100)] }))
    expect(f.qbanks[0]).toMatchObject({ pace7: 0, projectedFirstPassDate: null })
  })
})

describe('volume windows', () => {
  const input = makeInput({
    profile: { studyDaysPerWeek: 6 },
    daily: [
      // last 7 days: 210 questions, 90 timed random; review minutes on 100 of them
      dailyRow('2027-05-03', {
        questions: 100,
        correct: 70,
        newQuestions: 80,
        timedRandomQuestions: 40,
        reviewMinutes: 250,
        questionsWithReviewMinutes: 100,
        mistakesKnowledge: 10,
      }),
      dailyRow('2027-04-29', {
        questions: 110,
        correct: 60,
        newQuestions: 110,
        timedRandomQuestions: 50,
        mistakesMisread: 5,
      }),
      // days 8–14 back: 90 more
      dailyRow('2027-04-22', {
        questions: 90,
        correct: 50,
        newQuestions: 0,
        timedRandomQuestions: 90,
        reviewMinutes: 90,
        questionsWithReviewMinutes: 45,
      }),
      // 15+ days back: ignored by both windows
      dailyRow('2027-04-18', { questions: 500, correct: 500 }),
    ],
    activities: [
      { date: '2027-05-02', type: 'content_review', minutes: 120 },
      { date: '2027-04-25', type: 'anki', minutes: 30 },
    ],
  })
  const v = computeFigures(input).volume

  test('last 7 days', () => {
    expect(v.last7).toMatchObject({
      from: '2027-04-27',
      to: '2027-05-03',
      questions: 210,
      newQuestions: 190,
      reviewQuestions: 20,
      percentCorrect: 61.9, // 130/210
      studyDays: 3, // two block days and one content-review day
      questionsPerStudyDay: 35, // 210 / 6
      timedRandomShare: 42.9, // 90/210
      reviewMinutesPerQuestion: 2.5, // 250 min / 100 questions with review logged
      mistakes: { knowledge: 10, misread: 5, timing: 0, total: 15 },
    })
    expect(v.last7.activityMinutes.content_review).toBe(120)
  })
  test('last 14 days', () => {
    expect(v.last14).toMatchObject({
      from: '2027-04-20',
      questions: 300,
      questionsPerStudyDay: 25, // 300 / (2 × 6)
      timedRandomShare: 60, // 180/300
      reviewMinutesPerQuestion: 2.34, // (250 + 90) / (100 + 45) = 2.3448
      studyDays: 5,
    })
  })
  test('the last three days, oldest first', () => {
    expect(v.lastDays).toEqual([
      { date: '2027-05-01', questions: 0 },
      { date: '2027-05-02', questions: 0 },
      { date: '2027-05-03', questions: 100 },
    ])
  })
})

describe('systems: weak test, ranking, lowest', () => {
  // Overall 600/1000 = 60%. 90% Wilson upper bounds: GI 20/50 → 51.6, nervous 50/100 → 58.1,
  // renal 8/20 → 58.1, psychiatry 55/100 → 62.9 (not below 60), cardiovascular 5/19 (under 20 attempts).
  const input = makeInput({
    overall: { attempted: 1000, correct: 600 },
    systems: [
      { system: 'gastrointestinal', attempted: 50, correct: 20, attempted28: 30, correct28: 15 },
      { system: 'nervous', attempted: 100, correct: 50, attempted28: 0, correct28: 0 },
      { system: 'renal', attempted: 20, correct: 8, attempted28: 20, correct28: 8 },
      { system: 'psychiatry', attempted: 100, correct: 55, attempted28: 10, correct28: 5 },
      { system: 'cardiovascular', attempted: 19, correct: 5, attempted28: 19, correct28: 5 },
      { system: 'pulmonary', attempted: 10, correct: 3, attempted28: 10, correct28: 3 },
      { system: 'ent', attempted: 9, correct: 1, attempted28: 9, correct28: 1 },
    ],
  })
  const f = computeFigures(input)

  test('every reference system is listed, in reference order, with 28-day figures', () => {
    expect(f.systems).toHaveLength(22)
    expect(f.systems.find((s) => s.system === 'gastrointestinal')).toMatchObject({
      name: 'Gastrointestinal & Nutrition',
      outlineSystem: 'gastrointestinal',
      examWeight: 0.0896, // 366/4085
      percent: 40,
      wilsonUpper: 51.6,
      weak: true,
      percent28: 50,
    })
    expect(f.systems.find((s) => s.system === 'allergy-immunology')).toMatchObject({
      attempted: 0,
      percent: null,
      weak: false,
    })
  })

  test('weak systems ranked by gap × exam weight, not by gap alone', () => {
    // GI: 20 × 366/4085 = 1.792; nervous: 10 × 402/4085 = 0.984; renal: 20 × 199/4085 = 0.974
    expect(f.weakSystems.map((w) => [w.system, w.gap, w.priorityScore])).toEqual([
      ['gastrointestinal', 20, 1.792],
      ['nervous', 10, 0.984],
      ['renal', 20, 0.974],
    ])
    expect(f.systems.filter((s) => s.weak).map((s) => s.system)).toEqual([
      'gastrointestinal',
      'nervous',
      'renal',
    ])
  })

  test('lowest three with at least 10 attempts, weak or not (ties by slug)', () => {
    // cardiovascular 26.3%, pulmonary 30%, then GI and renal at 40% → gastrointestinal first; ent has 9
    expect(f.lowestSystems).toEqual([
      { system: 'cardiovascular', name: 'Cardiovascular System', attempted: 19, percent: 26.3 },
      { system: 'pulmonary', name: 'Pulmonary & Critical Care', attempted: 10, percent: 30 },
      { system: 'gastrointestinal', name: 'Gastrointestinal & Nutrition', attempted: 50, percent: 40 },
    ])
  })

  test.each([
    // 8/20: upper bound 0.581444
    [8, 20, 5815, true], // overall 58.15% > 58.1444%
    [8, 20, 5814, false], // overall 58.14% < 58.1444%
    [7, 19, 9000, false], // 19 attempts: never tested, however low
    [0, 20, 1200, true], // upper 0.119158 < 0.12
    [0, 20, 1191, false], // upper 0.119158 > 0.1191
  ])('%i/%i against overall %i/10000 → weak: %s', (correct, attempted, overallCorrect, weak) => {
    expect(isWeak({ attempted, correct }, overallCorrect / 10000, C)).toBe(weak)
  })

  test('no overall attempts → nothing is weak', () => {
    expect(isWeak({ attempted: 100, correct: 0 }, null, C)).toBe(false)
  })
})

describe('subjects: same test, ranked by gap alone', () => {
  const f = computeFigures(
    makeInput({
      overall: { attempted: 1000, correct: 600 },
      subjects: [
        { subject: 'medicine', attempted: 500, correct: 300, attempted28: 0, correct28: 0 },
        { subject: 'surgery', attempted: 100, correct: 40, attempted28: 0, correct28: 0 }, // upper 48.2
        { subject: 'pediatrics', attempted: 100, correct: 45, attempted28: 0, correct28: 0 }, // upper 53.2
        { subject: 'obstetrics-gynecology', attempted: 20, correct: 8, attempted28: 0, correct28: 0 }, // 58.1
      ],
    }),
  )
  test('obstetrics-gynecology and surgery tie at 20 points (slug order), then pediatrics at 15', () => {
    expect(f.weakSubjects.map((s) => [s.subject, s.gap])).toEqual([
      ['obstetrics-gynecology', 20],
      ['surgery', 20],
      ['pediatrics', 15],
    ])
    expect(f.subjects.find((s) => s.subject === 'medicine')?.weak).toBe(false)
  })
})

describe('systems low on the latest self-assessment with a breakdown', () => {
  const breakdown = [
    { system: 'cardiovascular', percentCorrect: 55 }, // 10 below 65: included
    { system: 'renal', percentCorrect: 55.1 }, // 9.9 below: not
    { system: 'nervous', percentCorrect: 40 }, // 25 below
    { system: 'renal-reproductive', percentCorrect: 50 }, // an outline system: 15 below
  ]
  test('at least 10 points below the assessment’s percent, largest gap first', () => {
    const f = computeFigures(
      makeInput({
        assessments: [
          assessment('old', 'nbme-10', '2027-03-01', 230, {
            percentCorrect: 60,
            systems: [{ system: 'pulmonary', percentCorrect: 20 }],
          }),
          assessment('mid', 'uwsa-1', '2027-04-01', 240, { percentCorrect: 65, systems: breakdown }),
          assessment('new', 'nbme-11', '2027-04-20', 245), // no breakdown: does not replace 'mid'
        ],
      }),
    )
    expect(f.assessmentWeakSystems).toEqual({
      assessmentId: 'mid',
      form: 'uwsa-1',
      takenOn: '2027-04-01',
      percentCorrect: 65,
      systems: [
        { system: 'nervous', name: 'Nervous System', percentCorrect: 40, gap: 25 },
        { system: 'renal-reproductive', name: 'renal-reproductive', percentCorrect: 50, gap: 15 },
        { system: 'cardiovascular', name: 'Cardiovascular System', percentCorrect: 55, gap: 10 },
      ],
    })
  })
  test('without an overall percent, the breakdown mean stands in: (55 + 55.1 + 40 + 50)/4 = 50.025', () => {
    const f = computeFigures(
      makeInput({ assessments: [assessment('a', 'nbme-12', '2027-04-01', 240, { systems: breakdown })] }),
    )
    expect(f.assessmentWeakSystems?.percentCorrect).toBe(50)
    expect(f.assessmentWeakSystems?.systems.map((s) => s.system)).toEqual(['nervous']) // 10.025 below
  })
  test('no breakdown anywhere → null', () => {
    expect(computeFigures(makeInput()).assessmentWeakSystems).toBeNull()
  })
})

describe('topics and the IR focus', () => {
  test('a weak IR topic, and IR topics whose usual systems are weak', () => {
    const f = computeFigures(
      makeInput({
        overall: { attempted: 1000, correct: 600 },
        systems: [{ system: 'gastrointestinal', attempted: 50, correct: 20, attempted28: 0, correct28: 0 }],
        topics: [
          { topic: 'dvt-pe', attempted: 20, correct: 8 }, // upper 58.1 < 60: weak
          { topic: 'stroke', attempted: 19, correct: 2 }, // too few to test
        ],
      }),
    )
    expect(f.topics.map((t) => [t.topic, t.weak])).toEqual([
      ['dvt-pe', true],
      ['stroke', false],
    ])
    expect(f.irFocus).toEqual([
      { topic: 'dvt-pe', name: 'DVT/PE and anticoagulation', weakTopic: true, weakSystems: [] },
      { topic: 'gi-bleeding', name: 'GI bleeding', weakTopic: false, weakSystems: ['gastrointestinal'] },
      {
        topic: 'portal-hypertension',
        name: 'Portal hypertension and TIPS',
        weakTopic: false,
        weakSystems: ['gastrointestinal'],
      },
    ])
  })
})

describe('last logged and simulation days', () => {
  test('the loader’s lastLoggedOn, unless it lies after an asOf in the past', () => {
    const f = computeFigures(
      makeInput({
        lastLoggedOn: '2027-05-10',
        daily: [dailyRow('2027-04-28', { questions: 20 })],
        activities: [{ date: '2027-04-29', type: 'video', minutes: 30 }],
        lastSimulationDayOn: '2027-05-05',
      }),
    )
    expect(f.activity).toEqual({
      lastLoggedOn: '2027-04-29',
      daysSinceLastLogged: 4,
      lastSimulationDayOn: null,
    })
  })
})
