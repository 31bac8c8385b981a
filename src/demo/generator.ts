/**
 * Realistic, deterministic study histories: a student's story in, weeks of Qbank blocks,
 * self-assessments and activities out. `generateHistory` is pure (same story, seed and day → the
 * same data, byte for byte); `writeHistory` writes it through the service's own services, in
 * transactions, so every invariant and outbox event applies exactly as for a client's requests.
 *
 * The model, kept simple on purpose:
 * - Each study day has a question volume from its phase (foundation / heavy Qbank / refinement /
 *   final), drifting by a factor per plan week, with day-to-day jitter; rest days follow
 *   `studyDaysPerWeek` (the last days of each Monday–Sunday week), and some days are skipped.
 * - Every question gets a system (random blocks: drawn by UWorld bank share; subject blocks: one or
 *   two chosen systems) and a subject, and is right with probability ability(week) + the system's
 *   offset + a per-block wobble. Breakdowns are the exact counts, so totals sum to questionCount
 *   and corrects to correctCount.
 * - Weeks 1–2 are mostly untimed subject blocks; from week 3 on, mostly timed random ones.
 * - UWorld first pass until the bank runs out, then (and in the final two weeks) review blocks of
 *   incorrects. Self-assessments follow the story's schedule and score path.
 */
import type { Db } from '../db/client.js'
import type { CreateActivityBody } from '../modules/activities/activities.schemas.js'
import { logActivity } from '../modules/activities/activities.service.js'
import { DEFAULT_ANALYTICS_CONFIG } from '../modules/analytics/config.js'
import { addDays, daysBetween, dayNumber } from '../modules/analytics/dates.js'
import { phaseName } from '../modules/analytics/figures.js'
import type { PhaseName } from '../modules/analytics/types.js'
import type { CreateAssessmentBody } from '../modules/assessments/assessments.schemas.js'
import { logAssessment } from '../modules/assessments/assessments.service.js'
import type { CreateBlockBody } from '../modules/qbank/blocks.schemas.js'
import { BATCH_MAX, logBlockBatch } from '../modules/qbank/blocks.service.js'
import type { PatchProfileBody } from '../modules/students/profile.schemas.js'
import { patchProfile } from '../modules/students/profile.service.js'
import { IR_TOPICS, OUTLINE_SYSTEMS, SUBJECTS, SYSTEMS, UWORLD_TOTAL_QUESTIONS } from '../reference/index.js'
import { createRng, type Rng } from './prng.js'

export type ScorePath = 'plateau' | 'improving' | 'none'

/** A student's story. Days are relative to "today" (negative: in the past). */
export interface Story {
  /** Stable key: seeds this student's stream and prefixes every externalId. */
  key: string
  name: string
  /** IANA zone: decides the student's days. */
  timezone: string
  studyMode: 'dedicated' | 'part_time'
  studyDaysPerWeek: number
  prepStartInDays: number
  examInDays: number
  erasInDays?: number
  targetScore?: number
  /** UWorld bank size when not the reference default (4085). */
  uworldTotal?: number
  volume: {
    /** Questions per study day in each phase (part_time_build uses `foundation` in its first two weeks, then `heavy`). */
    foundation: number
    heavy: number
    refinement: number
    final: number
    /** Multiplicative change per plan week: 0.03 = +3% a week, −0.1 = fading. */
    driftPerWeek: number
    /** Day-to-day noise (SD, as a fraction of the day's volume). */
    jitter: number
    /** Chance a study day is skipped anyway. */
    skipChance: number
    /** Largest block (UWorld: 40). */
    blockSize: number
  }
  /** Nothing logged in the last N days before today (a student who went quiet). */
  idleLastDays: number
  /** From plan week 3 on, the share of blocks that are timed and random. */
  timedRandomShare: number
  ability: {
    /** Accuracy at prep start, 0–1. */
    start: number
    /** Change per plan week (0.01 = one point a week). */
    gainPerWeek: number
    /** Offsets per system slug (e.g. { renal: -0.18 }): the student's strengths and weaknesses. */
    systems: Readonly<Record<string, number>>
    /** SD of the random offsets of the systems not listed. */
    spread: number
  }
  /** Mean minutes reading explanations per question; 0: never logged. */
  reviewMinutesPerQuestion: number
  /** Shares of tagged mistakes by kind (normalised); null: mistakes never tagged. */
  mistakes: { knowledge: number; misread: number; timing: number } | null
  /** Chance a block carries an IR-relevant topic tag. */
  topicTagChance: number
  selfAssessments: {
    path: ScorePath
    /** Score of the first scored form. */
    baseline: number
    /** improving: points a week; plateau: the one step up from the baseline before the plateau. */
    pointsPerWeek: number
    /** Scored forms, in time order. */
    schedule: readonly { inDays: number; form: string }[]
    /** A Free 120 (percent only) on that day, if any. */
    free120InDays?: number
  }
  activities: {
    contentReviewPerWeek: number
    contentReviewMinutes: number
    /** Chance of an Anki session on a study day, and its minutes. */
    ankiChance: number
    ankiMinutes: number
    videoPerWeek: number
    /** Simulation days (6–8 timed blocks, logged as blocks and an activity), days relative to today. */
    simulationDays: readonly number[]
  }
  /** A second Qbank alongside UWorld. */
  secondary?: { source: string; totalQuestions: number; blockShare: number; fromInDays: number }
  /** every-system: each random block spreads over all 22 systems (benchmarks' worst case). */
  breakdown?: 'natural' | 'every-system'
  /** Local minute of the day the first block starts (default 08:00). */
  startMinute?: number
}

