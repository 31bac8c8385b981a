import { z } from 'zod'
import { MAX, Timestamp } from '../../http/common.schemas.js'
import { EXCERPT_CHARS } from './outbound.js'
import { MAX_ATTEMPTS } from './retry.js'

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

/** Attempt errors are cut at EXCERPT_CHARS (outbound.ts); a disabling reason wraps the last one. */
const ERROR_MAX = EXCERPT_CHARS
const DISABLED_REASON_MAX = 1000

/**
 * Attempts listed per delivery: MAX_ATTEMPTS per schedule, and each redelivery starts another. A
 * stated cap, checked by the response serializer.
 */
export const ATTEMPTS_LIST_MAX = 1000

export const Webhook = z
  .object({
    id: z.uuid(),
    ownerId: z.uuid().describe('The user whose rights decide which events arrive'),
    url: z.string().max(2048),
    events: z
      .array(WebhookEvent)
      .max(WEBHOOK_EVENTS.length)
      .describe('Distinct events (repeats in the request are dropped)'),
    description: z.string().max(500).nullable(),
    status: z
      .enum(['active', 'disabled'])
      .describe('disabled: turned off after failing for a day (see disabledReason); nothing more is sent'),
    disabledAt: Timestamp.nullable(),
    disabledReason: z.string().max(DISABLED_REASON_MAX).nullable(),
    consecutiveFailures: z.number().int().describe('Failed attempts since the last successful one'),
    createdAt: Timestamp,
  })
  .meta({ id: 'Webhook' })
export type Webhook = z.infer<typeof Webhook>

export const CreatedWebhook = Webhook.extend({
  secret: z
    .string()
    .max(64)
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
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
    error: z
      .string()
      .max(ERROR_MAX)
      .nullable()
      .describe('Why no status arrived: refused, unreachable, timed out, …'),
    responseExcerpt: z
      .string()
      // EXCERPT_CHARS code points: up to twice as many UTF-16 units, which is what zod counts.
      .max(2 * EXCERPT_CHARS)
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
    lastError: z.string().max(ERROR_MAX).nullable(),
    lastDurationMs: z.number().int().nullable(),
    createdAt: Timestamp,
    completedAt: Timestamp.nullable(),
    attempts: z
      .array(WebhookAttempt)
      .max(ATTEMPTS_LIST_MAX)
      .describe(`Every attempt, oldest first (${MAX_ATTEMPTS} at most per schedule)`),
  })
  .meta({ id: 'WebhookDelivery' })
export type WebhookDelivery = z.infer<typeof WebhookDelivery>

export const WebhookListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500 (default 50)'),
  cursor: z.string().max(MAX.cursor).optional().describe('Opaque cursor from the previous page’s nextCursor'),
})

export const DeliveryListQuery = WebhookListQuery.extend({
  status: z.enum(['pending', 'succeeded', 'failed']).optional().describe('Only deliveries in this state'),
})
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>

export const WebhookParams = z.object({ webhookId: z.uuid() })
export const DeliveryParams = WebhookParams.extend({ deliveryId: z.uuid() })
