/**
 * Canonical study-level systems (UWorld's granularity) and the USMLE Step 2 CK content-outline systems they
 * roll up to. Source: shared/spec/reference-data.md (UWorld Step 2 CK bank, 2026 capture; USMLE content
 * outline). These are defaults: vendors reshuffle their banks and USMLE updates its tables.
 */

export interface SystemRef {
  slug: string
  /** UWorld's label, shown to users */
  name: string
  /** slug of the USMLE content-outline system this one rolls up to */
  outlineSystem: string
  uworldQuestions: number
  /** uworldQuestions / UWORLD_TOTAL_QUESTIONS: the exam-blueprint proxy used to rank weak systems */
  examWeight: number
  /** labels accepted on input besides the slug, matched through normalizeKey */
  aliases: readonly string[]
}

export interface OutlineSystemRef {
  slug: string
  name: string
  /** share of the exam, percent */
  examShare: { min: number; max: number }
}

export const UWORLD_TOTAL_QUESTIONS = 4085

type SystemRow = Omit<SystemRef, 'examWeight'>

// Aliases cover UWorld's, AMBOSS's and NBME's usual labels plus the short forms students type. Deliberately
// left out because they straddle two systems: 'urology' and 'genitourinary' (renal vs male reproductive),
// 'reproductive' and "women's health" (female reproductive vs pregnancy), 'behavioral science' (psychiatry vs
// social sciences). Outline names that cover several fine systems (e.g. 'Nervous System & Special Senses')
// are not aliases either: they stay outline-level in breakdowns.
const SYSTEM_ROWS: readonly SystemRow[] = [
  {
    slug: 'allergy-immunology',
    name: 'Allergy & Immunology',
    outlineSystem: 'immune',
    uworldQuestions: 37,
    aliases: ['allergy', 'immunology', 'allergy/immunology', 'allergy and immunology', 'clinical immunology'],
  },
  {
    slug: 'biostatistics',
    name: 'Biostatistics & Epidemiology',
    outlineSystem: 'biostatistics-epidemiology',
    uworldQuestions: 165,
    aliases: [
      'biostats',
      'biostat',
      'biostatistics and epidemiology',
      'biostatistics/epidemiology',
      'epidemiology',
      'epi',
      'statistics',
      'stats',
      'population health',
      'evidence-based medicine',
      'ebm',
    ],
  },
  {
    slug: 'cardiovascular',
    name: 'Cardiovascular System',
    outlineSystem: 'cardiovascular',
    uworldQuestions: 313,
    aliases: [
      'cardio',
      'cardiology',
      'cardiovascular system',
      'cardiovascular',
      'cvs',
      'cv',
      'heart',
      'cardiac',
    ],
  },
  {
    slug: 'dermatology',
    name: 'Dermatology',
    outlineSystem: 'musculoskeletal-skin',
    uworldQuestions: 119,
    aliases: ['derm', 'derma', 'skin', 'dermatology'],
  },
  {
    slug: 'ent',
    name: 'Ear, Nose & Throat (ENT)',
    outlineSystem: 'nervous-special-senses',
    uworldQuestions: 78,
    aliases: [
      'ent',
      'ear nose throat',
      'ear, nose & throat',
      'ear nose and throat',
      'otolaryngology',
      'otorhinolaryngology',
      'ent/otolaryngology',
    ],
  },
  {
    slug: 'endocrine',
    name: 'Endocrine, Diabetes & Metabolism',
    outlineSystem: 'endocrine',
    uworldQuestions: 168,
    aliases: [
      'endo',
      'endocrine',
      'endocrinology',
      'endocrine system',
      'diabetes',
      'metabolism',
      'endocrine & metabolism',
      'endocrinology, diabetes & metabolism',
    ],
  },
  {
    slug: 'female-reproductive',
    name: 'Female Reproductive System & Breast',
    outlineSystem: 'renal-reproductive',
    uworldQuestions: 234,
    aliases: [
      'gyn',
      'gyne',
      'gynecology',
      'gynaecology',
      'breast',
      'female reproductive',
      'female reproductive system',
      'female repro',
      'female reproductive & breast',
      'gynecology & breast',
    ],
  },
  {
    slug: 'gastrointestinal',
    name: 'Gastrointestinal & Nutrition',
    outlineSystem: 'gastrointestinal',
    uworldQuestions: 366,
    aliases: [
      'gi',
      'gastro',
      'gastroenterology',
      'gastrointestinal',
      'gastrointestinal system',
      'gi & nutrition',
      'gi/hepatology',
      'hepatology',
      'liver',
      'nutrition',
      'digestive',
      'digestive system',
    ],
  },
  {
    slug: 'general-principles',
    name: 'General Principles',
    outlineSystem: 'multisystem',
    uworldQuestions: 23,
    aliases: ['general', 'gen principles', 'general principles', 'genprin'],
  },
  {
    slug: 'hematology-oncology',
    name: 'Hematology & Oncology',
    outlineSystem: 'blood-lymphoreticular',
    uworldQuestions: 184,
    aliases: [
      'heme/onc',
      'heme-onc',
      'hemeonc',
      'hem/onc',
      'hemonc',
      'haem/onc',
      'heme',
      'onc',
      'hematology',
      'haematology',
      'oncology',
      'hematology/oncology',
      'hematology-oncology',
    ],
  },
  {
    slug: 'infectious-diseases',
    name: 'Infectious Diseases',
    outlineSystem: 'multisystem',
    uworldQuestions: 297,
    aliases: [
      'id',
      'infectious disease',
      'infectious',
      'infectious diseases',
      'infections',
      'infection',
      'infectious dz',
    ],
  },
  {
    slug: 'male-reproductive',
    name: 'Male Reproductive System',
    outlineSystem: 'renal-reproductive',
    uworldQuestions: 51,
    aliases: ['male repro', 'male reproductive', 'male reproductive system', "men's health", 'andrology'],
  },
  {
    slug: 'multisystem',
    name: 'Miscellaneous (Multisystem)',
    outlineSystem: 'multisystem',
    uworldQuestions: 17,
    aliases: ['miscellaneous', 'misc', 'multi-system', 'multisystem', 'miscellaneous multisystem'],
  },
  {
    slug: 'nervous',
    name: 'Nervous System',
    outlineSystem: 'nervous-special-senses',
    uworldQuestions: 402,
    aliases: ['neuro', 'neurology', 'nervous system', 'nervous', 'neuroscience', 'neurosciences', 'cns'],
  },
  {
    slug: 'ophthalmology',
    name: 'Ophthalmology',
    outlineSystem: 'nervous-special-senses',
    uworldQuestions: 57,
    aliases: ['ophtho', 'ophth', 'ophthal', 'ophthalmology', 'eye', 'eyes'],
  },
  {
    slug: 'poisoning-environmental',
    name: 'Poisoning & Environmental Exposure',
    outlineSystem: 'multisystem',
    uworldQuestions: 56,
    aliases: [
      'toxicology',
      'tox',
      'poisoning',
      'poisonings',
      'environmental',
      'environmental exposure',
      'poisoning & environmental',
      'toxicology & environmental',
    ],
  },
  {
    slug: 'pregnancy',
    name: 'Pregnancy, Childbirth & Puerperium',
    outlineSystem: 'pregnancy',
    uworldQuestions: 249,
    aliases: [
      'ob',
      'obstetrics',
      'obstetric',
      'pregnancy',
      'pregnancy childbirth & puerperium',
      'pregnancy, childbirth & the puerperium',
      'childbirth',
      'puerperium',
    ],
  },
  {
    slug: 'psychiatry',
    name: 'Psychiatric/Behavioral & Substance Use Disorder',
    outlineSystem: 'behavioral-health',
    uworldQuestions: 368,
    aliases: [
      'psych',
      'psychiatry',
      'psychiatric',
      'psychiatric/behavioral',
      'behavioral',
      'behavioural',
      'behavioral health',
      'mental health',
      'substance use',
      'substance use disorders',
      'addiction',
    ],
  },
  {
    slug: 'pulmonary',
    name: 'Pulmonary & Critical Care',
    outlineSystem: 'respiratory',
    uworldQuestions: 254,
    aliases: [
      'pulm',
      'pulmonary',
      'pulmonology',
      'pulmonary & critical care',
      'pulm/cc',
      'pccm',
      'critical care',
      'respiratory',
      'respiratory system',
      'lung',
      'lungs',
      'chest',
    ],
  },
  {
    slug: 'renal',
    name: 'Renal, Urinary Systems & Electrolytes',
    outlineSystem: 'renal-reproductive',
    uworldQuestions: 199,
    aliases: [
      'nephro',
      'nephrology',
      'renal',
      'kidney',
      'kidneys',
      'urinary',
      'renal/urinary',
      'renal & urinary',
      'electrolytes',
      'fluids & electrolytes',
      'acid-base',
    ],
  },
  {
    slug: 'rheumatology-orthopedics',
    name: 'Rheumatology/Orthopedics & Sports',
    outlineSystem: 'musculoskeletal-skin',
    uworldQuestions: 259,
    aliases: [
      'rheum',
      'rheumatology',
      'ortho',
      'orthopedics',
      'orthopaedics',
      'rheum/ortho',
      'rheumatology/orthopedics',
      'msk',
      'musculoskeletal',
      'musculoskeletal system',
      'sports medicine',
      'sports',
    ],
  },
  {
    slug: 'social-sciences',
    name: 'Social Sciences (Ethics/Legal/Professional)',
    outlineSystem: 'social-sciences',
    uworldQuestions: 189,
    aliases: [
      'social sciences',
      'social science',
      'ethics',
      'medical ethics',
      'legal',
      'ethics & law',
      'ethics/legal',
      'professionalism',
      'communication',
      'communication skills',
      'patient safety',
    ],
  },
]

