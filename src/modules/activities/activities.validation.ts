import type { FieldError } from '../../http/errors.js'
import { normalizeSystem } from '../../reference/index.js'
import type { ActivityType } from './activities.table.js'

/** An activity after normalisation and defaults: what gets stored. */
export interface NormalizedActivity {
  source: string
  externalId: string | null
  type: ActivityType
  date: string
  minutes: number
  systems: string[]
  blocks: number | null
  note: string | null
}

export interface ActivityInput {
  source: string
  externalId?: string | null | undefined
  type: ActivityType
  date: string
  minutes: number
  systems?: readonly string[] | undefined
  blocks?: number | null | undefined
  note?: string | null | undefined
}

const DAY_MS = 86_400_000

/**
 * Every rule of a study activity (guide-rules.md §1), with system labels normalised. Pure: returns the
 * stored form, or the list of problems (JSON Pointer paths) for a 422.
 */
export function normalizeActivity(
  input: ActivityInput,
  now: Date,
): { ok: true; activity: NormalizedActivity } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const systems: string[] = []
  ;(input.systems ?? []).forEach((label, i) => {
    const result = normalizeSystem(label)
    if (!result.ok)
      errors.push({
        in: 'body',
        path: `/systems/${i}`,
        message: `unknown system "${label}"; accepted: ${result.accepted.join(', ')}`,
      })
    // A list of systems covered, not a breakdown: 'cardio' and 'cardiology' twice is one system.
    else if (!systems.includes(result.slug)) systems.push(result.slug)
  })
  const blocks = input.blocks ?? null
  if (blocks !== null && input.type !== 'simulation_day')
    errors.push({
      in: 'body',
      path: '/blocks',
      message: `blocks is only for simulation_day, not ${input.type}`,
    })
  // The date is the student's local day; UTC today + 1 covers every time zone ahead of UTC.
  const latest = new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10)
  if (input.date > latest)
    errors.push({ in: 'body', path: '/date', message: `date ${input.date} is in the future` })
  if (input.date < '2000-01-01') errors.push({ in: 'body', path: '/date', message: 'date is before 2000' })
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    activity: {
      source: input.source,
      externalId: input.externalId ?? null,
      type: input.type,
      date: input.date,
      minutes: input.minutes,
      systems,
      blocks,
      note: input.note ?? null,
    },
  }
}
