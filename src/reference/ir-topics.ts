/**
 * Topics an interventional-radiology applicant should read "with the IR lens" (which imaging first, would
 * this patient go to IR, which procedure). Used by the `ir-lens` rule and as topic tags. Source:
 * shared/spec/reference-data.md. `systems` are the canonical system slugs where these topics usually sit in
 * a Qbank, so weak systems can point at them.
 */

export interface IrTopicRef {
  slug: string
  name: string
  description: string
  systems: readonly string[]
}

export const IR_TOPICS: readonly IrTopicRef[] = [
  {
    slug: 'dvt-pe',
    name: 'DVT & pulmonary embolism',
    description: 'DVT/PE, anticoagulation, IVC filters',
    systems: ['pulmonary', 'cardiovascular', 'hematology-oncology'],
  },
  {
    slug: 'gi-bleeding',
    name: 'GI bleeding',
    description: 'Upper and lower GI bleeding, angiography and embolization when endoscopy fails',
    systems: ['gastrointestinal'],
  },
  {
    slug: 'portal-hypertension',
    name: 'Portal hypertension',
    description: 'TIPS, ascites, SBP prophylaxis, HCC screening',
    systems: ['gastrointestinal'],
  },
  {
    slug: 'trauma-imaging',
    name: 'Trauma imaging',
    description: 'Splenic/liver injury, pelvic fractures',
    systems: ['multisystem', 'gastrointestinal'],
  },
  {
    slug: 'oncology-imaging',
    name: 'Oncology imaging',
    description: 'Staging, biopsy, embolization',
    systems: ['hematology-oncology'],
  },
  {
    slug: 'vascular',
    name: 'Vascular disease',
    description: 'PAD, critical limb ischemia, mesenteric ischemia, aortic aneurysm and dissection',
    systems: ['cardiovascular', 'gastrointestinal'],
  },
  {
    slug: 'stroke',
    name: 'Stroke',
    description: 'Acute stroke imaging, thrombolysis and thrombectomy',
    systems: ['nervous'],
  },
  {
    slug: 'acs',
    name: 'Acute coronary syndrome',
    description: 'STEMI, NSTEMI and unstable angina: catheterization and reperfusion',
    systems: ['cardiovascular'],
  },
]

export const IR_TOPIC_SLUGS: readonly string[] = IR_TOPICS.map((t) => t.slug)
