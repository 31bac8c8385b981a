/**
 * Property-based test of POST /v1/students/me/blocks: valid blocks (canonical slugs and aliases), blocks
 * with exactly one broken invariant, and hostile bodies (wrong types, extreme numbers, NaN-ish strings,
 * deep nesting, long and odd unicode strings, SQL/script text, prototype keys, non-objects, broken JSON).
 * For every response: never a 5xx; every 4xx is problem+json with a code; a refusal stores nothing; an
 * acceptance stores exactly what was sent. The seed is fixed, so a failure reproduces.
 */
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import type { Response } from 'supertest'
import { beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { normalizeSubject, normalizeSystem, SUBJECTS, SYSTEMS } from '../../src/reference/index.js'
import { useTestApp } from '../helpers/app.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
let student: TestUser

beforeAll(async () => {
  student = await createStudent(t.database.db)
})

const SEED = 20261128
const RUNS = 150
const BLOCKS = '/v1/students/me/blocks'

// Today is 2026-11-28 for this suite; the service refuses takenAt more than a day ahead of its clock.
const TAKEN_MIN = Date.UTC(2025, 0, 1)
const TAKEN_MAX = Date.UTC(2026, 10, 27, 23, 59, 59, 999)

type Json = Record<string, unknown>
type Row = { total: number; correct: number }

/** (source, externalId) pairs already stored: posting one again must update (200), not insert. */
const storedExternalIds = new Set<string>()
const externalKey = (source: unknown, externalId: unknown) => JSON.stringify([source, externalId])
let requestNo = 0

// ---------------------------------------------------------------------------------------------------------
// Arbitraries: valid blocks

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')

/** An instant in range, written with a random UTC offset and with or without milliseconds. */
const takenAtArb = fc
  .record({
    ms: fc.integer({ min: TAKEN_MIN, max: TAKEN_MAX }),
    offsetMinutes: fc.oneof(
      fc.constant(0),
      fc.constantFrom(-300, 330, 345, 60, -600, 840, -720),
      fc.integer({ min: -720, max: 840 }),
    ),
    withMs: fc.boolean(),
    zulu: fc.boolean(),
  })
  .map(({ ms, offsetMinutes, withMs, zulu }) => {
    const instant = withMs ? ms : ms - (ms % 1000)
    const cut = withMs ? 23 : 19
    if (offsetMinutes === 0 && zulu) return new Date(instant).toISOString().slice(0, cut) + 'Z'
    const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, cut)
    const sign = offsetMinutes < 0 ? '-' : '+'
    return `${local}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`
  })

/** Spellings that must all normalise to the same slug: case, spacing and punctuation never matter. */
const decorate = fc.constantFrom<(label: string) => string>(
  (s) => s,
  (s) => s.toUpperCase(),
  (s) => s.toLowerCase(),
  (s) => ` ${s}  `,
  (s) => s.replace(/-/g, ' '),
  (s) => s.replace(/ /g, '_'),
)

function labelArb(entries: readonly { slug: string; name: string; aliases: readonly string[] }[]) {
  return fc.nat({ max: entries.length - 1 }).chain((i) => {
    const entry = entries[i]!
    return fc
      .tuple(fc.constantFrom(entry.slug, entry.name, ...entry.aliases), decorate)
      .map(([label, dress]) => ({ slug: entry.slug, label: dress(label) }))
  })
}

/** Index-distinct systems, so no slug repeats; the hand-picked aliases come up often. */
const systemLabelsArb = fc.oneof(
  fc.uniqueArray(labelArb(SYSTEMS), { maxLength: 8, selector: (l) => l.slug }),
  fc.subarray([
    { slug: 'cardiovascular', label: 'cardio' },
    { slug: 'gastrointestinal', label: 'GI' },
    { slug: 'hematology-oncology', label: 'heme/onc' },
    { slug: 'pulmonary', label: 'pulm' },
  ]),
)
const subjectLabelsArb = fc.uniqueArray(labelArb(SUBJECTS), { maxLength: 5, selector: (l) => l.slug })

