/**
 * Hostile input for every write route: values, mutations of valid bodies, JSON text that
 * JSON.stringify cannot write, content types, encodings, query strings and headers.
 * Nothing here knows about a route; test/fuzz/routes.ts supplies the valid bodies to mutate.
 */
import fc from 'fast-check'

// ---------------------------------------------------------------------------------------------------------
// JSON with holes: raw text (1e400, duplicate keys, deep nesting) and references to ids known only at run time

/** JSON text inserted verbatim where a value goes. */
export class RawJson {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new RawJson(text)

/** An id the test resolves when it sends the request (e.g. "an advisor", "another student"). */
export class Ref {
  constructor(
    readonly kind: RefKind,
    readonly index: number,
  ) {}
}
export type RefKind = 'advisor' | 'student' | 'user' | 'admin'
export type ResolveRef = (ref: Ref) => string

/** Sets a property as an own data property, so "__proto__" stays a key instead of changing the prototype. */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** JSON text of a value that may hold RawJson and Ref leaves; keys are written as they are. */
export function toJsonText(value: unknown, resolve: ResolveRef): string {
  if (value instanceof RawJson) return value.text
  if (value instanceof Ref) return JSON.stringify(resolve(value))
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v, resolve)).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k], resolve)}`)
      .join(',')}}`
  // undefined, NaN and Infinity are not JSON; JSON.stringify writes null for the last two.
  return JSON.stringify(value) ?? 'null'
}

function clone(value: unknown): unknown {
  if (value instanceof RawJson || value instanceof Ref) return value
  if (Array.isArray(value)) return value.map(clone)
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {}
    for (const key of Object.keys(value)) defineKey(copy, key, clone((value as Record<string, unknown>)[key]))
    return copy
  }
  return value
}

// ---------------------------------------------------------------------------------------------------------
// Hostile values

const repeatTo = (unit: string, length: number) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length)

/** 100k characters and other lengths around the limits (200, 5000, 2048 …), in awkward alphabets. */
export const longStringArb = fc
  .tuple(
    fc.constantFrom('a', 'é', '🫀', 'e\u0301', '\u202e', "'; ", '<b>', '\\', '"', ' ', '9'),
    fc.constantFrom(61, 101, 201, 256, 501, 2049, 5001, 100_000),
  )
  .map(([unit, length]) => repeatTo(unit, length))

const NUMBERS = [
  1e308,
  -1e308,
  -0,
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  2 ** 53,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 63,
  -1,
  0,
  1,
  0.5,
  -0.5,
  1e-308,
  5e-324,
  7,
  300.5,
  1000.0001,
  1001,
  100_001,
  99.99999999999999,
  1440,
  1441,
]
/** Number literals JSON allows but JavaScript numbers cannot write, or reads surprisingly. */
const NUMBER_LITERALS = [
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740993',
  '-9007199254740993',
  '1.0',
  '1E2',
  '0.1e1',
  '-0',
  '-0.0',
  '123456789012345678901234567890',
  '4.9e-324',
  '2e-1074',
]
/** Not JSON at all: the whole body becomes malformed. */
const BROKEN_LITERALS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '+1',
  '01',
  '.5',
  '0x10',
  '1_000',
  'undefined',
  "'x'",
]

const NUMBERISH = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e308',
  '1e400',
  '9007199254740993',
  '0x10',
  '1_000',
  '١٢٣',
  '½',
  '',
  ' ',
  ' 1 ',
  '1,5',
  '1.5',
  'null',
  'true',
  'false',
  'undefined',
  '[]',
  '{}',
  '40',
  '-1',
]

const UNICODE = [
  '🫀🧠💊',
  '👩🏽‍⚕️',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\ufeffcardio',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '\ud83d',
  'a\ud800b',
  'x\udc00',
  'a\u0000b',
  '\u0000',
  'İSTANBUL',
  'ß',
  'ﬁ',
  '\u2028\u2029',
  '\t\n\r',
  '\u0007\u001b[31m',
  'ＣＡＲＤＩＯ',
  'cardio\u0000',
  'Cardio\u200b',
  'ｃａｒｄｉｏ',
]

const INJECTION = [
  "'; drop table users; --",
  "1' or '1'='1",
  '"; drop table blocks; --',
  "'); select pg_sleep(5); --",
  '$$; select 1; $$',
  "admin'--",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '${jndi:ldap://x/y}',
  '{{7*7}}',
  '#{7*7}',
  '../../../etc/passwd',
  '..\\..\\win.ini',
  '%00',
  '%s%s%s%n',
  '\\',
  '$1',
  '`id`',
  '| cat /etc/passwd',
  'SELECT * FROM api_tokens',
]

