// Standard Webhooks signing (https://www.standardwebhooks.com), through the reference library:
// webhook-signature = "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), where key is
// the base64 part of the whsec_ secret. Pure: no clock, no I/O; the caller passes the time.
import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

export const SECRET_PREFIX = 'whsec_'
/** 256-bit keys: as long as the HMAC-SHA256 output (the spec asks for 24–64 bytes). */
const SECRET_BYTES = 32

/** A new signing secret, `whsec_` + base64 of random bytes. Shown to the subscriber once. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/**
 * The three Standard Webhooks headers for one attempt. `id` is the event id (the same on every
 * retry, so receivers can deduplicate); `timestamp` is when this attempt is sent, so receivers'
 * replay tolerance (5 minutes in the reference verifier) holds on late retries too.
 */
export function signedHeaders(
  secret: string,
  { id, timestamp, body }: { id: string; timestamp: Date; body: string },
): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  }
}
