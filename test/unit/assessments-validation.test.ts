import { describe, expect, test } from 'vitest'
import { normalizeActivity } from '../../src/modules/activities/activities.validation.js'
import {
  type AssessmentInput,
  normalizeAssessment,
} from '../../src/modules/assessments/assessments.validation.js'

const NOW = new Date('2026-11-28T12:00:00Z')

const assessment = (overrides: Partial<AssessmentInput> = {}): AssessmentInput => ({
  source: 'manual',
  form: 'nbme-12',
  takenAt: '2026-10-03T14:00:00Z',
  score: 245,
  ...overrides,
})

const pathsOf = (result: { ok: true } | { ok: false; errors: { path: string }[] }) =>
  result.ok ? [] : result.errors.map((e) => e.path)

describe('normalizeAssessment', () => {
  test.each([
    ['NBME 12', 'nbme-12'],
    ['nbme-12', 'nbme-12'],
    ['CCSSA Form 9', 'nbme-9'],
    ['UWSA 2', 'uwsa-2'],
    ['uwsa1', 'uwsa-1'],
    ['AMBOSS SA', 'amboss-sa'],
  ])('form %j → %s', (form, id) => {
    const result = normalizeAssessment(assessment({ form }), NOW)
    expect(result.ok && result.assessment.form).toBe(id)
  })

  test.each<[string, Partial<AssessmentInput>]>([
    ['free-120 with percent only', { form: 'Free 120', score: undefined, percentCorrect: 68 }],
    [
      'other with a label and a percent',
      { form: 'other', label: 'NBME 8', score: undefined, percentCorrect: 60 },
    ],
    ['other with a score only', { form: 'other', score: 230 }],
    ['a scored form with score and percent', { percentCorrect: 71.5 }],
    ['takenAt within a day ahead (time zones)', { takenAt: '2026-11-29T06:00:00Z' }],
    ['an empty breakdown', { systems: [] }],
  ])('accepted: %s', (_, overrides) => {
    expect(pathsOf(normalizeAssessment(assessment(overrides), NOW))).toEqual([])
  })

  test.each<[string, Partial<AssessmentInput>, string]>([
    ['unknown form', { form: 'NBME 99' }, '/form'],
    ['nbme-12 without score', { score: undefined, percentCorrect: 70 }, '/score'],
    ['uwsa-2 without anything', { form: 'UWSA 2', score: undefined }, '/score'],
    ['free-120 with a score', { form: 'free-120', score: 240, percentCorrect: 70 }, '/score'],
    ['free-120 with neither', { form: 'free-120', score: undefined }, '/percentCorrect'],
    ['other with neither', { form: 'other', score: undefined }, '/percentCorrect'],
    ['label on a named form', { label: 'my NBME' }, '/label'],
    ['more than a day ahead', { takenAt: '2026-11-29T12:00:01Z' }, '/takenAt'],
    ['before 2000', { takenAt: '1999-12-31T00:00:00Z' }, '/takenAt'],
    ['unknown system', { systems: [{ system: 'astrology', percentCorrect: 50 }] }, '/systems/0/system'],
    [
      'a system twice through aliases',
      {
        systems: [
          { system: 'cardio', percentCorrect: 50 },
          { system: 'Cardiovascular System', percentCorrect: 60 },
        ],
      },
      '/systems/1/system',
    ],
  ])('422: %s → %s', (_, overrides, path) => {
    expect(pathsOf(normalizeAssessment(assessment(overrides), NOW))).toContain(path)
  })

  test('an unknown form lists the accepted ids', () => {
    const result = normalizeAssessment(assessment({ form: 'NBME 99' }), NOW)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]?.message).toContain('nbme-9, nbme-10')
  })

  test.each<[string, string, 'system' | 'outline']>([
    ['cardio', 'cardiovascular', 'system'],
    ['pulm', 'pulmonary', 'system'],
    // "respiratory" is also a pulmonary alias: the finer system wins.
    ['respiratory', 'pulmonary', 'system'],
    ['immune', 'immune', 'outline'],
    ['renal-reproductive', 'renal-reproductive', 'outline'],
    ['Human Development', 'human-development', 'outline'],
    ['Multisystem Processes & Disorders', 'multisystem', 'outline'],
  ])('breakdown %j → %s at %s level', (label, system, level) => {
    const result = normalizeAssessment(assessment({ systems: [{ system: label, percentCorrect: 55 }] }), NOW)
    expect(result.ok && result.assessment.systems).toEqual([{ system, level, percentCorrect: 55 }])
  })

  test('a stored outline row keeps its level (PATCH merges stored rows back in)', () => {
    const result = normalizeAssessment(
      assessment({ systems: [{ system: 'multisystem', level: 'outline', percentCorrect: 40 }] }),
      NOW,
    )
    expect(result.ok && result.assessment.systems).toEqual([
      { system: 'multisystem', level: 'outline', percentCorrect: 40 },
    ])
  })

  test.each([
    [72.25, 72.3],
    [66.666, 66.7],
    [100, 100],
    [0, 0],
  ])('percentCorrect %d is kept with one decimal: %d', (input, stored) => {
    const result = normalizeAssessment(assessment({ percentCorrect: input }), NOW)
    expect(result.ok && result.assessment.percentCorrect).toBe(stored)
  })

  test('defaults: examConditions false, no externalId, label null, note null', () => {
    const result = normalizeAssessment(assessment(), NOW)
    expect(result.ok && result.assessment).toMatchObject({
      examConditions: false,
      externalId: null,
      label: null,
      note: null,
      percentCorrect: null,
      takenAt: '2026-10-03T14:00:00.000Z',
    })
  })
})

describe('normalizeActivity', () => {
  const activity = (overrides: Partial<Parameters<typeof normalizeActivity>[0]> = {}) => ({
    source: 'manual',
    type: 'content_review' as const,
    date: '2026-11-20',
    minutes: 60,
    ...overrides,
  })

  test('system labels become slugs, duplicates collapse, order kept', () => {
    const result = normalizeActivity(activity({ systems: ['GI', 'cardio', 'Cardiology', 'heme/onc'] }), NOW)
    expect(result.ok && result.activity.systems).toEqual([
      'gastrointestinal',
      'cardiovascular',
      'hematology-oncology',
    ])
  })

  test.each<[string, Partial<Parameters<typeof normalizeActivity>[0]>]>([
    ['a simulation day with blocks', { type: 'simulation_day', blocks: 8 }],
    ['a simulation day without blocks', { type: 'simulation_day' }],
    ['tomorrow in UTC (a zone ahead of UTC)', { date: '2026-11-29' }],
    ['blocks null on another type', { type: 'anki', blocks: null }],
  ])('accepted: %s', (_, overrides) => {
    expect(pathsOf(normalizeActivity(activity(overrides), NOW))).toEqual([])
  })

  test.each<[string, Partial<Parameters<typeof normalizeActivity>[0]>, string]>([
    ['unknown system', { systems: ['cardio', 'astrology'] }, '/systems/1'],
    ['blocks on an anki session', { type: 'anki', blocks: 2 }, '/blocks'],
    ['blocks on content review', { blocks: 1 }, '/blocks'],
    ['two days ahead', { date: '2026-11-30' }, '/date'],
    ['before 2000', { date: '1999-12-31' }, '/date'],
  ])('422: %s → %s', (_, overrides, path) => {
    expect(pathsOf(normalizeActivity(activity(overrides), NOW))).toContain(path)
  })

  test('an unknown system lists the accepted slugs', () => {
    const result = normalizeActivity(activity({ systems: ['astrology'] }), NOW)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]?.message).toContain('cardiovascular')
  })
})