const PROTO_STRINGS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']
const protoObjects: unknown[] = [
  JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"prototype":{"polluted":"yes"}}'),
  { toString: 'x', valueOf: 1, hasOwnProperty: 2 },
]

const DATES = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '0000-01-01',
  '9999-12-31',
  '+275760-09-13T00:00:00Z',
  '2026-11-28T24:00:00Z',
  '2026-11-28T23:59:60Z',
  '2026-11-28T12:00:00+25:00',
  '2026-11-28',
  '1969-12-31T23:59:59Z',
  '2026-11-28T12:00:00.123456789Z',
  '20261128',
  '2026-W48',
  '2100-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
  '2026-11-28T12:00:00',
  '2026-11-28 12:00:00Z',
  '28/11/2026',
  'today',
  'now()',
  '2026-11-30',
  '2026-11-29',
]

const IDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  'me',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
  'urn:uuid:00000000-0000-4000-8000-000000000000',
]

/** Nesting deeper than any schema, and around the parser's limit of 32. */
export const deepArb: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(31, 32, 33, 100, 1000, 5000), fc.boolean())
  .map(([depth, arrays]) =>
    raw(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  )

/** Anything a field might receive from a broken or malicious client. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  // wrong types
  fc.constantFrom<unknown>(true, false, null, [], {}, [1, 2], { a: 1 }, ''),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 30 }),
  // extreme numbers
  fc.constantFrom(...NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  fc.constantFrom(...NUMBER_LITERALS).map(raw),
  fc.constantFrom(...NUMBERISH),
  // text
  longStringArb,
  fc.constantFrom(...UNICODE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...INJECTION),
  fc.constantFrom(...PROTO_STRINGS),
  fc.constantFrom(...protoObjects),
  fc.constantFrom(...DATES),
  fc.constantFrom(...IDS),
  fc.uuid().map((u) => u.toUpperCase()),
  deepArb,
)

/** Values that make the body text itself malformed (rarely useful, so drawn rarely). */
export const brokenValueArb = fc.constantFrom(...BROKEN_LITERALS).map(raw)

// ---------------------------------------------------------------------------------------------------------
// Mutations of a valid body, so validation is tested past the first field it looks at

const EXTRA_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  'id',
  'studentId',
  'userId',
  'ownerId',
  'createdAt',
  'deletedAt',
  'role',
  'isAdmin',
  'scopes',
  'secret',
  'Source',
  '🔑',
  'k\u0000',
  '\ud800',
  'a.b',
  'systems[0]',
  'k'.repeat(10_000),
]

export type MutationOp =
  | { op: 'set'; value: unknown }
  | { op: 'delete' }
  | { op: 'addKey'; key: string; value: unknown }
  | { op: 'duplicate' }
  | { op: 'bloat'; count: number }
  | { op: 'empty' }

export interface Mutation {
  /** Which node to change, modulo the number of nodes. */
  at: number
  change: MutationOp
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  change: fc.oneof(
    { weight: 8, arbitrary: hostileValueArb.map((value) => ({ op: 'set' as const, value })) },
    { weight: 3, arbitrary: fc.constant({ op: 'delete' as const }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...EXTRA_KEYS), hostileValueArb)
        .map(([key, value]) => ({ op: 'addKey' as const, key, value })),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'duplicate' as const }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(2, 41, 501, 2000).map((count) => ({ op: 'bloat' as const, count })),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'empty' as const }) },
  ),
})

type Path = (string | number)[]

/** Every node of a body (the root too), breadth first, at most 200. */
function nodePaths(value: unknown): Path[] {
  const paths: Path[] = []
  const queue: [unknown, Path][] = [[value, []]]
  while (queue.length > 0 && paths.length < 200) {
    const [node, path] = queue.shift() as [unknown, Path]
    paths.push(path)
    if (node instanceof RawJson || node instanceof Ref) continue
    if (Array.isArray(node)) node.forEach((child, i) => queue.push([child, [...path, i]]))
    else if (node !== null && typeof node === 'object')
      for (const key of Object.keys(node))
        queue.push([(node as Record<string, unknown>)[key], [...path, key]])
  }
  return paths
}

function getAt(root: unknown, path: Path): unknown {
  let node = root
  for (const step of path) node = (node as Record<string | number, unknown>)[step]
  return node
}

