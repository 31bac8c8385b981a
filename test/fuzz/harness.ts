/**
 * Sends one generated request and checks what must hold whatever it was: never a 5xx, every 4xx
 * a problem+json whose status matches, and the database changed only as the answer says it did
 * (nothing at all for a refusal or a replay).
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Db } from '../../src/db/client.js'
import type { Role } from '../../src/modules/users/users.table.js'
import type { TestUser } from '../helpers/factories.js'
import {
  type BodyChoice,
  encode,
  editText,
  extraHeadersArb,
  type KeyChoice,
  keyArb,
  queryArb,
  type Ref,
  toJsonText,
} from './arbitraries.js'
import { diffFingerprints, type Fingerprint, readFingerprint } from './fingerprint.js'

// ---------------------------------------------------------------------------------------------------------
// What the test knows about the database: who exists and which records it may point at

export type RecordKind = 'blocks' | 'assessments' | 'activities'

export interface World {
  app: FastifyInstance
  db: Db
  seed: number
  /** Callers: their tokens are never revoked by the fuzzer. */
  student: TestUser
  peer: TestUser
  advisor: TestUser
  admin: TestUser
  users: { id: string; role: Role }[]
  /** Tokens the fuzzer made and may revoke. */
  tokens: { live: string[]; revoked: string[] }
  records: Record<RecordKind, { live: string[]; deleted: string[]; foreign: string[] }>
  webhooks: { live: { id: string; ownerId: string }[]; deleted: string[] }
  deliveries: { webhookId: string; deliveryId: string; ownerId: string }[]
  /** Advisors the main student has granted. */
  grants: string[]
  emails: string[]
  keyCounter: number
  /** (caller, Idempotency-Key) → the first answer (status, body hash), which every replay must repeat. */
  replays: Map<string, { status: number; body: string }>
  /** Fingerprint after the last request, or undefined when the test itself wrote since. */
  fingerprint: Fingerprint | undefined
  /** Expected net rows per table, from the answers (the ledger the end of the run checks). */
  ledger: Map<string, number>
  /** A plain, valid call the test needs (setup, or a record to delete); checked like any other. */
  call: (operationId: string, options: CallOptions) => Promise<Outcome>
}

export interface CallOptions {
  caller: TestUser
  params?: Record<string, string>
  body?: unknown
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

export type CallerChoice =
  | { kind: 'right'; index: number }
  | { kind: 'admin' }
  | { kind: 'peer' }
  | { kind: 'advisor' }
  | { kind: 'none' }
  | { kind: 'bad'; index: number }

export const callerArb: fc.Arbitrary<CallerChoice> = fc.oneof(
  { weight: 85, arbitrary: fc.nat({ max: 11 }).map((index): CallerChoice => ({ kind: 'right', index })) },
  { weight: 4, arbitrary: fc.constant<CallerChoice>({ kind: 'admin' }) },
  { weight: 3, arbitrary: fc.constant<CallerChoice>({ kind: 'peer' }) },
  { weight: 2, arbitrary: fc.constant<CallerChoice>({ kind: 'advisor' }) },
  { weight: 2, arbitrary: fc.constant<CallerChoice>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.nat({ max: 11 }).map((index): CallerChoice => ({ kind: 'bad', index })) },
)

/** A path parameter: a record the caller may touch, one it may not, or no id at all. */
export type IdChoice =
  | { kind: 'valid'; index: number }
  | { kind: 'gone'; index: number }
  | { kind: 'foreign'; index: number }
  | { kind: 'upper'; index: number }
  | { kind: 'random'; uuid: string }
  | { kind: 'garbage'; text: string; raw: boolean }

const GARBAGE_IDS = [
  'not-a-uuid',
  'me',
  'ME',
  'null',
  'undefined',
  '0',
  '-1',
  '1e308',
  'NaN',
  '*',
  '%',
  '..',
  '.',
  ' ',
  '\u0000',
  '00000000-0000-0000-0000-000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
  "'; drop table users; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  '🫀',
  '\ud800',
  'a'.repeat(101),
  'a'.repeat(5000),
  'e\u0301',
  '\u202eevil',
]
/** Sent as they are, not percent-encoded: broken escapes, encoded separators, traversal. */
const RAW_PATH_SEGMENTS = [
  '%zz',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%00',
  '%2F',
  '..%2F..%2Fusers',
  '%2e%2e',
  'a%20b',
  '%C0%AE',
]

export const idArb: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 40, arbitrary: fc.nat().map((index): IdChoice => ({ kind: 'valid', index })) },
  { weight: 6, arbitrary: fc.nat().map((index): IdChoice => ({ kind: 'gone', index })) },
  { weight: 8, arbitrary: fc.nat().map((index): IdChoice => ({ kind: 'foreign', index })) },
  { weight: 3, arbitrary: fc.nat().map((index): IdChoice => ({ kind: 'upper', index })) },
  { weight: 6, arbitrary: fc.uuid().map((uuid): IdChoice => ({ kind: 'random', uuid })) },
  {
    weight: 12,
    arbitrary: fc
      .oneof(fc.constantFrom(...GARBAGE_IDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }))
      .map((text): IdChoice => ({ kind: 'garbage', text, raw: false })),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...RAW_PATH_SEGMENTS)
      .map((text): IdChoice => ({ kind: 'garbage', text, raw: true })),
  },
)

