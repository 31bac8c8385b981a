// Scenario tests of GET /analytics and GET /recommendations through the API: each scenario seeds one
// student (PATCH profile, POST /blocks/batch, /assessments, /activities) with FIXED past dates and reads
// the analytics `?asOf=` a fixed day, so every figure below is deterministic and hand-computed in the
// comments (guide-rules.md §2–3). The real today is 2026-11-28; nothing here is dated after it.
import { describe, expect, test } from 'vitest'
import { useTestApp } from '../helpers/app.js'
import { activityBody, assessmentBody, blockBody } from '../helpers/bodies.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()

type Body = Record<string, unknown>

/** YYYY-MM-DD plus n days (UTC calendar arithmetic). */
const plus = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const at = (date: string, time = '10:00') => `${date}T${time}:00Z`

/** One block a day, `days` days ending on `last` (inclusive), each built by `block`. */
const dailyBlocks = (last: string, days: number, block: Body) =>
  Array.from({ length: days }, (_, i) => blockBody({ ...block, takenAt: at(plus(last, -i)) }))

async function seed(
  student: TestUser,
  {
    profile,
    blocks = [],
    assessments = [],
    activities = [],
  }: { profile?: Body; blocks?: Body[]; assessments?: Body[]; activities?: Body[] },
): Promise<string[]> {
  if (profile) {
    const res = await t.http.patch('/v1/students/me/profile').set(student.auth).send(profile)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
  let blockIds: string[] = []
  if (blocks.length > 0) {
    const res = await t.http.post('/v1/students/me/blocks/batch').set(student.auth).send({ blocks })
    expect(res.status).toBe(200)
    const results = res.body.results as { status: string; block?: { id: string }; problem?: unknown }[]
    expect(results.filter((r) => r.status !== 'created')).toEqual([])
    blockIds = results.map((r) => r.block?.id ?? '')
  }
  for (const a of assessments) {
    const res = await t.http.post('/v1/students/me/assessments').set(student.auth).send(assessmentBody(a))
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }
  for (const a of activities) {
    const res = await t.http.post('/v1/students/me/activities').set(student.auth).send(activityBody(a))
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }
  return blockIds
}

interface Rec {
  id: string
  priority: string
  action: string
  evidence: Record<string, unknown>
}

async function analytics(student: TestUser, asOf: string) {
  const res = await t.http.get(`/v1/students/me/analytics?asOf=${asOf}`).set(student.auth)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.body.asOf).toBe(asOf)
  return res.body
}

/** The fired rules as `id:priority`, in response order. */
const fired = (body: { recommendations: Rec[] }) => body.recommendations.map((r) => `${r.id}:${r.priority}`)
const rec = (body: { recommendations: Rec[] }, id: string) => {
  const found = body.recommendations.find((r) => r.id === id)
  if (!found) throw new Error(`${id} did not fire: ${fired(body).join(', ')}`)
  return found
}

const VOLUME_RULES = ['daily-volume', 'weekly-volume', 'first-pass-pace', 'consistency', 'burnout-volume']

// A dedicated plan used by several scenarios: prep starts Monday 2026-03-02.
const PREP = '2026-03-02'

