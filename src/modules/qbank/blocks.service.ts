import type { Tx } from '../../db/client.js'
import { MAX } from '../../http/common.schemas.js'
import { notFound, type Problem, toProblem, unprocessable } from '../../http/errors.js'
import { recordEvent } from '../sync/outbox.js'
import type { OneStatementWrite, StoredResponse } from '../sync/idempotency.js'
import {
  findBlockForUpdate,
  findBlocks,
  insertNewBlock,
  softDeleteBlock,
  updateBlock,
  upsertBlock,
  writtenBlock,
} from './blocks.repository.js'
import { BATCH_MAX, type Block, CreateBlockBody, type PatchBlockBody } from './blocks.schemas.js'
import { defaultNewQuestionCount, type NormalizedBlock, normalizeBlock } from './blocks.validation.js'

export { BATCH_MAX }

function normalizedOrThrow(input: Parameters<typeof normalizeBlock>[0], now: Date): NormalizedBlock {
  const result = normalizeBlock(input, now)
  if (!result.ok)
    throw unprocessable(
      'block.inconsistent',
      result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      result.errors,
    )
  return result.block
}

const eventPayload = (
  studentId: string,
  blockId: string,
  b: { source: string; externalId: string | null },
) => ({
  studentId,
  blockId,
  source: b.source,
  externalId: b.externalId,
})

async function writeBlock(tx: Tx, studentId: string, block: NormalizedBlock) {
  const result = await upsertBlock(tx, studentId, block)
  await recordEvent(tx, {
    type: result.created ? 'block.created' : 'block.updated',
    studentId,
    resourceId: result.blockId,
    payload: eventPayload(studentId, result.blockId, block),
  })
  return result
}

/** Stands in for what the one-statement write fills in itself (id, createdAt, updatedAt). */
const FILLED_BY_THE_STATEMENT = { blockId: '', createdAt: new Date(0), updatedAt: new Date(0) }

/**
 * POST /blocks, the hot path: a new block in one statement (see insertNewBlock). Undefined when
 * (source, externalId) names an existing block: logBlock then updates it.
 */
export function logNewBlock(studentId: string, body: CreateBlockBody, now: Date): OneStatementWrite {
  return async (db, key) => {
    const block = normalizedOrThrow(body, now)
    const completion = key && {
      ...key,
      status: 201,
      body: writtenBlock(studentId, block, FILLED_BY_THE_STATEMENT),
    }
    const event = eventPayload(studentId, FILLED_BY_THE_STATEMENT.blockId, block)
    const result = await insertNewBlock(db, studentId, block, event, completion)
    return result && { status: 201, body: writtenBlock(studentId, block, result) }
  }
}

/** POST /blocks: 201 for a new block, 200 when (source, externalId) named an existing one. */
export async function logBlock(
  tx: Tx,
  studentId: string,
  body: CreateBlockBody,
  now: Date,
): Promise<StoredResponse> {
  const block = normalizedOrThrow(body, now)
  const result = await writeBlock(tx, studentId, block)
  return { status: result.created ? 201 : 200, body: writtenBlock(studentId, block, result) }
}

