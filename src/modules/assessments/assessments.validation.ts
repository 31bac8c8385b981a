import type { FieldError } from '../../http/errors.js'
import {
  FORMS,
  normalizeBreakdownSystem,
  normalizeForm,
  OUTLINE_SYSTEM_SLUGS,
  SYSTEM_SLUGS,
} from '../../reference/index.js'
import type { AssessmentSystemRow } from './assessments.table.js'

/** An assessment after normalisation and defaults: what gets stored. */
export interface NormalizedAssessment {
  source: string
  externalId: string | null
  form: string
  label: string | null
  takenAt: string
  score: number | null
  percentCorrect: number | null
  examConditions: boolean
  systems: AssessmentSystemRow[]
  note: string | null
}

/**
 * A breakdown row as sent (a label) or as stored (a slug with its level, on PATCH). A stored row keeps its
 * level: re-normalising an outline slug could resolve it to a study-level system of the same name.
 */
export type AssessmentSystemInputRow =
  { system: string; percentCorrect: number; level?: undefined } | AssessmentSystemRow

export interface AssessmentInput {
  source: string
  externalId?: string | null | undefined
  form: string
  label?: string | null | undefined
  takenAt: string
  score?: number | null | undefined
  percentCorrect?: number | null | undefined
  examConditions?: boolean | undefined
  systems?: readonly AssessmentSystemInputRow[] | null | undefined
  note?: string | null | undefined
}

/** Vendors report one or no decimals; the column keeps one. */
export const oneDecimal = (n: number) => Math.round(n * 10) / 10

const DAY_MS = 86_400_000

function normalizeSystems(rows: readonly AssessmentSystemInputRow[], errors: FieldError[]) {
  const seen = new Map<string, number>()
  const out: AssessmentSystemRow[] = []
  rows.forEach((row, i) => {
    const path = `/systems/${i}/system`
    let hit: { slug: string; level: 'system' | 'outline' } | undefined
    if (
      row.level !== undefined &&
      (row.level === 'system' ? SYSTEM_SLUGS : OUTLINE_SYSTEM_SLUGS).includes(row.system)
    ) {
      hit = { slug: row.system, level: row.level }
    } else {
      const result = normalizeBreakdownSystem(row.system)
      if (!result.ok) {
        errors.push({
          in: 'body',
          path,
          message: `unknown system "${row.system}"; accepted: ${result.accepted.join(', ')}`,
        })
        return
      }
      hit = { slug: result.slug, level: result.level }
    }
    const earlier = seen.get(hit.slug)
    if (earlier !== undefined) {
      errors.push({
        in: 'body',
        path,
        message: `${hit.slug} appears twice (items ${earlier} and ${i}); send one row per system`,
      })
      return
    }
    seen.set(hit.slug, i)
    out.push({ system: hit.slug, level: hit.level, percentCorrect: oneDecimal(row.percentCorrect) })
  })
  return out
}

/**
 * Every rule of a self-assessment (guide-rules.md §1, reference-data.md forms), with the form and system
 * labels normalised. Pure: returns the stored form, or the list of problems (JSON Pointer paths) for a 422.
 */
export function normalizeAssessment(
  input: AssessmentInput,
  now: Date,
): { ok: true; assessment: NormalizedAssessment } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const score = input.score ?? null
  const percentCorrect = input.percentCorrect == null ? null : oneDecimal(input.percentCorrect)
  const label = input.label ?? null

  const normalizedForm = normalizeForm(input.form)
  const form = normalizedForm.ok ? FORMS.find((f) => f.id === normalizedForm.id) : undefined
  if (!normalizedForm.ok)
    errors.push({
      in: 'body',
      path: '/form',
      message: `unknown form "${input.form}"; accepted: ${normalizedForm.accepted.join(', ')}`,
    })
  if (form) {
    if (label !== null && form.id !== 'other')
      errors.push({
        in: 'body',
        path: '/label',
        message: `label is only for form "other"; ${form.id} names the form already`,
      })
    if (form.scored && score === null)
      errors.push({ in: 'body', path: '/score', message: `${form.id} reports a 3-digit score; send score` })
    // Free 120 reports percent correct only; a "score" there is a conversion that must not enter the trend.
    if (form.reports === 'percent' && score !== null)
      errors.push({
        in: 'body',
        path: '/score',
        message: `${form.id} reports percent correct only; send percentCorrect, not score`,
      })
  }
  if (score === null && percentCorrect === null && !form?.scored)
    errors.push({
      in: 'body',
      path: '/percentCorrect',
      message: 'percentCorrect is required when there is no score',
    })

  const systems = normalizeSystems(input.systems ?? [], errors)

  const takenAt = new Date(input.takenAt)
  // A day of slack for clocks and time zones, as for blocks; anything later is a typo.
  if (takenAt.getTime() > now.getTime() + DAY_MS)
    errors.push({ in: 'body', path: '/takenAt', message: 'takenAt is more than a day in the future' })
  if (takenAt.getUTCFullYear() < 2000)
    errors.push({ in: 'body', path: '/takenAt', message: 'takenAt is before 2000' })

  if (errors.length > 0 || !form) return { ok: false, errors }
  return {
    ok: true,
    assessment: {
      source: input.source,
      externalId: input.externalId ?? null,
      form: form.id,
      label,
      takenAt: takenAt.toISOString(),
      score,
      percentCorrect,
      examConditions: input.examConditions ?? false,
      systems,
      note: input.note ?? null,
    },
  }
}
