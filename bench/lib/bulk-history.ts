/**
 * The fast way to put thousands of generated histories in the database, for the check-ins
 * benchmark only. The data is the demo generator's (src/demo/generator.ts), and every record goes
 * through the service's own validation and normalisation (the zod body schemas, normalizeBlock,
 * normalizeAssessment, normalizeActivity, profileInconsistencies) and lands in the service's tables
 * in the shape its repositories store; only the writing differs: multi-row INSERTs of a few
 * thousand rows, one transaction per chunk of students, instead of one upsert (with its savepoint,
 * outbox event and re-read) per record. writeHistory costs ~15 ms a block here, i.e. over an hour
 * for 10,000 students; this takes a minute or two. No outbox events are written (nothing reads them
 * in the check-ins run) and users get no API token.
 *
 * `verifyAgainstServices` (below) proves the shortcut: the same histories written both ways load
 * the same analytics inputs.
 */
import { randomUUID } from 'node:crypto'
import { getTableName, sql, type Table } from 'drizzle-orm'
import { type Db, queryRows, type Tx } from '../../src/db/client.js'
import { type History, type WriteCounts, writeHistory } from '../../src/demo/generator.js'
import { loadAnalyticsInputs, todayIn } from '../../src/modules/analytics/analytics.repository.js'
import { CreateActivityBody } from '../../src/modules/activities/activities.schemas.js'
import { activities } from '../../src/modules/activities/activities.table.js'
import { normalizeActivity } from '../../src/modules/activities/activities.validation.js'
import { CreateAssessmentBody } from '../../src/modules/assessments/assessments.schemas.js'
import { DEFAULT_SOURCE } from '../../src/modules/assessments/assessments.service.js'
import { assessments } from '../../src/modules/assessments/assessments.table.js'
import { normalizeAssessment } from '../../src/modules/assessments/assessments.validation.js'
import { blockValues } from '../../src/modules/qbank/blocks.repository.js'
import { CreateBlockBody } from '../../src/modules/qbank/blocks.schemas.js'
import { blocks, blockSubjects, blockSystems } from '../../src/modules/qbank/blocks.table.js'
import { normalizeBlock } from '../../src/modules/qbank/blocks.validation.js'
import { PatchProfileBody } from '../../src/modules/students/profile.schemas.js'
import { profileInconsistencies } from '../../src/modules/students/profile.service.js'
import { studentProfiles, studentQbanks } from '../../src/modules/students/profiles.table.js'
import { insertUser } from '../../src/modules/users/users.repository.js'
import { users } from '../../src/modules/users/users.table.js'

export interface BulkStudent {
  name: string
  email: string
  /** When the account was created (check-ins' due mode skips weeks before it). */
  createdAt: Date
  history: History
}

type Rows<T extends { $inferInsert: unknown }> = T['$inferInsert'][]

interface ChunkRows {
  users: Rows<typeof users>
  profiles: Rows<typeof studentProfiles>
  qbanks: Rows<typeof studentQbanks>
  blocks: Rows<typeof blocks>
  systems: Rows<typeof blockSystems>
  subjects: Rows<typeof blockSubjects>
  assessments: Rows<typeof assessments>
  activities: Rows<typeof activities>
}

const refused = (what: string, detail: unknown): Error =>
  new Error(`generated ${what} refused by the service's validation: ${JSON.stringify(detail)}`)