/** Applies mutations in order to a copy of the body. */
export function mutate(body: unknown, mutations: readonly Mutation[]): unknown {
  let root = clone(body)
  for (const { at, change } of mutations) {
    const paths = nodePaths(root)
    const path = paths[at % paths.length] ?? []
    const parentPath = path.slice(0, -1)
    const last = path[path.length - 1]
    const parent =
      path.length === 0 ? undefined : (getAt(root, parentPath) as Record<string | number, unknown>)
    const node = getAt(root, path)
    const replace = (value: unknown) => {
      if (parent === undefined) root = value
      else if (Array.isArray(parent)) parent[last as number] = value
      else defineKey(parent, String(last), value)
    }
    switch (change.op) {
      case 'set':
        replace(clone(change.value))
        break
      case 'delete':
        if (parent === undefined) root = undefined
        else if (Array.isArray(parent)) parent.splice(last as number, 1)
        else delete (parent as Record<string, unknown>)[String(last)]
        break
      case 'addKey':
        if (node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof RawJson))
          defineKey(node as Record<string, unknown>, change.key, clone(change.value))
        else if (Array.isArray(node)) node.push(clone(change.value))
        else replace({ [change.key]: clone(change.value) })
        break
      case 'duplicate':
        if (Array.isArray(parent)) parent.splice(last as number, 0, clone(node))
        else if (Array.isArray(node) && node.length > 0) node.push(clone(node[0]))
        else replace([clone(node), clone(node)])
        break
      case 'bloat':
        replace(
          typeof node === 'string'
            ? repeatTo(node || 'x', Math.min(node.length * change.count + 1, 200_000))
            : Array.from({ length: change.count }, () => clone(Array.isArray(node) ? node[0] : node)),
        )
        break
      case 'empty':
        replace(Array.isArray(node) ? [] : typeof node === 'string' ? '' : {})
        break
    }
  }
  return root
}

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 })

// ---------------------------------------------------------------------------------------------------------
// Body text: edits JSON.stringify cannot make, content types and encodings

export const TEXT_EDITS = [
  'duplicateKey',
  'protoRoot',
  'constructorRoot',
  'protoNested',
  'bom',
  'trailing',
  'truncate',
  'wrapArray',
  'whitespace',
  'nulEscape',
  'surrogateEscape',
  'surrogateKey',
  'badEscape',
  'singleQuotes',
  'comment',
  'numberLiteral',
  'brokenLiteral',
] as const
export type TextEdit = (typeof TEXT_EDITS)[number]

/** Applies one text-level edit; `n` picks positions and variants deterministically. */
export function editText(text: string, edit: TextEdit, n: number): string {
  const isObject = text.startsWith('{') && text.endsWith('}')
  const firstKey = /^\{"((?:[^"\\]|\\.)*)":/.exec(text)?.[1]
  const insertAtRoot = (member: string) =>
    isObject ? (text === '{}' ? `{${member}}` : `{${member},${text.slice(1)}`) : `{${member}}`
  switch (edit) {
    case 'duplicateKey': {
      const key = firstKey ?? 'k'
      const values = ['1', '"x"', 'null', '{}', '[]', '-1', '1e400', '"\\u0000"', '"__proto__"']
      const value = values[n % values.length]
      return isObject && text !== '{}'
        ? `${text.slice(0, -1)},"${key}":${value}}`
        : `{"${key}":1,"${key}":${value}}`
    }
    case 'protoRoot':
      return insertAtRoot('"__proto__":{"polluted":"yes","isAdmin":true}')
    case 'constructorRoot':
      return insertAtRoot('"constructor":{"prototype":{"polluted":"yes"}}')
    case 'protoNested': {
      const at = text.indexOf('{', 1)
      if (at < 0) return insertAtRoot('"a":{"__proto__":{"polluted":"yes"}}')
      const member = '"__proto__":{"polluted":"yes"}'
      return text[at + 1] === '}'
        ? `${text.slice(0, at + 1)}${member}${text.slice(at + 1)}`
        : `${text.slice(0, at + 1)}${member},${text.slice(at + 1)}`
    }
    case 'bom':
      return `\ufeff${text}`
    case 'trailing': {
      const tails = ['garbage', '}', ',', ']', '\u0000', ' \n\t', '{}', '//', text]
      return text + tails[n % tails.length]
    }
    case 'truncate':
      return text.slice(0, n % Math.max(text.length, 1))
    case 'wrapArray':
      return `[${text}]`
    case 'whitespace':
      return `\n\t ${text.replace(/,/g, ' ,\n ').replace(/:/g, ' : ')} \r\n`
    case 'nulEscape':
      return text.replace(/":"/, '":"\\u0000')
    case 'surrogateEscape': {
      const escapes = ['\\ud800', '\\udfff', '\\ud83d', '\\udc00\\ud800']
      return text.includes('":"')
        ? text.replace(/":"/, `":"${escapes[n % escapes.length]}`)
        : insertAtRoot(`"note":"${escapes[n % escapes.length]}"`)
    }
    case 'surrogateKey':
      return insertAtRoot('"\\ud800":1')
    case 'badEscape': {
      const escapes = ['\\x41', '\\u12', '\\q', '\\\n', '\\U0001F600']
      return text.replace(/":"/, `":"${escapes[n % escapes.length]}`)
    }
    case 'singleQuotes':
      return text.replace(/"/g, "'")
    case 'comment':
      return `/* c */${text}`
    case 'numberLiteral': {
      const literal = NUMBER_LITERALS[n % NUMBER_LITERALS.length] ?? '1e400'
      return /:-?\d+(\.\d+)?/.test(text)
        ? text.replace(/:-?\d+(\.\d+)?/, `:${literal}`)
        : insertAtRoot(`"n":${literal}`)
    }
    case 'brokenLiteral': {
      const literal = BROKEN_LITERALS[n % BROKEN_LITERALS.length] ?? 'NaN'
      return /:-?\d+(\.\d+)?/.test(text)
        ? text.replace(/:-?\d+(\.\d+)?/, `:${literal}`)
        : insertAtRoot(`"n":${literal}`)
    }
  }
}