/** Most student-route inputs name a student the caller may write, so the rest of the input gets tested. */
const studentIdArb: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.nat().map((index): IdChoice => ({ kind: 'valid', index })) },
  { weight: 1, arbitrary: idArb },
)

export interface FuzzInput {
  caller: CallerChoice
  params: Record<string, IdChoice>
  query: string
  key: KeyChoice
  headers: [string, string][]
  body: BodyChoice
}

export function inputArb(
  paramNames: readonly string[],
  body: fc.Arbitrary<BodyChoice>,
): fc.Arbitrary<FuzzInput> {
  return fc.record({
    caller: callerArb,
    params: fc.record(
      Object.fromEntries(paramNames.map((name) => [name, name === 'studentId' ? studentIdArb : idArb])),
    ),
    query: queryArb,
    key: keyArb,
    headers: extraHeadersArb,
    body,
  })
}

// ---------------------------------------------------------------------------------------------------------
// Route specifications (test/fuzz/routes.ts)

/** Net rows each table may gain (negative: lose); 'any': may change, by any number of rows. */
export type Expected = Record<string, number | 'any'>

export interface Accepted {
  world: World
  status: number
  body: Record<string, unknown>
  caller: TestUser
  params: Record<string, string>
}

export type ParamResolver = (
  choice: IdChoice,
  ctx: { world: World; caller: TestUser | undefined; picks: Record<string, string> },
) => Promise<string> | string

export interface RouteSpec {
  /** Who calls the route when the input asks for the right caller. */
  callers: readonly Role[]
  body: fc.Arbitrary<BodyChoice>
  /** Path parameters this route resolves its own way (others use the shared resolvers by name). */
  params?: Record<string, ParamResolver>
  /** For a 2xx that is not a replay: the tables it may change and by how many rows. */
  writes: (accepted: Accepted) => Expected
  /** After a 2xx: remember what it made or removed, and check route-specific promises. */
  observe?: (accepted: Accepted) => void | Promise<void>
}

export interface Operation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  operationId: string
  paramNames: string[]
  idempotent: boolean
}

// ---------------------------------------------------------------------------------------------------------
// Sending

const KEY = /^[\x21-\x7e]{1,255}$/

