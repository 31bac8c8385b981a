import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import type { Config } from '../config.js'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Accepts the caller's x-request-id when it is sane (so ids join across services), else makes one. */
export function requestIdFrom(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    // Secrets never reach the log, whichever serializer includes headers.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'token',
        'secret',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    ...(process.stdout.isTTY && config.LOG_LEVEL !== 'silent'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  }
}

export interface Metrics {
  registry: Registry
  httpDuration: Histogram<'method' | 'route' | 'status'>
  httpRequests: Counter<'method' | 'route' | 'status'>
}

/** Prometheus metrics in a registry of this app's own (tests build many apps in one process). */
export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  return { registry, httpDuration, httpRequests }
}

/** Echoes the request id and records per-route latency (route templates, never raw ids). */
export function registerRequestTelemetry(app: FastifyInstance, metrics: Metrics) {
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-request-id', req.id)
    return payload
  })
  app.addHook('onResponse', async (req: FastifyRequest, reply) => {
    const labels = {
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    }
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000)
    metrics.httpRequests.inc(labels)
  })
}