/**
 * Breakdown rows that respect the block: each total >= 1, totals summing to at most questionCount,
 * corrects summing to at most correctCount, each correct <= its total. Raw random numbers are folded
 * into those bounds, so every draw is valid.
 */
function fitRows<T extends Json>(
  labels: readonly T[],
  raws: readonly [number, number][],
  questionCount: number,
  correctCount: number,
): (T & Row)[] {
  const rows: (T & Row)[] = []
  let totalLeft = questionCount
  let correctLeft = correctCount
  const n = Math.min(labels.length, questionCount)
  for (let i = 0; i < n; i++) {
    const [rawTotal, rawCorrect] = raws[i] ?? [0, 0]
    const maxTotal = totalLeft - (n - i - 1)
    const total = 1 + (rawTotal % maxTotal)
    const correct = Math.min(total, rawCorrect % (correctLeft + 1))
    totalLeft -= total
    correctLeft -= correct
    rows.push({ ...labels[i]!, total, correct })
  }
  return rows
}

const rawPairs = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 8, maxLength: 8 })
const sourceArb = fc.oneof(
  fc.constantFrom('uworld', 'amboss'),
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,39}$/),
)
const textArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom("Robert'); drop table blocks;--", '<script>alert(1)</script>', 'naïve café ☕ 🫀'),
)

const validBlockArb: fc.Arbitrary<Json> = fc
  .oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1000 }))
  .chain((questionCount) =>
    fc.integer({ min: 0, max: questionCount }).chain((correctCount) =>
      fc
        .record(
          {
            source: sourceArb,
            externalId: fc.oneof(
              fc.string({ minLength: 1, maxLength: 12 }),
              fc.uuid(),
              fc.constantFrom('uw-1', 'uw-2', "1' or '1'='1"),
            ),
            takenAt: takenAtArb,
            newQuestionCount: fc.integer({ min: 0, max: questionCount }),
            pass: fc.constantFrom('first', 'review'),
            timed: fc.boolean(),
            selection: fc.constantFrom('random', 'subject'),
            durationMinutes: fc.integer({ min: 1, max: 1440 }),
            reviewMinutes: fc.integer({ min: 0, max: 1440 }),
            systems: fc.tuple(systemLabelsArb, rawPairs),
            subjects: fc.tuple(subjectLabelsArb, rawPairs),
            mistakes: fc.record(
              { knowledge: fc.nat(), misread: fc.nat(), timing: fc.nat() },
              { requiredKeys: [] },
            ),
            topics: fc.array(
              fc.oneof(
                fc.constantFrom('dvt-pe', 'gi-bleeding', 'tips'),
                fc.string({ minLength: 1, maxLength: 60 }),
              ),
              { maxLength: 20 },
            ),
            note: fc.oneof(textArb, fc.string({ maxLength: 5000 })),
          },
          { requiredKeys: ['source', 'takenAt', 'pass', 'timed', 'selection'] },
        )
        .map(({ systems, subjects, mistakes, ...rest }) => {
          const body: Json = { ...rest, questionCount, correctCount }
          if (systems)
            body.systems = fitRows(systems[0], systems[1], questionCount, correctCount).map(
              ({ label, total, correct }) => ({ system: label, total, correct }),
            )
          if (subjects)
            body.subjects = fitRows(subjects[0], subjects[1], questionCount, correctCount).map(
              ({ label, total, correct }) => ({ subject: label, total, correct }),
            )
          if (mistakes) {
            // Fold the draws under the incorrect count; a key left out defaults to 0.
            let left = questionCount - correctCount
            const fitted: Json = {}
            for (const key of ['knowledge', 'misread', 'timing'] as const) {
              const raw = mistakes[key]
              if (raw === undefined) continue
              fitted[key] = raw % (left + 1)
              left -= fitted[key] as number
            }
            body.mistakes = fitted
          }
          return body
        }),
    ),
  )

// ---------------------------------------------------------------------------------------------------------
// Arbitraries: one broken invariant (expected status known)

interface Broken {
  body: Json
  expected: 400 | 422
  what: string
}