export interface History {
  story: string
  /** The student's today the history was generated for; nothing is dated on or after it. */
  today: string
  profile: PatchProfileBody
  blocks: CreateBlockBody[]
  assessments: CreateAssessmentBody[]
  activities: CreateActivityBody[]
}

// ---------------------------------------------------------------- time zones

const formatters = new Map<string, Intl.DateTimeFormat>()
function offsetMinutes(timezone: string, utcMs: number): number {
  let f = formatters.get(timezone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timezone, f)
  }
  const parts = f.formatToParts(new Date(utcMs))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - utcMs) / 60_000)
}

/** The UTC instant of a local wall-clock time (DST-safe: the offset is re-read at the result). */
export function localTimeToUtc(date: string, minuteOfDay: number, timezone: string): string {
  const naive = dayNumber(date) * 86_400_000 + minuteOfDay * 60_000
  let utc = naive - offsetMinutes(timezone, naive) * 60_000
  utc = naive - offsetMinutes(timezone, utc) * 60_000
  return new Date(utc).toISOString()
}

// ---------------------------------------------------------------- reference shortcuts

const SYSTEM_WEIGHTS = SYSTEMS.map((s) => ({ slug: s.slug, weight: s.uworldQuestions }))

/** Subject of a question given its system: OB and psychiatry systems map to their disciplines. */
const SUBJECT_MIX: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  pregnancy: [
    ['obstetrics-gynecology', 0.9],
    ['medicine', 0.05],
    ['surgery', 0.05],
  ],
  'female-reproductive': [
    ['obstetrics-gynecology', 0.75],
    ['surgery', 0.15],
    ['medicine', 0.1],
  ],
  psychiatry: [
    ['psychiatry', 0.8],
    ['pediatrics', 0.12],
    ['medicine', 0.08],
  ],
  default: [
    ['medicine', 0.53],
    ['pediatrics', 0.22],
    ['surgery', 0.2],
    ['obstetrics-gynecology', 0.03],
    ['psychiatry', 0.02],
  ],
}
const SUBJECT_ORDER = SUBJECTS.map((s) => s.slug)

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const round1 = (x: number) => Math.round(x * 10) / 10

// ---------------------------------------------------------------- generation

interface Question {
  system: string
  subject: string
  correct: boolean
}

interface DayPlan {
  date: string
  weekIndex: number
  phase: PhaseName
}

function planDays(story: Story, today: string): DayPlan[] {
  const prepStart = addDays(today, story.prepStartInDays)
  const examDate = addDays(today, story.examInDays)
  const days: DayPlan[] = []
  // History ends yesterday: today's work is not done yet, and nothing is dated after `now`.
  for (let date = prepStart; date < today && date < examDate; date = addDays(date, 1)) {
    const phase = phaseName({
      today: date,
      prepStartDate: prepStart,
      examDate,
      studyMode: story.studyMode,
      c: DEFAULT_ANALYTICS_CONFIG,
    })
    days.push({ date, weekIndex: Math.floor(daysBetween(prepStart, date) / 7), phase })
  }
  return days
}

/** 0 = Monday … 6 = Sunday. */
const weekday = (date: string) => (((dayNumber(date) + 3) % 7) + 7) % 7

