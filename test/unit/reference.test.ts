import { describe, expect, test } from 'vitest'
import {
  FORMS,
  IR_TOPICS,
  OUTLINE_SYSTEMS,
  SCORE_SCALE,
  SUBJECTS,
  SYSTEMS,
  UWORLD_TOTAL_QUESTIONS,
  normalizeBreakdownSystem,
  normalizeForm,
  normalizeKey,
  normalizeSubject,
  normalizeSystem,
} from '../../src/reference/index.js'

const systemSlugs = SYSTEMS.map((s) => s.slug)
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

// Every label the data itself declares, as [label, expected slug] rows.
const labelsOf = <T>(rows: readonly T[], id: (r: T) => string, labels: (r: T) => readonly string[]) =>
  rows.flatMap((r) => [id(r), ...labels(r)].map((label) => [label, id(r)] as const))

/** The keys that would match more than one canonical value (empty when the table is sound). */
function collisions(rows: readonly (readonly [string, string])[]): string[] {
  const owner = new Map<string, string>()
  const clashes: string[] = []
  for (const [label, slug] of rows) {
    const key = normalizeKey(label)
    const seen = owner.get(key)
    if (seen !== undefined && seen !== slug) clashes.push(`${label}: ${seen} vs ${slug}`)
    owner.set(key, slug)
  }
  return clashes
}

describe('normalizeKey', () => {
  test.each([
    ['Heme/Onc', 'hemeonc'],
    ['heme-onc', 'hemeonc'],
    ['HEME ONC', 'hemeonc'],
    ['  GI & Nutrition ', 'giandnutrition'],
    ['Ear, Nose & Throat (ENT)', 'earnoseandthroatent'],
    ['Pédiatrics', 'pediatrics'],
    ['', ''],
  ])('%j → %j', (label, key) => {
    expect(normalizeKey(label)).toBe(key)
  })
})

describe('systems data', () => {
  test('22 canonical systems, slugs unique', () => {
    expect(SYSTEMS).toHaveLength(22)
    expect(new Set(systemSlugs).size).toBe(22)
  })

  test(`UWorld counts sum to ${UWORLD_TOTAL_QUESTIONS}`, () => {
    expect(sum(SYSTEMS.map((s) => s.uworldQuestions))).toBe(UWORLD_TOTAL_QUESTIONS)
  })

  test('exam weights sum to 1 and equal count / total', () => {
    expect(Math.abs(sum(SYSTEMS.map((s) => s.examWeight)) - 1)).toBeLessThan(1e-9)
    for (const s of SYSTEMS) expect(s.examWeight).toBe(s.uworldQuestions / UWORLD_TOTAL_QUESTIONS)
  })

  test('every fine system rolls up to an outline system', () => {
    const outline = new Set(OUTLINE_SYSTEMS.map((o) => o.slug))
    for (const s of SYSTEMS) expect(outline, s.slug).toContain(s.outlineSystem)
  })

  test('15 outline systems with sane exam shares', () => {
    expect(OUTLINE_SYSTEMS).toHaveLength(15)
    expect(new Set(OUTLINE_SYSTEMS.map((o) => o.slug)).size).toBe(15)
    for (const o of OUTLINE_SYSTEMS) expect(o.examShare.min).toBeLessThan(o.examShare.max)
    // The published ranges must be able to cover 100% of the exam.
    expect(sum(OUTLINE_SYSTEMS.map((o) => o.examShare.min))).toBeLessThanOrEqual(100)
    expect(sum(OUTLINE_SYSTEMS.map((o) => o.examShare.max))).toBeGreaterThanOrEqual(100)
  })

  test('no normalised alias names two systems', () => {
    expect(
      collisions(
        labelsOf(
          SYSTEMS,
          (s) => s.slug,
          (s) => [s.name, ...s.aliases],
        ),
      ),
    ).toEqual([])
  })

  test('no normalised alias names two subjects', () => {
    expect(
      collisions(
        labelsOf(
          SUBJECTS,
          (s) => s.slug,
          (s) => [s.name, ...s.aliases],
        ),
      ),
    ).toEqual([])
  })

  test('no normalised alias names two forms', () => {
    expect(
      collisions(
        labelsOf(
          FORMS,
          (f) => f.id,
          (f) => [f.name, ...f.aliases],
        ),
      ),
    ).toEqual([])
  })
})