const withOverride = (body: Json, override: Json) => ({ ...body, ...override })
const schemaOr422 = (value: number, max = 1000): 400 | 422 => (value > max ? 400 : 422)

const brokenArb: fc.Arbitrary<Broken> = fc
  .tuple(
    validBlockArb,
    fc.integer({ min: 1, max: 50 }),
    fc.constantFrom(
      'correctCount',
      'newQuestionCount',
      'rowCorrect',
      'rowTotals',
      'rowCorrects',
      'duplicateSystem',
      'unknownSystem',
      'unknownSubject',
      'mistakes',
      'future',
      'before2000',
      'zeroQuestions',
      'badSource',
      'extraKey',
    ),
  )
  .map(([body, k, what]): Broken => {
    const q = body.questionCount as number
    const c = body.correctCount as number
    switch (what) {
      case 'correctCount':
        return { body: withOverride(body, { correctCount: q + k }), expected: schemaOr422(q + k), what }
      case 'newQuestionCount':
        return { body: withOverride(body, { newQuestionCount: q + k }), expected: schemaOr422(q + k), what }
      case 'rowCorrect':
        return {
          body: withOverride(body, { systems: [{ system: 'cardio', total: 1, correct: 1 + k }] }),
          expected: 422,
          what,
        }
      case 'rowTotals':
        // Two rows whose totals overflow the block by k.
        return {
          body: withOverride(body, {
            systems: [
              { system: 'renal', total: Math.min(1000, q), correct: 0 },
              { system: 'GI', total: k, correct: 0 },
            ],
          }),
          expected: 422,
          what,
        }
      case 'rowCorrects':
        return {
          body: withOverride(body, {
            correctCount: 0,
            systems: [{ system: 'heme/onc', total: q, correct: Math.min(q, k) }],
          }),
          expected: 422,
          what,
        }
      case 'duplicateSystem':
        return {
          body: withOverride(body, {
            questionCount: Math.max(q, 2),
            systems: [
              { system: 'cardio', total: 1, correct: 0 },
              { system: 'Cardiovascular System', total: 1, correct: 0 },
            ],
          }),
          expected: 422,
          what,
        }
      case 'unknownSystem':
        return {
          body: withOverride(body, { systems: [{ system: `astrology-${k}`, total: 1, correct: 0 }] }),
          expected: 422,
          what,
        }
      case 'unknownSubject':
        return {
          body: withOverride(body, { subjects: [{ subject: 'dentistry', total: 1, correct: 0 }] }),
          expected: 422,
          what,
        }
      case 'mistakes':
        return {
          body: withOverride(body, { mistakes: { knowledge: q - c, timing: k } }),
          expected: schemaOr422(Math.max(q - c, k)),
          what,
        }
      case 'future':
        return {
          body: withOverride(body, {
            // More than the day of slack past the service's clock.
            takenAt: new Date(Date.now() + (2 + k) * 86_400_000).toISOString(),
          }),
          expected: 422,
          what,
        }
      case 'before2000':
        return {
          body: withOverride(body, { takenAt: `19${70 + (k % 30)}-06-01T00:00:00Z` }),
          expected: 422,
          what,
        }
      case 'zeroQuestions':
        return { body: withOverride(body, { questionCount: 0, correctCount: 0 }), expected: 400, what }
      case 'badSource':
        return { body: withOverride(body, { source: 'UWorld' }), expected: 400, what }
      default:
        return { body: withOverride(body, { [`extra${k}`]: true }), expected: 400, what }
    }
  })

// ---------------------------------------------------------------------------------------------------------
// Arbitraries: hostile bodies (anything may happen except a 5xx or a half-stored block)

const deepArb = fc.integer({ min: 10, max: 20_000 }).map((depth) => {
  let value: unknown = 1
  for (let i = 0; i < Math.min(depth, 500); i++) value = i % 2 ? [value] : { x: value }
  return value
})
const longStringArb = fc
  .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1_000, max: 20_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))