/** undefined: no Content-Type header at all. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 40, arbitrary: fc.constant('application/json') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'Application/Json; Charset=UTF-8',
      'application/json;charset=latin1',
      'application/json; charset=utf-16',
      'application/json; boundary=x; q=0.5',
      'application/json ',
    ),
  },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'text/plain',
      'text/json',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/xml',
      'application/problem+json',
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/jsonx',
      'application/octet-stream',
      '*/*',
      'application/*',
      'json',
      ';',
      'application/json, text/plain',
      'application/\u00e9json',
    ),
  },
)

export type Encoding = 'utf8' | 'utf16le' | 'latin1' | 'badUtf8'
export const encodingArb: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 30, arbitrary: fc.constant('utf8' as const) },
  { weight: 1, arbitrary: fc.constantFrom('utf16le' as const, 'latin1' as const, 'badUtf8' as const) },
)

export function encode(text: string, encoding: Encoding): string | Buffer {
  switch (encoding) {
    case 'utf8':
      return text
    case 'utf16le':
      return Buffer.from(text, 'utf16le')
    case 'latin1':
      return Buffer.from(text, 'latin1')
    case 'badUtf8': {
      // Bytes no UTF-8 decoder accepts, inside the first string value (or at the end).
      const at = text.indexOf('":"')
      const cut = at < 0 ? text.length : at + 3
      return Buffer.concat([
        Buffer.from(text.slice(0, cut)),
        Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
        Buffer.from(text.slice(cut)),
      ])
    }
  }
}

/** Over the default 1 MiB body limit: 413, never parsed. */
export const OVERSIZED_BODY = `{"note":"${'x'.repeat(1_100_000)}"}`

export type BodyOrigin = 'valid' | 'mutated' | 'hostile' | 'broken'
export type BodyChoice =
  | {
      kind: 'json'
      origin: BodyOrigin
      value: unknown
      edit: TextEdit | null
      n: number
      contentType: string | undefined
      encoding: Encoding
    }
  | { kind: 'none' }
  | { kind: 'text'; text: string; contentType: string | undefined }

/** Bodies for a route: valid ones as they are, valid ones mutated, and anything at all. */
export function bodyArb(valid: fc.Arbitrary<unknown>, { weightNone = 1 } = {}): fc.Arbitrary<BodyChoice> {
  const edit = fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: fc.constantFrom(...TEXT_EDITS) },
  )
  const json = (origin: BodyOrigin, value: fc.Arbitrary<unknown>) =>
    fc
      .record({ value, edit, n: fc.nat(), contentType: contentTypeArb, encoding: encodingArb })
      .map((b): BodyChoice => ({ kind: 'json', origin, ...b }))
  const clean = valid.map((value): BodyChoice => ({
    kind: 'json',
    origin: 'valid',
    value,
    edit: null,
    n: 0,
    contentType: 'application/json',
    encoding: 'utf8',
  }))
  return fc.oneof(
    { weight: 6, arbitrary: clean },
    { weight: 3, arbitrary: json('valid', valid) },
    {
      weight: 12,
      arbitrary: json(
        'mutated',
        fc.tuple(valid, mutationsArb).map(([body, m]) => mutate(body, m)),
      ),
    },
    { weight: 3, arbitrary: json('hostile', hostileValueArb) },
    { weight: 1, arbitrary: json('broken', brokenValueArb) },
    { weight: weightNone, arbitrary: fc.constant<BodyChoice>({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            '',
            ' ',
            '\n',
            'null',
            '{}',
            '[]',
            '""',
            '0',
            'true',
            '{"a":NaN}',
            "{'a':1}",
            '{"a":1,}',
            '{"a" 1}',
            '\u0000',
            'role=admin&name=x',
            '<xml/>',
            OVERSIZED_BODY,
          ),
          contentTypeArb,
        )
        .map(([text, contentType]): BodyChoice => ({ kind: 'text', text, contentType })),
    },
  )
}

