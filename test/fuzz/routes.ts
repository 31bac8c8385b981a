/**
 * One specification per write operation, keyed by operationId: who calls it, valid bodies to start
 * mutations from, how its path parameters are picked, and which tables an accepted call may change.
 * The fuzz test fails for any write operation of the OpenAPI document missing here.
 */
import fc from 'fast-check'
import {
  normalizeBreakdownSystem,
  OUTLINE_SYSTEM_SLUGS,
  SUBJECTS,
  SYSTEMS,
} from '../../src/reference/index.js'
import { checkDestination } from '../../src/modules/webhooks/outbound.js'
import { WEBHOOK_EVENTS } from '../../src/modules/webhooks/webhooks.schemas.js'
import { SCOPES } from '../../src/modules/users/users.table.js'
import type { TestUser } from '../helpers/factories.js'
import { bodyArb, Ref } from './arbitraries.js'
import type { Accepted, Expected, IdChoice, ParamResolver, RecordKind, RouteSpec, World } from './harness.js'

// ---------------------------------------------------------------------------------------------------------
// Valid bodies (the starting points of mutations)

const TAKEN_MIN = Date.UTC(2025, 0, 1)
const TAKEN_MAX = Date.UTC(2026, 10, 27) // the suite's "today" is 2026-11-28 (see the seed)
const instantArb = fc.integer({ min: TAKEN_MIN, max: TAKEN_MAX }).map((ms) => new Date(ms).toISOString())
const dayArb = instantArb.map((iso) => iso.slice(0, 10))
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 })
/** Drops undefined fields, so an absent optional field is absent from the JSON. */
const compact = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

/** A label for each of some distinct systems: slug, name or an alias (each normalises to its system). */
const systemLabelsArb = (maxLength: number) =>
  fc.uniqueArray(fc.nat({ max: SYSTEMS.length - 1 }), { maxLength }).chain((indexes) =>
    indexes.length === 0
      ? fc.constant<string[]>([])
      : fc.tuple(
          ...indexes.map((i) => {
            const s = SYSTEMS[i]!
            return fc.constantFrom(s.slug, s.name, ...s.aliases)
          }),
        ),
  )
const subjectLabelsArb = fc
  .uniqueArray(fc.nat({ max: SUBJECTS.length - 1 }), { maxLength: 3 })
  .map((indexes) => indexes.map((i) => SUBJECTS[i]!.slug))

const textArb = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('naïve café ☕ 🫀', 'שלום', "O'Brien"))
const externalIdArb = fc.oneof(fc.constantFrom('ext-1', 'ext-2', 'ext-3'), fc.uuid())

export const validBlockArb = fc
  .record({
    questionCount: fc.integer({ min: 1, max: 120 }),
    correct: fc.nat({ max: 120 }),
    source: fc.constantFrom('uworld', 'amboss', 'kaplan'),
    externalId: maybe(externalIdArb),
    takenAt: instantArb,
    pass: fc.constantFrom('first', 'review'),
    timed: fc.boolean(),
    selection: fc.constantFrom('random', 'subject'),
    systems: maybe(systemLabelsArb(5)),
    subjects: maybe(subjectLabelsArb),
    mistakes: fc.boolean(),
    topics: maybe(fc.array(fc.constantFrom('dvt-pe', 'gi-bleeding', 'sepsis'), { maxLength: 3 })),
    note: maybe(textArb),
    durationMinutes: maybe(fc.integer({ min: 1, max: 1440 })),
    reviewMinutes: maybe(fc.integer({ min: 0, max: 1440 })),
  })
  .map((b) => {
    const q = b.questionCount
    const c = b.correct % (q + 1)
    const rows = <K extends string>(key: K, labels: string[] | undefined) =>
      labels?.slice(0, q).map((label, i) => ({ [key]: label, total: 1, correct: i < c ? 1 : 0 }))
    return compact({
      source: b.source,
      externalId: b.externalId,
      takenAt: b.takenAt,
      questionCount: q,
      correctCount: c,
      pass: b.pass,
      timed: b.timed,
      selection: b.selection,
      durationMinutes: b.durationMinutes,
      reviewMinutes: b.reviewMinutes,
      systems: rows('system', b.systems),
      subjects: rows('subject', b.subjects),
      mistakes: b.mistakes ? { knowledge: Math.min(1, q - c) } : undefined,
      topics: b.topics,
      note: b.note,
    })
  })

