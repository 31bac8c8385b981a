// Builders for analytics engine inputs: a new student by default, with the reference tables of
// shared/spec/reference-data.md (the engine takes reference data as input; src/reference is not imported).
import type { AnalyticsInput } from '../../../src/modules/analytics/index.js'

type Profile = AnalyticsInput['profile']
type Daily = AnalyticsInput['daily'][number]
type Assessment = AnalyticsInput['assessments'][number]

const SYSTEMS: [string, string, string, number][] = [
  ['allergy-immunology', 'Allergy & Immunology', 'immune', 37],
  ['biostatistics', 'Biostatistics & Epidemiology', 'biostatistics-epidemiology', 165],
  ['cardiovascular', 'Cardiovascular System', 'cardiovascular', 313],
  ['dermatology', 'Dermatology', 'musculoskeletal-skin', 119],
  ['ent', 'Ear, Nose & Throat (ENT)', 'nervous-special-senses', 78],
  ['endocrine', 'Endocrine, Diabetes & Metabolism', 'endocrine', 168],
  ['female-reproductive', 'Female Reproductive System & Breast', 'renal-reproductive', 234],
  ['gastrointestinal', 'Gastrointestinal & Nutrition', 'gastrointestinal', 366],
  ['general-principles', 'General Principles', 'multisystem', 23],
  ['hematology-oncology', 'Hematology & Oncology', 'blood-lymphoreticular', 184],
  ['infectious-diseases', 'Infectious Diseases', 'multisystem', 297],
  ['male-reproductive', 'Male Reproductive System', 'renal-reproductive', 51],
  ['multisystem', 'Miscellaneous (Multisystem)', 'multisystem', 17],
  ['nervous', 'Nervous System', 'nervous-special-senses', 402],
  ['ophthalmology', 'Ophthalmology', 'nervous-special-senses', 57],
  ['poisoning-environmental', 'Poisoning & Environmental Exposure', 'multisystem', 56],
  ['pregnancy', 'Pregnancy, Childbirth & Puerperium', 'pregnancy', 249],
  ['psychiatry', 'Psychiatric/Behavioral & Substance Use Disorder', 'behavioral-health', 368],
  ['pulmonary', 'Pulmonary & Critical Care', 'respiratory', 254],
  ['renal', 'Renal, Urinary Systems & Electrolytes', 'renal-reproductive', 199],
  ['rheumatology-orthopedics', 'Rheumatology/Orthopedics & Sports', 'musculoskeletal-skin', 259],
  ['social-sciences', 'Social Sciences (Ethics/Legal/Professional)', 'social-sciences', 189],
]

export const REFERENCE: AnalyticsInput['reference'] = {
  systems: SYSTEMS.map(([slug, name, outlineSystem, examWeight]) => ({
    slug,
    name,
    outlineSystem,
    examWeight,
  })),
  subjects: [
    { slug: 'medicine', name: 'Medicine' },
    { slug: 'surgery', name: 'Surgery' },
    { slug: 'pediatrics', name: 'Pediatrics' },
    { slug: 'obstetrics-gynecology', name: 'Obstetrics & Gynecology' },
    { slug: 'psychiatry', name: 'Psychiatry' },
  ],
  irTopics: [
    {
      slug: 'dvt-pe',
      name: 'DVT/PE and anticoagulation',
      systems: ['cardiovascular', 'pulmonary', 'hematology-oncology'],
    },
    { slug: 'gi-bleeding', name: 'GI bleeding', systems: ['gastrointestinal'] },
    { slug: 'portal-hypertension', name: 'Portal hypertension and TIPS', systems: ['gastrointestinal'] },
    { slug: 'trauma-imaging', name: 'Trauma imaging', systems: ['multisystem'] },
    { slug: 'oncology-imaging', name: 'Cancer staging and biopsy', systems: ['hematology-oncology'] },
  ],
}

export const NEW_PROFILE: Profile = {
  prepStartDate: null,
  examDate: null,
  erasSubmissionDate: null,
  targetScore: null,
  studyMode: 'dedicated',
  studyDaysPerWeek: 6,
  examScore: null,
}

export type InputOverrides = Partial<Omit<AnalyticsInput, 'profile'>> & { profile?: Partial<Profile> }

/** A student with nothing logged, evaluated on `today` (default 2027-05-03, a Monday). */
export function makeInput(over: InputOverrides = {}): AnalyticsInput {
  const { profile, ...rest } = over
  return {
    today: '2027-05-03',
    qbankTotals: [{ source: 'uworld', totalQuestions: 4085 }],
    qbankUsage: [],
    daily: [],
    systems: [],
    subjects: [],
    overall: { attempted: 0, correct: 0 },
    assessments: [],
    activities: [],
    lastSimulationDayOn: null,
    lastLoggedOn: null,
    topics: [],
    reference: REFERENCE,
    ...rest,
    profile: { ...NEW_PROFILE, ...profile },
  }
}

/** One day of one source; unspecified counts are 0 and reviewMinutes is null (not logged). */
export function dailyRow(date: string, fields: Partial<Daily> = {}): Daily {
  return {
    date,
    source: 'uworld',
    questions: 0,
    correct: 0,
    newQuestions: 0,
    timedRandomQuestions: 0,
    reviewMinutes: null,
    questionsWithReviewMinutes: 0,
    mistakesKnowledge: 0,
    mistakesMisread: 0,
    mistakesTiming: 0,
    ...fields,
  }
}

/** A self-assessment taken at noon UTC on `takenOn`. */
export function assessment(
  id: string,
  form: string,
  takenOn: string,
  score: number | null,
  extra: Partial<Assessment> = {},
): Assessment {
  return {
    id,
    form,
    takenAt: `${takenOn}T12:00:00Z`,
    takenOn,
    score,
    percentCorrect: null,
    systems: null,
    ...extra,
  }
}

/** Usage row for a source: `newQuestions` unique questions used, first pass = those questions. */
export function usage(
  source: string,
  firstUsedOn: string,
  newQuestions: number,
  fields: Partial<AnalyticsInput['qbankUsage'][number]> = {},
): AnalyticsInput['qbankUsage'][number] {
  return {
    source,
    firstUsedOn,
    newQuestions,
    firstPassQuestions: newQuestions,
    firstPassCorrect: Math.round(newQuestions * 0.6),
    reviewQuestions: 0,
    ...fields,
  }
}
