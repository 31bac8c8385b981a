import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { IsoDate, StudentIdParam } from '../../http/common.schemas.js'
import { badRequest, COMMON_PROBLEMS, notFound, problemResponses } from '../../http/errors.js'
import { loadAnalyticsInput, todayIn } from './analytics.repository.js'
import { AnalyticsResponse, RecommendationsResponse } from './analytics.schemas.js'
import type { AnalyticsConfig } from './config.js'
import { DAY_RANGE, inDayRange } from './dates.js'
import { computeAnalytics } from './engine.js'

const AsOfQuery = z.object({
  asOf: IsoDate.optional().describe(
    "Evaluate as of this day (the student's time zone): only data up to its end counts. Default: today.",
  ),
})

/** Registered inside the student scope: req.studentId is already authorised. */
export const analyticsRoutes: FastifyPluginAsyncZod<{ db: Db; analyticsConfig: AnalyticsConfig }> = async (
  app,
  { db, analyticsConfig },
) => {
  const analyze = async (studentId: string, timezone: string, asOf: string | undefined) => {
    if (asOf !== undefined && !inDayRange(asOf))
      throw badRequest('request.invalid', `asOf must be between ${DAY_RANGE.min} and ${DAY_RANGE.max}`, [
        { in: 'querystring', path: '/asOf', message: `outside ${DAY_RANGE.min}..${DAY_RANGE.max}` },
      ])
    const input = await loadAnalyticsInput(db, {
      studentId,
      timezone,
      asOf: asOf ?? todayIn(timezone, new Date()),
    })
    if (!input) throw notFound('student', studentId)
    return computeAnalytics(input, analyticsConfig)
  }

  app.get(
    '/analytics',
    {
      schema: {
        operationId: 'getAnalytics',
        tags: ['analytics'],
        summary: 'Where the student stands: every figure of the guide, and the recommended next actions',
        description:
          'Phase and plan week, Qbank completion and pace, per-system and per-subject accuracy with weak areas, score trend, readiness, study volume, and the recommendations with the figures that fired them. ETag / If-None-Match supported.',
        params: StudentIdParam,
        querystring: AsOfQuery,
        response: { 200: AnalyticsResponse, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => analyze(req.studentId, req.studentTimezone, req.query.asOf),
  )

  app.get(
    '/recommendations',
    {
      schema: {
        operationId: 'getRecommendations',
        tags: ['analytics'],
        summary: 'Just the recommended next actions, most important first',
        description:
          'The recommendations of GET /analytics (the same rules, the same order), without the figures. ETag / If-None-Match supported.',
        params: StudentIdParam,
        querystring: AsOfQuery,
        response: { 200: RecommendationsResponse, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const result = await analyze(req.studentId, req.studentTimezone, req.query.asOf)
      return { asOf: result.asOf, data: result.recommendations }
    },
  )
}
