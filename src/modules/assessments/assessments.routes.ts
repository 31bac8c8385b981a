import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import { IdempotencyHeaders, sendStored } from '../qbank/blocks.routes.js'
import { idempotencyContext, runIdempotent } from '../sync/idempotency.js'
import { ListQuery, page } from '../sync/pagination.js'
import { findAssessment } from './assessments.repository.js'
import {
  Assessment,
  AssessmentListQuery,
  AssessmentParams,
  CreateAssessmentBody,
  PatchAssessmentBody,
} from './assessments.schemas.js'
import {
  changeAssessment,
  deleteAssessment,
  listAssessmentPage,
  logAssessment,
} from './assessments.service.js'

const WRITE_PROBLEMS = [...COMMON_PROBLEMS, 409, 413, 415, 422] as const

/** Registered inside the student scope: req.studentId is already authorised. */
export const assessmentsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'createAssessment',
        tags: ['assessments'],
        summary: 'Log a self-assessment (or update it, when its source and externalId are known)',
        description:
          'Form names and system labels are normalised (NBME 12 → nbme-12, cardio → cardiovascular). Broken rules are 422 with the offending paths: an unknown form or system, a missing score on a scored form (NBME, UWSA, AMBOSS SA), a score on Free 120, neither score nor percentCorrect, a label on a form other than "other", a system listed twice, takenAt more than a day ahead.',
        params: StudentIdParam,
        headers: IdempotencyHeaders,
        body: CreateAssessmentBody,
        response: {
          201: Assessment,
          200: Assessment.describe('An existing (source, externalId) was updated'),
          ...problemResponses(...WRITE_PROBLEMS),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          logAssessment(tx, req.studentId, req.body, new Date()),
        ),
      ),
  )

  app.get(
    '',
    {
      schema: {
        operationId: 'listAssessments',
        tags: ['assessments'],
        summary: 'Self-assessments in time order (takenAt, id), cursor-paginated, with sync filters',
        description:
          'Filter by form with `form` (id or usual name); `from`/`to` are days in the student’s time zone; `updatedAfter` returns what changed since the last sync, and `includeDeleted=true` adds deletions as tombstones (deletedAt set). Pass nextCursor back as `cursor` for the next page.',
        params: StudentIdParam,
        querystring: ListQuery.extend(AssessmentListQuery.shape),
        response: { 200: page(Assessment, 'AssessmentPage'), ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) =>
      listAssessmentPage(db, { studentId: req.studentId, timezone: req.studentTimezone, query: req.query }),
  )

  app.get(
    '/:assessmentId',
    {
      schema: {
        operationId: 'getAssessment',
        tags: ['assessments'],
        summary: 'One logged self-assessment',
        description:
          'Ids that are unknown, deleted or another student’s are 404. ETag / If-None-Match supported.',
        params: AssessmentParams,
        response: { 200: Assessment, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const assessment = await findAssessment(db, {
        studentId: req.studentId,
        assessmentId: req.params.assessmentId,
      })
      if (!assessment) throw notFound('assessment', req.params.assessmentId)
      return assessment
    },
  )

  app.patch(
    '/:assessmentId',
    {
      schema: {
        operationId: 'updateAssessment',
        tags: ['assessments'],
        summary: 'Change a self-assessment; the merged record must still satisfy every rule',
        description:
          'Only the fields sent change: systems replaces the stored breakdown, null clears an optional field. Broken rules are 422 with the offending paths; an Idempotency-Key makes the retry safe.',
        params: AssessmentParams,
        headers: IdempotencyHeaders,
        body: PatchAssessmentBody,
        response: { 200: Assessment, ...problemResponses(...WRITE_PROBLEMS) },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          changeAssessment(tx, req.studentId, req.params.assessmentId, req.body, new Date()),
        ),
      ),
  )

  app.delete(
    '/:assessmentId',
    {
      schema: {
        operationId: 'deleteAssessment',
        tags: ['assessments'],
        summary: 'Delete a self-assessment (kept as a tombstone for sync; it leaves the score trend)',
        description:
          '204. The assessment stays as a tombstone (deletedAt) for sync clients and leaves the score trend and readiness; with an Idempotency-Key a retry replays the 204.',
        params: AssessmentParams,
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
          deleteAssessment(tx, req.studentId, req.params.assessmentId),
        ),
      ),
  )
}