const validBlockPatchArb = fc.record(
  {
    note: fc.option(textArb, { nil: null }),
    timed: fc.boolean(),
    selection: fc.constantFrom('random', 'subject'),
    pass: fc.constantFrom('first', 'review'),
    takenAt: instantArb,
    questionCount: fc.integer({ min: 100, max: 1000 }),
    reviewMinutes: fc.option(fc.integer({ min: 0, max: 1440 }), { nil: null }),
    durationMinutes: fc.option(fc.integer({ min: 1, max: 1440 }), { nil: null }),
    mistakes: fc.constant(null),
    topics: fc.array(fc.constantFrom('dvt-pe', 'sepsis'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
)

/** Study-level and outline slugs, one per system they normalise to (some outline slugs name a study system). */
const ASSESSMENT_SYSTEMS = [
  ...new Map(
    [...SYSTEMS.map((s) => s.slug), ...OUTLINE_SYSTEM_SLUGS].map((label) => {
      const hit = normalizeBreakdownSystem(label)
      return [hit.ok ? hit.slug : label, label] as const
    }),
  ).values(),
]
const percentArb = fc.integer({ min: 0, max: 1000 }).map((n) => n / 10)
export const validAssessmentArb = fc
  .record({
    kind: fc.constantFrom('scored', 'free120', 'other'),
    form: fc.constantFrom('NBME 12', 'nbme-13', 'UWSA 2', 'uwsa-1', 'AMBOSS SA'),
    score: fc.integer({ min: 150, max: 290 }),
    percentCorrect: percentArb,
    withPercent: fc.boolean(),
    takenAt: instantArb,
    examConditions: maybe(fc.boolean()),
    systems: maybe(
      fc
        .uniqueArray(fc.nat({ max: ASSESSMENT_SYSTEMS.length - 1 }), { maxLength: 4 })
        .chain((ix) =>
          fc.tuple(
            ...ix.map((i) => percentArb.map((p) => ({ system: ASSESSMENT_SYSTEMS[i]!, percentCorrect: p }))),
          ),
        ),
    ),
    source: maybe(fc.constantFrom('manual', 'nbme-portal')),
    externalId: maybe(externalIdArb),
    note: maybe(textArb),
  })
  .map((a) =>
    compact({
      form: a.kind === 'scored' ? a.form : a.kind === 'free120' ? 'Free 120' : 'other',
      label: a.kind === 'other' ? 'NBME 8' : undefined,
      score: a.kind === 'scored' ? a.score : undefined,
      percentCorrect: a.kind !== 'scored' || a.withPercent ? a.percentCorrect : undefined,
      takenAt: a.takenAt,
      examConditions: a.examConditions,
      systems: a.systems,
      source: a.source,
      externalId: a.externalId,
      note: a.note,
    }),
  )

const validAssessmentPatchArb = fc.record(
  {
    note: fc.option(textArb, { nil: null }),
    takenAt: instantArb,
    examConditions: fc.boolean(),
    percentCorrect: percentArb,
    systems: fc.constantFrom(null, [], [{ system: 'cardio', percentCorrect: 70 }]),
  },
  { requiredKeys: [] },
)

const ACTIVITY_TYPES = ['content_review', 'explanation_review', 'anki', 'simulation_day', 'video'] as const
export const validActivityArb = fc
  .record({
    type: fc.constantFrom(...ACTIVITY_TYPES),
    date: dayArb,
    minutes: fc.integer({ min: 1, max: 1440 }),
    systems: maybe(systemLabelsArb(4)),
    blocks: fc.integer({ min: 1, max: 12 }),
    source: maybe(fc.constantFrom('manual', 'anki-sync')),
    externalId: maybe(externalIdArb),
    note: maybe(textArb),
  })
  .map((a) => compact({ ...a, blocks: a.type === 'simulation_day' ? a.blocks : undefined }))

const validActivityPatchArb = fc.record(
  {
    minutes: fc.integer({ min: 1, max: 1440 }),
    date: dayArb,
    note: fc.option(textArb, { nil: null }),
    systems: systemLabelsArb(3),
    blocks: fc.constant(null),
  },
  { requiredKeys: [] },
)

const TIMEZONES = [
  'UTC',
  'Europe/Berlin',
  'Asia/Kolkata',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Etc/GMT+12',
]
const validProfileArb = fc.record(
  {
    prepStartDate: fc.option(fc.constantFrom('2026-01-05', '2026-03-02', '2026-06-01'), { nil: null }),
    examDate: fc.option(fc.constantFrom('2027-01-15', '2027-03-01', '2027-06-14'), { nil: null }),
    erasSubmissionDate: fc.option(fc.constantFrom('2027-09-01', '2026-09-15'), { nil: null }),
    targetScore: fc.option(fc.integer({ min: 200, max: 280 }), { nil: null }),
    studyMode: fc.constantFrom('dedicated', 'part_time'),
    timezone: fc.constantFrom(...TIMEZONES),
    studyDaysPerWeek: fc.integer({ min: 1, max: 7 }),
    qbanks: fc.constantFrom<Record<string, unknown>>(
      { uworld: { totalQuestions: 4085 } },
      { amboss: { totalQuestions: 2700 } },
      { amboss: null },
      {},
    ),
    examScore: fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
  },
  { requiredKeys: [] },
)

const validUserArb = fc.record(
  {
    role: fc.constantFrom('advisor', 'advisor', 'admin', 'student'),
    name: fc.oneof(
      fc.constantFrom('Priya N.', 'José Ñúñez', '李小龙', "D'Arcy O'Neil"),
      fc.string({ minLength: 1, maxLength: 30 }),
    ),
    email: fc.oneof(
      { weight: 8, arbitrary: fc.uuid().map((u) => `fz-${u}@example.test`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('taken@example.test', 'TAKEN@Example.Test', "o'reilly+tag@example.test"),
      },
    ),
    timezone: fc.constantFrom(...TIMEZONES),
  },
  { requiredKeys: ['role', 'name', 'email'] },
)

const validTokenArb = fc.record(
  {
    name: fc.oneof(fc.constantFrom('UWorld sync', 'Anki'), fc.string({ minLength: 1, maxLength: 30 })),
    scopes: fc.subarray([...SCOPES], { minLength: 1 }),
  },
  { requiredKeys: ['name'] },
)

/** Hosts resolve through the test's fake DNS (see the fuzz test): public, private, unresolvable. */
const webhookUrlArb = fc
  .tuple(
    fc.constantFrom('https', 'http'),
    fc.constantFrom(
      '93.184.216.34',
      '1.1.1.1:8443',
      '[2606:4700:4700::1111]',
      'hooks.fuzz.example',
      'app.fuzz.example:9000',
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '169.254.169.254',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
      '2130706433',
      '0x7f.1',
      '127.1',
      'internal.fuzz.example',
      'rebind.fuzz.example',
      'nxdomain.fuzz.invalid',
    ),
    fc.constantFrom('/hooks', '/', '/a?b=c', '/%2e%2e/admin', '/#frag'),
  )
  .map(([scheme, host, path]) => `${scheme}://${host}${path}`)

const validWebhookArb = fc.record(
  {
    url: webhookUrlArb,
    events: fc.subarray([...WEBHOOK_EVENTS], { minLength: 1 }),
    description: textArb,
  },
  { requiredKeys: ['url', 'events'] },
)

const WEEKS = [
  '2026-11-16',
  '2026-11-11',
  '2026-10-26',
  '2026-06-01',
  '2025-12-31',
  '2026-11-28',
  '2027-01-04',
]
const validCheckinRunArb = fc.oneof(
  fc.constantFrom<unknown>(null, {}),
  fc.constantFrom(...WEEKS).map((weekOf) => ({ weekOf })),
  fc
    .integer({ min: Date.UTC(2000, 0, 3), max: Date.UTC(2030, 0, 1) })
    .map((ms) => ({ weekOf: new Date(ms).toISOString().slice(0, 10) })),
)

const validGrantArb = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((i) => ({ advisorId: new Ref('advisor', i) })) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ advisorId: new Ref('student', i) })) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ advisorId: new Ref('admin', i) })) },
)

