import { and, asc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { type Db, queryRows, type Tx } from '../../db/client.js'
import { decodeCursor, encodeCursor, type ListQuery } from '../sync/pagination.js'
import type { Block } from './blocks.schemas.js'
import { blocks, blockSubjects, blockSystems } from './blocks.table.js'
import type { NormalizedBlock } from './blocks.validation.js'

const pct = (correct: number, total: number) => (total === 0 ? 0 : Math.round((1000 * correct) / total) / 10)

// Breakdowns come back with the block in the same query (no N+1): one json_agg per child table, in
// byte order of the slug (collate "C"), the order writtenBlock builds without asking the database.
const blockColumns = {
  id: blocks.id,
  studentId: blocks.studentId,
  source: blocks.source,
  externalId: blocks.externalId,
  takenAt: blocks.takenAt,
  questionCount: blocks.questionCount,
  correctCount: blocks.correctCount,
  newQuestionCount: blocks.newQuestionCount,
  pass: blocks.pass,
  timed: blocks.timed,
  selection: blocks.selection,
  durationMinutes: blocks.durationMinutes,
  reviewMinutes: blocks.reviewMinutes,
  mistakesKnowledge: blocks.mistakesKnowledge,
  mistakesMisread: blocks.mistakesMisread,
  mistakesTiming: blocks.mistakesTiming,
  topics: blocks.topics,
  note: blocks.note,
  createdAt: blocks.createdAt,
  updatedAt: blocks.updatedAt,
  deletedAt: blocks.deletedAt,
  systems: sql<{ system: string; total: number; correct: number }[]>`coalesce((
    select json_agg(json_build_object('system', s.system, 'total', s.total, 'correct', s.correct) order by s.system collate "C")
    from ${blockSystems} s where s.block_id = ${blocks.id}), '[]'::json)`,
  subjects: sql<{ subject: string; total: number; correct: number }[]>`coalesce((
    select json_agg(json_build_object('subject', s.subject, 'total', s.total, 'correct', s.correct) order by s.subject collate "C")
    from ${blockSubjects} s where s.block_id = ${blocks.id}), '[]'::json)`,
}
type BlockRow = {
  [K in keyof typeof blockColumns]: (typeof blockColumns)[K] extends SQL<infer T> ? T : unknown
} & Record<string, unknown>

function toBlock(row: {
  id: string
  studentId: string
  source: string
  externalId: string | null
  takenAt: Date
  questionCount: number
  correctCount: number
  newQuestionCount: number
  pass: 'first' | 'review'
  timed: boolean
  selection: 'random' | 'subject'
  durationMinutes: number | null
  reviewMinutes: number | null
  mistakesKnowledge: number | null
  mistakesMisread: number | null
  mistakesTiming: number | null
  topics: string[]
  note: string | null
  createdAt: Date
  updatedAt: Date
  deletedAt: Date | null
  systems: { system: string; total: number; correct: number }[]
  subjects: { subject: string; total: number; correct: number }[]
}): Block {
  const hasMistakes =
    row.mistakesKnowledge !== null || row.mistakesMisread !== null || row.mistakesTiming !== null
  return {
    id: row.id,
    studentId: row.studentId,
    source: row.source,
    externalId: row.externalId,
    takenAt: row.takenAt.toISOString(),
    questionCount: row.questionCount,
    correctCount: row.correctCount,
    percentCorrect: pct(row.correctCount, row.questionCount),
    newQuestionCount: row.newQuestionCount,
    pass: row.pass,
    timed: row.timed,
    selection: row.selection,
    durationMinutes: row.durationMinutes,
    reviewMinutes: row.reviewMinutes,
    systems: row.systems.map((s) => ({ ...s, percent: pct(s.correct, s.total) })),
    subjects: row.subjects.map((s) => ({ ...s, percent: pct(s.correct, s.total) })),
    mistakes: hasMistakes
      ? {
          knowledge: row.mistakesKnowledge ?? 0,
          misread: row.mistakesMisread ?? 0,
          timing: row.mistakesTiming ?? 0,
        }
      : null,
    topics: row.topics,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  }
}

/** Timestamps from json_agg or the driver may be strings; the row mapper wants Dates. */
const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)))
function hydrate(row: BlockRow): Block {
  return toBlock({
    ...(row as unknown as Parameters<typeof toBlock>[0]),
    takenAt: asDate(row.takenAt),
    createdAt: asDate(row.createdAt),
    updatedAt: asDate(row.updatedAt),
    deletedAt: row.deletedAt ? asDate(row.deletedAt) : null,
  })
}

