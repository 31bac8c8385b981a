import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { callerOf, isAdmin, requireScope } from '../../http/auth.js'
import { notFound, problemResponses } from '../../http/errors.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { PHASE_NAMES, TREND_STATUSES } from '../analytics/types.js'
import { findUser } from '../users/users.repository.js'
import { listMentees } from './mentees.service.js'

const MenteeRow = z
  .object({
    studentId: z.uuid(),
    name: z.string(),
    examDate: z.string().nullable().describe('ISO date'),
    daysToExam: z.number().int().nullable(),
    phase: z.enum(PHASE_NAMES).describe('Study phase (guide-rules.md §2)'),
    planWeek: z.number().int().nullable(),
    uworldPercentComplete: z.number().nullable().describe('UWorld first pass, 0–100'),
    pace7: z.number().describe('New UWorld questions per day over the last 7 days'),
    requiredDailyPace: z
      .number()
      .nullable()
      .describe('New questions a day needed to finish the first pass by exam − 14 days'),
    latestScore: z.number().int().nullable().describe('Latest 3-digit self-assessment score'),
    trendStatus: z.enum(TREND_STATUSES),
    readinessEstimate: z.number().nullable(),
    weakSystems: z
      .array(z.object({ system: z.string(), name: z.string(), percent: z.number() }))
      .describe('Top weak systems (at most 3), most important first'),
    highPriorityCount: z.number().int().describe('High-priority recommendations now'),
    highPriority: z.array(z.string()).describe('Their rule ids'),
    lastActivityAt: z
      .string()
      .nullable()
      .describe('Last day a block or activity was logged (student’s time zone)'),
    risk: z
      .number()
      .int()
      .min(0)
      .max(100)
      .describe('Attention score, 0–100; see README "Advising dashboards"'),
    riskFactors: z
      .array(z.object({ factor: z.string(), points: z.number().int() }))
      .describe('What the risk is made of'),
  })
  .meta({ id: 'MenteeRow' })

export const menteesRoutes: FastifyPluginAsyncZod<{ db: Db; analyticsConfig: AnalyticsConfig }> = async (
  app,
  { db, analyticsConfig },
) => {
  app.get(
    '/v1/advisors/:advisorId/mentees',
    {
      schema: {
        operationId: 'listMentees',
        tags: ['advisors'],
        summary: "An advisor's mentees, one dashboard row each, sortable by risk",
        description:
          'Only students who granted this advisor access appear. `me` is the calling advisor; admins may name any advisor. Rows come from the analytics engine (as of each student’s today).',
        params: z.object({
          advisorId: z.union([z.literal('me'), z.uuid()]).describe('`me`, or an advisor id (admins)'),
        }),
        querystring: z.object({
          sort: z
            .enum(['risk', 'examDate', 'name'])
            .default('risk')
            .describe('risk (highest first), examDate (soonest first), name'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(1024).optional(),
          phase: z.enum(PHASE_NAMES).optional().describe('Only mentees in this phase'),
          trendStatus: z.enum(TREND_STATUSES).optional().describe('Only mentees with this score trend'),
        }),
        response: {
          200: z
            .object({ data: z.array(MenteeRow), nextCursor: z.string().nullable() })
            .meta({ id: 'MenteePage' }),
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req)
      const advisorId = req.params.advisorId === 'me' ? caller.userId : req.params.advisorId
      if (isAdmin(caller)) {
        const advisor = await findUser(db, advisorId)
        if (advisor?.role !== 'advisor') throw notFound('advisor', req.params.advisorId)
      } else {
        if (caller.role !== 'advisor' || advisorId !== caller.userId)
          throw notFound('advisor', req.params.advisorId)
        requireScope(caller, 'mentees:read')
      }
      return listMentees(db, { advisorId, now: new Date(), config: analyticsConfig, query: req.query })
    },
  )
}
