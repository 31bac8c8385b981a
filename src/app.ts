import etag from '@fastify/etag'
import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { requireCaller, resolveCaller } from './http/auth.js'
import { registerDraining } from './http/draining.js'
import { clientErrorHandler, notFoundHandler, problemHandler } from './http/errors.js'
import { registerJsonParser } from './http/json-body.js'
import {
  createMetrics,
  loggerOptions,
  registerRequestTelemetry,
  requestIdFrom,
} from './http/observability.js'
import { registerDocs, registerOpenapi } from './http/openapi.js'
import { registerRateLimit } from './http/rate-limit.js'
import { studentAccessHook } from './http/student-access.js'
import { responseSerializer } from './http/response-serializer.js'
import { analyticsRoutes } from './modules/analytics/analytics.routes.js'
import { mergeAnalyticsConfig } from './modules/analytics/config.js'
import { menteesRoutes } from './modules/advisors/mentees.routes.js'
import { grantsRoutes } from './modules/advisors/grants.routes.js'
import { checkinsAdminRoutes, checkinsRoutes } from './modules/checkins/checkins.routes.js'
import { healthRoutes } from './modules/health/health.routes.js'
import { referenceRoutes } from './modules/reference/reference.routes.js'
import { activitiesRoutes } from './modules/activities/activities.routes.js'
import { assessmentsRoutes } from './modules/assessments/assessments.routes.js'
import { blocksRoutes } from './modules/qbank/blocks.routes.js'
import { profileRoutes } from './modules/students/profile.routes.js'
import { usersRoutes } from './modules/users/users.routes.js'
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js'

/** Builds the app; never listens. Doubles as the route map. */
export async function buildApp({
  config,
  database,
  logStream,
}: {
  config: Config
  database: Database
  /** Where logs go instead of stdout (tests read them). */
  logStream?: DestinationStream
}): Promise<FastifyInstance> {
  const { db } = database
  // Thresholds of the study guide, with this deployment's overrides (validated once, here).
  const analyticsConfig = mergeAnalyticsConfig(config.ANALYTICS_OVERRIDES)
  const app = Fastify({
    logger: logStream
      ? { ...loggerOptions(config), transport: undefined, stream: logStream }
      : loggerOptions(config),
    genReqId: requestIdFrom,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    // Keep-alive sockets close when the server closes, so shutdown does not wait on idle clients.
    forceCloseConnections: 'idle',
    // registerDraining answers requests that arrive while closing, with a problem body.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false } },
    // The router's own 400 (bad URL escape) and 414 (path parameter too long), and requests Node's
    // parser refuses, are problems too: without these they answer in Fastify's JSON shape.
    frameworkErrors: (err, req, reply) => void problemHandler(err, req, reply),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(responseSerializer({ verify: config.NODE_ENV !== 'production' }))
  app.setErrorHandler(problemHandler)
  app.setNotFoundHandler(notFoundHandler)
  registerDraining(app)
  // JSON only: without this, text/plain bodies would be parsed as strings instead of refused with 415.
  app.removeContentTypeParser('text/plain')
  registerJsonParser(app)

  const metrics = createMetrics()
  registerRequestTelemetry(app, metrics)
  await app.register(etag, { weak: true })
  await registerOpenapi(app)

  // Order matters: resolve the token, count the request against its limit, then require a caller.
  await app.register(resolveCaller, { db })
  await registerRateLimit(app, { config, db })
  await app.register(requireCaller)

  await app.register(healthRoutes, { database, metrics, config })
  await registerDocs(app)
  await app.register(usersRoutes, { db })
  await app.register(referenceRoutes)
  await app.register(menteesRoutes, { db, analyticsConfig })
  await app.register(webhooksRoutes, { prefix: '/v1/webhooks', db, config })
  await app.register(checkinsAdminRoutes, { db, analyticsConfig })

  // Every student-data route lives in this scope, behind the one access check.
  await app.register(
    async (students) => {
      students.addHook('preParsing', studentAccessHook(db))
      await students.register(profileRoutes, { prefix: '/profile', db })
      await students.register(blocksRoutes, { prefix: '/blocks', db })
      await students.register(assessmentsRoutes, { prefix: '/assessments', db })
      await students.register(activitiesRoutes, { prefix: '/activities', db })
      await students.register(grantsRoutes, { prefix: '/advisors', db })
      await students.register(analyticsRoutes, { db, analyticsConfig })
      await students.register(checkinsRoutes, { prefix: '/checkins', db })
    },
    { prefix: '/v1/students/:studentId' },
  )

  return app
}