export async function changeBlock(
  tx: Tx,
  studentId: string,
  blockId: string,
  patch: PatchBlockBody,
  now: Date,
): Promise<StoredResponse> {
  const current = await findBlockForUpdate(tx, { studentId, blockId })
  if (!current) throw notFound('block', blockId)
  const pass = patch.pass ?? current.pass
  const questionCount = patch.questionCount ?? current.questionCount
  // Keep a defaulted newQuestionCount in step when pass or size changes; an explicit one stays.
  const wasDefault = current.newQuestionCount === defaultNewQuestionCount(current.pass, current.questionCount)
  const newQuestionCount =
    patch.newQuestionCount ??
    (wasDefault ? defaultNewQuestionCount(pass, questionCount) : current.newQuestionCount)
  const merged = normalizedOrThrow(
    {
      source: current.source,
      externalId: current.externalId,
      takenAt: patch.takenAt ?? current.takenAt,
      questionCount,
      correctCount: patch.correctCount ?? current.correctCount,
      newQuestionCount,
      pass,
      timed: patch.timed ?? current.timed,
      selection: patch.selection ?? current.selection,
      durationMinutes:
        patch.durationMinutes === undefined
          ? (current.durationMinutes ?? undefined)
          : (patch.durationMinutes ?? undefined),
      reviewMinutes:
        patch.reviewMinutes === undefined
          ? (current.reviewMinutes ?? undefined)
          : (patch.reviewMinutes ?? undefined),
      systems:
        patch.systems ?? current.systems.map(({ system, total, correct }) => ({ system, total, correct })),
      subjects:
        patch.subjects ??
        current.subjects.map(({ subject, total, correct }) => ({ subject, total, correct })),
      mistakes:
        patch.mistakes === undefined ? (current.mistakes ?? undefined) : (patch.mistakes ?? undefined),
      topics: patch.topics ?? current.topics,
      note: patch.note === undefined ? (current.note ?? undefined) : (patch.note ?? undefined),
    },
    now,
  )
  const result = await updateBlock(tx, studentId, blockId, merged)
  await recordEvent(tx, {
    type: 'block.updated',
    studentId,
    resourceId: blockId,
    payload: eventPayload(studentId, blockId, merged),
  })
  return { status: 200, body: writtenBlock(studentId, merged, result) }
}

export async function deleteBlock(tx: Tx, studentId: string, blockId: string): Promise<StoredResponse> {
  const deleted = await softDeleteBlock(tx, studentId, blockId)
  if (!deleted) throw notFound('block', blockId)
  await recordEvent(tx, {
    type: 'block.deleted',
    studentId,
    resourceId: blockId,
    payload: eventPayload(studentId, blockId, deleted),
  })
  return { status: 204, body: null }
}

type BatchItemResult = {
  index: number
  externalId: string | null
  status: 'created' | 'updated' | 'error'
  block?: Block
  problem?: { status: number; code: string; detail: string; errors?: unknown[] }
}

const problemOf = (p: Problem) => ({
  status: p.status,
  code: p.code,
  detail: p.message,
  ...(p.extra.errors ? { errors: p.extra.errors } : {}),
})

/**
 * POST /blocks/batch: each item is validated and written on its own (a savepoint each), so one
 * bad item never sinks the others; the whole batch commits once.
 */
export async function logBlockBatch(
  tx: Tx,
  studentId: string,
  items: unknown[],
  now: Date,
): Promise<StoredResponse> {
  if (items.length > BATCH_MAX)
    throw unprocessable(
      'batch.too_large',
      `A batch holds at most ${BATCH_MAX} blocks; this one has ${items.length}. Split it.`,
      [{ in: 'body', path: '/blocks', message: `at most ${BATCH_MAX} items` }],
    )
  const results: BatchItemResult[] = []
  for (const [index, item] of items.entries()) {
    const given = item && typeof item === 'object' ? (item as { externalId?: unknown }).externalId : undefined
    // Echoed so the client can match results to its records; an over-long one is invalid anyway.
    const externalId = typeof given === 'string' && given.length <= MAX.externalId ? given : null
    try {
      const body = CreateBlockBody.parse(item)
      const block = normalizedOrThrow(body, now)
      const { blockId, created } = await tx.transaction((sp) => writeBlock(sp, studentId, block))
      results.push({
        index,
        externalId,
        status: created ? 'created' : 'updated',
        block: { id: blockId } as Block,
      })
    } catch (err) {
      results.push({ index, externalId, status: 'error', problem: problemOf(toProblem(err)) })
    }
  }
  // One query for every written block, not one per item.
  const ids = results.flatMap((r) => (r.block ? [r.block.id] : []))
  const written = new Map((await findBlocks(tx, studentId, ids)).map((b) => [b.id, b]))
  for (const r of results) if (r.block) r.block = written.get(r.block.id)
  return { status: 200, body: { results } }
}
