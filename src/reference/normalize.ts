/**
 * Input labels → canonical slugs. Students, apps and vendor exports spell systems every which way
 * ('Heme/Onc', 'GI & Nutrition', 'CARDIO'), so matching is on a normalised key: case, punctuation and spacing
 * never matter. Lookup maps are built once at module load; each call is one Map.get.
 */
import { FORMS } from './forms.js'
import { SUBJECTS } from './subjects.js'
import { OUTLINE_SYSTEMS, SYSTEMS } from './systems.js'

export type Normalized = { ok: true; slug: string } | { ok: false; accepted: readonly string[] }
export type NormalizedBreakdownSystem =
  { ok: true; slug: string; level: 'system' | 'outline' } | { ok: false; accepted: readonly string[] }
export type NormalizedForm = { ok: true; id: string } | { ok: false; accepted: readonly string[] }

/** 'Heme/Onc', 'heme-onc' and ' HEME ONC ' all give 'hemeonc'; '&' reads as 'and'. */
export function normalizeKey(label: string): string {
  // NFKD splits accented letters so 'é' keeps its 'e', and folds full-width '＆' into '&'.
  return label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '')
}

interface Entry {
  slug: string
  labels: readonly string[]
}

// Two canonical values sharing a key would make the answer depend on table order, so that is a bug in the
// reference data: fail at startup, not at the first unlucky request.
function buildLookup(namespace: string, entries: readonly Entry[]): Map<string, string> {
  const map = new Map<string, string>()
  for (const { slug, labels } of entries) {
    for (const label of labels) {
      const key = normalizeKey(label)
      if (key === '') throw new Error(`${namespace}: label ${JSON.stringify(label)} normalises to nothing`)
      const seen = map.get(key)
      if (seen !== undefined && seen !== slug) {
        throw new Error(`${namespace}: '${label}' matches both ${seen} and ${slug}`)
      }
      map.set(key, slug)
    }
  }
  return map
}

const SYSTEM_LOOKUP = buildLookup(
  'systems',
  SYSTEMS.map((s) => ({ slug: s.slug, labels: [s.slug, s.name, ...s.aliases] })),
)
const SYSTEM_ACCEPTED: readonly string[] = Object.freeze(SYSTEMS.map((s) => s.slug))

const OUTLINE_LOOKUP = buildLookup(
  'outline systems',
  OUTLINE_SYSTEMS.map((o) => ({ slug: o.slug, labels: [o.slug, o.name] })),
)

// Fine systems win over outline systems on a shared key ('cardiovascular', 'respiratory'): the fine system
// is the more precise answer and still rolls up to its outline system. One lossy case: a bare 'multisystem'
// means UWorld's Miscellaneous system; the outline level is reached through 'Multisystem Processes & Disorders'.
type BreakdownHit = { slug: string; level: 'system' | 'outline' }
const BREAKDOWN_LOOKUP = new Map<string, BreakdownHit>()
for (const [key, slug] of OUTLINE_LOOKUP) BREAKDOWN_LOOKUP.set(key, { slug, level: 'outline' })
for (const [key, slug] of SYSTEM_LOOKUP) BREAKDOWN_LOOKUP.set(key, { slug, level: 'system' })
const BREAKDOWN_ACCEPTED: readonly string[] = Object.freeze([
  ...SYSTEM_ACCEPTED,
  ...OUTLINE_SYSTEMS.map((o) => o.slug).filter((slug) => !SYSTEM_ACCEPTED.includes(slug)),
])

const SUBJECT_LOOKUP = buildLookup(
  'subjects',
  SUBJECTS.map((s) => ({ slug: s.slug, labels: [s.slug, s.name, ...s.aliases] })),
)
const SUBJECT_ACCEPTED: readonly string[] = Object.freeze(SUBJECTS.map((s) => s.slug))

const FORM_LOOKUP = buildLookup(
  'forms',
  FORMS.map((f) => ({ slug: f.id, labels: [f.id, f.name, ...f.aliases] })),
)
const FORM_ACCEPTED: readonly string[] = Object.freeze(FORMS.map((f) => f.id))

/** A study-level system: slug, UWorld label or alias. Unknown → the 22 canonical slugs. */
export function normalizeSystem(label: string): Normalized {
  const slug = SYSTEM_LOOKUP.get(normalizeKey(label))
  return slug === undefined ? { ok: false, accepted: SYSTEM_ACCEPTED } : { ok: true, slug }
}

/**
 * A self-assessment breakdown row, which vendors report either per fine system or per USMLE outline system.
 * Unknown → the fine slugs followed by the outline slugs that are not also fine slugs.
 */
export function normalizeBreakdownSystem(label: string): NormalizedBreakdownSystem {
  const hit = BREAKDOWN_LOOKUP.get(normalizeKey(label))
  return hit === undefined ? { ok: false, accepted: BREAKDOWN_ACCEPTED } : { ok: true, ...hit }
}

export function normalizeSubject(label: string): Normalized {
  const slug = SUBJECT_LOOKUP.get(normalizeKey(label))
  return slug === undefined ? { ok: false, accepted: SUBJECT_ACCEPTED } : { ok: true, slug }
}

export function normalizeForm(label: string): NormalizedForm {
  const id = FORM_LOOKUP.get(normalizeKey(label))
  return id === undefined ? { ok: false, accepted: FORM_ACCEPTED } : { ok: true, id }
}