export async function findBlock(db: Db | Tx, { studentId, blockId }: { studentId: string; blockId: string }) {
  const [row] = await db
    .select(blockColumns)
    .from(blocks)
    .where(and(eq(blocks.id, blockId), eq(blocks.studentId, studentId), isNull(blocks.deletedAt)))
  return row ? hydrate(row) : undefined
}

/** Several blocks by id in one query (batch responses). */
export async function findBlocks(db: Db | Tx, studentId: string, blockIds: string[]): Promise<Block[]> {
  if (blockIds.length === 0) return []
  const rows = await db
    .select(blockColumns)
    .from(blocks)
    .where(and(eq(blocks.studentId, studentId), inArray(blocks.id, blockIds)))
  return rows.map((r) => hydrate(r as BlockRow))
}

/** The stored form of a block, for PATCH to merge into. */
export async function findBlockForUpdate(
  tx: Tx,
  { studentId, blockId }: { studentId: string; blockId: string },
) {
  const [row] = await tx
    .select(blockColumns)
    .from(blocks)
    .where(and(eq(blocks.id, blockId), eq(blocks.studentId, studentId), isNull(blocks.deletedAt)))
    .for('update', { of: blocks })
  return row ? hydrate(row) : undefined
}

/** What a write returns: enough, with the normalized block, to answer without reading it back. */
const written = { blockId: blocks.id, createdAt: blocks.createdAt, updatedAt: blocks.updatedAt }
export interface WriteResult {
  blockId: string
  createdAt: Date
  updatedAt: Date
}

/** The columns of a block row that come from the normalized block (bulk loaders reuse it). */
export const blockValues = (b: NormalizedBlock) => ({
  takenAt: new Date(b.takenAt),
  questionCount: b.questionCount,
  correctCount: b.correctCount,
  newQuestionCount: b.newQuestionCount,
  pass: b.pass,
  timed: b.timed,
  selection: b.selection,
  durationMinutes: b.durationMinutes,
  reviewMinutes: b.reviewMinutes,
  mistakesKnowledge: b.mistakes?.knowledge ?? null,
  mistakesMisread: b.mistakes?.misread ?? null,
  mistakesTiming: b.mistakes?.timing ?? null,
  topics: b.topics,
  note: b.note,
})

async function replaceBreakdowns(tx: Tx, studentId: string, blockId: string, b: NormalizedBlock) {
  await tx.delete(blockSystems).where(eq(blockSystems.blockId, blockId))
  await tx.delete(blockSubjects).where(eq(blockSubjects.blockId, blockId))
  if (b.systems.length > 0)
    await tx.insert(blockSystems).values(b.systems.map((s) => ({ blockId, studentId, ...s })))
  if (b.subjects.length > 0)
    await tx.insert(blockSubjects).values(b.subjects.map((s) => ({ blockId, studentId, ...s })))
}

/**
 * Inserts a block, or with an externalId updates the student's existing (source, externalId)
 * record in one atomic statement (a deleted one is restored). `created` tells which happened.
 */