// ---------------------------------------------------------------------------------------------------------
// Query strings and headers

export const queryArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '?__proto__[polluted]=yes',
      '?__proto__.polluted=yes',
      '?constructor[prototype][polluted]=yes',
      '?__proto__=yes&constructor=yes&prototype=yes',
      '?toString=1&hasOwnProperty=1&valueOf=1',
      '?a=%zz',
      '?%00=%00',
      '?a=%ED%A0%80',
      '?a&a&a=1&a=2',
      '?studentId=00000000-0000-0000-0000-000000000000',
      '?limit=-1&cursor=%27%3B%20drop%20table%20users%3B%20--',
      '?includeDeleted=true&updatedAfter=1e308',
      '?role=admin',
      `?q=${'x'.repeat(10_000)}`,
      '?=&==&&',
      '?a[b][c][d][e][f][g]=1',
      '?%F0%9F%98%80=%F0%9F%98%80',
      '?x=<script>alert(1)</script>',
      '?x=%3Cscript%3E',
      '??',
      '?#',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 })
      .map((d) => `?${new URLSearchParams(d).toString()}`),
  },
)

export type KeyChoice =
  | { kind: 'none' }
  | { kind: 'fresh' }
  | { kind: 'pool'; index: number }
  | { kind: 'bogus'; value: string | string[] }

export const keyArb: fc.Arbitrary<KeyChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<KeyChoice>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.constant<KeyChoice>({ kind: 'fresh' }) },
  { weight: 3, arbitrary: fc.nat({ max: 5 }).map((index): KeyChoice => ({ kind: 'pool', index })) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.constantFrom<string | string[]>(
          '',
          ' ',
          'a b',
          'k'.repeat(255),
          'k'.repeat(256),
          'k'.repeat(8_000),
          'ключ',
          '🔑',
          'a\tb',
          '\x7f',
          'é',
          "'; drop table idempotency_keys; --",
          '<script>',
          '${jndi:ldap://x}',
          '__proto__',
          '../../etc',
          '%00',
          ['k1', 'k2'],
          ['same', 'same'],
        ),
        fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }),
      )
      .map((value): KeyChoice => ({ kind: 'bogus', value })),
  },
)

export const extraHeadersArb: fc.Arbitrary<[string, string][]> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 2,
    arbitrary: fc.subarray<[string, string]>(
      [
        ['content-encoding', 'gzip'],
        ['content-encoding', 'br, identity'],
        ['x-http-method-override', 'DELETE'],
        ['x-forwarded-for', '127.0.0.1, 10.0.0.1'],
        ['x-forwarded-host', 'evil.example'],
        ['x-request-id', "'; drop table users; --"],
        ['x-request-id', 'r'.repeat(129)],
        ['x-request-id', 'fuzz-request-id'],
        ['accept', 'application/xml'],
        ['accept', 'text/html;q=0.1, */*;q=0'],
        ['accept-version', '9.9.9'],
        ['accept-encoding', 'gzip, deflate, br'],
        ['accept-charset', 'utf-16'],
        ['if-match', '*'],
        ['if-none-match', '"x"'],
        ['if-unmodified-since', 'Thu, 01 Jan 1970 00:00:00 GMT'],
        ['expect', '100-continue'],
        ['origin', 'https://evil.example'],
        ['cookie', 'session=1; __proto__=x'],
        ['user-agent', 'u'.repeat(4_000)],
        ['prefer', 'return=minimal'],
        ['range', 'bytes=0-1'],
        ['x-ratelimit-remaining', '99999'],
        ['forwarded', 'for=127.0.0.1;proto=https'],
      ],
      { maxLength: 4 },
    ),
  },
)