/** Validates and normalises one student's history into rows, exactly as the services would store it. */
function rowsOf(student: BulkStudent, id: string, now: Date, into: ChunkRows): WriteCounts {
  const profile = PatchProfileBody.parse(student.history.profile)
  const fields = {
    prepStartDate: profile.prepStartDate ?? null,
    examDate: profile.examDate ?? null,
    erasSubmissionDate: profile.erasSubmissionDate ?? null,
    targetScore: profile.targetScore ?? null,
    examScore: profile.examScore ?? null,
    studyMode: profile.studyMode ?? 'dedicated',
    studyDaysPerWeek: profile.studyDaysPerWeek ?? 6,
  }
  const inconsistent = profileInconsistencies(fields)
  if (inconsistent.length > 0) throw refused('profile', inconsistent)
  into.users.push({
    id,
    role: 'student',
    name: student.name,
    email: student.email,
    timezone: profile.timezone ?? 'UTC',
    createdAt: student.createdAt,
    updatedAt: student.createdAt,
  })
  into.profiles.push({ studentId: id, ...fields })
  for (const [source, setting] of Object.entries(profile.qbanks ?? {}))
    if (setting) into.qbanks.push({ studentId: id, source, totalQuestions: setting.totalQuestions })

  for (const body of student.history.blocks) {
    const result = normalizeBlock(CreateBlockBody.parse(body), now)
    if (!result.ok) throw refused(`block ${body.externalId}`, result.errors)
    const b = result.block
    const blockId = randomUUID()
    into.blocks.push({
      id: blockId,
      studentId: id,
      source: b.source,
      externalId: b.externalId,
      ...blockValues(b),
    })
    for (const s of b.systems) into.systems.push({ blockId, studentId: id, ...s })
    for (const s of b.subjects) into.subjects.push({ blockId, studentId: id, ...s })
  }
  for (const body of student.history.assessments) {
    const parsed = CreateAssessmentBody.parse(body)
    const result = normalizeAssessment({ ...parsed, source: parsed.source ?? DEFAULT_SOURCE }, now)
    if (!result.ok) throw refused(`assessment ${body.externalId}`, result.errors)
    const a = result.assessment
    into.assessments.push({
      studentId: id,
      source: a.source,
      externalId: a.externalId,
      form: a.form,
      label: a.label,
      takenAt: new Date(a.takenAt),
      score: a.score,
      percentCorrect: a.percentCorrect,
      examConditions: a.examConditions,
      systems: a.systems.length > 0 ? a.systems : null,
      note: a.note,
    })
  }
  for (const body of student.history.activities) {
    const parsed = CreateActivityBody.parse(body)
    const result = normalizeActivity({ ...parsed, source: parsed.source ?? DEFAULT_SOURCE }, now)
    if (!result.ok) throw refused(`activity ${body.externalId}`, result.errors)
    const a = result.activity
    into.activities.push({
      studentId: id,
      source: a.source,
      externalId: a.externalId,
      type: a.type,
      date: a.date,
      minutes: a.minutes,
      systems: a.systems,
      blocks: a.blocks,
      note: a.note,
    })
  }
  return {
    blocks: student.history.blocks.length,
    assessments: student.history.assessments.length,
    activities: student.history.activities.length,
  }
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * One statement per table and chunk: the rows travel as one JSON parameter and PostgreSQL turns
 * them into the table's row type (json_populate_recordset), so building the statement costs nothing
 * however many rows it carries (drizzle's multi-row VALUES spent more time building SQL than
 * PostgreSQL spent inserting). Columns come from the rows' keys, so omitted ones keep their defaults.
 */
async function insertRows(tx: Tx, table: Table, rows: readonly Record<string, unknown>[]): Promise<void> {
  const first = rows[0]
  if (!first) return
  const name = getTableName(table)
  const columns = sql.join(
    Object.keys(first).map((key) => sql.identifier(snake(key))),
    sql`, `,
  )
  const json = JSON.stringify(
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v]))),
  )
  await tx.execute(
    sql`insert into ${sql.identifier(name)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.identifier(name)}, ${json}::json)`,
  )
}

/**
 * Whether this connection may skip triggers (superuser): the foreign-key checks, the deferred
 * breakdown-sum triggers and the running-totals triggers are then not run for the seed, which more
 * than halves its time (the totals are recomputed once at the end). The rows
 * are consistent by construction (ids made here, users in the same transaction) and the sums were
 * checked by normalizeBlock; without the privilege, the seed just runs them.
 */
async function maySkipTriggers(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ ok: boolean }>(
    db,
    sql`select rolsuper as ok from pg_roles where rolname = current_user`,
  )
  return row?.ok === true
}

async function writeChunk(db: Db, rows: ChunkRows, skipTriggers: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    if (skipTriggers) await tx.execute(sql`set local session_replication_role = replica`)
    await insertRows(tx, users, rows.users)
    await insertRows(tx, studentProfiles, rows.profiles)
    await insertRows(tx, studentQbanks, rows.qbanks)
    await insertRows(tx, blocks, rows.blocks)
    await insertRows(tx, blockSystems, rows.systems)
    await insertRows(tx, blockSubjects, rows.subjects)
    await insertRows(tx, assessments, rows.assessments)
    await insertRows(tx, activities, rows.activities)
  })
}

