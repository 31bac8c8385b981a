import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import { idempotencyContext, runIdempotent, type StoredResponse } from '../sync/idempotency.js'
import { ListQuery, page } from '../sync/pagination.js'
import { findBlock, listBlocks } from './blocks.repository.js'
import {
  BatchBody,
  BatchResult,
  Block,
  BlockListQuery,
  BlockParams,
  CreateBlockBody,
  PatchBlockBody,
} from './blocks.schemas.js'
import {
  BATCH_MAX,
  changeBlock,
  deleteBlock,
  logBlock,
  logBlockBatch,
  logNewBlock,
} from './blocks.service.js'

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only')
    .optional()
    .describe(
      'Makes the write safe to retry: the first response is replayed for 24 h (Idempotent-Replayed: true)',
    ),
})

const WRITE_PROBLEMS = [...COMMON_PROBLEMS, 409, 413, 415, 422] as const

export function sendStored(reply: FastifyReply, result: StoredResponse & { replayed: boolean }) {
  if (result.replayed) void reply.header('idempotent-replayed', 'true')
  return result.status === 204 ? reply.code(204).send() : reply.code(result.status).send(result.body)
}

/** Registered inside the student scope: req.studentId is already authorised. */
export const blocksRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'createBlock',
        tags: ['qbank'],
        summary: 'Log a Qbank block (or update it, when its source and externalId are known)',
        description:
          'Labels of systems and subjects are normalised (cardio → cardiovascular); unknown labels and broken invariants (correctCount > questionCount, breakdowns that add up to more than the block, …) are 422 with the offending paths.',
        params: StudentIdParam,
        headers: IdempotencyHeaders,
        body: CreateBlockBody,
        response: {
          201: Block,
          200: Block.describe('An existing (source, externalId) was updated'),
          ...problemResponses(...WRITE_PROBLEMS),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(
          db,
          idempotencyContext(req),
          (tx) => logBlock(tx, req.studentId, req.body, new Date()),
          logNewBlock(req.studentId, req.body, new Date()),
        ),
      ),
  )

  app.post(
    '/batch',
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        operationId: 'createBlockBatch',
        tags: ['qbank'],
        summary: `Sync up to ${BATCH_MAX} blocks at once, each upserted by externalId`,
        description:
          'Each item succeeds or fails on its own: the response lists created / updated / error per item, with a problem for each error. More than 500 items is a 422.',
        params: StudentIdParam,
        headers: IdempotencyHeaders,
        body: BatchBody,
        response: { 200: BatchResult, ...problemResponses(...WRITE_PROBLEMS) },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          logBlockBatch(tx, req.studentId, req.body.blocks, new Date()),
        ),
      ),
  )

  app.get(
    '',
    {
      schema: {
        operationId: 'listBlocks',
        tags: ['qbank'],
        summary: 'Blocks in time order (takenAt, id), cursor-paginated, with sync filters',
        description:
          'Filter by Qbank with `source`; `from`/`to` are days in the student’s time zone; `updatedAfter` returns what changed since the last sync, and `includeDeleted=true` adds deletions as tombstones (deletedAt set). Pass nextCursor back as `cursor` for the next page.',
        params: StudentIdParam,
        querystring: ListQuery.extend(BlockListQuery.shape),
        response: { 200: page(Block, 'BlockPage'), ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) =>
      listBlocks(db, { studentId: req.studentId, timezone: req.studentTimezone, query: req.query }),
  )

  app.get(
    '/:blockId',
    {
      schema: {
        operationId: 'getBlock',
        tags: ['qbank'],
        summary: 'One logged block',
        description:
          'Ids that are unknown, deleted or another student’s are 404. ETag / If-None-Match supported.',
        params: BlockParams,
        response: { 200: Block, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const block = await findBlock(db, { studentId: req.studentId, blockId: req.params.blockId })
      if (!block) throw notFound('block', req.params.blockId)
      return block
    },
  )

  app.patch(
    '/:blockId',
    {
      schema: {
        operationId: 'updateBlock',
        tags: ['qbank'],
        summary: 'Change a block; the merged block must still satisfy every invariant',
        description:
          'Only the fields sent change: systems, subjects and topics replace the stored lists, null clears an optional field. Broken invariants are 422 with the offending paths; an Idempotency-Key makes the retry safe.',
        params: BlockParams,
        headers: IdempotencyHeaders,
        body: PatchBlockBody,
        response: { 200: Block, ...problemResponses(...WRITE_PROBLEMS) },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          changeBlock(tx, req.studentId, req.params.blockId, req.body, new Date()),
        ),
      ),
  )

  app.delete(
    '/:blockId',
    {
      schema: {
        operationId: 'deleteBlock',
        tags: ['qbank'],
        summary: 'Delete a block (kept as a tombstone for sync; it stops counting everywhere)',
        description:
          '204. The block stays as a tombstone (deletedAt) for sync clients and stops counting in every figure; with an Idempotency-Key a retry replays the 204.',
        params: BlockParams,
        headers: IdempotencyHeaders,
        response: {
          204: z.undefined().describe('Deleted'),
          ...problemResponses(...COMMON_PROBLEMS, 409, 422),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          deleteBlock(tx, req.studentId, req.params.blockId),
        ),
      ),
  )
}
