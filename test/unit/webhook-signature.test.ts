import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { generateSecret, signedHeaders } from '../../src/modules/webhooks/signature.js'

// The Standard Webhooks test vector (the same one the reference libraries test against).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: new Date(1614265330 * 1000),
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

describe('webhook signing', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('the known vector signs to v1,g0hM9SsE…', () => {
    expect(signedHeaders(VECTOR.secret, VECTOR)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    })
  })

  test('the signature is base64 HMAC-SHA256 of id.timestamp.body under the base64-decoded secret', () => {
    const key = Buffer.from(VECTOR.secret.slice('whsec_'.length), 'base64')
    const mac = createHmac('sha256', key).update(`${VECTOR.id}.1614265330.${VECTOR.body}`).digest('base64')
    expect(signedHeaders(VECTOR.secret, VECTOR)['webhook-signature']).toBe(`v1,${mac}`)
  })

  test("the library's verifier accepts our headers within its 5-minute tolerance", () => {
    vi.useFakeTimers({ now: VECTOR.timestamp.getTime() + 60_000 })
    expect(
      new Webhook(VECTOR.secret).verify(VECTOR.body, { ...signedHeaders(VECTOR.secret, VECTOR) }),
    ).toEqual({ test: 2432232314 })
  })

  test('a changed body, id or secret fails verification', () => {
    vi.useFakeTimers({ now: VECTOR.timestamp.getTime() })
    const headers = { ...signedHeaders(VECTOR.secret, VECTOR) }
    const verifier = new Webhook(VECTOR.secret)
    expect(() => verifier.verify('{"test": 2432232315}', headers)).toThrow(/No matching signature/)
    expect(() => verifier.verify(VECTOR.body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(
      /No matching signature/,
    )
    expect(() => new Webhook(generateSecret()).verify(VECTOR.body, headers)).toThrow(/No matching signature/)
  })

  test('a signature older than 5 minutes is refused by the verifier (replay protection)', () => {
    vi.useFakeTimers({ now: VECTOR.timestamp.getTime() + 6 * 60_000 })
    expect(() =>
      new Webhook(VECTOR.secret).verify(VECTOR.body, { ...signedHeaders(VECTOR.secret, VECTOR) }),
    ).toThrow(/too old/)
  })

  test('secrets are whsec_ + base64 of 32 random bytes, different every time', () => {
    const a = generateSecret()
    const b = generateSecret()
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32)
    expect(a).not.toBe(b)
  })
})