describe('a brand-new student', () => {
  test('no profile data and no blocks: 200 with zeros, insufficient_data and no rule to fire', async () => {
    const s = await createStudent(t.database.db)
    const body = await analytics(s, '2026-06-01')
    // No prep start, no exam date, no block to infer a start from: not_started, no plan week / day N.
    expect(body.phase).toMatchObject({
      name: 'not_started',
      planWeek: null,
      daysToExam: null,
      day: null,
      isStudyPhase: false,
    })
    expect(body.plan).toMatchObject({ prepStartDate: null, examDate: null, planDays: null, minPlanDays: 42 })
    // UWorld is always listed with the reference size 4085.
    expect(body.qbanks).toEqual([
      expect.objectContaining({
        source: 'uworld',
        totalQuestions: 4085,
        uniqueUsed: 0,
        remaining: 4085,
        percentComplete: 0,
        firstPassComplete: false,
        firstPassIncorrect: 0,
        reviewed: 0,
        secondPassCoverage: 0,
        pace7: 0,
        pace14: 0,
        projectedFirstPassDate: null,
        requiredDailyPace: null,
        firstUsedOn: null,
      }),
    ])
    expect(body.overall).toEqual({ attempted: 0, correct: 0, percent: null })
    expect(
      body.systems.every((x: { attempted: number; weak: boolean }) => x.attempted === 0 && !x.weak),
    ).toBe(true)
    expect(body.weakSystems).toEqual([])
    expect(body.lowestSystems).toEqual([])
    expect(body.weakSubjects).toEqual([])
    expect(body.assessmentWeakSystems).toBeNull()
    expect(body.trend).toMatchObject({
      status: 'insufficient_data',
      scores: [],
      latest: null,
      best: null,
      slopePerWeek: null,
      lastThree: null,
      projectedAtExam: null,
    })
    expect(body.readiness).toMatchObject({
      status: 'insufficient_data',
      estimate: null,
      passProbability: null,
      formsUsed: [],
    })
    expect(body.readiness.reason).toMatch(/No self-assessment yet/)
    expect(body.volume.last7).toMatchObject({
      questions: 0,
      questionsPerStudyDay: 0,
      timedRandomShare: null,
      reviewMinutesPerQuestion: null,
      percentCorrect: null,
    })
    expect(body.activity).toEqual({
      lastLoggedOn: null,
      daysSinceLastLogged: null,
      lastSimulationDayOn: null,
    })
    // Every rule needs a plan, a study phase or data: none fires.
    expect(body.recommendations).toEqual([])

    // Today (no asOf) works too.
    const today = await t.http.get('/v1/students/me/analytics').set(s.auth)
    expect(today.status).toBe(200)
    expect(today.body.recommendations).toEqual([])
  })

  test('a plan but nothing logged: the baseline and plan rules that apply for the day of prep', async () => {
    const s = await createStudent(t.database.db)
    await seed(s, { profile: { prepStartDate: PREP, examDate: '2026-05-11', studyMode: 'dedicated' } })

    // Day 4 (2026-03-06), plan week 1: foundation. First pass target 2026-05-11 − 14 = 2026-04-27,
    // 52 days away: requiredDailyPace = ceil(4085 / 52) = ceil(78.6) = 79; pace7 = 0 → first-pass-pace.
    // Nothing logged on day >= 3 → consistency. Day < 7: no baseline-assessment, no daily-volume.
    const day4 = await analytics(s, '2026-03-06')
    expect(day4.phase).toMatchObject({ name: 'foundation', planWeek: 1, day: 4, daysToExam: 66 })
    expect(fired(day4)).toEqual(['first-pass-pace:high', 'consistency:medium'])
    expect(rec(day4, 'first-pass-pace').action).toBe(
      'Do 79 new UWorld questions a day to finish the first UWorld pass by 2026-04-27 (4085 left; you did no new ones in the last 7 days).',
    )
    expect(rec(day4, 'consistency').action).toContain('nothing is logged yet on day 4 of prep')

    // Day 14 (2026-03-16), plan week 3: heavy_qbank. 42 days to 2026-04-27: ceil(4085 / 42) = ceil(97.3) = 98.
    // No self-assessment on day >= 14 → baseline-assessment high; 0 questions < 60 a study day → daily-volume.
    const day14 = await analytics(s, '2026-03-16')
    expect(day14.phase).toMatchObject({ name: 'heavy_qbank', planWeek: 3, day: 14, daysToExam: 56 })
    expect(day14.qbanks[0]).toMatchObject({ requiredDailyPace: 98, firstPassTargetDate: '2026-04-27' })
    expect(fired(day14)).toEqual([
      'baseline-assessment:high',
      'first-pass-pace:high',
      'daily-volume:medium',
      'consistency:medium',
    ])
    expect(rec(day14, 'baseline-assessment').action).toBe(
      'Take a baseline NBME or UWSA self-assessment now: you are on day 14 of prep and have not logged one yet.',
    )
    expect(rec(day14, 'first-pass-pace').action).toContain('Do 98 new UWorld questions a day')
    expect(rec(day14, 'daily-volume').action).toBe(
      'Raise your Qbank volume to 60–80 questions a day: you did 0 in the last 7 days, 0 per study day over your 6 study days.',
    )
  })
})