const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  // wrong types
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  // huge, negative, fractional numbers
  fc.constantFrom(1e308, -1, -0, 0.5, 39.999, 1e21, 2 ** 53 + 2, -(2 ** 31), 2 ** 31, 1001, 1000.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  // NaN-ish and number-ish strings
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '40',
    '0x28',
    '1e3',
    '',
    ' 40 ',
    'null',
    'undefined',
    'true',
  ),
  // long strings, unicode, SQL and script text
  longStringArb,
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    "'; drop table blocks; --",
    "x' or '1'='1",
    '$$; select pg_sleep(10); $$',
    '<script>alert(document.cookie)</script>',
    '<img src=x onerror=alert(1)>',
    '${jndi:ldap://x/y}',
    '{{7*7}}',
    '../../etc/passwd',
    '\u202e\u0000\ufeff',
    '\ud83d',
  ),
  deepArb,
)

/** Where a hostile value goes in an otherwise valid block. */
const FIELDS = [
  'source',
  'externalId',
  'takenAt',
  'questionCount',
  'correctCount',
  'newQuestionCount',
  'pass',
  'timed',
  'selection',
  'durationMinutes',
  'reviewMinutes',
  'systems',
  'subjects',
  'mistakes',
  'topics',
  'note',
  'systems/0',
  'systems/0/system',
  'systems/0/total',
  'systems/0/correct',
  'subjects/0/subject',
  'mistakes/knowledge',
  'topics/0',
  'extra',
] as const

function setPath(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body)
  const [head, index, leaf] = path.split('/') as [string, string?, string?]
  if (index === undefined) return { ...copy, [head]: value }
  const container = copy[head]
  const target: Json | unknown[] =
    container && typeof container === 'object'
      ? (container as Json)
      : head === 'mistakes'
        ? {}
        : [
            head === 'systems'
              ? { system: 'cardio', total: 1, correct: 0 }
              : { subject: 'medicine', total: 1, correct: 0 },
          ]
  copy[head] = target
  if (head === 'mistakes') (target as Json)[index] = value
  else if (leaf === undefined) (target as unknown[])[Number(index)] = value
  else (((target as unknown[])[Number(index)] ?? {}) as Json)[leaf] = value
  return copy
}

/** Raw JSON text, for what JSON.stringify cannot write: prototype keys, 1e400, duplicate keys, bad syntax. */
const rawTextArb: fc.Arbitrary<string> = fc.oneof(
  validBlockArb.map((b) => `{"__proto__":{"questionCount":5,"isAdmin":true},${JSON.stringify(b).slice(1)}`),
  validBlockArb.map((b) => `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify(b).slice(1)}`),
  validBlockArb.map((b) =>
    JSON.stringify({ ...b, systems: [{ system: '__proto__', total: 1, correct: 0 }] }),
  ),
  validBlockArb.map((b) => JSON.stringify(b).replace(/"questionCount":\d+/, '"questionCount":1e400')),
  validBlockArb.map((b) => JSON.stringify(b).replace(/"questionCount":(\d+)/, '"questionCount":$1.0')),
  validBlockArb.map((b) => JSON.stringify(b).replace(/"correctCount":0\b/, '"correctCount":-0')),
  validBlockArb.map((b) => JSON.stringify(b).replace(/"correctCount":(\d+)/, '"correctCount":$1e0')),
  validBlockArb.map((b) => `${JSON.stringify(b).slice(0, -1)},"questionCount":5000}`),
  validBlockArb.map((b) => `${JSON.stringify(b).slice(0, -1)},"questionCount":"5"}`),
  validBlockArb.chain((b) => fc.nat({ max: 400 }).map((n) => JSON.stringify(b).slice(0, n))),
  validBlockArb.map((b) => `${JSON.stringify(b)}garbage`),
  validBlockArb.map((b) => `\ufeff${JSON.stringify(b)}`),
  validBlockArb.map((b) => `[${JSON.stringify(b)}]`),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `{"systems":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '42',
    '-1e999',
    '"block"',
    '[]',
    '{}',
    '{"a":NaN}',
    "{'a':1}",
    'NaN',
  ),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined'),
)

/** Text fields holding what PostgreSQL text or UTF-8 cannot carry as is, or what normalisation must fold. */
const oddTextArb: fc.Arbitrary<string> = fc
  .tuple(
    validBlockArb,
    fc.constantFrom('note', 'topics/0', 'externalId', 'systems/0/system', 'subjects/0/subject', 'source'),
    fc.constantFrom(
      'a\u0000b',
      '\ud83d',
      'x\udc00y',
      '\u0007\u001b[31m',
      '\u202e',
      '\ufeff',
      '\ufb01',
      '\uff23\uff41\uff52\uff44\uff49\uff4f',
      'e\u0301',
    ),
  )
  .map(([body, field, value]) => JSON.stringify(setPath(body, field, value)))

type Case =
  | { kind: 'valid'; text: string; withKey: boolean }
  | { kind: 'broken'; text: string; withKey: boolean; expected: 400 | 422; what: string }
  | { kind: 'hostile'; text: string; withKey: boolean }

const keyArb = fc.boolean()
const validCaseArb: fc.Arbitrary<Case> = fc
  .tuple(validBlockArb, keyArb)
  .map(([body, withKey]) => ({ kind: 'valid', text: JSON.stringify(body), withKey }))
const brokenCaseArb: fc.Arbitrary<Case> = fc.tuple(brokenArb, keyArb).map(([b, withKey]) => ({
  kind: 'broken',
  text: JSON.stringify(b.body),
  withKey,
  expected: b.expected,
  what: b.what,
}))
const hostileCaseArb: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(
      fc
        .tuple(validBlockArb, fc.constantFrom(...FIELDS), hostileValueArb)
        .map(([body, field, value]) => JSON.stringify(setPath(body, field, value))),
      rawTextArb,
      oddTextArb,
    ),
    keyArb,
  )
  .map(([text, withKey]) => ({ kind: 'hostile', text, withKey }))

// ---------------------------------------------------------------------------------------------------------
// Checks

const countBlocks = async () => {
  const [row] = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from blocks where student_id = ${student.id}`,
  )
  return row?.n ?? -1
}