/** Routes without a request body still get bodies, but mostly none. */
const noBody = bodyArb(fc.constantFrom<unknown>({}, null), { weightNone: 40 })

// ---------------------------------------------------------------------------------------------------------
// Path parameters

const pickFrom = <T>(list: readonly T[], index: number): T | undefined =>
  list[index % Math.max(list.length, 1)]

/** The student whose data a student route touches, as the caller named it. */
export function targetStudent(accepted: Pick<Accepted, 'caller' | 'params'>): string {
  const id = accepted.params.studentId ?? 'me'
  return id === 'me' ? accepted.caller.id : id.toLowerCase()
}

/** The default resolvers, by path parameter name; a route may override one. */
export function sharedResolvers(): Record<string, ParamResolver> {
  const recordId =
    (kind: RecordKind): ParamResolver =>
    async (choice, { world }) => {
      const pool = world.records[kind]
      switch (choice.kind) {
        case 'valid':
        case 'upper': {
          if (pool.live.length === 0) await createRecord(world, kind)
          const id = pickFrom(pool.live, choice.index) ?? ''
          return choice.kind === 'upper' ? id.toUpperCase() : id
        }
        case 'gone':
          return pickFrom(pool.deleted, choice.index) ?? '00000000-0000-4000-8000-000000000000'
        case 'foreign':
          return pickFrom(pool.foreign, choice.index) ?? '00000000-0000-4000-8000-000000000001'
        default:
          return uuidOf(choice)
      }
    }
  return {
    studentId: (choice, { world, caller }) => {
      switch (choice.kind) {
        case 'valid':
          if (caller?.role === 'student') return choice.index % 3 === 0 ? caller.id : 'me'
          return world.student.id
        case 'upper':
          return world.student.id.toUpperCase()
        case 'foreign':
          return caller?.id === world.peer.id ? world.student.id : world.peer.id
        case 'gone':
          return choice.index % 2 === 0 ? world.advisor.id : world.admin.id
        default:
          return uuidOf(choice)
      }
    },
    blockId: recordId('blocks'),
    assessmentId: recordId('assessments'),
    activityId: recordId('activities'),
    userId: (choice, { world }) => {
      const users = world.users.map((u) => u.id)
      switch (choice.kind) {
        case 'valid':
          return pickFrom(users, choice.index) ?? world.peer.id
        case 'upper':
          return (pickFrom(users, choice.index) ?? world.peer.id).toUpperCase()
        case 'foreign':
          return world.peer.id
        default:
          return uuidOf(choice)
      }
    },
    tokenId: async (choice, { world }) => {
      switch (choice.kind) {
        case 'valid':
        case 'foreign':
        case 'upper': {
          if (world.tokens.live.length === 0)
            await world.call('createToken', {
              caller: world.admin,
              params: { userId: world.peer.id },
              body: { name: 'spare' },
            })
          const id = pickFrom(world.tokens.live, choice.index) ?? ''
          return choice.kind === 'upper' ? id.toUpperCase() : id
        }
        case 'gone':
          return pickFrom(world.tokens.revoked, choice.index) ?? uuidOf(choice)
        default:
          return uuidOf(choice)
      }
    },
    webhookId: async (choice, { world, caller }) => {
      const mine = (c: TestUser | undefined) =>
        world.webhooks.live.filter((w) => c?.role === 'admin' || w.ownerId === c?.id)
      switch (choice.kind) {
        case 'valid':
        case 'upper': {
          if (caller && mine(caller).length === 0)
            await world.call('createWebhook', {
              caller,
              body: { url: 'https://hooks.fuzz.example/spare', events: ['block.created'] },
            })
          const id = pickFrom(mine(caller), choice.index)?.id ?? uuidOf(choice)
          return choice.kind === 'upper' ? id.toUpperCase() : id
        }
        case 'foreign':
          return (
            pickFrom(
              world.webhooks.live.filter((w) => w.ownerId !== caller?.id),
              choice.index,
            )?.id ?? uuidOf(choice)
          )
        case 'gone':
          return pickFrom(world.webhooks.deleted, choice.index) ?? uuidOf(choice)
        default:
          return uuidOf(choice)
      }
    },
    advisorId: async (choice, { world }) => {
      const advisors = world.users.filter((u) => u.role === 'advisor').map((u) => u.id)
      switch (choice.kind) {
        case 'valid':
        case 'upper': {
          if (world.grants.length === 0) {
            const advisorId = pickFrom(advisors, choice.index) ?? world.advisor.id
            await world.call('grantAdvisor', {
              caller: world.student,
              params: { studentId: 'me' },
              body: { advisorId },
            })
          }
          const id = pickFrom(world.grants, choice.index) ?? world.advisor.id
          return choice.kind === 'upper' ? id.toUpperCase() : id
        }
        case 'gone':
          return (
            pickFrom(
              advisors.filter((a) => !world.grants.includes(a)),
              choice.index,
            ) ?? uuidOf(choice)
          )
        case 'foreign':
          return world.peer.id
        default:
          return uuidOf(choice)
      }
    },
  }
}