const emptyRows = (): ChunkRows => ({
  users: [],
  profiles: [],
  qbanks: [],
  blocks: [],
  systems: [],
  subjects: [],
  assessments: [],
  activities: [],
})

/**
 * Writes `count` students, `student(i)` each (generated lazily, so memory holds one chunk at a
 * time), in chunks of `chunkSize` students: a chunk is validated and turned into rows while the
 * previous one is being inserted. Returns the new ids in order and the totals.
 */
export async function bulkWriteStudents(
  db: Db,
  {
    count,
    student,
    now,
    chunkSize = 250,
  }: { count: number; student: (i: number) => BulkStudent; now: Date; chunkSize?: number },
): Promise<{ ids: string[]; counts: WriteCounts }> {
  const ids: string[] = []
  const counts: WriteCounts = { blocks: 0, assessments: 0, activities: 0 }
  const skipTriggers = await maySkipTriggers(db)
  let inFlight: Promise<void> | undefined
  for (let start = 0; start < count; start += chunkSize) {
    const rows = emptyRows()
    for (let i = start; i < Math.min(count, start + chunkSize); i++) {
      const id = randomUUID()
      const c = rowsOf(student(i), id, now, rows)
      ids.push(id)
      counts.blocks += c.blocks
      counts.assessments += c.assessments
      counts.activities += c.activities
    }
    await inFlight
    inFlight = writeChunk(db, rows, skipTriggers)
    // Awaited on the next turn; until then a failure must not count as unhandled.
    inFlight.catch(() => undefined)
  }
  await inFlight
  // With triggers off, the running totals (migration 0005) were not kept: recompute them from the
  // rows. Nor were the data versions (0007), so no stored dashboard figure can be trusted: drop them.
  if (skipTriggers) {
    await db.execute(sql`select rebuild_running_totals()`)
    await db.execute(sql`delete from mentee_snapshots`)
  }
  return { ids, counts }
}

/**
 * Writes each history twice, through the services (insertUser + writeHistory, as the demo and the
 * other benchmarks do) and through bulkWriteStudents, and compares what the analytics engine would
 * read for both, as of each student's today. Returns the number of students whose inputs differ
 * (0 expected). Cheap with a few short histories.
 */
export async function verifyAgainstServices(
  db: Db,
  students: readonly BulkStudent[],
  now: Date,
): Promise<{ compared: number; differing: number }> {
  const viaServices: string[] = []
  for (const s of students) {
    const user = await insertUser(db, {
      role: 'student',
      name: s.name,
      email: `services-${s.email}`,
      timezone: s.history.profile.timezone ?? 'UTC',
    })
    if (!user) throw new Error(`could not create ${s.email}`)
    await writeHistory(db, user.id, s.history, now)
    viaServices.push(user.id)
  }
  const { ids: viaBulk } = await bulkWriteStudents(db, {
    count: students.length,
    student: (i) => {
      const s = students[i]!
      return { ...s, email: `bulk-${s.email}` }
    },
    now,
  })
  const targets = (ids: readonly string[]) =>
    ids.map((studentId, i) => {
      const timezone = students[i]!.history.profile.timezone ?? 'UTC'
      return { studentId, timezone, asOf: todayIn(timezone, now) }
    })
  const [a, b] = await Promise.all([
    loadAnalyticsInputs(db, targets(viaServices)),
    loadAnalyticsInputs(db, targets(viaBulk)),
  ])
  // Record ids differ by construction; everything else must be equal.
  const comparable = (input: unknown) =>
    JSON.stringify(input, (key, value: unknown) => (key === 'id' ? undefined : value))
  let differing = 0
  students.forEach((_, i) => {
    const left = a.get(viaServices[i]!)
    const right = b.get(viaBulk[i]!)
    if (!left || !right || comparable(left) !== comparable(right)) differing++
  })
  return { compared: students.length, differing }
}
