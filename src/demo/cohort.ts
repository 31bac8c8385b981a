/**
 * The demo cohort: four students whose stories exercise the guide's rules, and one advisor with
 * all of them as mentees. Dates are relative to each student's today, so the demo always looks
 * current; with the same seed and day the data is the same, byte for byte.
 *
 * | key       | story                                                         | fires (among others)                      |
 * |-----------|---------------------------------------------------------------|-------------------------------------------|
 * | plateau   | week 6 (heavy Qbank), scores stuck ~236, GI and renal weak     | plateau-cut-new, weak-systems              |
 * | improving | week 8 (refinement), on pace, scores rising, simulation done   | keep-going                                 |
 * | behind    | week 4, ~25 questions a day with gaps, exam too close to ERAS  | first-pass-pace, exam-before-eras          |
 * | final     | 10 days to the exam, reviewing incorrects                      | final-weeks-focus                          |
 */
import type { Db } from '../db/client.js'
import { insertGrant } from '../modules/advisors/grants.repository.js'
import { todayIn } from '../modules/analytics/analytics.repository.js'
import { type AnalyticsConfig, DEFAULT_ANALYTICS_CONFIG } from '../modules/analytics/config.js'
import { runCheckins, type RunCheckinsResult } from '../modules/checkins/checkins.service.js'
import { lastCompleteWeek } from '../modules/checkins/weeks.js'
import { generateHistory, type History, type Story, type WriteCounts, writeHistory } from './generator.js'
import { createUserWithToken, type SeededUser } from './users.js'

export const DEMO_SEED = 20_270_514
export const DEMO_EMAIL_DOMAIN = 'demo.step2-progress.local'

const baseActivities = {
  contentReviewPerWeek: 3,
  contentReviewMinutes: 75,
  ankiChance: 0.8,
  ankiMinutes: 30,
  videoPerWeek: 1,
  simulationDays: [],
} satisfies Story['activities']

export const DEMO_STORIES = {
  /** Heavy-Qbank weeks, working hard, but the last three scores sit within a few points; GI and renal lag. */
  plateau: {
    key: 'plateau',
    name: 'Priya Raman',
    timezone: 'Asia/Kolkata',
    studyMode: 'dedicated',
    studyDaysPerWeek: 6,
    prepStartInDays: -38,
    examInDays: 52,
    erasInDays: 150,
    targetScore: 255,
    volume: {
      foundation: 50,
      heavy: 88,
      refinement: 60,
      final: 40,
      driftPerWeek: 0.01,
      jitter: 0.08,
      skipChance: 0.03,
      blockSize: 40,
    },
    idleLastDays: 0,
    timedRandomShare: 0.85,
    ability: {
      start: 0.6,
      gainPerWeek: 0.008,
      systems: { gastrointestinal: -0.18, renal: -0.2 },
      spread: 0.01,
    },
    reviewMinutesPerQuestion: 2.8,
    mistakes: { knowledge: 0.45, misread: 0.35, timing: 0.2 },
    topicTagChance: 0.15,
    selfAssessments: {
      path: 'plateau',
      baseline: 226,
      pointsPerWeek: 5,
      schedule: [
        { inDays: -31, form: 'nbme-9' },
        { inDays: -21, form: 'uwsa-1' },
        { inDays: -11, form: 'nbme-10' },
        { inDays: -2, form: 'nbme-11' },
      ],
    },
    activities: baseActivities,
  },
  /** Refinement weeks, on pace for the first pass, scores rising, a simulation day done. */
  improving: {
    key: 'improving',
    name: 'Omar Haddad',
    timezone: 'Asia/Dubai',
    studyMode: 'dedicated',
    studyDaysPerWeek: 6,
    prepStartInDays: -52,
    examInDays: 38,
    erasInDays: 130,
    targetScore: 260,
    volume: {
      foundation: 55,
      heavy: 80,
      refinement: 72,
      final: 40,
      driftPerWeek: 0,
      jitter: 0.08,
      skipChance: 0.02,
      blockSize: 40,
    },
    idleLastDays: 0,
    timedRandomShare: 0.85,
    ability: { start: 0.58, gainPerWeek: 0.015, systems: {}, spread: 0.02 },
    reviewMinutesPerQuestion: 3.2,
    mistakes: { knowledge: 0.45, misread: 0.3, timing: 0.25 },
    topicTagChance: 0.1,
    selfAssessments: {
      path: 'improving',
      baseline: 222,
      pointsPerWeek: 4,
      schedule: [
        { inDays: -45, form: 'nbme-9' },
        { inDays: -31, form: 'nbme-10' },
        { inDays: -17, form: 'uwsa-1' },
        { inDays: -4, form: 'nbme-12' },
      ],
    },
    activities: { ...baseActivities, contentReviewPerWeek: 4, simulationDays: [-6] },
  },
  /** Four weeks in, far behind the first-pass pace, quiet for days; the exam sits too close to ERAS. */
  behind: {
    key: 'behind',
    name: 'Chidi Okafor',
    timezone: 'America/Chicago',
    studyMode: 'dedicated',
    studyDaysPerWeek: 6,
    prepStartInDays: -24,
    examInDays: 40,
    erasInDays: 75,
    targetScore: 250,
    volume: {
      foundation: 32,
      heavy: 30,
      refinement: 30,
      final: 30,
      driftPerWeek: -0.05,
      jitter: 0.3,
      skipChance: 0.3,
      blockSize: 40,
    },
    idleLastDays: 4,
    timedRandomShare: 0.2,
    ability: { start: 0.55, gainPerWeek: 0.005, systems: {}, spread: 0.05 },
    reviewMinutesPerQuestion: 1.2,
    mistakes: { knowledge: 0.7, misread: 0.2, timing: 0.1 },
    topicTagChance: 0.05,
    selfAssessments: { path: 'none', baseline: 0, pointsPerWeek: 0, schedule: [] },
    activities: {
      ...baseActivities,
      contentReviewPerWeek: 1,
      contentReviewMinutes: 60,
      ankiChance: 0.3,
      ankiMinutes: 20,
      videoPerWeek: 2,
    },
  },
  /** Ten days to the exam: first pass done, reviewing incorrects, last UWSA 2 in range. */
  final: {
    key: 'final',
    name: 'Ana Souza',
    timezone: 'America/Sao_Paulo',
    studyMode: 'dedicated',
    studyDaysPerWeek: 6,
    prepStartInDays: -72,
    examInDays: 10,
    erasInDays: 100,
    targetScore: 250,
    volume: {
      foundation: 55,
      heavy: 84,
      refinement: 80,
      final: 45,
      driftPerWeek: 0,
      jitter: 0.08,
      skipChance: 0.02,
      blockSize: 40,
    },
    idleLastDays: 0,
    timedRandomShare: 0.9,
    ability: { start: 0.62, gainPerWeek: 0.01, systems: { 'social-sciences': -0.06 }, spread: 0.02 },
    reviewMinutesPerQuestion: 3,
    mistakes: { knowledge: 0.4, misread: 0.35, timing: 0.25 },
    topicTagChance: 0.1,
    selfAssessments: {
      path: 'improving',
      baseline: 232,
      pointsPerWeek: 3,
      schedule: [
        { inDays: -62, form: 'nbme-9' },
        { inDays: -45, form: 'nbme-11' },
        { inDays: -30, form: 'uwsa-1' },
        { inDays: -16, form: 'nbme-13' },
        { inDays: -5, form: 'uwsa-2' },
      ],
      free120InDays: -3,
    },
    activities: { ...baseActivities, ankiMinutes: 40, simulationDays: [-20, -13] },
  },
} as const satisfies Record<string, Story>