describe('score trend', () => {
  // Weeks 3–6 of the plan (heavy_qbank) on 2026-04-06 (day 35, plan week 6), exam 2026-06-15 (70 days away).
  // A 1200-question bank and 14 daily timed random first-pass blocks of 60 (2026-03-24 .. 2026-04-06):
  // uniqueUsed 840, remaining 360, pace7 = 420 / 7 = 60 → projected 2026-04-06 + ceil(360/60) = 2026-04-12,
  // well before 2026-06-01 (exam − 14): on pace. last 7 days 420 / 6 study days = 70 a day (>= 60).
  const ASOF = '2026-04-06'
  const profile = {
    prepStartDate: PREP,
    examDate: '2026-06-15',
    targetScore: 260,
    studyMode: 'dedicated',
    qbanks: { uworld: { totalQuestions: 1200 } },
  }

  test('plateau: three NBME scores over 28 days, latest +2 on the best before → plateau-cut-new names the weak systems', async () => {
    const s = await createStudent(t.database.db)
    await seed(s, {
      profile,
      // Per block: cardio 17/20, pulmonary 17/20, psychiatry 5/10, renal 3/10 (42/60 correct).
      blocks: dailyBlocks(ASOF, 14, {
        questionCount: 60,
        correctCount: 42,
        systems: [
          { system: 'cardiovascular', total: 20, correct: 17 },
          { system: 'pulmonary', total: 20, correct: 17 },
          { system: 'psychiatry', total: 10, correct: 5 },
          { system: 'renal', total: 10, correct: 3 },
        ],
      }),
      assessments: [
        { form: 'nbme-10', takenAt: at('2026-03-09'), score: 230, systems: [] },
        { form: 'nbme-11', takenAt: at('2026-03-23'), score: 238, systems: [] },
        { form: 'nbme-12', takenAt: at(ASOF), score: 240, systems: [] },
      ],
    })
    const body = await analytics(s, ASOF)
    expect(body.phase).toMatchObject({ name: 'heavy_qbank', planWeek: 6, day: 35, daysToExam: 70 })
    expect(body.qbanks[0]).toMatchObject({
      source: 'uworld',
      totalQuestions: 1200,
      uniqueUsed: 840,
      remaining: 360,
      percentComplete: 70,
      firstPassIncorrect: 840 - 588,
      pace7: 60,
      pace14: 60,
      projectedFirstPassDate: '2026-04-12',
      firstPassTargetDate: '2026-06-01',
      // ceil(360 / 56 days to 2026-06-01) = ceil(6.4) = 7
      requiredDailyPace: 7,
    })
    // Overall 588/840 = 70%. Renal 42/140 = 30% (gap 40), psychiatry 70/140 = 50% (gap 20): both have
    // 90% Wilson upper bounds far below 70% (psychiatry ≈ 56.9%). Ranked by gap × examWeight:
    // renal 40 × 199 > psychiatry 20 × 368 (UWorld question counts), so renal first.
    expect(body.overall).toEqual({ attempted: 840, correct: 588, percent: 70 })
    expect(body.weakSystems).toEqual([
      expect.objectContaining({ system: 'renal', attempted: 140, percent: 30, gap: 40 }),
      expect.objectContaining({ system: 'psychiatry', attempted: 140, percent: 50, gap: 20 }),
    ])
    // Lowest three with >= 10 attempts: renal 30, psychiatry 50, then cardio/pulmonary tie at 85% (by slug).
    expect(body.lowestSystems.map((x: { system: string }) => x.system)).toEqual([
      'renal',
      'psychiatry',
      'cardiovascular',
    ])
    const cardio = body.systems.find((x: { system: string }) => x.system === 'cardiovascular')
    expect(cardio).toMatchObject({ attempted: 280, correct: 238, percent: 85, weak: false })

    // x = 0, 2, 4 weeks; y = 230, 238, 240: slope = 20 / 8 = 2.5 a week. Latest 240 − max(230, 238) = 2 < 5,
    // span 28 days >= 14, not declining → plateau. Projection: 240 + 2.5 × min(70/7, 4) = 250 ± 8.
    expect(body.trend).toMatchObject({
      status: 'plateau',
      first: 230,
      latest: 240,
      best: 240,
      changeSinceFirst: 10,
      slopePerWeek: 2.5,
      lastThree: {
        scores: [230, 238, 240],
        spanDays: 28,
        slopePerWeek: 2.5,
        gainOverBestBefore: 2,
        change: 10,
      },
      projectedAtExam: { estimate: 250, low: 242, high: 258, weeks: 4, label: 'estimate' },
    })
    // Readiness: 0.5·240 + 0.3·238 + 0.2·230 = 237.4 (NBME offset 0); band = 8 + sd(240, 238, 230)
    // = 8 + √28 = 13.29; Φ((237.4 − 218)/13.29) = 0.928; Φ((237.4 − 260)/13.29) = 0.045.
    expect(body.readiness).toMatchObject({
      status: 'estimate',
      estimate: 237.4,
      low: 224.1,
      high: 250.7,
      band: 13.3,
      passProbability: 0.928,
      targetProbability: 0.045,
    })
    expect(body.readiness.formsUsed.map((f: { form: string; weight: number }) => [f.form, f.weight])).toEqual(
      [
        ['nbme-12', 0.5],
        ['nbme-11', 0.3],
        ['nbme-10', 0.2],
      ],
    )
    expect(body.volume.last7).toMatchObject({
      questions: 420,
      newQuestions: 420,
      questionsPerStudyDay: 70,
      timedRandomShare: 100,
    })

    // On pace, enough volume, all timed random, assessed today: only the plateau and the weak systems.
    expect(fired(body)).toEqual(['plateau-cut-new:high', 'weak-systems:medium'])
    const renal = 'Renal, Urinary Systems & Electrolytes'
    const psych = 'Psychiatric/Behavioral & Substance Use Disorder'
    expect(rec(body, 'plateau-cut-new').action).toBe(
      `Cut new questions to about 20–40 a day for now and spend the time reviewing ${renal} and ${psych} and rewatching short high-yield videos on them: your last three scores (230, 238, 240) over 28 days moved +2 on the best before the latest.`,
    )
    expect(rec(body, 'plateau-cut-new').evidence).toMatchObject({ gain: 2, focusSystems: [renal, psych] })
    expect(rec(body, 'weak-systems').action).toBe(
      `Spend 30–60 minutes a day on ${renal} and ${psych}, and do one 2–3 hour deep dive this week on ${renal}.`,
    )

    // GET /recommendations is the same list; its ETag revalidates to a 304.
    const recs = await t.http.get(`/v1/students/me/recommendations?asOf=${ASOF}`).set(s.auth)
    expect(recs.status).toBe(200)
    expect(recs.body).toEqual({ asOf: ASOF, data: body.recommendations })
    const etag = recs.headers.etag as string
    expect(etag).toBeTruthy()
    const again = await t.http
      .get(`/v1/students/me/recommendations?asOf=${ASOF}`)
      .set(s.auth)
      .set('If-None-Match', etag)
    expect(again.status).toBe(304)
  })

  test('improving below target → keep-going (low), no plateau', async () => {
    const s = await createStudent(t.database.db)
    await seed(s, {
      profile,
      blocks: dailyBlocks(ASOF, 14, {
        questionCount: 60,
        correctCount: 42,
        systems: [{ system: 'cardiovascular', total: 60, correct: 42 }],
      }),
      assessments: [
        { form: 'nbme-10', takenAt: at('2026-03-09'), score: 225, systems: [] },
        { form: 'nbme-11', takenAt: at('2026-03-23'), score: 235, systems: [] },
        { form: 'nbme-12', takenAt: at(ASOF), score: 245, systems: [] },
      ],
    })
    const body = await analytics(s, ASOF)
    // Latest 245 − max(225, 235) = 10 >= 5: no plateau; slope3 = 40 / 8 = +5 a week → improving.
    expect(body.trend).toMatchObject({
      status: 'improving',
      latest: 245,
      slopePerWeek: 5,
      lastThree: { gainOverBestBefore: 10, slopePerWeek: 5 },
    })
    expect(body.weakSystems).toEqual([])
    expect(fired(body)).toEqual(['keep-going:low'])
    expect(rec(body, 'keep-going').action).toBe(
      'Keep going with your current plan: your scores are rising (225 to 245, +5 points a week), 15 below your 260 target.',
    )
  })
})