function dayVolume(story: Story, day: DayPlan, rng: Rng): number {
  const v = story.volume
  const base =
    day.phase === 'final'
      ? v.final
      : day.phase === 'refinement'
        ? v.refinement
        : day.phase === 'foundation' || (day.phase === 'part_time_build' && day.weekIndex < 2)
          ? v.foundation
          : v.heavy
  const drifted = base * Math.pow(1 + v.driftPerWeek, day.weekIndex)
  return Math.max(0, Math.round(drifted * (1 + rng.normal(0, v.jitter))))
}

/** Split a day's questions into blocks of at most blockSize, as even as possible. */
function blockSizes(total: number, blockSize: number): number[] {
  if (total < 5) return []
  const n = Math.ceil(total / blockSize)
  const small = Math.floor(total / n)
  return Array.from({ length: n }, (_, i) => small + (i < total % n ? 1 : 0))
}

function systemOffsets(story: Story, rng: Rng): Map<string, number> {
  return new Map(
    SYSTEMS.map((s) => [
      s.slug,
      story.ability.systems[s.slug] ?? clamp(rng.normal(0, story.ability.spread), -0.06, 0.06),
    ]),
  )
}

function drawSystems(
  story: Story,
  rng: Rng,
  count: number,
  selection: 'random' | 'subject',
  offsets: Map<string, number>,
): string[] {
  if (story.breakdown === 'every-system' && count >= SYSTEMS.length) {
    const every = SYSTEMS.map((s) => s.slug)
    const rest = Array.from(
      { length: count - every.length },
      () => rng.weightedPick(SYSTEM_WEIGHTS, (s) => s.weight).slug,
    )
    return [...every, ...rest]
  }
  if (selection === 'subject') {
    // A subject block: one or two systems, weaker ones chosen more often (students work on them).
    const chosen = new Set<string>()
    const n = rng.chance(0.6) ? 1 : 2
    while (chosen.size < n)
      chosen.add(
        rng.weightedPick(SYSTEM_WEIGHTS, (s) => s.weight * (1 + 4 * Math.max(0, -(offsets.get(s.slug) ?? 0))))
          .slug,
      )
    const list = [...chosen]
    return Array.from({ length: count }, () => rng.pick(list))
  }
  return Array.from({ length: count }, () => rng.weightedPick(SYSTEM_WEIGHTS, (s) => s.weight).slug)
}

function drawSubject(system: string, rng: Rng): string {
  const mix = SUBJECT_MIX[system] ?? SUBJECT_MIX.default ?? []
  return rng.weightedPick(mix, ([, w]) => w)[0]
}

function tally<K extends 'system' | 'subject'>(
  questions: readonly Question[],
  key: K,
  order: readonly string[],
) {
  const rows = new Map<string, { total: number; correct: number }>()
  for (const q of questions) {
    const row = rows.get(q[key]) ?? { total: 0, correct: 0 }
    row.total++
    if (q.correct) row.correct++
    rows.set(q[key], row)
  }
  return order.flatMap((slug) => {
    const row = rows.get(slug)
    return row ? [{ [key]: slug, ...row } as Record<K, string> & { total: number; correct: number }] : []
  })
}

function splitMistakes(
  wrong: number,
  shares: NonNullable<Story['mistakes']>,
  rng: Rng,
): { knowledge: number; misread: number; timing: number } {
  // Most misses get tagged; a couple per block stay untagged.
  const tagged = Math.max(0, wrong - rng.int(0, Math.min(2, wrong)))
  const out = { knowledge: 0, misread: 0, timing: 0 }
  const kinds = ['knowledge', 'misread', 'timing'] as const
  for (let i = 0; i < tagged; i++) out[rng.weightedPick(kinds, (k) => shares[k])]++
  return out
}

interface BankState {
  source: string
  total: number
  used: number
  firstPassIncorrect: number
  reviewed: number
}

/** A score → percent-correct calibration for self-assessments (roughly UWSA/NBME-like). */
const percentForScore = (score: number) => clamp(round1(30 + (score - 190) * 0.62), 20, 98)

