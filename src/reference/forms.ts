/**
 * Self-assessment forms (shared/spec/reference-data.md). Only forms that report a 3-digit score enter the
 * score trend; Free 120 reports percent correct only.
 */

export interface FormRef {
  id: string
  name: string
  /** what the form gives back: a 3-digit score, percent correct only, or whatever it is ('other') */
  reports: 'score' | 'percent' | 'either'
  /** true when the form always reports a 3-digit score, so an assessment of it must carry one */
  scored: boolean
  /** labels accepted on input besides the id, matched through normalizeKey */
  aliases: readonly string[]
}

// NBME retires and adds forms over time; 9-15 are the ones on sale in the 2026 capture. Older ones go in
// 'other' with a label.
const NBME_FORMS: readonly FormRef[] = [9, 10, 11, 12, 13, 14, 15].map((n) => ({
  id: `nbme-${n}`,
  name: `NBME Comprehensive Clinical Science Self-Assessment (CCSSA) Form ${n}`,
  reports: 'score',
  scored: true,
  aliases: [
    `NBME ${n}`,
    `NBME Form ${n}`,
    `CCSSA ${n}`,
    `CCSSA Form ${n}`,
    `NBME CCSSA ${n}`,
    `CCSSA-${n}`,
    `NBME CCSSA Form ${n}`,
  ],
}))

const uwsa = (n: number): FormRef => ({
  id: `uwsa-${n}`,
  name: `UWorld Self-Assessment ${n}`,
  reports: 'score',
  scored: true,
  aliases: [
    `UWSA ${n}`,
    `UWSA${n}`,
    `UWorld SA ${n}`,
    `UWorld Self-Assessment ${n}`,
    `UWorld Self Assessment ${n}`,
  ],
})

export const FORMS: readonly FormRef[] = [
  ...NBME_FORMS,
  uwsa(1),
  uwsa(2),
  {
    id: 'amboss-sa',
    name: 'AMBOSS Step 2 CK Self-Assessment',
    reports: 'score',
    scored: true,
    aliases: [
      'AMBOSS SA',
      'AMBOSS',
      'AMBOSS Self-Assessment',
      'AMBOSS Step 2 CK SA',
      'AMBOSS Step 2 CK Self-Assessment',
    ],
  },
  {
    id: 'free-120',
    name: 'USMLE Free 120',
    reports: 'percent',
    scored: false,
    aliases: [
      'Free 120',
      'Free120',
      'Free-120',
      'USMLE Free 120',
      'NBME Free 120',
      'F120',
      'Step 2 CK Free 120',
    ],
  },
  { id: 'other', name: 'Other', reports: 'either', scored: false, aliases: ['other'] },
]

export const FORM_IDS: readonly string[] = FORMS.map((f) => f.id)