describe('plan and pace', () => {
  test('behind pace → first-pass-pace high with the exact daily number', async () => {
    const s = await createStudent(t.database.db)
    // Day 21 (2026-03-23, plan week 4: heavy_qbank), exam 2026-05-25; default 4085-question bank.
    // 7 daily first-pass blocks of 40 (2026-03-17 .. 03-23): uniqueUsed 280, remaining 3805, pace7 40.
    // First pass target 2026-05-25 − 14 = 2026-05-11, 49 days away: requiredDailyPace = ceil(3805/49)
    // = ceil(77.7) = 78; projected 2026-03-23 + ceil(3805/40) = + 96 days = 2026-06-27 > 2026-05-11.
    await seed(s, {
      profile: { prepStartDate: PREP, examDate: '2026-05-25', studyMode: 'dedicated' },
      blocks: dailyBlocks('2026-03-23', 7, { questionCount: 40, correctCount: 28, systems: [] }),
    })
    const body = await analytics(s, '2026-03-23')
    expect(body.phase).toMatchObject({ name: 'heavy_qbank', planWeek: 4, day: 21, daysToExam: 63 })
    expect(body.qbanks[0]).toMatchObject({
      uniqueUsed: 280,
      remaining: 3805,
      percentComplete: 6.9,
      pace7: 40,
      pace14: 20,
      projectedFirstPassDate: '2026-06-27',
      firstPassTargetDate: '2026-05-11',
      requiredDailyPace: 78,
    })
    // 280 questions / 6 study days = 46.7 < 60 (heavy_qbank) → daily-volume; no assessment by day 21.
    expect(fired(body)).toEqual(['baseline-assessment:high', 'first-pass-pace:high', 'daily-volume:medium'])
    expect(rec(body, 'first-pass-pace').action).toBe(
      'Do 78 new UWorld questions a day to finish the first UWorld pass by 2026-05-11 (3805 left; at your 7-day pace of 40 a day you would finish on 2026-06-27).',
    )
    expect(rec(body, 'first-pass-pace').evidence).toMatchObject({ requiredDailyPace: 78, remaining: 3805 })
    expect(rec(body, 'daily-volume').action).toBe(
      'Raise your Qbank volume to 60–80 questions a day: you did 280 in the last 7 days, 46.7 per study day over your 6 study days.',
    )
  })

  test('exam less than 60 days before ERAS submission → exam-before-eras high (and plan-too-short)', async () => {
    const s = await createStudent(t.database.db)
    // ERAS 2026-09-15 − 60 = 2026-07-17: the exam on 2026-08-10 is 24 days too late. Part-time with
    // 70 days from prep start (2026-06-01) to the exam: < 90 → plan-too-short. asOf before prep: not_started.
    await seed(s, {
      profile: {
        prepStartDate: '2026-06-01',
        examDate: '2026-08-10',
        erasSubmissionDate: '2026-09-15',
        studyMode: 'part_time',
      },
    })
    const body = await analytics(s, '2026-05-15')
    expect(body.phase).toMatchObject({ name: 'not_started', daysToExam: 87, planWeek: null })
    expect(body.plan).toMatchObject({
      latestExamDateForEras: '2026-07-17',
      erasSlackDays: -24,
      planDays: 70,
      minPlanDays: 90,
    })
    expect(fired(body)).toEqual(['exam-before-eras:high', 'plan-too-short:medium'])
    expect(rec(body, 'exam-before-eras').action).toBe(
      'Move your exam from 2026-08-10 to 2026-07-17 or earlier, at least 60 days before your ERAS submission on 2026-09-15, so your score is out when programs read your application.',
    )
    expect(rec(body, 'exam-before-eras').evidence).toMatchObject({ daysTooLate: 24 })
    expect(rec(body, 'plan-too-short').action).toBe(
      'Move your exam to 2026-08-30 or later to get at least 90 days (about 3 months) of part-time prep before the intense final weeks: 2026-08-10 leaves 70 days from your prep start on 2026-06-01.',
    )

    // Exactly 60 days before ERAS (2026-08-10 + 60 = 2026-10-09) is fine.
    await seed(s, { profile: { erasSubmissionDate: '2026-10-09' } })
    const ok = await analytics(s, '2026-05-15')
    expect(ok.plan.erasSlackDays).toBe(0)
    expect(fired(ok)).toEqual(['plan-too-short:medium'])
  })
})

