import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

export const API_VERSION = '0.1.0'

/** Registers the OpenAPI generator; must come before the routes so every route is documented. */
export async function registerOpenapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Step2 Progress API',
        version: API_VERSION,
        description:
          'Tracks USMLE Step 2 CK preparation (Qbank blocks, self-assessments, study activities) and tells ' +
          'students, advisors and study apps what to do next. Errors are RFC 9457 problem details.',
        license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (shown once when created); scopes: progress:read, progress:write, mentees:read, admin',
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness, readiness and metrics' },
        { name: 'users', description: 'Users, API tokens and scopes' },
        { name: 'students', description: 'A student profile' },
        { name: 'qbank', description: 'Qbank blocks with per-system and per-subject results' },
        { name: 'assessments', description: 'Self-assessments (NBME, UWSA, Free 120, …)' },
        { name: 'activities', description: 'Study activities (content review, Anki, simulation days, …)' },
        { name: 'analytics', description: 'Figures of the study guide and recommended next actions' },
        { name: 'advisors', description: 'Advisor access grants and the mentee dashboard' },
        { name: 'reference', description: 'Systems, subjects, forms and the score scale' },
        { name: 'checkins', description: 'Weekly check-ins: the week in figures and what to do next' },
        {
          name: 'webhooks',
          description: 'Event subscriptions, signed with Standard Webhooks, and their delivery log',
        },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
}

/** The interactive reference at /docs and the document at /openapi.json, both public. */
export async function registerDocs(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true },
  })
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger())
}
