import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { callerOf, isAdmin, requireScope } from '../../http/auth.js'
import { COMMON_PROBLEMS, conflict, notFound, problemResponses, unprocessable } from '../../http/errors.js'
import type { Caller } from '../users/users.repository.js'
import type { Scope } from '../users/users.table.js'
import { page } from '../sync/pagination.js'
import { checkDestination } from './outbound.js'
import { generateSecret } from './signature.js'
import {
  deleteSubscription,
  findSubscription,
  insertSubscription,
  listDeliveries,
  listSubscriptions,
  redeliver,
} from './webhooks.repository.js'
import {
  CreatedWebhook,
  CreateWebhookBody,
  DeliveryListQuery,
  DeliveryParams,
  Webhook,
  WebhookDelivery,
  WebhookListQuery,
  WebhookParams,
} from './webhooks.schemas.js'
import { z } from 'zod'

/** The scope each role needs to manage webhooks: the one that lets it read the data they carry. */
const SCOPE_BY_ROLE: Record<Caller['role'], Scope> = {
  student: 'progress:read',
  advisor: 'mentees:read',
  admin: 'admin',
}

/** The caller, once its token has the right scope for its role. */
function webhookCaller(req: Parameters<typeof callerOf>[0]): Caller {
  const caller = callerOf(req)
  requireScope(caller, SCOPE_BY_ROLE[caller.role])
  return caller
}

/** Owners see their own subscriptions; admins see all. Anyone else's id is 404, never 403. */
const visibility = (caller: Caller) => ({ ownerId: isAdmin(caller) ? undefined : caller.userId })

export const webhooksRoutes: FastifyPluginAsyncZod<{ db: Db; config: Config }> = async (
  app,
  { db, config },
) => {
  app.post(
    '',
    {
      preParsing: async (req) => {
        webhookCaller(req)
      },
      schema: {
        operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events; the signing secret is in this response only',
        description:
          'Deliveries follow Standard Webhooks: headers webhook-id (the same on every retry of one event), webhook-timestamp and webhook-signature (v1, + base64 HMAC-SHA256 of id.timestamp.body, keyed with the secret). A student receives its own events, an advisor those of students who grant it access, an admin all. The URL must be http(s) and resolve to public addresses (422 otherwise).',
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...problemResponses(...COMMON_PROBLEMS, 415, 422) },
      },
    },
    async (req, reply) => {
      const caller = webhookCaller(req)
      const destination = await checkDestination(req.body.url, { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE })
      if (!destination.ok)
        throw unprocessable(
          `webhook.url_${destination.reason === 'address' ? 'refused' : destination.reason}`,
          destination.detail,
          [{ in: 'body', path: '/url', message: destination.detail }],
        )
      const secret = generateSecret()
      const webhook = await insertSubscription(db, {
        ownerId: caller.userId,
        url: req.body.url,
        events: [...new Set(req.body.events)],
        ...(req.body.description ? { description: req.body.description } : {}),
        secret,
      })
      req.log.info({ webhookId: webhook.id, events: webhook.events }, 'webhook subscribed')
      return reply.code(201).send({ ...webhook, secret })
    },
  )

  app.get(
    '',
    {
      schema: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: "The caller's subscriptions (admins: everyone's), oldest first, cursor-paginated",
        description:
          'Needs the scope that reads the data the events carry: progress:read (students), mentees:read (advisors), admin (admins). Secrets are never listed.',
        querystring: WebhookListQuery,
        response: { 200: page(Webhook, 'WebhookPage'), ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const caller = webhookCaller(req)
      return listSubscriptions(db, {
        ...visibility(caller),
        limit: req.query.limit,
        cursor: req.query.cursor,
      })
    },
  )

  app.get(
    '/:webhookId',
    {
      schema: {
        operationId: 'getWebhook',
        tags: ['webhooks'],
        summary: 'One subscription, with its status (active, or disabled and why); never the secret',
        description: 'Someone else’s subscription is a 404 (admins see all).',
        params: WebhookParams,
        response: { 200: Webhook, ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req) => {
      const caller = webhookCaller(req)
      const webhook = await findSubscription(db, { id: req.params.webhookId, ...visibility(caller) })
      if (!webhook) throw notFound('webhook', req.params.webhookId)
      return webhook
    },
  )

  app.delete(
    '/:webhookId',
    {
      schema: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Unsubscribe: nothing more is sent, pending retries included',
        description:
          'Pending deliveries are marked failed (lastError "subscription deleted"); afterwards the subscription and its deliveries are 404.',
        params: WebhookParams,
        response: { 204: z.undefined().describe('Deleted'), ...problemResponses(...COMMON_PROBLEMS) },
      },
    },
    async (req, reply) => {
      const caller = webhookCaller(req)
      const webhook = await findSubscription(db, { id: req.params.webhookId, ...visibility(caller) })
      if (!webhook) throw notFound('webhook', req.params.webhookId)
      const deleted = await db.transaction((tx) => deleteSubscription(tx, webhook.id, new Date()))
      if (!deleted) throw notFound('webhook', req.params.webhookId)
      req.log.info({ webhookId: webhook.id }, 'webhook deleted')
      return reply.code(204).send()
    },
  )

  app.get(
    '/:webhookId/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'Deliveries, newest first, each with its attempts (status code, duration) and next retry',
        description:
          'A delivery is one event for this subscription. Failed attempts are retried with exponential backoff and jitter for about a day (12 attempts), always with the same webhook-id (eventId).',
        params: WebhookParams,
        querystring: DeliveryListQuery,
        response: {
          200: page(WebhookDelivery, 'WebhookDeliveryPage'),
          ...problemResponses(...COMMON_PROBLEMS),
        },
      },
    },
    async (req) => {
      const caller = webhookCaller(req)
      const webhook = await findSubscription(db, { id: req.params.webhookId, ...visibility(caller) })
      if (!webhook) throw notFound('webhook', req.params.webhookId)
      return listDeliveries(db, { subscriptionId: webhook.id, query: req.query })
    },
  )

  app.post(
    '/:webhookId/deliveries/:deliveryId/redeliver',
    {
      schema: {
        operationId: 'redeliverWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a delivery again now, with a fresh schedule of retries and the same webhook-id',
        description:
          '202 when scheduled. 409 when the subscription is disabled (subscribe again) or an attempt of this delivery is in progress.',
        params: DeliveryParams,
        response: {
          202: z.object({ id: z.uuid(), status: z.literal('pending') }).describe('Scheduled'),
          ...problemResponses(...COMMON_PROBLEMS, 409),
        },
      },
    },
    async (req, reply) => {
      const caller = webhookCaller(req)
      const webhook = await findSubscription(db, { id: req.params.webhookId, ...visibility(caller) })
      if (!webhook) throw notFound('webhook', req.params.webhookId)
      if (webhook.status === 'disabled')
        throw conflict(
          'webhook.disabled',
          `This subscription was disabled (${webhook.disabledReason ?? 'repeated failures'}); subscribe again once the receiver works`,
        )
      const outcome = await redeliver(db, {
        subscriptionId: webhook.id,
        deliveryId: req.params.deliveryId,
        now: new Date(),
      })
      if (outcome === 'not_found') throw notFound('delivery', req.params.deliveryId)
      if (outcome === 'in_flight')
        throw conflict(
          'webhook.delivery_in_flight',
          'An attempt of this delivery is in progress; try again shortly',
        )
      req.log.info(
        { webhookId: webhook.id, deliveryId: req.params.deliveryId },
        'webhook redelivery scheduled',
      )
      return reply.code(202).send({ id: req.params.deliveryId, status: 'pending' as const })
    },
  )
}