describe('the last days: final weeks, exam eve, exam day, after the exam', () => {
  test('one student through final, exam_eve, exam_day and post_exam', async () => {
    const s = await createStudent(t.database.db)
    // Exam 2026-05-11, target 250. Scores 250 (NBME 13, 04-13) and 255 (UWSA 2, 04-27).
    // UWorld 40 + AMBOSS 40 on 04-29 (AMBOSS first used then), UWorld 100 on 04-30 and 60 on 05-01.
    await seed(s, {
      profile: { prepStartDate: PREP, examDate: '2026-05-11', targetScore: 250, studyMode: 'dedicated' },
      blocks: [
        blockBody({ takenAt: at('2026-04-29'), questionCount: 40, correctCount: 30, systems: [] }),
        blockBody({
          source: 'amboss',
          takenAt: at('2026-04-29', '15:00'),
          questionCount: 40,
          correctCount: 30,
          systems: [],
        }),
        blockBody({ takenAt: at('2026-04-30'), questionCount: 100, correctCount: 75, systems: [] }),
        blockBody({ takenAt: at('2026-05-01'), questionCount: 60, correctCount: 45, systems: [] }),
      ],
      assessments: [
        { form: 'nbme-13', takenAt: at('2026-04-13'), score: 250, systems: [] },
        { form: 'uwsa-2', takenAt: at('2026-04-27'), score: 255, systems: [] },
      ],
    })

    // 2026-05-01: 10 days to go → final.
    const final = await analytics(s, '2026-05-01')
    expect(final.phase).toMatchObject({
      name: 'final',
      daysToExam: 10,
      startedOn: '2026-04-27',
      targets: { maxQuestionsPerDay: 80, questionsPerDay: null },
    })
    // Last 3 days: 80 (04-29, not over 80), 100 (04-30), 60 (05-01) → burnout-volume names 04-30.
    expect(final.volume.lastDays).toEqual([
      { date: '2026-04-29', questions: 80 },
      { date: '2026-04-30', questions: 100 },
      { date: '2026-05-01', questions: 60 },
    ])
    // UWorld 200 of 4085 = 4.9%; AMBOSS listed after it, size unknown.
    expect(final.qbanks.map((q: { source: string }) => q.source)).toEqual(['uworld', 'amboss'])
    expect(final.qbanks[0]).toMatchObject({ uniqueUsed: 200, remaining: 3885, percentComplete: 4.9 })
    expect(final.qbanks[1]).toMatchObject({
      totalQuestions: null,
      percentComplete: null,
      firstUsedOn: '2026-04-29',
      questions14: 40,
    })
    // Readiness: UWSA 2 corrected 255 − 3 = 252, NBME 13 250; weights 0.5/0.3 renormalised to
    // 0.625/0.375: 157.5 + 93.75 = 251.25 → 251.3; band 8 + sd(252, 250) = 8 + √2 = 9.4.
    expect(final.readiness).toMatchObject({ estimate: 251.3, band: 9.4, low: 241.8, high: 260.7 })
    // Assessed 4 days ago (no final-assessment), latest 255 >= target 250 (no keep-going, no below-target).
    expect(fired(final)).toEqual([
      'final-weeks-focus:high',
      'burnout-volume:medium',
      'no-new-resources:medium',
      'secondary-after-uworld:low',
    ])
    expect(rec(final, 'final-weeks-focus').action).toBe(
      'Review your UWorld incorrects and marked questions, repeat the key algorithms (ACS, stroke, DVT/PE with IVC filter indications, GI bleeding), keep Anki light, and start no new major resource in the 10 days left.',
    )
    expect(rec(final, 'burnout-volume').action).toBe(
      'Stay under 80 questions a day in the final weeks: you did 100 on 2026-04-30, and rest beats cramming now.',
    )
    expect(rec(final, 'no-new-resources').action).toBe(
      'Drop AMBOSS (first used 2026-04-29) and spend the 10 days left on UWorld incorrects and marked questions.',
    )
    expect(rec(final, 'secondary-after-uworld').action).toBe(
      'Finish UWorld first (4.9% done, 3885 left) and add AMBOSS only if time allows after it.',
    )

    // 2026-05-10: the eve. Only exam-eve speaks (secondary-after-uworld would otherwise still fire:
    // AMBOSS on 04-29 is within the 14 days).
    const eve = await analytics(s, '2026-05-10')
    expect(eve.phase).toMatchObject({ name: 'exam_eve', daysToExam: 1 })
    expect(fired(eve)).toEqual(['exam-eve:high'])
    expect(rec(eve, 'exam-eve').action).toBe(
      'Keep today to very light review (a few notes or flashcards), check the route to the test center, prepare your documents, snacks and layers of clothing, and sleep rather than cram before your exam on 2026-05-11.',
    )

    // The exam day itself: only exam-eve may speak and it is for the eve, so nothing.
    const examDay = await analytics(s, '2026-05-11')
    expect(examDay.phase).toMatchObject({ name: 'exam_day', daysToExam: 0 })
    expect(fired(examDay)).toEqual([])

    // After the exam: post_exam, no volume nagging, not even assessment-cadence (UWSA 2 was 54 days
    // before 2026-06-20) or the projection.
    const after = await analytics(s, '2026-06-20')
    expect(after.phase).toMatchObject({ name: 'post_exam', daysToExam: -40, isStudyPhase: false })
    expect(after.assessments.daysSinceLast).toBe(54)
    expect(after.trend.projectedAtExam).toBeNull()
    expect(fired(after)).toEqual([])

    // The actual score, 9 below target → score-below-target, the only rule after the exam.
    await seed(s, { profile: { examScore: 241 } })
    const scored = await analytics(s, '2026-06-20')
    expect(fired(scored)).toEqual(['score-below-target:high'])
    expect(rec(scored, 'score-below-target').action).toBe(
      'Reassess your targets: your exam score 241 is 9 below your 250 target, so apply to DR and prelim/transitional years alongside IR, strengthen research, USCE and letters, and consider delaying the match attempt a year if the rest of your profile is thin.',
    )
  })

  test('post exam with a thin log: post_exam and none of the volume rules', async () => {
    const s = await createStudent(t.database.db)
    // One 10-question block two weeks before the exam; evaluated 10 days after it.
    await seed(s, {
      profile: { prepStartDate: PREP, examDate: '2026-04-20', studyMode: 'dedicated' },
      blocks: [blockBody({ takenAt: at('2026-04-06'), questionCount: 10, correctCount: 5, systems: [] })],
    })
    const body = await analytics(s, '2026-04-30')
    expect(body.phase).toMatchObject({ name: 'post_exam', daysToExam: -10 })
    expect(body.activity.daysSinceLastLogged).toBe(24)
    const ids = body.recommendations.map((r: Rec) => r.id)
    for (const id of VOLUME_RULES) expect(ids).not.toContain(id)
    expect(ids).toEqual([])
  })
})

