import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import { IdempotencyHeaders, sendStored } from '../qbank/blocks.routes.js'
import { idempotencyContext, runIdempotent } from '../sync/idempotency.js'
import { ListQuery, page } from '../sync/pagination.js'
import { findActivity, listActivities } from './activities.repository.js'
import {
  Activity,
  ActivityListQuery,
  ActivityParams,
  CreateActivityBody,
  PatchActivityBody,
} from './activities.schemas.js'
import { changeActivity, deleteActivity, logActivity } from './activities.service.js'

const WRITE_PROBLEMS = [...COMMON_PROBLEMS, 409, 413, 415, 422] as const

/** Registered inside the student scope: req.studentId is already authorised. */
export const activitiesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '',
    {
      schema: {
        operationId: 'createActivity',
        tags: ['activities'],
        summary: 'Log a study activity (or update it, when its source and externalId are known)',
        description:
          'System labels are normalised (cardio → cardiovascular). Broken rules are 422 with the offending paths: an unknown system, blocks on anything but a simulation_day, a date more than one day after today (UTC).',
        headers: IdempotencyHeaders,
        params: StudentIdParam,
        body: CreateActivityBody,
        response: {
          201: Activity,
          200: Activity.describe('An existing (source, externalId) was updated'),
          ...problemResponses(...WRITE_PROBLEMS),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          logActivity(tx, req.studentId, req.body, new Date()),
        ),
      ),
  )

  app.get(
    '',
    {
      schema: {
        operationId: 'listActivities',
        tags: ['activities'],
        summary: 'Study activities in day order (date, id), cursor-paginated, with sync filters',
        description:
          'Filter by kind with `type`; `from`/`to` are days in the student’s time zone; `updatedAfter` returns what changed since the last sync, and `includeDeleted=true` adds deletions as tombstones (deletedAt set). Pass nextCursor back as `cursor` for the next page.',
        params: StudentIdParam,
        querystring: ListQuery.extend(ActivityListQuery.shape),
        response: { 200: page(Activity, 'ActivityPage'), ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => listActivities(db, { studentId: req.studentId, query: req.query }),
  )

  app.get(
    '/:activityId',
    {
      schema: {
        operationId: 'getActivity',
        tags: ['activities'],
        summary: 'One logged study activity',
        description:
          'Ids that are unknown, deleted or another student’s are 404. ETag / If-None-Match supported.',
        params: ActivityParams,
        response: { 200: Activity, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const activity = await findActivity(db, { studentId: req.studentId, activityId: req.params.activityId })
      if (!activity) throw notFound('activity', req.params.activityId)
      return activity
    },
  )

  app.patch(
    '/:activityId',
    {
      schema: {
        operationId: 'updateActivity',
        tags: ['activities'],
        summary: 'Change a study activity; the merged record must still satisfy every rule',
        description:
          'Only the fields sent change: systems replaces the stored list ([] empties it), null clears blocks or note. Broken rules are 422 with the offending paths; an Idempotency-Key makes the retry safe.',
        params: ActivityParams,
        headers: IdempotencyHeaders,
        body: PatchActivityBody,
        response: { 200: Activity, ...problemResponses(...WRITE_PROBLEMS) },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), (tx) =>
          changeActivity(tx, req.studentId, req.params.activityId, req.body, new Date()),
        ),
      ),
  )

  app.delete(
    '/:activityId',
    {
      schema: {
        operationId: 'deleteActivity',
        tags: ['activities'],
        summary: 'Delete a study activity (kept as a tombstone for sync)',
        description:
          '204. The activity stays as a tombstone (deletedAt) for sync clients and stops counting in every figure; with an Idempotency-Key a retry replays the 204.',
        params: ActivityParams,
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
          deleteActivity(tx, req.studentId, req.params.activityId),
        ),
      ),
  )
}