function scoresFor(story: Story, rng: Rng): number[] {
  const sa = story.selfAssessments
  const days = sa.schedule.map((s) => s.inDays)
  const first = days[0] ?? 0
  const scores: number[] = []
  days.forEach((d, i) => {
    const weeks = (d - first) / 7
    let score: number
    if (i === 0) score = sa.baseline + Math.round(rng.normal(0, 2))
    else if (sa.path === 'improving') {
      score = Math.round(sa.baseline + sa.pointsPerWeek * weeks + rng.normal(0, 2))
      // Rising for real: each score beats the best before it by at least 5 (not a plateau).
      score = Math.max(score, Math.max(...scores) + 5)
    } else {
      // plateau: one step up after the baseline, then noise around that level.
      const level = sa.baseline + sa.pointsPerWeek * Math.min(weeks, 2)
      score = Math.round(level + clamp(rng.normal(0, 2), -3, 3))
      const lastThree = [...scores.slice(-2), score]
      if (lastThree.length === 3) {
        const [a = 0, b = 0] = lastThree
        // Keep it a plateau: under 5 above the best of the two before, and no 5-point drop either.
        score = clamp(score, a - 4, Math.max(a, b) + 4)
      }
    }
    scores.push(clamp(score, 180, 290))
  })
  return scores
}

/**
 * The story's history as of `today` (the student's local date): pure and deterministic. Nothing
 * is dated today or later, so the data is valid whatever the time of day it is written.
 */