export const SYSTEMS: readonly SystemRef[] = SYSTEM_ROWS.map((row) => ({
  ...row,
  examWeight: row.uworldQuestions / UWORLD_TOTAL_QUESTIONS,
}))

export const SYSTEM_SLUGS: readonly string[] = SYSTEMS.map((s) => s.slug)

export const SYSTEM_BY_SLUG: ReadonlyMap<string, SystemRef> = new Map(SYSTEMS.map((s) => [s.slug, s]))

// Names after the USMLE Step 2 CK content outline; shares are its published ranges.
// human-development has no UWorld system of its own: breakdowns may still report it.
export const OUTLINE_SYSTEMS: readonly OutlineSystemRef[] = [
  { slug: 'human-development', name: 'Human Development', examShare: { min: 2, max: 4 } },
  { slug: 'immune', name: 'Immune System', examShare: { min: 3, max: 5 } },
  { slug: 'blood-lymphoreticular', name: 'Blood & Lymphoreticular System', examShare: { min: 3, max: 6 } },
  { slug: 'behavioral-health', name: 'Behavioral Health', examShare: { min: 5, max: 10 } },
  { slug: 'nervous-special-senses', name: 'Nervous System & Special Senses', examShare: { min: 5, max: 10 } },
  {
    slug: 'musculoskeletal-skin',
    name: 'Musculoskeletal System/Skin & Subcutaneous Tissue',
    examShare: { min: 6, max: 12 },
  },
  { slug: 'cardiovascular', name: 'Cardiovascular System', examShare: { min: 6, max: 12 } },
  { slug: 'respiratory', name: 'Respiratory System', examShare: { min: 5, max: 10 } },
  { slug: 'gastrointestinal', name: 'Gastrointestinal System', examShare: { min: 5, max: 10 } },
  {
    slug: 'renal-reproductive',
    name: 'Renal & Urinary Systems & Reproductive Systems',
    examShare: { min: 7, max: 13 },
  },
  { slug: 'pregnancy', name: 'Pregnancy, Childbirth & the Puerperium', examShare: { min: 3, max: 7 } },
  { slug: 'endocrine', name: 'Endocrine System', examShare: { min: 3, max: 7 } },
  { slug: 'multisystem', name: 'Multisystem Processes & Disorders', examShare: { min: 4, max: 8 } },
  {
    slug: 'biostatistics-epidemiology',
    name: 'Biostatistics & Epidemiology/Population Health',
    examShare: { min: 3, max: 5 },
  },
  {
    slug: 'social-sciences',
    name: 'Social Sciences: Legal/Ethical Issues & Professionalism/Systems-based Practice & Patient Safety',
    examShare: { min: 10, max: 15 },
  },
]

export const OUTLINE_SYSTEM_SLUGS: readonly string[] = OUTLINE_SYSTEMS.map((o) => o.slug)