describe('the data counted', () => {
  test('a deleted block stops counting (uniqueUsed, systems, last logged, ETag)', async () => {
    const s = await createStudent(t.database.db)
    const [, second] = await seed(s, {
      blocks: [
        blockBody({
          takenAt: at('2026-04-01'),
          questionCount: 40,
          correctCount: 25,
          systems: [
            { system: 'cardiovascular', total: 20, correct: 15 },
            { system: 'renal', total: 20, correct: 10 },
          ],
        }),
        blockBody({
          takenAt: at('2026-04-02'),
          questionCount: 40,
          correctCount: 20,
          systems: [{ system: 'renal', total: 40, correct: 20 }],
        }),
      ],
    })
    const url = '/v1/students/me/analytics?asOf=2026-04-03'
    const before = await t.http.get(url).set(s.auth)
    expect(before.status).toBe(200)
    // No profile prep start: it is inferred from the first block (2026-04-01).
    expect(before.body.plan).toMatchObject({ prepStartDate: '2026-04-01', prepStartInferred: true })
    expect(before.body.qbanks[0]).toMatchObject({ uniqueUsed: 80, firstPassIncorrect: 35 })
    expect(before.body.overall).toEqual({ attempted: 80, correct: 45, percent: 56.3 })
    const renal = (b: { systems: { system: string }[] }) => b.systems.find((x) => x.system === 'renal')
    expect(renal(before.body)).toMatchObject({ attempted: 60, correct: 30, percent: 50 })
    expect(before.body.activity.lastLoggedOn).toBe('2026-04-02')

    expect((await t.http.delete(`/v1/students/me/blocks/${second}`).set(s.auth)).status).toBe(204)
    const after = await t.http
      .get(url)
      .set(s.auth)
      .set('If-None-Match', before.headers.etag as string)
    expect(after.status).toBe(200)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    expect(after.body.qbanks[0]).toMatchObject({ uniqueUsed: 40, firstPassIncorrect: 15 })
    expect(after.body.overall).toEqual({ attempted: 40, correct: 25, percent: 62.5 })
    expect(renal(after.body)).toMatchObject({ attempted: 20, correct: 10, percent: 50 })
    expect(after.body.activity.lastLoggedOn).toBe('2026-04-01')
  })

  test('asOf in the past ignores blocks, assessments and activities after it', async () => {
    const s = await createStudent(t.database.db)
    await seed(s, {
      profile: { prepStartDate: '2026-03-30', examDate: '2026-06-15' },
      blocks: [
        blockBody({ takenAt: at('2026-04-01'), questionCount: 40, correctCount: 30, systems: [] }),
        blockBody({ takenAt: at('2026-04-10'), questionCount: 40, correctCount: 20, systems: [] }),
      ],
      assessments: [
        { form: 'nbme-10', takenAt: at('2026-04-05'), score: 240, systems: [] },
        { form: 'nbme-11', takenAt: at('2026-04-12'), score: 250, systems: [] },
      ],
      activities: [{ type: 'content_review', date: '2026-04-08', minutes: 90 }],
    })

    const past = await analytics(s, '2026-04-06')
    expect(past.qbanks[0]).toMatchObject({ uniqueUsed: 40, firstUsedOn: '2026-04-01' })
    expect(past.overall).toEqual({ attempted: 40, correct: 30, percent: 75 })
    expect(past.assessments).toMatchObject({ count: 1, scoredCount: 1, daysSinceLast: 1 })
    expect(past.trend).toMatchObject({ status: 'insufficient_data', latest: 240, best: 240 })
    expect(past.trend.scores.map((x: { score: number }) => x.score)).toEqual([240])
    expect(past.activity).toMatchObject({ lastLoggedOn: '2026-04-01', daysSinceLastLogged: 5 })
    expect(past.volume.last7.activityMinutes.content_review).toBe(0)
    // Exactly one scored self-assessment as of then → baseline-foundations: 240 >= 251 − 15 = 236 (national
    // mean − 1 SD) and no target → strong foundations.
    expect(rec(past, 'baseline-foundations').evidence).toMatchObject({ foundations: 'strong', score: 240 })

    const later = await analytics(s, '2026-04-12')
    expect(later.qbanks[0]).toMatchObject({ uniqueUsed: 80 })
    expect(later.overall).toEqual({ attempted: 80, correct: 50, percent: 62.5 })
    expect(later.assessments).toMatchObject({ count: 2, daysSinceLast: 0 })
    // Two scores 240 → 250 one week apart: slope +10 a week → improving.
    expect(later.trend).toMatchObject({ status: 'improving', latest: 250, slopePerWeek: 10 })
    expect(later.activity).toMatchObject({ lastLoggedOn: '2026-04-10', daysSinceLastLogged: 2 })
    expect(later.volume.last7.activityMinutes.content_review).toBe(90)
    expect(later.recommendations.map((r: Rec) => r.id)).not.toContain('baseline-foundations')
  })

  test('time zones: a block at 2026-05-01T20:00Z is on 2026-05-02 for an Asia/Kolkata student', async () => {
    const kolkata = await createStudent(t.database.db)
    const utc = await createStudent(t.database.db)
    const block = blockBody({
      takenAt: '2026-05-01T20:00:00Z',
      questionCount: 40,
      correctCount: 30,
      systems: [],
    })
    await seed(kolkata, { profile: { timezone: 'Asia/Kolkata' }, blocks: [block] })
    await seed(utc, { profile: { timezone: 'UTC' }, blocks: [block] })

    // 20:00Z is 01:30 on 05-02 in Kolkata (UTC+5:30): the end of 05-01 there is 18:30Z, so not yet counted.
    const k1 = await analytics(kolkata, '2026-05-01')
    expect(k1.qbanks[0]).toMatchObject({ uniqueUsed: 0, firstUsedOn: null })
    expect(k1.activity.lastLoggedOn).toBeNull()
    const u1 = await analytics(utc, '2026-05-01')
    expect(u1.qbanks[0]).toMatchObject({ uniqueUsed: 40, firstUsedOn: '2026-05-01', pace7: 5.7 })
    expect(u1.volume.lastDays.at(-1)).toEqual({ date: '2026-05-01', questions: 40 })

    const k2 = await analytics(kolkata, '2026-05-02')
    expect(k2.qbanks[0]).toMatchObject({ uniqueUsed: 40, firstUsedOn: '2026-05-02', pace7: 5.7 })
    expect(k2.volume.lastDays).toEqual([
      { date: '2026-04-30', questions: 0 },
      { date: '2026-05-01', questions: 0 },
      { date: '2026-05-02', questions: 40 },
    ])
    expect(k2.activity.lastLoggedOn).toBe('2026-05-02')

    // The 7-day window of 2026-05-08 is [05-02, 05-08]: it holds the Kolkata block (40 / 7 = 5.7 a day)
    // but not the UTC one (05-01); both are in the 14-day window (40 / 14 = 2.9 a day).
    const k8 = await analytics(kolkata, '2026-05-08')
    const u8 = await analytics(utc, '2026-05-08')
    expect(k8.qbanks[0]).toMatchObject({ pace7: 5.7, pace14: 2.9 })
    expect(k8.volume.last7).toMatchObject({ from: '2026-05-02', to: '2026-05-08', questions: 40 })
    expect(u8.qbanks[0]).toMatchObject({ pace7: 0, pace14: 2.9 })
    expect(u8.volume.last7.questions).toBe(0)
    // One day later the Kolkata block leaves the 7-day window too.
    const k9 = await analytics(kolkata, '2026-05-09')
    expect(k9.qbanks[0]).toMatchObject({ pace7: 0, pace14: 2.9 })
  })
})