function uuidOf(choice: IdChoice): string {
  return choice.kind === 'random' ? choice.uuid : '00000000-0000-4000-8000-00000000000f'
}

async function createRecord(world: World, kind: RecordKind) {
  const operationId = {
    blocks: 'createBlock',
    assessments: 'createAssessment',
    activities: 'createActivity',
  }[kind]
  const body = fc.sample(
    { blocks: validBlockArb, assessments: validAssessmentArb, activities: validActivityArb }[kind],
    {
      numRuns: 1,
      seed: world.seed + world.keyCounter++,
    },
  )[0] as Record<string, unknown>
  delete body.externalId
  await world.call(operationId, { caller: world.student, params: { studentId: 'me' }, body })
}

// ---------------------------------------------------------------------------------------------------------
// What an accepted call may change, and what the test learns from it

const len = (value: unknown) => (Array.isArray(value) ? value.length : 0)

function remember(kind: RecordKind) {
  return ({ world, status, body }: Accepted) => {
    if (status !== 201 || typeof body.id !== 'string') return
    if (body.studentId === world.student.id) world.records[kind].live.push(body.id)
    else world.records[kind].foreign.push(body.id)
  }
}

function forget(kind: RecordKind, param: string) {
  return ({ world, params }: Accepted) => {
    const pool = world.records[kind]
    const id = params[param]?.toLowerCase() ?? ''
    const at = pool.live.indexOf(id)
    if (at >= 0) {
      pool.live.splice(at, 1)
      pool.deleted.push(id)
    }
  }
}

