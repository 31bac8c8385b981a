import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import { callerOf, isAdmin, requireScope } from '../../http/auth.js'
import { notFound, problemResponses } from '../../http/errors.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { findUser } from '../users/users.repository.js'
import { MenteePage, MenteesParams, MenteesQuery } from './advisors.schemas.js'
import { listMentees } from './mentees.service.js'

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
        params: MenteesParams,
        querystring: MenteesQuery,
        response: {
          200: MenteePage,
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