describe('HTTP behaviour of /analytics and /recommendations', () => {
  test('ETag and If-None-Match → 304; invalid asOf → 400; another student → 404', async () => {
    const s = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    await seed(s, {
      profile: { prepStartDate: PREP, examDate: '2026-05-11' },
      blocks: [blockBody({ takenAt: at('2026-03-05') })],
    })
    const url = '/v1/students/me/analytics?asOf=2026-03-16'
    const first = await t.http.get(url).set(s.auth)
    expect(first.status).toBe(200)
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^W\/"/)
    const cached = await t.http.get(url).set(s.auth).set('If-None-Match', etag)
    expect(cached.status).toBe(304)
    expect(cached.text).toBe('')
    // A different day is a different body, so a different tag.
    const otherDay = await t.http.get('/v1/students/me/analytics?asOf=2026-03-17').set(s.auth)
    expect(otherDay.headers.etag).not.toBe(etag)

    const recs = await t.http.get('/v1/students/me/recommendations?asOf=2026-03-16').set(s.auth)
    expect(recs.status).toBe(200)
    expect(recs.body).toEqual({ asOf: '2026-03-16', data: first.body.recommendations })

    for (const path of ['analytics', 'recommendations']) {
      for (const bad of ['2026-02-30', '2026-13-01', 'yesterday']) {
        const res = await t.http.get(`/v1/students/me/${path}?asOf=${bad}`).set(s.auth)
        expect(res.status, `${path} ${bad}`).toBe(400)
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
      }
      const res = await t.http.get(`/v1/students/${other.id}/${path}?asOf=2026-03-16`).set(s.auth)
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ status: 404, code: 'student.not_found' })
      expect(res.body).not.toHaveProperty('data')
      expect(res.body).not.toHaveProperty('phase')
      expect((await t.http.get(`/v1/students/me/${path}`)).status).toBe(401)
    }
  })
})