export function generateHistory(story: Story, { seed, today }: { seed: number; today: string }): History {
  const rng = createRng(seed, story.key)
  const blocksRng = rng.fork('blocks')
  const scoreRng = rng.fork('scores')
  const activityRng = rng.fork('activities')
  const offsets = systemOffsets(story, rng.fork('offsets'))
  const prepStartDate = addDays(today, story.prepStartInDays)
  const examDate = addDays(today, story.examInDays)
  const idleFrom = addDays(today, -story.idleLastDays)
  const simulationDays = new Set(story.activities.simulationDays.map((d) => addDays(today, d)))

  const profile: PatchProfileBody = {
    prepStartDate,
    examDate,
    erasSubmissionDate: story.erasInDays === undefined ? null : addDays(today, story.erasInDays),
    targetScore: story.targetScore ?? null,
    studyMode: story.studyMode,
    timezone: story.timezone,
    studyDaysPerWeek: story.studyDaysPerWeek,
    ...(story.uworldTotal !== undefined || story.secondary
      ? {
          qbanks: {
            ...(story.uworldTotal !== undefined ? { uworld: { totalQuestions: story.uworldTotal } } : {}),
            ...(story.secondary
              ? { [story.secondary.source]: { totalQuestions: story.secondary.totalQuestions } }
              : {}),
          },
        }
      : {}),
  }

  const uworld: BankState = {
    source: 'uworld',
    total: story.uworldTotal ?? UWORLD_TOTAL_QUESTIONS,
    used: 0,
    firstPassIncorrect: 0,
    reviewed: 0,
  }
  const secondary: BankState | undefined = story.secondary && {
    source: story.secondary.source,
    total: story.secondary.totalQuestions,
    used: 0,
    firstPassIncorrect: 0,
    reviewed: 0,
  }
  const blocks: CreateBlockBody[] = []
  const activities: CreateActivityBody[] = []
  const counters = new Map<string, number>()
  const nextId = (prefix: string) => {
    const n = (counters.get(prefix) ?? 0) + 1
    counters.set(prefix, n)
    return `demo-${story.key}-${prefix}-${String(n).padStart(4, '0')}`
  }

  for (const day of planDays(story, today)) {
    if (day.date >= idleFrom) continue
    // A simulation day happens whatever the weekday; other days follow the study week.
    const simulation = simulationDays.has(day.date)
    if (!simulation && weekday(day.date) >= story.studyDaysPerWeek) continue
    if (!simulation && blocksRng.chance(story.volume.skipChance)) continue
    const ability = clamp(story.ability.start + story.ability.gainPerWeek * day.weekIndex, 0.2, 0.92)
    const sizes = simulation
      ? Array.from({ length: blocksRng.int(6, 8) }, () => story.volume.blockSize)
      : blockSizes(dayVolume(story, day, blocksRng), story.volume.blockSize)
    let minute = (story.startMinute ?? 8 * 60) + blocksRng.int(-20, 40)

    for (const size of sizes) {
      const useSecondary =
        !simulation &&
        secondary !== undefined &&
        story.secondary !== undefined &&
        daysBetween(addDays(today, story.secondary.fromInDays), day.date) >= 0 &&
        blocksRng.chance(story.secondary.blockShare)
      const bank = useSecondary && secondary ? secondary : uworld
      const remaining = bank.total - bank.used
      const inFinal = day.phase === 'final'
      const pass: 'first' | 'review' = remaining > 0 && !inFinal ? 'first' : 'review'
      // Review blocks redo incorrects first; once those are done, marked questions (any seen one).
      const reviewable = Math.max(bank.firstPassIncorrect - bank.reviewed, bank.used >= size ? size : 0)
      const questionCount = pass === 'first' ? size : Math.min(size, reviewable)
      if (questionCount < 5) continue
      const newQuestionCount = pass === 'first' ? Math.min(questionCount, remaining) : 0

      const early = day.weekIndex < 2 && !simulation
      const timedRandom =
        simulation || (early ? blocksRng.chance(0.15) : blocksRng.chance(story.timedRandomShare))
      const selection: 'random' | 'subject' = timedRandom || blocksRng.chance(0.3) ? 'random' : 'subject'
      const timed = timedRandom || (!early && blocksRng.chance(0.4))

      const wobble = blocksRng.normal(0, 0.04) + (pass === 'review' ? 0.05 : 0)
      const questions: Question[] = drawSystems(story, blocksRng, questionCount, selection, offsets).map(
        (system) => ({
          system,
          subject: drawSubject(system, blocksRng),
          correct: blocksRng.chance(clamp(ability + (offsets.get(system) ?? 0) + wobble, 0.05, 0.97)),
        }),
      )
      const correctCount = questions.filter((q) => q.correct).length
      const wrong = questionCount - correctCount
      const durationMinutes = Math.max(
        5,
        Math.round(questionCount * (timed ? 1.5 : 2.1) * (1 + blocksRng.normal(0, 0.08))),
      )
      const reviewMinutes =
        story.reviewMinutesPerQuestion > 0
          ? Math.max(
              1,
              Math.round(questionCount * story.reviewMinutesPerQuestion * (1 + blocksRng.normal(0, 0.15))),
            )
          : undefined
      minute += durationMinutes
      const takenAt = localTimeToUtc(day.date, Math.min(minute, 23 * 60 + 50), story.timezone)
      minute += (simulation ? 15 : (reviewMinutes ?? 30) + 20) + blocksRng.int(0, 20)

      const topSystem = tally(
        questions,
        'system',
        SYSTEMS.map((s) => s.slug),
      ).sort((a, b) => b.total - a.total)[0]?.system
      const irTopics = IR_TOPICS.filter((t) => topSystem !== undefined && t.systems.includes(topSystem))
      const topics =
        irTopics.length > 0 && blocksRng.chance(story.topicTagChance) ? [blocksRng.pick(irTopics).slug] : []

      blocks.push({
        source: bank.source,
        externalId: nextId(bank.source === 'uworld' ? 'uw' : bank.source),
        takenAt,
        questionCount,
        correctCount,
        newQuestionCount,
        pass,
        timed,
        selection,
        durationMinutes,
        ...(reviewMinutes !== undefined ? { reviewMinutes } : {}),
        systems: tally(
          questions,
          'system',
          SYSTEMS.map((s) => s.slug),
        ),
        subjects: tally(questions, 'subject', SUBJECT_ORDER),
        ...(story.mistakes && wrong > 0 ? { mistakes: splitMistakes(wrong, story.mistakes, blocksRng) } : {}),
        ...(topics.length > 0 ? { topics } : {}),
      })
      if (pass === 'first') {
        bank.used += newQuestionCount
        bank.firstPassIncorrect += wrong
      } else bank.reviewed += questionCount
    }

    // Activities on study days: content review, Anki, videos, and the simulation day itself.
    const a = story.activities
    const weakFirst = (n: number) =>
      activityRng
        .shuffle(SYSTEMS.map((s) => s.slug))
        .sort((x, y) => (offsets.get(x) ?? 0) - (offsets.get(y) ?? 0))
        .slice(0, n)
    if (simulation)
      activities.push({
        type: 'simulation_day',
        date: day.date,
        minutes: sizes.length * 60 + 60,
        blocks: Math.min(12, sizes.length),
        externalId: nextId('act'),
      })
    if (activityRng.chance(a.contentReviewPerWeek / story.studyDaysPerWeek))
      activities.push({
        type: 'content_review',
        date: day.date,
        minutes: Math.max(15, Math.round(a.contentReviewMinutes * (1 + activityRng.normal(0, 0.2)))),
        systems: activityRng.chance(0.7)
          ? weakFirst(activityRng.int(1, 2))
          : [activityRng.pick(SYSTEMS).slug],
        externalId: nextId('act'),
      })
    if (a.ankiMinutes > 0 && activityRng.chance(a.ankiChance))
      activities.push({
        type: 'anki',
        date: day.date,
        minutes: Math.max(5, Math.round(a.ankiMinutes * (1 + activityRng.normal(0, 0.25)))),
        externalId: nextId('act'),
      })
    if (activityRng.chance(a.videoPerWeek / story.studyDaysPerWeek))
      activities.push({
        type: 'video',
        date: day.date,
        minutes: activityRng.int(20, 75),
        systems: weakFirst(1),
        externalId: nextId('act'),
      })
  }

  // Self-assessments: the story's schedule, scores along its path, each with a system breakdown.
  const assessments: CreateAssessmentBody[] = []
  const sa = story.selfAssessments
  if (sa.path !== 'none') {
    const scores = scoresFor(story, scoreRng)
    sa.schedule.forEach((slot, i) => {
      const date = addDays(today, slot.inDays)
      if (date >= today) return
      const score = scores[i] ?? sa.baseline
      const percentCorrect = percentForScore(score)
      const outline = slot.form.startsWith('nbme')
      const systems = outline
        ? OUTLINE_SYSTEMS.map((o) => {
            const members = SYSTEMS.filter((s) => s.outlineSystem === o.slug)
            const offset =
              members.length === 0
                ? 0
                : members.reduce((sum, s) => sum + (offsets.get(s.slug) ?? 0), 0) / members.length
            return { system: o.slug, percent: offset }
          })
        : slot.form.startsWith('uwsa')
          ? SYSTEMS.map((s) => ({ system: s.slug, percent: offsets.get(s.slug) ?? 0 }))
          : []
      assessments.push({
        form: slot.form,
        takenAt: localTimeToUtc(date, 14 * 60 + scoreRng.int(0, 90), story.timezone),
        score,
        percentCorrect,
        examConditions: scoreRng.chance(0.8),
        ...(systems.length > 0
          ? {
              systems: systems.map((s) => ({
                system: s.system,
                percentCorrect: clamp(
                  round1(percentCorrect + 100 * s.percent + scoreRng.normal(0, 4)),
                  0,
                  100,
                ),
              })),
            }
          : {}),
        externalId: `demo-${story.key}-sa-${String(i + 1).padStart(3, '0')}`,
      })
    })
  }
  if (sa.free120InDays !== undefined && addDays(today, sa.free120InDays) < today) {
    const last = assessments.at(-1)
    assessments.push({
      form: 'free-120',
      takenAt: localTimeToUtc(addDays(today, sa.free120InDays), 15 * 60, story.timezone),
      percentCorrect: clamp(round1((last?.percentCorrect ?? 65) + 8 + scoreRng.normal(0, 2)), 0, 100),
      examConditions: true,
      externalId: `demo-${story.key}-sa-free-120`,
    })
  }
  assessments.sort((x, y) => x.takenAt.localeCompare(y.takenAt))

  return { story: story.key, today, profile, blocks, assessments, activities }
}

