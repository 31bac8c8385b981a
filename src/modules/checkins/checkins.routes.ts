import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import { callerOf, requireAdmin } from '../../http/auth.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { findCheckin, listCheckins } from './checkins.repository.js'
import {
  Checkin,
  CheckinListQuery,
  CheckinPage,
  CheckinParams,
  RunCheckinsBody,
  RunCheckinsResult,
} from './checkins.schemas.js'
import { runCheckins } from './checkins.service.js'

/** Registered inside the student scope: req.studentId is already authorised. */
export const checkinsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'listCheckins',
        tags: ['checkins'],
        summary: 'Weekly check-ins, newest week first, cursor-paginated',
        description:
          'One per Monday–Sunday week (student’s time zone), generated on the Monday after it: questions against the phase’s target, percent correct, UWorld completion and its change, review hours, self-assessments, trend, weak systems, recommendations and flags.',
        params: StudentIdParam,
        querystring: CheckinListQuery,
        response: { 200: CheckinPage, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => listCheckins(db, { studentId: req.studentId, query: req.query }),
  )

  app.get(
    '/:checkinId',
    {
      schema: {
        operationId: 'getCheckin',
        tags: ['checkins'],
        summary: 'One weekly check-in',
        description: 'The same object as in the list. ETag / If-None-Match supported.',
        params: CheckinParams,
        response: { 200: Checkin, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const checkin = await findCheckin(db, { studentId: req.studentId, checkinId: req.params.checkinId })
      if (!checkin) throw notFound('checkin', req.params.checkinId)
      return checkin
    },
  )
}

/** Admin: generate check-ins now (the scheduled job does the same every hour). */
export const checkinsAdminRoutes: FastifyPluginAsyncZod<{
  db: Db
  analyticsConfig: AnalyticsConfig
}> = async (app, { db, analyticsConfig }) => {
  app.post(
    '/v1/checkins/run',
    {
      schema: {
        operationId: 'runCheckins',
        tags: ['checkins'],
        summary: 'Generate the weekly check-ins now (admin)',
        description:
          'Without weekOf: each student’s last complete week in their own time zone (what the hourly job does). With weekOf: the Monday–Sunday week holding that date, for every student whose week is over. Idempotent per student and week: existing check-ins are counted as skipped, never duplicated.',
        body: RunCheckinsBody.nullish(),
        response: { 200: RunCheckinsResult, ...problemResponses(400, 401, 403, 415, 429, 503) },
      },
    },
    async (req) => {
      requireAdmin(callerOf(req))
      const result = await runCheckins(db, {
        weekOf: req.body?.weekOf,
        now: new Date(),
        config: analyticsConfig,
      })
      req.log.info(result, 'check-ins run')
      return result
    },
  )
}
