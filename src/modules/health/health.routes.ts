import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Config } from '../../config.js'
import type { Database } from '../../db/client.js'
import { databaseUnavailable, problemResponses, unauthorized } from '../../http/errors.js'
import type { Metrics } from '../../http/observability.js'

const HealthStatus = z
  .object({
    status: z.literal('ok'),
    database: z.enum(['postgres', 'pglite']).optional().describe('Which database answered'),
  })
  .meta({ id: 'HealthStatus' })

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export const healthRoutes: FastifyPluginAsyncZod<{
  database: Database
  metrics: Metrics
  config: Config
}> = async (app, { database, metrics, config }) => {
  app.get(
    '/health/live',
    {
      config: { public: true },
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'The process is up',
        description:
          '200 while the process runs, without touching the database: for liveness probes. Public and not rate limited.',
        security: [],
        response: { 200: HealthStatus },
      },
    },
    () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      config: { public: true },
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'The process can serve: the database answers',
        description: 'A load balancer should route traffic here only while this answers 200.',
        security: [],
        response: { 200: HealthStatus, ...problemResponses(503) },
      },
    },
    async (req) => {
      try {
        await database.ping()
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed')
        throw databaseUnavailable()
      }
      return { status: 'ok' as const, database: database.kind }
    },
  )

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description:
          'Public unless METRICS_TOKEN is set; then it needs "Authorization: Bearer <METRICS_TOKEN>".',
        security: [],
        produces: ['text/plain'],
        response: { 200: z.string().describe('Prometheus text exposition format'), ...problemResponses(401) },
      },
    },
    async (req, reply) => {
      if (config.METRICS_TOKEN) {
        const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? ''
        if (!sameSecret(given, config.METRICS_TOKEN))
          throw unauthorized('auth.invalid_token', 'Metrics need METRICS_TOKEN')
      }
      void reply.type(metrics.registry.contentType)
      return metrics.registry.metrics()
    },
  )
}