/** create, update and delete of one kind of student record. */
function recordRoutes(
  kind: RecordKind,
  create: fc.Arbitrary<unknown>,
  patch: fc.Arbitrary<unknown>,
  param: string,
) {
  const table = kind
  return {
    create: {
      callers: ['student'],
      body: bodyArb(create),
      writes: ({ status }) => ({ [table]: status === 201 ? 1 : 0, outbox_events: 1 }),
      observe: remember(kind),
    },
    update: {
      callers: ['student'],
      body: bodyArb(patch),
      writes: () => ({ [table]: 0, outbox_events: 1 }),
    },
    delete: {
      callers: ['student'],
      body: noBody,
      writes: () => ({ [table]: 0, outbox_events: 1 }),
      observe: forget(kind, param),
    },
  } satisfies Record<string, RouteSpec>
}

const blocks = recordRoutes('blocks', validBlockArb, validBlockPatchArb, 'blockId')
/** Kept by triggers on every block write (migration 0005); test/integration/running-totals.test.ts checks their sums. */
const RUNNING_TOTALS: Expected = {
  student_source_totals: 'any',
  student_topic_totals: 'any',
  student_system_totals: 'any',
  student_subject_totals: 'any',
}
const assessments = recordRoutes('assessments', validAssessmentArb, validAssessmentPatchArb, 'assessmentId')
const activities = recordRoutes('activities', validActivityArb, validActivityPatchArb, 'activityId')