// ---------------------------------------------------------------- writing

export interface WriteCounts {
  blocks: number
  assessments: number
  activities: number
}

/**
 * Writes a history for an existing student through the services (profile, blocks in batches of
 * at most 500, assessments, activities), each step in its own transaction. Every record carries an
 * externalId, so writing the same history again updates instead of duplicating. Throws on the
 * first refused record: generated data must satisfy every rule.
 */
export async function writeHistory(
  db: Db,
  studentId: string,
  history: History,
  now: Date,
): Promise<WriteCounts> {
  await patchProfile(db, studentId, history.profile)
  for (let i = 0; i < history.blocks.length; i += BATCH_MAX) {
    const chunk = history.blocks.slice(i, i + BATCH_MAX)
    const { body } = await db.transaction((tx) => logBlockBatch(tx, studentId, chunk, now))
    const results = (body as { results: { index: number; status: string; problem?: { detail: string } }[] })
      .results
    const refused = results.find((r) => r.status === 'error')
    if (refused)
      throw new Error(
        `demo block ${chunk[refused.index]?.externalId ?? refused.index} refused: ${refused.problem?.detail ?? 'unknown'}`,
      )
  }
  if (history.assessments.length > 0)
    await db.transaction(async (tx) => {
      for (const a of history.assessments) await logAssessment(tx, studentId, a, now)
    })
  if (history.activities.length > 0)
    await db.transaction(async (tx) => {
      for (const a of history.activities) await logActivity(tx, studentId, a, now)
    })
  return {
    blocks: history.blocks.length,
    assessments: history.assessments.length,
    activities: history.activities.length,
  }
}