export async function upsertBlock(
  tx: Tx,
  studentId: string,
  b: NormalizedBlock,
): Promise<WriteResult & { created: boolean }> {
  const row = { studentId, source: b.source, externalId: b.externalId, ...blockValues(b) }
  const [result] = b.externalId
    ? await tx
        .insert(blocks)
        .values(row)
        .onConflictDoUpdate({
          target: [blocks.studentId, blocks.source, blocks.externalId],
          targetWhere: sql`${blocks.externalId} is not null`,
          set: { ...blockValues(b), updatedAt: sql`now()`, deletedAt: null },
        })
        // xmax = 0 only for a freshly inserted row version.
        .returning({ ...written, created: sql<boolean>`(xmax = 0)` })
    : await tx
        .insert(blocks)
        .values(row)
        .returning({ ...written, created: sql<boolean>`true` })
  if (!result) throw new Error('block upsert returned no row')
  // On insert the tables are empty for this block; on update the old rows go.
  if (result.created) {
    if (b.systems.length > 0)
      await tx
        .insert(blockSystems)
        .values(b.systems.map((s) => ({ blockId: result.blockId, studentId, ...s })))
    if (b.subjects.length > 0)
      await tx
        .insert(blockSubjects)
        .values(b.subjects.map((s) => ({ blockId: result.blockId, studentId, ...s })))
  } else {
    await replaceBreakdowns(tx, studentId, result.blockId, b)
  }
  return result
}

/** ISO 8601 in UTC with milliseconds, as Date.prototype.toISOString writes it. */
const isoUtc = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** The block.created event's payload but for blockId, which the statement fills in. */
export type NewBlockEvent = Record<string, unknown>

/** An Idempotency-Key to complete in the same statement as the write, with the response to store. */
export interface Completion {
  userId: string
  key: string
  status: number
  /** The response body but for id, createdAt and updatedAt, which the statement fills in. */
  body: Block
}

/**
 * A new block in one statement (so in one round trip and one commit): the block, its breakdown
 * rows, its block.created event and, with an Idempotency-Key, the stored response, all or nothing.
 * The database's triggers and constraints run as for any write. Undefined, having written nothing,
 * when (source, externalId) already names a block of the student: the caller then takes the
 * upsert path (upsertBlock in a transaction).
 */
export async function insertNewBlock(
  db: Db,
  studentId: string,
  b: NormalizedBlock,
  event: NewBlockEvent,
  completion: Completion | null,
): Promise<WriteResult | undefined> {
  const v = blockValues(b)
  const rows = (list: readonly object[]) => sql`${JSON.stringify(list)}::json`
  const [row] = await queryRows<{ id: string; created_at: string; updated_at: string }>(
    db,
    sql`with b as (
        insert into blocks (student_id, source, external_id, taken_at, question_count, correct_count,
          new_question_count, pass, timed, selection, duration_minutes, review_minutes, mistakes_knowledge,
          mistakes_misread, mistakes_timing, topics, note)
        values (${studentId}, ${b.source}, ${b.externalId}, ${b.takenAt}::timestamptz, ${v.questionCount},
          ${v.correctCount}, ${v.newQuestionCount}, ${v.pass}, ${v.timed}, ${v.selection}, ${v.durationMinutes},
          ${v.reviewMinutes}, ${v.mistakesKnowledge}, ${v.mistakesMisread}, ${v.mistakesTiming},
          array(select jsonb_array_elements_text(${JSON.stringify(v.topics)}::jsonb)), ${v.note})
        on conflict (student_id, source, external_id) where external_id is not null do nothing
        returning id, created_at, updated_at),
      systems as (
        insert into block_systems (block_id, student_id, system, total, correct)
        select b.id, ${studentId}, x.system, x.total, x.correct
        from b, json_to_recordset(${rows(b.systems)}) as x(system text, total integer, correct integer)),
      subjects as (
        insert into block_subjects (block_id, student_id, subject, total, correct)
        select b.id, ${studentId}, x.subject, x.total, x.correct
        from b, json_to_recordset(${rows(b.subjects)}) as x(subject text, total integer, correct integer)),
      event as (
        insert into outbox_events (type, student_id, resource_id, payload)
        select 'block.created', ${studentId}, b.id, ${JSON.stringify(event)}::jsonb || jsonb_build_object('blockId', b.id)
        from b),
      completed as (
        update idempotency_keys set response_status = ${completion?.status ?? null},
          response_body = ${JSON.stringify(completion?.body ?? null)}::jsonb
            || jsonb_build_object('id', b.id, 'createdAt', ${isoUtc(sql`b.created_at`)}, 'updatedAt', ${isoUtc(sql`b.updated_at`)}),
          completed_at = now()
        from b
        where ${completion !== null} and user_id = ${completion?.userId ?? null} and key = ${completion?.key ?? null})
    select id, ${isoUtc(sql`created_at`)} as created_at, ${isoUtc(sql`updated_at`)} as updated_at from b`,
  )
  return row
    ? { blockId: row.id, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) }
    : undefined
}