const post = (text: string, key: string | undefined) => {
  const req = t.http.post(BLOCKS).set(student.auth).set('content-type', 'application/json')
  if (key !== undefined) void req.set('idempotency-key', key)
  return req.send(text)
}

const pct = (correct: number, total: number) => (total === 0 ? 0 : Math.round((1000 * correct) / total) / 10)
const slugOf = (result: ReturnType<typeof normalizeSystem>) => (result.ok ? result.slug : '<unknown>')
const bySlug =
  <T extends Json>(key: string) =>
  (a: T, b: T) =>
    String(a[key]).localeCompare(String(b[key]))

/**
 * How the server reads a body (src/http/json-body.ts): a byte order mark opening the body or a string
 * value is dropped, never stored; and -0 is the number 0.
 */
function asServerReads(_key: string, value: unknown): unknown {
  if (Object.is(value, -0)) return 0
  return typeof value === 'string' && value.startsWith('\ufeff') ? value.slice(1) : value
}

/** What the service must store for an accepted body (guide-rules.md §1 defaults, labels normalised). */
function expectedBlock(sent: Json) {
  const q = sent.questionCount as number
  const c = sent.correctCount as number
  const rows = (list: unknown, key: 'system' | 'subject') =>
    ((list ?? []) as (Row & Record<string, string>)[])
      .map((r) => ({
        [key]: slugOf(key === 'system' ? normalizeSystem(r[key]!) : normalizeSubject(r[key]!)),
        total: r.total,
        correct: r.correct,
        percent: pct(r.correct, r.total),
      }))
      .sort(bySlug(key))
  const mistakes = sent.mistakes as Partial<Record<'knowledge' | 'misread' | 'timing', number>> | undefined
  return {
    studentId: student.id,
    source: sent.source,
    externalId: sent.externalId ?? null,
    questionCount: q,
    correctCount: c,
    percentCorrect: pct(c, q),
    newQuestionCount: sent.newQuestionCount ?? (sent.pass === 'first' ? q : 0),
    pass: sent.pass,
    timed: sent.timed,
    selection: sent.selection,
    durationMinutes: sent.durationMinutes ?? null,
    reviewMinutes: sent.reviewMinutes ?? null,
    systems: rows(sent.systems, 'system'),
    subjects: rows(sent.subjects, 'subject'),
    mistakes: mistakes
      ? { knowledge: mistakes.knowledge ?? 0, misread: mistakes.misread ?? 0, timing: mistakes.timing ?? 0 }
      : null,
    topics: sent.topics ?? [],
    note: sent.note ?? null,
    deletedAt: null,
  }
}

