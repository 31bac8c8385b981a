/**
 * Data for the benchmarks, from the same generator as the demo (so `npm run bench` measures the
 * service on the shapes real students produce). Two entry points:
 *
 * - `seedHeavyStudent(db, { seed, now })`: one student with years of history, the worst case of
 *   guide-rules.md §6 ("same answer, same speed class"): by default exactly 3,000 blocks, each
 *   breaking down into all 22 systems (and the subjects), 30 self-assessments and 200 activities.
 *   Counts are options; the blocks are 40-question UWorld blocks, first pass then review.
 * - `seedRealisticMentees(db, { count, seed, now, advisorId })`: `count` students with varied,
 *   plausible stories (on track, plateau, behind, final weeks, part-time), 2–11 weeks of data each,
 *   optionally all granted to one advisor (the mentee dashboard's load).
 *
 * Both write through the repositories and services (writeHistory), create each user with a token
 * (returned), and are deterministic for a seed and a day. Emails carry `label` so several runs can
 * share a database.
 */
import type { Db } from '../db/client.js'
import { insertGrant } from '../modules/advisors/grants.repository.js'
import { todayIn } from '../modules/analytics/analytics.repository.js'
import { SYSTEMS } from '../reference/index.js'
import { generateHistory, type History, type Story, type WriteCounts, writeHistory } from './generator.js'
import { createRng, type Rng } from './prng.js'
import { createUserWithToken, type SeededUser } from './users.js'

export interface SeededStudent extends SeededUser {
  story: string
  counts: WriteCounts
}

const FORMS = ['nbme-9', 'nbme-10', 'nbme-11', 'nbme-12', 'nbme-13', 'nbme-14', 'nbme-15', 'uwsa-1', 'uwsa-2']

/**
 * The heavy student's story: 5 blocks of 40 a day, every day, for `days` days, with activity habits
 * that produce about 1.5 × `activities` of them (at most 3 a day), so the last `activities` can be kept.
 */
export function heavyStory(
  days: number,
  assessments: number,
  activities: number,
  { timezone = 'UTC' }: { timezone?: string } = {},
): Story {
  const spacing = Math.max(1, Math.floor(days / Math.max(1, assessments)))
  const perDay = Math.min(3, (1.5 * activities) / days)
  return {
    key: 'heavy',
    name: 'Heavy History',
    timezone,
    studyMode: 'dedicated',
    studyDaysPerWeek: 7,
    prepStartInDays: -days,
    examInDays: 30,
    targetScore: 260,
    volume: {
      foundation: 200,
      heavy: 200,
      refinement: 200,
      final: 200,
      driftPerWeek: 0,
      jitter: 0,
      skipChance: 0,
      blockSize: 40,
    },
    idleLastDays: 0,
    timedRandomShare: 1,
    ability: { start: 0.62, gainPerWeek: 0.001, systems: { renal: -0.12 }, spread: 0.03 },
    reviewMinutesPerQuestion: 2.5,
    mistakes: { knowledge: 0.5, misread: 0.3, timing: 0.2 },
    topicTagChance: 0.2,
    selfAssessments: {
      path: 'plateau',
      baseline: 236,
      pointsPerWeek: 2,
      schedule: Array.from({ length: assessments }, (_, i) => ({
        inDays: -days + 1 + i * spacing,
        form: FORMS[i % FORMS.length] ?? 'nbme-12',
      })),
    },
    activities: {
      contentReviewPerWeek: 7 * Math.min(1, perDay / 2),
      contentReviewMinutes: 60,
      ankiChance: Math.min(1, perDay / 3),
      ankiMinutes: 30,
      videoPerWeek: 7 * Math.min(1, perDay / 6),
      simulationDays: [],
    },
    breakdown: 'every-system',
  }
}

/** Keeps the most recent `n` records (the generator's output is in time order). */
const lastN = <T>(items: readonly T[], n: number): T[] => items.slice(Math.max(0, items.length - n))

/** The heavy history with exact counts: pure, for a seed and a day. */
export function heavyHistory({
  seed,
  today,
  blocks = 3_000,
  assessments = 30,
  activities = 200,
}: {
  seed: number
  today: string
  blocks?: number
  assessments?: number
  activities?: number
}): History {
  // 5 blocks a day (200 questions) → blocks / 5 days, plus one spare day for rounding.
  const days = Math.ceil(blocks / 5) + 1
  const history = generateHistory(heavyStory(days, assessments, activities), { seed, today })
  return {
    ...history,
    blocks: lastN(history.blocks, blocks),
    assessments: lastN(history.assessments, assessments),
    activities: lastN(history.activities, activities),
  }
}

export async function seedHeavyStudent(
  db: Db,
  opts: {
    seed: number
    now: Date
    blocks?: number
    assessments?: number
    activities?: number
    label?: string
    emailDomain?: string
  },
): Promise<SeededStudent> {
  const label = opts.label ?? String(opts.seed)
  const user = await createUserWithToken(db, {
    role: 'student',
    name: 'Heavy History',
    email: `heavy-${label}@${opts.emailDomain ?? 'bench.step2-progress.local'}`,
    timezone: 'UTC',
    tokenName: 'bench',
  })
  const history = heavyHistory({ ...opts, today: todayIn('UTC', opts.now) })
  const counts = await writeHistory(db, user.id, history, opts.now)
  return { ...user, story: history.story, counts }
}

// ---------------------------------------------------------------- realistic mentees

