/**
 * Subjects (disciplines): each Qbank question has exactly one, alongside its system. Counts are the UWorld
 * Step 2 CK bank, 2026 capture (shared/spec/reference-data.md); they sum to UWORLD_TOTAL_QUESTIONS.
 */

export interface SubjectRef {
  slug: string
  name: string
  uworldQuestions: number
  /** labels accepted on input besides the slug, matched through normalizeKey */
  aliases: readonly string[]
}

export const SUBJECTS: readonly SubjectRef[] = [
  {
    slug: 'medicine',
    name: 'Medicine',
    uworldQuestions: 1773,
    aliases: ['medicine', 'im', 'internal medicine', 'int med', 'intmed', 'med', 'general medicine'],
  },
  {
    slug: 'surgery',
    name: 'Surgery',
    uworldQuestions: 701,
    aliases: ['surgery', 'surg', 'general surgery', 'gen surg'],
  },
  {
    slug: 'pediatrics',
    name: 'Pediatrics',
    uworldQuestions: 734,
    aliases: ['pediatrics', 'peds', 'paeds', 'ped', 'paediatrics', 'pediatric'],
  },
  {
    slug: 'obstetrics-gynecology',
    name: 'Obstetrics & Gynecology',
    uworldQuestions: 523,
    aliases: [
      'ob/gyn',
      'obgyn',
      'ob-gyn',
      'ob gyn',
      'obs/gyn',
      'obs & gynae',
      'o&g',
      'obstetrics & gynecology',
      'obstetrics and gynaecology',
      'obstetrics/gynecology',
      'gynecology & obstetrics',
    ],
  },
  {
    slug: 'psychiatry',
    name: 'Psychiatry',
    uworldQuestions: 354,
    aliases: ['psychiatry', 'psych', 'psy', 'behavioral medicine'],
  },
]

export const SUBJECT_SLUGS: readonly string[] = SUBJECTS.map((s) => s.slug)