const batchArb = fc.oneof(
  { weight: 10, arbitrary: fc.array(validBlockArb, { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: validBlockArb.map((b) => Array.from({ length: 501 }, () => b)) },
)

type BatchItem = { status?: string; block?: { systems?: unknown[]; subjects?: unknown[] } }

export const SPECS: Record<string, RouteSpec> = {
  createUser: {
    callers: ['admin'],
    body: bodyArb(validUserArb),
    writes: () => ({ users: 1 }),
    observe: ({ world, body }) => {
      world.users.push({ id: String(body.id), role: body.role as TestUser['role'] })
      world.emails.push(String(body.email))
    },
  },
  createToken: {
    callers: ['admin'],
    body: bodyArb(validTokenArb),
    writes: () => ({ api_tokens: 1 }),
    observe: ({ world, body }) => void world.tokens.live.push(String(body.id)),
  },
  revokeToken: {
    callers: ['admin'],
    body: noBody,
    writes: () => ({ api_tokens: 0 }),
    observe: ({ world, params }) => {
      const id = params.tokenId?.toLowerCase() ?? ''
      world.tokens.live = world.tokens.live.filter((t) => t !== id)
      world.tokens.revoked.push(id)
    },
  },
  createWebhook: {
    callers: ['student', 'advisor', 'admin'],
    body: bodyArb(validWebhookArb),
    writes: () => ({ webhook_subscriptions: 1 }),
    observe: async ({ world, body, caller }) => {
      world.webhooks.live.push({ id: String(body.id), ownerId: caller.id })
      // The security promise behind the 422s: an accepted URL never points into the private network.
      const destination = await checkDestination(String(body.url), { allowPrivate: false })
      if (!destination.ok) throw new Error(`webhook ${String(body.url)} accepted: ${destination.detail}`)
    },
  },
  deleteWebhook: {
    callers: ['student', 'advisor', 'admin'],
    body: noBody,
    writes: () => ({ webhook_subscriptions: 0, webhook_deliveries: 0 }),
    observe: ({ world, params }) => {
      const id = params.webhookId?.toLowerCase() ?? ''
      world.webhooks.live = world.webhooks.live.filter((w) => w.id !== id)
      world.webhooks.deleted.push(id)
    },
  },
  redeliverWebhookDelivery: {
    callers: ['student', 'advisor', 'admin'],
    body: noBody,
    params: {
      webhookId: (choice, { world, caller, picks }) => {
        const visible = world.deliveries.filter((d) => caller?.role === 'admin' || d.ownerId === caller?.id)
        const pick =
          choice.kind === 'foreign'
            ? pickFrom(
                world.deliveries.filter((d) => d.ownerId !== caller?.id),
                choice.index,
              )
            : 'index' in choice
              ? pickFrom(visible, choice.index)
              : undefined
        picks['#deliveryId'] = pick?.deliveryId ?? ''
        const id = pick?.webhookId ?? uuidOf(choice)
        return choice.kind === 'upper' ? id.toUpperCase() : id
      },
      deliveryId: (choice, { world, picks }) => {
        switch (choice.kind) {
          case 'valid':
            return (
              picks['#deliveryId'] || (pickFrom(world.deliveries, choice.index)?.deliveryId ?? uuidOf(choice))
            )
          case 'upper':
            return (picks['#deliveryId'] || uuidOf(choice)).toUpperCase()
          case 'foreign':
          case 'gone':
            return pickFrom(world.deliveries, choice.index)?.deliveryId ?? uuidOf(choice)
          default:
            return uuidOf(choice)
        }
      },
    },
    writes: () => ({ webhook_deliveries: 0 }),
  },
  runCheckins: {
    callers: ['admin'],
    body: bodyArb(validCheckinRunArb, { weightNone: 6 }),
    writes: ({ body }) => ({ checkins: Number(body.created), outbox_events: Number(body.created) }),
  },
  updateProfile: {
    callers: ['student'],
    body: bodyArb(validProfileArb),
    writes: () => ({ student_profiles: 'any', student_qbanks: 'any', users: 0 }),
  },
  createBlock: {
    ...blocks.create,
    writes: ({ status, body }): Expected =>
      status === 201
        ? {
            blocks: 1,
            outbox_events: 1,
            block_systems: len(body.systems),
            block_subjects: len(body.subjects),
            ...RUNNING_TOTALS,
          }
        : { blocks: 0, outbox_events: 1, block_systems: 'any', block_subjects: 'any', ...RUNNING_TOTALS },
  },
  createBlockBatch: {
    callers: ['student'],
    body: bodyArb(batchArb.map((items) => ({ blocks: items }))),
    writes: ({ body }): Expected => {
      const results = (body.results ?? []) as BatchItem[]
      const created = results.filter((r) => r.status === 'created')
      const updated = results.filter((r) => r.status === 'updated').length
      const sum = (key: 'systems' | 'subjects') =>
        updated > 0 ? 'any' : created.reduce((n, r) => n + len(r.block?.[key]), 0)
      return {
        blocks: created.length,
        outbox_events: created.length + updated,
        block_systems: sum('systems'),
        block_subjects: sum('subjects'),
        ...RUNNING_TOTALS,
      }
    },
    observe: ({ world, body, caller, params }) => {
      const pool = world.records.blocks
      const mine = targetStudent({ caller, params }) === world.student.id
      for (const r of (body.results ?? []) as (BatchItem & { block?: { id?: string } })[])
        if (r.status === 'created' && r.block?.id) (mine ? pool.live : pool.foreign).push(r.block.id)
    },
  },
  updateBlock: {
    ...blocks.update,
    writes: () => ({
      blocks: 0,
      outbox_events: 1,
      block_systems: 'any',
      block_subjects: 'any',
      ...RUNNING_TOTALS,
    }),
  },
  deleteBlock: { ...blocks.delete, writes: () => ({ blocks: 0, outbox_events: 1, ...RUNNING_TOTALS }) },
  createAssessment: assessments.create,
  updateAssessment: assessments.update,
  deleteAssessment: assessments.delete,
  createActivity: activities.create,
  updateActivity: activities.update,
  deleteActivity: activities.delete,
  grantAdvisor: {
    callers: ['student'],
    body: bodyArb(validGrantArb),
    writes: ({ status }) => ({ advisor_grants: status === 201 ? 1 : 0 }),
    observe: ({ world, body, caller, params }) => {
      const id = String(body.advisorId)
      if (targetStudent({ caller, params }) === world.student.id && !world.grants.includes(id))
        world.grants.push(id)
    },
  },
  revokeAdvisor: {
    callers: ['student'],
    body: noBody,
    writes: () => ({ advisor_grants: -1 }),
    observe: ({ world, caller, params }) => {
      if (targetStudent({ caller, params }) !== world.student.id) return
      const id = params.advisorId?.toLowerCase() ?? ''
      world.grants = world.grants.filter((g) => g !== id)
    },
  },
}
