import { z } from 'zod'
import { Timestamp } from '../../http/common.schemas.js'

/** Events a subscription may ask for (api.md). Other outbox events exist but are not offered. */
export const WEBHOOK_EVENTS = [
  'checkin.created',
  'block.created',
  'block.updated',
  'block.deleted',
  'assessment.created',
  'recommendations.changed',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]

export const WebhookEvent = z
  .enum(WEBHOOK_EVENTS)
  .describe(
    'checkin.created (the check-in itself in data), block.created / block.updated / block.deleted, assessment.created (ids in data), recommendations.changed (when the set of high-priority recommendations changes: added, removed, highPriority)',
  )
  .meta({ id: 'WebhookEvent' })

export const CreateWebhookBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2048)
      .describe(
        'Where events are POSTed. Must resolve to public addresses: loopback, private and link-local targets are refused (422). Redirects are never followed.',
      )
      .meta({ example: 'https://example.com/hooks/step2' }),
    events: z
      .array(WebhookEvent)
      .min(1)
      .max(50)
      .describe('The events to receive (at least one; repeats are ignored)'),
    description: z.string().trim().max(500).optional().describe('Free text for the owner, e.g. the app name'),
  })
  .meta({ id: 'CreateWebhookBody' })
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>

export const Webhook = z
  .object({
    id: z.uuid(),
    ownerId: z.uuid().describe('The user whose rights decide which events arrive'),
    url: z.string(),
    events: z.array(WebhookEvent),
    description: z.string().nullable(),
    status: z
      .enum(['active', 'disabled'])
      .describe('disabled: turned off after failing for a day (see disabledReason); nothing more is sent'),
    disabledAt: Timestamp.nullable(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number().int().describe('Failed attempts since the last successful one'),
    createdAt: Timestamp,
  })
  .meta({ id: 'Webhook' })
export type Webhook = z.infer<typeof Webhook>

export const CreatedWebhook = Webhook.extend({
  secret: z
    .string()
    .describe(
      'Standard Webhooks signing secret (whsec_ + base64). Shown in this response only: store it to verify webhook-signature.',
    )
    .meta({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).meta({ id: 'CreatedWebhook' })

export const WebhookAttempt = z
  .object({
    attemptedAt: Timestamp,
    statusCode: z.number().int().nullable().describe("The receiver's status; null when none arrived"),
    durationMs: z.number().int(),
    error: z.string().nullable().describe('Why no status arrived: refused, unreachable, timed out, …'),
    responseExcerpt: z
      .string()
      .nullable()
      .describe("At most the first 500 characters of the receiver's answer"),
  })
  .meta({ id: 'WebhookAttempt' })

export const WebhookDelivery = z
  .object({
    id: z.uuid(),
    eventId: z.uuid().describe('The webhook-id header: the same on every attempt of this event'),
    eventType: WebhookEvent,
    status: z
      .enum(['pending', 'succeeded', 'failed'])
      .describe('pending: will be (re)tried; failed: every attempt failed, or the subscription was deleted'),
    attemptCount: z
      .number()
      .int()
      .describe('Attempts in the current schedule (a redelivery starts a new one)'),
    nextAttemptAt: Timestamp.nullable().describe('When the next retry is due; null unless pending'),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastDurationMs: z.number().int().nullable(),
    createdAt: Timestamp,
    completedAt: Timestamp.nullable(),
    attempts: z.array(WebhookAttempt).describe('Every attempt, oldest first'),
  })
  .meta({ id: 'WebhookDelivery' })
export type WebhookDelivery = z.infer<typeof WebhookDelivery>

export const WebhookListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500 (default 50)'),
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page’s nextCursor'),
})

export const DeliveryListQuery = WebhookListQuery.extend({
  status: z.enum(['pending', 'succeeded', 'failed']).optional().describe('Only deliveries in this state'),
})
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>

export const WebhookParams = z.object({ webhookId: z.uuid() })
export const DeliveryParams = WebhookParams.extend({ deliveryId: z.uuid() })