const describeRes = (res: Response) => `${res.status} ${JSON.stringify(res.body).slice(0, 600)}`

function expectProblem(res: Response) {
  expect(res.headers['content-type'], describeRes(res)).toMatch(/^application\/problem\+json/)
  expect(res.body.status, describeRes(res)).toBe(res.status)
  expect(res.body.code, describeRes(res)).toEqual(expect.any(String))
  expect(res.body.code.length).toBeGreaterThan(0)
}

/** Posts one case and checks everything that must hold whatever the body was. */
async function check(c: Case): Promise<Response> {
  const key = c.withKey ? `pbt-${SEED}-${++requestNo}` : undefined
  const before = await countBlocks()
  const res = await post(c.text, key)
  const after = await countBlocks()

  expect(res.status, describeRes(res)).toBeLessThan(500)
  if (res.status >= 400) {
    expectProblem(res)
    expect(after, 'a refused body stored a block').toBe(before)
    return res
  }

  // Accepted: the body was a JSON object; predict insert vs update from what is already stored.
  const sent = JSON.parse(c.text.replace(/^\ufeff/, ''), asServerReads) as Json
  const ext = externalKey(sent.source, sent.externalId)
  const update = sent.externalId !== undefined && storedExternalIds.has(ext)
  expect(res.status, describeRes(res)).toBe(update ? 200 : 201)
  expect(after - before).toBe(update ? 0 : 1)
  if (sent.externalId !== undefined) storedExternalIds.add(ext)

  const got = await t.http.get(`${BLOCKS}/${res.body.id}`).set(student.auth)
  expect(got.status).toBe(200)
  const { systems, subjects, takenAt, ...rest } = got.body
  const { systems: wantSystems, subjects: wantSubjects, ...wantRest } = expectedBlock(sent)
  expect(rest).toMatchObject(wantRest)
  expect([...systems].sort(bySlug('system'))).toEqual(wantSystems)
  expect([...subjects].sort(bySlug('subject'))).toEqual(wantSubjects)
  expect(Date.parse(takenAt), `${String(sent.takenAt)} → ${takenAt}`).toBe(Date.parse(String(sent.takenAt)))
  // The POST answered with the stored block too.
  expect(res.body).toEqual(got.body)

  if (key !== undefined) {
    const replay = await post(c.text, key)
    expect(replay.status).toBe(res.status)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.body).toEqual(res.body)
    expect(await countBlocks()).toBe(after)
  }
  return res
}

describe('POST /blocks under random and hostile bodies', () => {
  test('valid blocks (canonical slugs, names and aliases) are stored exactly as sent', async () => {
    await fc.assert(
      fc.asyncProperty(validCaseArb, async (c) => {
        const res = await check(c)
        expect([200, 201], describeRes(res)).toContain(res.status)
      }),
      { seed: SEED, numRuns: RUNS },
    )
  }, 60_000)

  test('a block with one broken invariant is refused with its status and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(brokenCaseArb, async (c) => {
        const res = await check(c)
        if (c.kind === 'broken') expect(res.status, `${c.what}: ${describeRes(res)}`).toBe(c.expected)
      }),
      { seed: SEED, numRuns: RUNS },
    )
  }, 60_000)

  test('hostile and mixed bodies never cause a 5xx, always get a problem, and store all or nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: hostileCaseArb, weight: 4 },
          { arbitrary: validCaseArb, weight: 1 },
          { arbitrary: brokenCaseArb, weight: 1 },
        ),
        async (c) => {
          await check(c)
        },
      ),
      { seed: SEED, numRuns: 2 * RUNS },
    )
  }, 60_000)
})