describe('normalizeSystem', () => {
  test.each(
    labelsOf(
      SYSTEMS,
      (s) => s.slug,
      (s) => [s.name, ...s.aliases],
    ),
  )('%j → %s', (label, slug) => {
    expect(normalizeSystem(label)).toEqual({ ok: true, slug })
  })

  // Spellings seen in UWorld, AMBOSS and NBME reports and typed by students.
  test.each([
    ['Heme/Onc', 'hematology-oncology'],
    ['Hematology & Oncology', 'hematology-oncology'],
    ['hem-onc', 'hematology-oncology'],
    ['GI', 'gastrointestinal'],
    ['Gastrointestinal & Nutrition', 'gastrointestinal'],
    ['GI and Nutrition', 'gastrointestinal'],
    ['Cardiovascular System', 'cardiovascular'],
    ['CARDIO', 'cardiovascular'],
    ['Cardiology', 'cardiovascular'],
    ['Psychiatric/Behavioral & Substance Use Disorder', 'psychiatry'],
    ['Psych', 'psychiatry'],
    ['Behavioral Health', 'psychiatry'],
    ['  ob  ', 'pregnancy'],
    ['OB', 'pregnancy'],
    ['Pregnancy, Childbirth & Puerperium', 'pregnancy'],
    ['Pregnancy, Childbirth and the Puerperium', 'pregnancy'],
    ['Social Sciences (Ethics/Legal/Professional)', 'social-sciences'],
    ['Ethics', 'social-sciences'],
    ['Biostatistics & Epidemiology', 'biostatistics'],
    ['Biostats', 'biostatistics'],
    ['Pulmonary & Critical Care', 'pulmonary'],
    ['Pulm', 'pulmonary'],
    ['Respiratory', 'pulmonary'],
    ['ID', 'infectious-diseases'],
    ['Infectious Disease', 'infectious-diseases'],
    ['Neuro', 'nervous'],
    ['Nervous System', 'nervous'],
    ['Renal, Urinary Systems & Electrolytes', 'renal'],
    ['Nephrology', 'renal'],
    ['Rheumatology/Orthopedics & Sports', 'rheumatology-orthopedics'],
    ['MSK', 'rheumatology-orthopedics'],
    ['Endocrine, Diabetes & Metabolism', 'endocrine'],
    ['Endo', 'endocrine'],
    ['Ear, Nose & Throat (ENT)', 'ent'],
    ['ENT', 'ent'],
    ['Female Reproductive System & Breast', 'female-reproductive'],
    ['Gyn', 'female-reproductive'],
    ['Male Reproductive System', 'male-reproductive'],
    ['Allergy & Immunology', 'allergy-immunology'],
    ['Poisoning & Environmental Exposure', 'poisoning-environmental'],
    ['Toxicology', 'poisoning-environmental'],
    ['Miscellaneous (Multisystem)', 'multisystem'],
    ['General Principles', 'general-principles'],
    ['Ophthalmology', 'ophthalmology'],
    ['Dermatology', 'dermatology'],
  ])('%j → %s', (label, slug) => {
    expect(normalizeSystem(label)).toEqual({ ok: true, slug })
  })

  test.each(['', '   ', 'banana', 'cardio2', 'urology', 'Nervous System & Special Senses'])(
    '%j is rejected with all 22 slugs',
    (label) => {
      const result = normalizeSystem(label)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.accepted).toEqual(systemSlugs)
    },
  )
})

describe('normalizeBreakdownSystem', () => {
  test.each([
    ['Cardiovascular', 'cardiovascular', 'system'],
    ['Cardiovascular System', 'cardiovascular', 'system'],
    ['Heme/Onc', 'hematology-oncology', 'system'],
    ['Respiratory System', 'pulmonary', 'system'],
    ['Nervous System & Special Senses', 'nervous-special-senses', 'outline'],
    ['musculoskeletal-skin', 'musculoskeletal-skin', 'outline'],
    ['Renal & Urinary Systems & Reproductive Systems', 'renal-reproductive', 'outline'],
    ['Multisystem Processes & Disorders', 'multisystem', 'outline'],
    ['Human Development', 'human-development', 'outline'],
    ['Blood & Lymphoreticular System', 'blood-lymphoreticular', 'outline'],
    ['immune', 'immune', 'outline'],
  ])('%j → %s (%s)', (label, slug, level) => {
    expect(normalizeBreakdownSystem(label)).toEqual({ ok: true, slug, level })
  })

  test.each(OUTLINE_SYSTEMS.flatMap((o) => [o.slug, o.name].map((label) => [label, o.slug] as const)))(
    'outline label %j resolves within %s',
    (label, outline) => {
      const result = normalizeBreakdownSystem(label)
      // A fine system may win the shared key ('cardiovascular'), but then it must roll up to this outline system.
      if (!result.ok) throw new Error(`${label} rejected`)
      const rollsUpTo =
        result.level === 'outline' ? result.slug : SYSTEMS.find((s) => s.slug === result.slug)?.outlineSystem
      expect(rollsUpTo).toBe(outline)
    },
  )

  test('every fine-system label resolves at system level', () => {
    for (const [label, slug] of labelsOf(
      SYSTEMS,
      (s) => s.slug,
      (s) => [s.name, ...s.aliases],
    )) {
      expect(normalizeBreakdownSystem(label)).toEqual({ ok: true, slug, level: 'system' })
    }
  })

  test('unknown → fine slugs then the outline-only slugs', () => {
    const result = normalizeBreakdownSystem('banana')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.accepted.slice(0, 22)).toEqual(systemSlugs)
    const outlineOnly = OUTLINE_SYSTEMS.map((o) => o.slug).filter((s) => !systemSlugs.includes(s))
    expect(result.accepted.slice(22)).toEqual(outlineOnly)
    expect(new Set(result.accepted).size).toBe(result.accepted.length)
  })
})

