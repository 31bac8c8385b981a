import type { FastifyInstance } from 'fastify'
import { Problem, sendProblem } from './errors.js'

export const shuttingDown = () =>
  new Problem(503, 'server.shutting_down', 'The server is shutting down; retry the request', {
    headers: { 'retry-after': '1' },
  })

/**
 * How the server drains once app.close() begins (SIGTERM), in-flight requests still finishing:
 * - a request that still arrives on an open connection gets a 503 problem, like every other error
 *   (Fastify's own return503OnClosing answers plain JSON);
 * - every response says Connection: close, and a connection that turns idle is closed at once.
 *   Without this, a keep-alive connection whose request was in flight when closing began is
 *   answered "keep-alive" and then sits idle; server.close() waits for it until keepAliveTimeout
 *   (72 s), long past SHUTDOWN_TIMEOUT_MS, so the process was forced out with exit code 1 before
 *   the worker, the queue and the pool had closed (bench/faults/sigterm.ts).
 * Registered first, so a request refused here never reaches the token lookup or the database.
 */
export function registerDraining(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (req, reply) => {
    if (closing) return sendProblem(shuttingDown(), req, reply)
  })
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) void reply.header('connection', 'close')
    return payload
  })
  app.addHook('onResponse', async () => {
    // A response whose head was already on the wire when closing began still said keep-alive.
    if (closing) setImmediate(() => app.server.closeIdleConnections())
  })
}
