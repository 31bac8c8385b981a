import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { StudentIdParam } from '../../http/common.schemas.js'
import { COMMON_PROBLEMS, notFound, problemResponses, unprocessable } from '../../http/errors.js'
import { IdempotencyHeaders, sendStored } from '../qbank/blocks.routes.js'
import { idempotencyContext, runIdempotent } from '../sync/idempotency.js'
import { findUser } from '../users/users.repository.js'
import {
  AdvisorGrant as Grant,
  AdvisorGrantList,
  GrantAdvisorBody as GrantBody,
  GrantParams,
} from './advisors.schemas.js'
import { deleteGrant, insertGrant, listGrants } from './grants.repository.js'

/** Registered inside the student scope: the student (or an admin) grants and revokes advisors. */
export const grantsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'listAdvisors',
        tags: ['advisors'],
        summary: 'Advisors this student has granted read access',
        description: 'Oldest grant first. Each advisor reads this student’s data with a mentees:read token.',
        params: StudentIdParam,
        response: { 200: AdvisorGrantList, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => ({
      data: (await listGrants(db, req.studentId)).map((g) => ({
        ...g,
        grantedAt: g.grantedAt.toISOString(),
      })),
    }),
  )

  app.post(
    '',
    {
      schema: {
        operationId: 'grantAdvisor',
        tags: ['advisors'],
        summary: 'Grant an advisor read access to this student’s data (201; 200 when already granted)',
        description:
          'The advisor then sees this student on its dashboard and reads (never writes) its data. Naming a user who is not an advisor is a 422.',
        params: StudentIdParam,
        headers: IdempotencyHeaders,
        body: GrantBody,
        response: {
          201: Grant,
          200: Grant.describe('Already granted'),
          ...problemResponses(...COMMON_PROBLEMS, 409, 415, 422),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), async (tx) => {
          const advisor = await findUser(tx, req.body.advisorId)
          if (advisor?.role !== 'advisor')
            throw unprocessable('grant.not_an_advisor', `User ${req.body.advisorId} is not an advisor`, [
              { in: 'body', path: '/advisorId', message: 'not an advisor' },
            ])
          const grant = await insertGrant(tx, { studentId: req.studentId, advisorId: advisor.id })
          req.log.info({ advisorId: advisor.id }, 'advisor granted')
          return {
            status: grant.created ? 201 : 200,
            body: {
              advisorId: advisor.id,
              name: advisor.name,
              email: advisor.email,
              grantedAt: grant.grantedAt.toISOString(),
            },
          }
        }),
      ),
  )

  app.delete(
    '/:advisorId',
    {
      schema: {
        operationId: 'revokeAdvisor',
        tags: ['advisors'],
        summary: 'Revoke an advisor’s access; it takes effect on the advisor’s next request',
        description: 'An advisor without a grant from this student is a 404.',
        params: GrantParams,
        headers: IdempotencyHeaders,
        response: {
          204: z.undefined().describe('Revoked'),
          ...problemResponses(...COMMON_PROBLEMS, 409, 422),
        },
      },
    },
    async (req, reply) =>
      sendStored(
        reply,
        await runIdempotent(db, idempotencyContext(req), async (tx) => {
          if (!(await deleteGrant(tx, { studentId: req.studentId, advisorId: req.params.advisorId })))
            throw notFound('grant', req.params.advisorId)
          req.log.info({ advisorId: req.params.advisorId }, 'advisor revoked')
          return { status: 204, body: null }
        }),
      ),
  )
}