/** Bad Authorization headers; index picks one. */
function badAuthorization(index: number, token: string): string {
  const variants = [
    'Bearer',
    'Bearer ',
    `Bearer ${'x'.repeat(600)}`,
    'Basic dXNlcjpwYXNz',
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token} extra`,
    `Token ${token}`,
    `Bearer ${token.toUpperCase()}`,
    "Bearer '; drop table api_tokens; --",
    'Bearer __proto__',
    `Bearer\t${'🔑'}`,
  ]
  return variants[index % variants.length] ?? 'Bearer'
}

function callerFor(choice: CallerChoice, spec: RouteSpec, world: World): TestUser | undefined {
  switch (choice.kind) {
    case 'right': {
      const role = spec.callers[choice.index % spec.callers.length] ?? 'student'
      return role === 'student' ? world.student : role === 'advisor' ? world.advisor : world.admin
    }
    case 'admin':
      return world.admin
    case 'peer':
      return world.peer
    case 'advisor':
      return world.advisor
    default:
      return undefined
  }
}

/** Percent-encodes a path segment; lone surrogates (which encodeURIComponent refuses) as CESU-8 bytes. */
function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return [...text]
      .map((ch) => {
        const code = ch.charCodeAt(0)
        if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
          return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase()
        return encodeURIComponent(ch)
      })
      .join('')
  }
}

export interface Sent {
  operation: Operation
  method: Operation['method']
  url: string
  headers: Record<string, string | string[]>
  payload: string | Buffer | undefined
  caller: TestUser | undefined
  /** The Idempotency-Key as the server will use it, when it is a valid one. */
  key: string | undefined
  params: Record<string, string>
}

const excerpt = (value: unknown, max = 400) => {
  const text =
    typeof value === 'string' ? value : Buffer.isBuffer(value) ? `<${value.length} bytes>` : String(value)
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text
}

export function describeSent(sent: Sent): string {
  const headers = Object.entries(sent.headers)
    .map(([name, value]) => `${name}: ${excerpt(name === 'authorization' ? '[token]' : value, 80)}`)
    .join(' | ')
  return `${sent.method} ${excerpt(sent.url, 200)}\n  headers: ${headers}\n  body: ${excerpt(JSON.stringify(sent.payload === undefined ? undefined : String(sent.payload)))}`
}

export function resolveRef(world: World): (ref: Ref) => string {
  return (ref) => {
    const pick = <T>(list: readonly T[]) => list[ref.index % list.length]
    const byRole = (role: Role) => world.users.filter((u) => u.role === role).map((u) => u.id)
    switch (ref.kind) {
      case 'advisor':
        return pick(byRole('advisor')) ?? world.advisor.id
      case 'student':
        return pick(byRole('student')) ?? world.student.id
      case 'admin':
        return pick(byRole('admin')) ?? world.admin.id
      case 'user':
        return pick(world.users.map((u) => u.id)) ?? world.student.id
    }
  }
}

function bodyPayload(body: BodyChoice, world: World): { payload?: string | Buffer; contentType?: string } {
  switch (body.kind) {
    case 'none':
      return {}
    case 'text':
      return {
        payload: body.text,
        ...(body.contentType === undefined ? {} : { contentType: body.contentType }),
      }
    case 'json': {
      const text = toJsonText(body.value, resolveRef(world))
      const edited = body.edit ? editText(text, body.edit, body.n) : text
      return {
        payload: encode(edited, body.encoding),
        ...(body.contentType === undefined ? {} : { contentType: body.contentType }),
      }
    }
  }
}

/** Turns an input into a request; may create records first (a block to delete, a token to revoke). */
export async function prepare(
  operation: Operation,
  spec: RouteSpec,
  input: FuzzInput,
  world: World,
  resolvers: Record<string, ParamResolver>,
): Promise<Sent> {
  const caller = callerFor(input.caller, spec, world)
  const picks: Record<string, string> = {}
  let url = operation.path
  for (const name of operation.paramNames) {
    const choice = input.params[name] ?? { kind: 'random', uuid: '00000000-0000-4000-8000-000000000000' }
    const resolver = spec.params?.[name] ?? resolvers[name]
    if (!resolver) throw new Error(`no generator for path parameter {${name}} of ${operation.operationId}`)
    let segment: string
    if (choice.kind === 'garbage') {
      picks[name] = choice.text
      segment = choice.raw ? choice.text : encodeSegment(choice.text)
    } else {
      picks[name] = await resolver(choice, { world, caller, picks })
      segment = encodeSegment(picks[name])
    }
    url = url.replace(`{${name}}`, segment)
  }
  url += input.query

  const headers: Record<string, string | string[]> = {}
  if (caller && input.caller.kind !== 'bad') headers.authorization = caller.auth.Authorization
  if (input.caller.kind === 'bad')
    headers.authorization = badAuthorization(input.caller.index, world.student.token)

  let key: string | undefined
  const keyValue = keyHeader(input.key, world)
  if (keyValue !== undefined) {
    headers['idempotency-key'] = keyValue
    if (typeof keyValue === 'string' && KEY.test(keyValue.trim())) key = keyValue.trim()
  }
  for (const [name, value] of input.headers) headers[name] = value

  const { payload, contentType } = bodyPayload(input.body, world)
  if (contentType !== undefined) headers['content-type'] = contentType
  return { operation, method: operation.method, url, headers, payload, caller, key, params: picks }
}

function keyHeader(choice: KeyChoice, world: World): string | string[] | undefined {
  switch (choice.kind) {
    case 'none':
      return undefined
    case 'fresh':
      return `fz-${world.seed}-${++world.keyCounter}`
    case 'pool':
      return `fz-pool-${choice.index}`
    case 'bogus':
      return choice.value
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checking

export class Violation extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function fail(sent: Sent, res: LightMyRequestResponse, what: string): never {
  throw new Violation(
    `${what}\n  request: ${describeSent(sent)}\n  response: ${res.statusCode} ${excerpt(res.headers['content-type'], 60)} ${excerpt(res.body)}`,
  )
}

/** Every answer: no 5xx; every 4xx an RFC 9457 problem whose status is the response's. */
export function checkResponse(sent: Sent, res: LightMyRequestResponse): Record<string, unknown> {
  if (res.statusCode >= 500) fail(sent, res, `a ${res.statusCode}`)
  let body: unknown = undefined
  if (res.body !== '') {
    try {
      body = JSON.parse(res.body)
    } catch {
      fail(sent, res, 'the body is not JSON')
    }
  }
  if (res.statusCode >= 400) {
    const type = String(res.headers['content-type'] ?? '')
    if (!type.startsWith('application/problem+json'))
      fail(sent, res, `a ${res.statusCode} that is not problem+json`)
    const problem = (body ?? {}) as Record<string, unknown>
    if (
      typeof problem.type !== 'string' ||
      typeof problem.title !== 'string' ||
      typeof problem.detail !== 'string'
    )
      fail(sent, res, 'a problem without type, title and detail')
    if (problem.status !== res.statusCode)
      fail(sent, res, 'a problem whose status is not the response status')
    if (typeof problem.code !== 'string' || problem.code === '') fail(sent, res, 'a problem without a code')
  } else if (res.statusCode < 200 || res.statusCode >= 300) {
    fail(sent, res, `an unexpected ${res.statusCode}`)
  }
  return (body ?? {}) as Record<string, unknown>
}

/**
 * Kept by triggers on every committed write of student data (migration 0007: the data version the
 * dashboard's stored figures are checked against), so any accepted write may change it.
 */
const CHANGED_BY_ANY_ACCEPTED_WRITE: Expected = { student_data_versions: 'any' }

/** The database after the request against before it, given the answer. */
export function checkWrites(
  sent: Sent,
  res: LightMyRequestResponse,
  before: Fingerprint,
  after: Fingerprint,
  expected: Expected | null,
  world: World,
): void {
  const changes = diffFingerprints(before, after)
  const shown = () => changes.map((c) => `${c.table} ${c.rows >= 0 ? '+' : ''}${c.rows}`).join(', ')
  if (expected === null) {
    if (changes.length > 0)
      fail(
        sent,
        res,
        `a ${res.statusCode} ${res.statusCode >= 400 ? 'refusal' : 'replay'} changed the database: ${shown()}`,
      )
    return
  }
  expected = { ...CHANGED_BY_ANY_ACCEPTED_WRITE, ...expected }
  for (const change of changes) {
    const allowed = expected[change.table]
    if (allowed === undefined) fail(sent, res, `a ${res.statusCode} changed ${change.table} (${shown()})`)
    if (typeof allowed === 'number' && allowed !== change.rows)
      fail(
        sent,
        res,
        `a ${res.statusCode} changed ${change.table} by ${change.rows} rows, not ${allowed} (${shown()})`,
      )
  }
  for (const [table, rows] of Object.entries(expected)) {
    if (typeof rows === 'number' && rows !== 0 && !changes.some((c) => c.table === table))
      fail(
        sent,
        res,
        `a ${res.statusCode} should have added ${rows} rows to ${table} (${shown() || 'nothing changed'})`,
      )
    const measured = changes.find((c) => c.table === table)?.rows ?? 0
    world.ledger.set(table, (world.ledger.get(table) ?? 0) + (typeof rows === 'number' ? rows : measured))
  }
}

export interface Outcome {
  sent: Sent
  status: number
  body: Record<string, unknown>
  replayed: boolean
}

/** Sends the request and checks the answer and the database; returns what happened. */
export async function sendAndCheck(sent: Sent, spec: RouteSpec, world: World): Promise<Outcome> {
  const before = world.fingerprint ?? (await readFingerprint(world.db))
  const res = await world.app.inject({
    method: sent.method,
    url: sent.url,
    headers: sent.headers,
    ...(sent.payload === undefined ? {} : { payload: sent.payload }),
  })
  const after = await readFingerprint(world.db)
  world.fingerprint = after
  const body = checkResponse(sent, res)
  const replayed = res.headers['idempotent-replayed'] === 'true'
  const accepted = res.statusCode >= 200 && res.statusCode < 300

  if (replayed) {
    if (!sent.key || !sent.caller) fail(sent, res, 'a replay without a valid Idempotency-Key')
    const first = world.replays.get(`${sent.caller.id} ${sent.key}`)
    if (first && (first.status !== res.statusCode || first.body !== res.body))
      fail(
        sent,
        res,
        `a replay that differs from the first answer (${first.status} ${excerpt(first.body, 200)})`,
      )
  }
  if (!accepted || replayed) {
    checkWrites(sent, res, before, after, null, world)
    return { sent, status: res.statusCode, body, replayed }
  }
  if (!sent.caller) fail(sent, res, 'a 2xx without a valid token')
  const ctx: Accepted = { world, status: res.statusCode, body, caller: sent.caller, params: sent.params }
  const expected = { ...spec.writes(ctx) }
  if (sent.operation.idempotent && sent.key !== undefined) {
    expected.idempotency_keys = 1
    world.replays.set(`${sent.caller.id} ${sent.key}`, { status: res.statusCode, body: sha256(res.body) })
  }
  checkWrites(sent, res, before, after, expected, world)
  await spec.observe?.(ctx)
  return { sent, status: res.statusCode, body, replayed }
}

/** The request for World.call: valid token, JSON body, no Idempotency-Key. */
export function plainRequest(
  operation: Operation,
  { caller, params = {}, body }: CallOptions,
  world: World,
): Sent {
  let url = operation.path
  for (const name of operation.paramNames) url = url.replace(`{${name}}`, encodeSegment(params[name] ?? ''))
  const headers: Record<string, string> = { authorization: caller.auth.Authorization }
  if (body !== undefined) headers['content-type'] = 'application/json'
  return {
    operation,
    method: operation.method,
    url,
    headers,
    payload: body === undefined ? undefined : toJsonText(body, resolveRef(world)),
    caller,
    key: undefined,
    params,
  }
}

/**
 * What the accepted writes left behind must still be readable: every read of the callers' data
 * answers without a 5xx (a stored value that breaks analytics or a list is a refusal that was missed).
 * After each route the reads that combine everything (profile, analytics, the mentee dashboard); at
 * the end (`full`) every list too.
 */
export async function readBack(world: World, { full }: { full: boolean }): Promise<void> {
  const { student, peer, advisor, admin } = world
  const reads: [TestUser, string][] = [[advisor, '/v1/advisors/me/mentees']]
  for (const user of [student, peer]) {
    for (const path of ['profile', 'analytics', 'recommendations'])
      reads.push([user, `/v1/students/me/${path}`])
    if (!full) continue
    reads.push([user, '/v1/me'], [user, '/v1/students/me/checkins'], [user, '/v1/students/me/advisors'])
    for (const path of ['blocks', 'assessments', 'activities'])
      reads.push([user, `/v1/students/me/${path}?includeDeleted=true&limit=500`])
  }
  if (full) {
    for (const user of [student, advisor, admin]) reads.push([user, '/v1/webhooks?limit=500'])
    for (const { webhookId, ownerId } of world.deliveries.slice(0, 3)) {
      const owner = [student, advisor, admin].find((u) => u.id === ownerId) ?? admin
      reads.push([owner, `/v1/webhooks/${webhookId}/deliveries`])
    }
  }
  for (const [caller, url] of reads) {
    const res = await world.app.inject({ method: 'GET', url, headers: caller.auth })
    const sent = { method: 'GET', url, headers: caller.auth, payload: undefined } as unknown as Sent
    checkResponse(sent, res)
  }
}