describe('subjects', () => {
  test(`counts sum to ${UWORLD_TOTAL_QUESTIONS}`, () => {
    expect(sum(SUBJECTS.map((s) => s.uworldQuestions))).toBe(UWORLD_TOTAL_QUESTIONS)
  })

  test.each(
    labelsOf(
      SUBJECTS,
      (s) => s.slug,
      (s) => [s.name, ...s.aliases],
    ),
  )('%j → %s', (label, slug) => {
    expect(normalizeSubject(label)).toEqual({ ok: true, slug })
  })

  test.each([
    ['IM', 'medicine'],
    ['Internal Medicine', 'medicine'],
    ['Peds', 'pediatrics'],
    ['OB/GYN', 'obstetrics-gynecology'],
    ['ObGyn', 'obstetrics-gynecology'],
    ['OB-GYN', 'obstetrics-gynecology'],
    ['Obstetrics and Gynecology', 'obstetrics-gynecology'],
    ['Psych', 'psychiatry'],
    ['Surgery', 'surgery'],
  ])('%j → %s', (label, slug) => {
    expect(normalizeSubject(label)).toEqual({ ok: true, slug })
  })

  test.each(['', 'banana', 'ob', 'cardiology'])('%j is rejected with the 5 subjects', (label) => {
    expect(normalizeSubject(label)).toEqual({ ok: false, accepted: SUBJECTS.map((s) => s.slug) })
  })
})

describe('forms', () => {
  test('ids: NBME 9–15, UWSA 1–2, AMBOSS SA, Free 120, other', () => {
    expect(FORMS.map((f) => f.id)).toEqual([
      'nbme-9',
      'nbme-10',
      'nbme-11',
      'nbme-12',
      'nbme-13',
      'nbme-14',
      'nbme-15',
      'uwsa-1',
      'uwsa-2',
      'amboss-sa',
      'free-120',
      'other',
    ])
  })

  test('Free 120 is percent only and unscored; other reports either', () => {
    expect(FORMS.find((f) => f.id === 'free-120')).toMatchObject({ reports: 'percent', scored: false })
    expect(FORMS.find((f) => f.id === 'other')).toMatchObject({ reports: 'either' })
    for (const f of FORMS.filter((f) => f.reports === 'score')) expect(f.scored).toBe(true)
  })

  test.each(
    labelsOf(
      FORMS,
      (f) => f.id,
      (f) => [f.name, ...f.aliases],
    ),
  )('%j → %s', (label, id) => {
    expect(normalizeForm(label)).toEqual({ ok: true, id })
  })

  test.each([
    ['NBME 12', 'nbme-12'],
    ['nbme12', 'nbme-12'],
    ['CCSSA 12', 'nbme-12'],
    ['NBME Form 9', 'nbme-9'],
    ['UWSA1', 'uwsa-1'],
    ['UWSA 2', 'uwsa-2'],
    ['Free120', 'free-120'],
    ['free 120', 'free-120'],
    ['AMBOSS SA', 'amboss-sa'],
  ])('%j → %s', (label, id) => {
    expect(normalizeForm(label)).toEqual({ ok: true, id })
  })

  test.each(['', 'NBME 8', 'UWSA 3', 'banana'])('%j is rejected with every form id', (label) => {
    expect(normalizeForm(label)).toEqual({ ok: false, accepted: FORMS.map((f) => f.id) })
  })
})

describe('score scale and IR topics', () => {
  test('score scale defaults for exams from 2025-07-01', () => {
    expect(SCORE_SCALE).toEqual({
      min: 1,
      max: 300,
      passingScore: 218,
      nationalMean: 251,
      nationalSd: 15,
      measurementError: 8,
    })
    expect(Object.isFrozen(SCORE_SCALE)).toBe(true)
  })

  test('IR topics point at canonical systems, and together at the six usual ones', () => {
    expect(IR_TOPICS.map((t) => t.slug)).toEqual([
      'dvt-pe',
      'gi-bleeding',
      'portal-hypertension',
      'trauma-imaging',
      'oncology-imaging',
      'vascular',
      'stroke',
      'acs',
    ])
    for (const t of IR_TOPICS) for (const s of t.systems) expect(systemSlugs).toContain(s)
    expect(new Set(IR_TOPICS.flatMap((t) => t.systems))).toEqual(
      new Set([
        'cardiovascular',
        'pulmonary',
        'gastrointestinal',
        'hematology-oncology',
        'nervous',
        'multisystem',
      ]),
    )
  })
})
