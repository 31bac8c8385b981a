import type { FieldError } from '../../http/errors.js'
import { normalizeSubject, normalizeSystem } from '../../reference/index.js'
import type { CreateBlockBody } from './blocks.schemas.js'

export interface ScoreRow {
  total: number
  correct: number
}

/** A block after label normalisation and defaults: what gets stored. */
export interface NormalizedBlock {
  source: string
  externalId: string | null
  takenAt: string
  questionCount: number
  correctCount: number
  newQuestionCount: number
  pass: 'first' | 'review'
  timed: boolean
  selection: 'random' | 'subject'
  durationMinutes: number | null
  reviewMinutes: number | null
  systems: (ScoreRow & { system: string })[]
  subjects: (ScoreRow & { subject: string })[]
  mistakes: { knowledge: number; misread: number; timing: number } | null
  topics: string[]
  note: string | null
}

/** guide-rules.md §1: all new on a first pass, none on a review pass. */
export const defaultNewQuestionCount = (pass: 'first' | 'review', questionCount: number) =>
  pass === 'first' ? questionCount : 0

type Labelled<K extends string> = ScoreRow & Record<K, string>

function normalizeRows<K extends 'system' | 'subject'>(
  rows: readonly Labelled<K>[],
  field: K,
  listPath: string,
  normalize: (label: string) => { ok: true; slug: string } | { ok: false; accepted: readonly string[] },
  errors: FieldError[],
): Labelled<K>[] {
  const seen = new Map<string, number>()
  const out: Labelled<K>[] = []
  rows.forEach((row, i) => {
    const result = normalize(row[field])
    if (!result.ok) {
      errors.push({
        in: 'body',
        path: `${listPath}/${i}/${field}`,
        message: `unknown ${field} "${row[field]}"; accepted: ${result.accepted.join(', ')}`,
      })
      return
    }
    const earlier = seen.get(result.slug)
    if (earlier !== undefined) {
      errors.push({
        in: 'body',
        path: `${listPath}/${i}/${field}`,
        message: `${result.slug} appears twice (items ${earlier} and ${i}); send one row per ${field}`,
      })
      return
    }
    seen.set(result.slug, i)
    if (row.correct > row.total)
      errors.push({
        in: 'body',
        path: `${listPath}/${i}/correct`,
        message: `correct ${row.correct} exceeds total ${row.total}`,
      })
    out.push({ ...row, [field]: result.slug })
  })
  return out
}

function checkSums(
  rows: readonly ScoreRow[],
  block: { questionCount: number; correctCount: number },
  path: string,
  errors: FieldError[],
) {
  const total = rows.reduce((s, r) => s + r.total, 0)
  const correct = rows.reduce((s, r) => s + r.correct, 0)
  if (total > block.questionCount)
    errors.push({
      in: 'body',
      path,
      message: `totals sum to ${total}, more than questionCount ${block.questionCount}`,
    })
  if (correct > block.correctCount)
    errors.push({
      in: 'body',
      path,
      message: `corrects sum to ${correct}, more than correctCount ${block.correctCount}`,
    })
}

/**
 * Every §1 invariant of a block, with labels normalised. Pure: returns the stored form, or the
 * list of problems (JSON Pointer paths) for a 422.
 */
export function normalizeBlock(
  input: Omit<CreateBlockBody, 'externalId' | 'source'> & {
    source: string
    externalId?: string | null | undefined
  },
  now: Date,
): { ok: true; block: NormalizedBlock } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  if (input.correctCount > input.questionCount)
    errors.push({
      in: 'body',
      path: '/correctCount',
      message: `correctCount ${input.correctCount} exceeds questionCount ${input.questionCount}`,
    })
  const newQuestionCount = input.newQuestionCount ?? defaultNewQuestionCount(input.pass, input.questionCount)
  if (newQuestionCount > input.questionCount)
    errors.push({
      in: 'body',
      path: '/newQuestionCount',
      message: `newQuestionCount ${newQuestionCount} exceeds questionCount ${input.questionCount}`,
    })
  const systems = normalizeRows(input.systems ?? [], 'system', '/systems', normalizeSystem, errors)
  const subjects = normalizeRows(input.subjects ?? [], 'subject', '/subjects', normalizeSubject, errors)
  checkSums(systems, input, '/systems', errors)
  checkSums(subjects, input, '/subjects', errors)
  const mistakes = input.mistakes ?? null
  if (mistakes) {
    const sum = mistakes.knowledge + mistakes.misread + mistakes.timing
    const wrong = input.questionCount - input.correctCount
    if (sum > wrong)
      errors.push({
        in: 'body',
        path: '/mistakes',
        message: `mistakes sum to ${sum}, more than the ${Math.max(0, wrong)} incorrect`,
      })
  }
  const takenAt = new Date(input.takenAt)
  // A day of slack for clocks and time zones; anything later is a typo, not a block.
  if (takenAt.getTime() > now.getTime() + 86_400_000)
    errors.push({ in: 'body', path: '/takenAt', message: 'takenAt is in the future' })
  if (takenAt.getUTCFullYear() < 2000)
    errors.push({ in: 'body', path: '/takenAt', message: 'takenAt is before 2000' })
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    block: {
      source: input.source,
      externalId: input.externalId ?? null,
      takenAt: takenAt.toISOString(),
      questionCount: input.questionCount,
      correctCount: input.correctCount,
      newQuestionCount,
      pass: input.pass,
      timed: input.timed,
      selection: input.selection,
      durationMinutes: input.durationMinutes ?? null,
      reviewMinutes: input.reviewMinutes ?? null,
      systems,
      subjects,
      mistakes,
      topics: input.topics ?? [],
      note: input.note ?? null,
    },
  }
}