const FIRST = ['Aisha', 'Rahul', 'Mei', 'Carlos', 'Fatima', 'Ivan', 'Nadia', 'Tunde', 'Sofia', 'Arjun']
const LAST = ['Khan', 'Patel', 'Chen', 'Garcia', 'Ali', 'Petrov', 'Haddad', 'Adeyemi', 'Rossi', 'Nair']
const ZONES = ['Asia/Kolkata', 'Africa/Lagos', 'Asia/Karachi', 'Europe/Berlin', 'America/New_York', 'UTC']
const ARCHETYPES = ['on-track', 'plateau', 'behind', 'final', 'part-time'] as const

/** A plausible story drawn from the PRNG: an archetype with its numbers varied. */
export function randomStory(rng: Rng, index: number): Story {
  const archetype = rng.weightedPick(ARCHETYPES, (a) =>
    a === 'on-track' ? 35 : a === 'final' ? 10 : a === 'part-time' ? 15 : 20,
  )
  const weak = rng.shuffle(SYSTEMS.map((s) => s.slug)).slice(0, rng.int(0, 2))
  const week = rng.int(2, 11)
  const base: Story = {
    key: `mentee-${index}-${archetype}`,
    name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`,
    timezone: rng.pick(ZONES),
    studyMode: 'dedicated',
    studyDaysPerWeek: rng.pick([5, 6, 6, 6, 7]),
    prepStartInDays: -7 * week + rng.int(0, 6),
    examInDays: rng.int(20, 60),
    ...(rng.chance(0.6) ? { erasInDays: rng.int(60, 200) } : {}),
    ...(rng.chance(0.8) ? { targetScore: rng.int(235, 265) } : {}),
    volume: {
      foundation: rng.int(35, 60),
      heavy: rng.int(55, 90),
      refinement: rng.int(40, 70),
      final: rng.int(25, 60),
      driftPerWeek: rng.float(-0.03, 0.03),
      jitter: rng.float(0.05, 0.25),
      skipChance: rng.float(0, 0.15),
      blockSize: 40,
    },
    idleLastDays: rng.chance(0.15) ? rng.int(3, 9) : 0,
    timedRandomShare: rng.float(0.3, 0.95),
    ability: {
      start: rng.float(0.5, 0.7),
      gainPerWeek: rng.float(0, 0.015),
      systems: Object.fromEntries(weak.map((s) => [s, -rng.float(0.1, 0.2)])),
      spread: 0.03,
    },
    reviewMinutesPerQuestion: rng.chance(0.8) ? rng.float(1.2, 4) : 0,
    mistakes: rng.chance(0.7) ? { knowledge: rng.next(), misread: rng.next(), timing: rng.next() } : null,
    topicTagChance: rng.float(0, 0.2),
    selfAssessments: {
      path: rng.pick(['improving', 'plateau', 'none'] as const),
      baseline: rng.int(215, 245),
      pointsPerWeek: rng.int(2, 6),
      schedule: [],
    },
    activities: {
      contentReviewPerWeek: rng.int(1, 5),
      contentReviewMinutes: rng.int(45, 120),
      ankiChance: rng.float(0, 0.9),
      ankiMinutes: rng.int(15, 45),
      videoPerWeek: rng.int(0, 3),
      simulationDays: [],
    },
  }
  const story: Story =
    archetype === 'plateau'
      ? { ...base, selfAssessments: { ...base.selfAssessments, path: 'plateau' } }
      : archetype === 'behind'
        ? {
            ...base,
            volume: { ...base.volume, heavy: rng.int(15, 35), foundation: rng.int(15, 35) },
            selfAssessments: { ...base.selfAssessments, path: rng.chance(0.5) ? 'none' : 'improving' },
          }
        : archetype === 'final'
          ? { ...base, examInDays: rng.int(3, 14) }
          : archetype === 'part-time'
            ? {
                ...base,
                studyMode: 'part_time',
                examInDays: rng.int(60, 150),
                volume: { ...base.volume, foundation: rng.int(20, 40), heavy: rng.int(25, 45) },
              }
            : base
  // Scored forms every 10 days from day 7 of prep, the newest at least a day before today and before
  // any idle stretch (with 3+ of them over 2+ weeks, the path shows in the trend).
  const lastDay = -Math.max(1, story.idleLastDays + 1)
  const firstDay = story.prepStartInDays + 7
  const schedule =
    story.selfAssessments.path === 'none' || firstDay > lastDay
      ? []
      : Array.from({ length: Math.floor((lastDay - firstDay) / 10) + 1 }, (_, i) => ({
          inDays: firstDay + i * 10,
          form: FORMS[i % FORMS.length] ?? 'nbme-12',
        }))
  return { ...story, selfAssessments: { ...story.selfAssessments, schedule } }
}

export async function seedRealisticMentees(
  db: Db,
  opts: {
    count: number
    seed: number
    now: Date
    /** Grant each student to this advisor (the dashboard's mentees). */
    advisorId?: string
    label?: string
    emailDomain?: string
  },
): Promise<SeededStudent[]> {
  const rng = createRng(opts.seed, 'mentees')
  const label = opts.label ?? String(opts.seed)
  const students: SeededStudent[] = []
  for (let i = 0; i < opts.count; i++) {
    const story = randomStory(rng.fork(i), i)
    const user = await createUserWithToken(db, {
      role: 'student',
      name: story.name,
      email: `mentee-${label}-${i}@${opts.emailDomain ?? 'bench.step2-progress.local'}`,
      timezone: story.timezone,
      tokenName: 'bench',
    })
    const history = generateHistory(story, { seed: opts.seed, today: todayIn(story.timezone, opts.now) })
    const counts = await writeHistory(db, user.id, history, opts.now)
    if (opts.advisorId) {
      const advisorId = opts.advisorId
      await db.transaction((tx) => insertGrant(tx, { studentId: user.id, advisorId }))
    }
    students.push({ ...user, story: story.key, counts })
  }
  return students
}