export async function updateBlock(
  tx: Tx,
  studentId: string,
  blockId: string,
  b: NormalizedBlock,
): Promise<WriteResult> {
  const [result] = await tx
    .update(blocks)
    .set({ ...blockValues(b), updatedAt: sql`now()` })
    .where(and(eq(blocks.id, blockId), eq(blocks.studentId, studentId)))
    .returning(written)
  if (!result) throw new Error(`block ${blockId} vanished inside its own transaction`)
  await replaceBreakdowns(tx, studentId, blockId, b)
  return result
}

const bySlug =
  <K extends 'system' | 'subject'>(key: K) =>
  (a: Record<K, string>, b: Record<K, string>) =>
    a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0

/**
 * The block just written, as findBlock would read it back, built from what was written and what
 * the write returned: no second query on the hot path. test/integration/blocks.property.test.ts
 * holds the two to be equal for every accepted body.
 */
export function writtenBlock(studentId: string, b: NormalizedBlock, result: WriteResult): Block {
  return toBlock({
    id: result.blockId,
    studentId,
    source: b.source,
    externalId: b.externalId,
    ...blockValues(b),
    createdAt: result.createdAt,
    updatedAt: result.updatedAt,
    deletedAt: null,
    systems: b.systems
      .map(({ system, total, correct }) => ({ system, total, correct }))
      .sort(bySlug('system')),
    subjects: b.subjects
      .map(({ subject, total, correct }) => ({ subject, total, correct }))
      .sort(bySlug('subject')),
  })
}

/** Soft delete: the row stays as a tombstone for syncing clients. False when nothing to delete. */
export async function softDeleteBlock(tx: Tx, studentId: string, blockId: string) {
  const [row] = await tx
    .update(blocks)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(blocks.id, blockId), eq(blocks.studentId, studentId), isNull(blocks.deletedAt)))
    .returning({ id: blocks.id, externalId: blocks.externalId, source: blocks.source })
  return row
}

export async function findBlockAnyState(db: Db | Tx, studentId: string, blockId: string) {
  const [row] = await db
    .select(blockColumns)
    .from(blocks)
    .where(and(eq(blocks.id, blockId), eq(blocks.studentId, studentId)))
  return row ? hydrate(row) : undefined
}

/**
 * One page in (takenAt, id) order, keyset-paginated: stable under inserts, O(limit) per page
 * through blocks_student_taken_idx. Day filters use the student's time zone.
 */
export async function listBlocks(
  db: Db,
  {
    studentId,
    timezone,
    query,
  }: { studentId: string; timezone: string; query: ListQuery & { source?: string | undefined } },
): Promise<{ data: Block[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(blocks.studentId, studentId)]
  if (!query.includeDeleted) conditions.push(isNull(blocks.deletedAt))
  if (query.source) conditions.push(eq(blocks.source, query.source))
  if (query.updatedAfter) conditions.push(gt(blocks.updatedAt, new Date(query.updatedAfter)))
  if (query.from)
    conditions.push(sql`${blocks.takenAt} >= (${query.from}::date::timestamp at time zone ${timezone})`)
  if (query.to)
    conditions.push(sql`${blocks.takenAt} < ((${query.to}::date + 1)::timestamp at time zone ${timezone})`)
  if (query.cursor) {
    const { sortValue, id } = decodeCursor(query.cursor)
    conditions.push(sql`(${blocks.takenAt}, ${blocks.id}) > (${sortValue}::timestamptz, ${id}::uuid)`)
  }
  const rows = await db
    .select(blockColumns)
    .from(blocks)
    .where(and(...conditions))
    .orderBy(asc(blocks.takenAt), asc(blocks.id))
    .limit(query.limit + 1)
  const data = rows.slice(0, query.limit).map((r) => hydrate(r as BlockRow))
  const last = data[data.length - 1]
  return { data, nextCursor: rows.length > query.limit && last ? encodeCursor(last.takenAt, last.id) : null }
}