export type DemoStudentKey = keyof typeof DEMO_STORIES
export const DEMO_STUDENT_KEYS = Object.keys(DEMO_STORIES) as DemoStudentKey[]

export const DEMO_ADVISOR = { name: 'Dr. Maria Lopez', timezone: 'America/New_York' } as const

export interface DemoStudent extends SeededUser {
  key: DemoStudentKey
  today: string
  counts: WriteCounts
}

export interface DemoCohort {
  seed: number
  students: Record<DemoStudentKey, DemoStudent>
  advisor: SeededUser
  /** Last week's check-in run: the week and what it did. */
  checkins: RunCheckinsResult & { weekOf: string }
}

const emailOf = (name: string, domain: string) =>
  `${name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z ]/g, '')
    .trim()
    .replace(/ +/g, '.')}@${domain}`

/** Each demo student's history as of their today (pure): what seedDemoCohort writes. */
export function demoHistories(seed: number, now: Date): Record<DemoStudentKey, History> {
  return Object.fromEntries(
    DEMO_STUDENT_KEYS.map((key) => {
      const story = DEMO_STORIES[key]
      return [key, generateHistory(story, { seed, today: todayIn(story.timezone, now) })]
    }),
  ) as Record<DemoStudentKey, History>
}

/**
 * Creates the cohort in an empty (migrated) database through the repositories and services:
 * users with tokens, profiles, histories, the advisor's grants, then last week's check-ins.
 * Returns every user with their token.
 */
export async function seedDemoCohort(
  db: Db,
  {
    seed = DEMO_SEED,
    now,
    emailDomain = DEMO_EMAIL_DOMAIN,
    analyticsConfig = DEFAULT_ANALYTICS_CONFIG,
  }: { seed?: number; now: Date; emailDomain?: string; analyticsConfig?: AnalyticsConfig },
): Promise<DemoCohort> {
  const histories = demoHistories(seed, now)
  const advisor = await createUserWithToken(db, {
    role: 'advisor',
    name: DEMO_ADVISOR.name,
    email: emailOf(DEMO_ADVISOR.name, emailDomain),
    timezone: DEMO_ADVISOR.timezone,
  })
  const students = {} as Record<DemoStudentKey, DemoStudent>
  for (const key of DEMO_STUDENT_KEYS) {
    const story = DEMO_STORIES[key]
    const user = await createUserWithToken(db, {
      role: 'student',
      name: story.name,
      email: emailOf(story.name, emailDomain),
      timezone: story.timezone,
    })
    const history = histories[key]
    const counts = await writeHistory(db, user.id, history, now)
    await db.transaction((tx) => insertGrant(tx, { studentId: user.id, advisorId: advisor.id }))
    students[key] = { ...user, key, today: history.today, counts }
  }
  const checkins = await runLastWeeksCheckins(db, now, analyticsConfig, Object.values(students))
  return { seed, students, advisor, checkins }
}

/**
 * Last week's weekly check-ins for the cohort, as the Monday job would have made them. The week
 * is fixed (`weekOf`), not "due" mode: due mode skips accounts created after the week ended, and
 * these were created a moment ago. It is the earliest of the students' last complete weeks, so the
 * week is over in every student's time zone.
 */
async function runLastWeeksCheckins(
  db: Db,
  now: Date,
  config: AnalyticsConfig,
  students: readonly { id: string; timezone: string }[],
): Promise<DemoCohort['checkins']> {
  const weekOf = students
    .map((s) => lastCompleteWeek(s.timezone, now).weekStart)
    .reduce((a, b) => (a < b ? a : b))
  const result = await runCheckins(db, { weekOf, now, config, studentIds: students.map((s) => s.id) })
  return { weekOf, ...result }
}
