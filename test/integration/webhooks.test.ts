import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq, isNull } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import supertest from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { type Database, openPglite, openPostgres } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { checkins, outboxEvents, webhookDeliveries, webhookSubscriptions } from '../../src/db/schema.js'
import { claimDueDeliveries } from '../../src/modules/webhooks/deliveries.repository.js'
import { runWebhookWorkerOnce } from '../../src/modules/webhooks/worker.js'
import { testConfig, useTestApp } from '../helpers/app.js'
import { assessmentBody, blockBody } from '../helpers/bodies.js'
import { createAdmin, createAdvisor, createStudent, createUser, type TestUser } from '../helpers/factories.js'

const t = useTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '500' })

// ------------------------------------------------------------------ a real receiver on 127.0.0.1

interface Received {
  headers: IncomingHttpHeaders
  body: string
}
type Answer = number | 'hang'

interface Receiver {
  url: string
  received: Received[]
  close(): Promise<void>
}
const receivers: Receiver[] = []

/** An HTTP receiver on an ephemeral port; `answer(n)` decides the status of the n-th request. */
async function startReceiver(answer: (n: number) => Answer = () => 204): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const status = answer(received.length)
      if (status === 'hang') return
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'receiver says no' : 'ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  receivers.push(receiver)
  return receiver
}

afterEach(async () => {
  // Each test starts with no live subscription, so earlier tests' retries never reach later ones.
  await t.database.db
    .update(webhookSubscriptions)
    .set({ deletedAt: new Date() })
    .where(isNull(webhookSubscriptions.deletedAt))
  await t.database.db
    .update(webhookDeliveries)
    .set({ status: 'failed' })
    .where(eq(webhookDeliveries.status, 'pending'))
  for (const receiver of receivers.splice(0)) await receiver.close()
})

// ------------------------------------------------------------------ helpers

const HOUR = 3_600_000
const later = (from: Date, ms: number) => new Date(from.getTime() + ms)

type WorkerLog = NonNullable<NonNullable<Parameters<typeof runWebhookWorkerOnce>[2]>['log']>

/** One worker pass with a pinned jitter (waits are then 75 % of their ceiling). */
const work = (now = new Date(), { config, log }: { config?: Config; log?: WorkerLog } = {}) =>
  runWebhookWorkerOnce(t.database.db, config ?? t.config, { now, random: () => 0.5, ...(log ? { log } : {}) })

interface CreatedWebhook {
  id: string
  secret: string
  url: string
  events: string[]
}

async function subscribe(user: TestUser, url: string, events: string[]): Promise<CreatedWebhook> {
  const res = await t.http.post('/v1/webhooks').set(user.auth).send({ url, events })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as CreatedWebhook
}

async function logBlock(student: TestUser): Promise<string> {
  const res = await t.http.post(`/v1/students/${student.id}/blocks`).set(student.auth).send(blockBody())
  expect(res.status).toBe(201)
  return (res.body as { id: string }).id
}

interface DeliveryView {
  id: string
  eventId: string
  eventType: string
  status: string
  attemptCount: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  attempts: { attemptedAt: string; statusCode: number | null; durationMs: number; error: string | null }[]
}

async function deliveriesOf(user: TestUser, webhookId: string): Promise<DeliveryView[]> {
  const res = await t.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(user.auth)
  expect(res.status).toBe(200)
  return (res.body as { data: DeliveryView[] }).data
}

const payloadOf = (r: Received) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> }

// ------------------------------------------------------------------ delivery

describe('webhook delivery', () => {
  test('a block write reaches the receiver signed per Standard Webhooks; the library verifies it', async () => {
    const receiver = await startReceiver()
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const blockId = await logBlock(student)

    expect(await work()).toMatchObject({ attempted: 1, succeeded: 1 })
    expect(receiver.received).toHaveLength(1)
    const [request] = receiver.received
    if (!request) throw new Error('no request')
    const verified = new Webhook(webhook.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    })
    expect(verified).toEqual({
      type: 'block.created',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      data: { studentId: student.id, blockId, source: 'uworld', externalId: null },
    })
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    // A different secret does not verify.
    expect(() =>
      new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(request.body, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }),
    ).toThrow()

    const [delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery).toMatchObject({
      eventId: request.headers['webhook-id'],
      eventType: 'block.created',
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
      lastStatusCode: 204,
    })
    // The secret is shown once: never again.
    const again = await t.http.get(`/v1/webhooks/${webhook.id}`).set(student.auth)
    expect(again.status).toBe(200)
    expect(again.body).not.toHaveProperty('secret')
    expect(again.body).toMatchObject({ id: webhook.id, status: 'active', events: ['block.created'] })
  })

  test('a receiver that fails twice then succeeds gets three attempts with one webhook-id', async () => {
    const receiver = await startReceiver((n) => (n <= 2 ? 503 : 200))
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    const t0 = new Date()

    expect(await work(t0)).toMatchObject({ attempted: 1, retrying: 1 })
    let [delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery).toMatchObject({ status: 'pending', attemptCount: 1, lastStatusCode: 503 })
    // First wait: 1 min ceiling, pinned jitter → 45 s.
    expect(Date.parse(delivery?.nextAttemptAt ?? '')).toBe(t0.getTime() + 45_000)

    // Not due yet: nothing is sent.
    expect(await work(later(t0, 44_000))).toMatchObject({ attempted: 0 })
    expect(receiver.received).toHaveLength(1)

    expect(await work(new Date(delivery?.nextAttemptAt ?? ''))).toMatchObject({ attempted: 1, retrying: 1 })
    ;[delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery).toMatchObject({ status: 'pending', attemptCount: 2 })
    expect(await work(new Date(delivery?.nextAttemptAt ?? ''))).toMatchObject({ attempted: 1, succeeded: 1 })

    expect(receiver.received).toHaveLength(3)
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']))
    expect(ids.size).toBe(1)
    for (const r of receiver.received)
      expect(() =>
        new Webhook(webhook.secret).verify(r.body, r.headers as Record<string, string>),
      ).not.toThrow()

    ;[delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 3, nextAttemptAt: null })
    expect(delivery?.eventId).toBe([...ids][0])
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200])
    for (const a of delivery?.attempts ?? []) expect(a.durationMs).toBeGreaterThanOrEqual(0)
  })

  test('an event written just before the process died is delivered by the next process', async () => {
    const receiver = await startReceiver()
    // Two "processes" on one database: their own connections (embedded: the same files on disk).
    const dir = t.database.kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'webhooks-restart-')) : undefined
    const connectionString = t.database.pool?.options.connectionString
    const open = async (): Promise<Database> =>
      dir ? openPglite(dir) : openPostgres(connectionString ?? '', { poolMax: 2 })
    try {
      const first = await open()
      if (dir) await runMigrations(first)
      const app1 = await buildApp({ config: t.config, database: first })
      await app1.ready()
      const student = await createStudent(first.db)
      const created = await supertest(app1.server)
        .post('/v1/webhooks')
        .set(student.auth)
        .send({ url: receiver.url, events: ['block.created'] })
      expect(created.status).toBe(201)
      const write = await supertest(app1.server)
        .post(`/v1/students/${student.id}/blocks`)
        .set(student.auth)
        .send(blockBody())
      expect(write.status).toBe(201)
      // The process dies: its worker never ran, nothing was delivered.
      await app1.close()
      await first.close()
      expect(receiver.received).toHaveLength(0)

      const second = await open()
      const app2 = await buildApp({ config: t.config, database: second })
      await app2.ready()
      try {
        expect(await runWebhookWorkerOnce(second.db, t.config)).toMatchObject({ attempted: 1, succeeded: 1 })
        expect(receiver.received).toHaveLength(1)
        expect(payloadOf(receiver.received[0] as Received).data).toMatchObject({
          studentId: student.id,
          blockId: (write.body as { id: string }).id,
        })
        const list = await supertest(app2.server)
          .get(`/v1/webhooks/${(created.body as { id: string }).id}/deliveries`)
          .set(student.auth)
        expect((list.body as { data: DeliveryView[] }).data).toMatchObject([{ status: 'succeeded' }])
      } finally {
        await app2.close()
        await second.close()
      }
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a delivery claimed by a worker that died is sent again, same webhook-id, once its lease lapses', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 204))
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    const t0 = new Date()
    expect(await work(t0)).toMatchObject({ attempted: 1, retrying: 1 })
    const [pending] = await deliveriesOf(student, webhook.id)
    const t1 = new Date(pending?.nextAttemptAt ?? '')

    // A worker claims the retry, then dies before sending it.
    const claimed = await claimDueDeliveries(t.database.db, { now: t1, limit: 10, leaseMs: 60_000 })
    expect(claimed.map((d) => d.id)).toEqual([pending?.id])
    expect(await work(later(t1, 30_000))).toMatchObject({ attempted: 0 })
    expect(await work(later(t1, 61_000))).toMatchObject({ attempted: 1, succeeded: 1 })

    expect(receiver.received).toHaveLength(2)
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(
      new Set([pending?.eventId]),
    )
    expect(await deliveriesOf(student, webhook.id)).toMatchObject([{ status: 'succeeded', attemptCount: 2 }])
  })

  test('a deleted subscription receives nothing more, pending retries included', async () => {
    const receiver = await startReceiver(() => 500)
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created', 'block.deleted'])
    const blockId = await logBlock(student)
    const t0 = new Date()
    expect(await work(t0)).toMatchObject({ attempted: 1, retrying: 1 })

    expect((await t.http.delete(`/v1/webhooks/${webhook.id}`).set(student.auth)).status).toBe(204)
    expect((await t.http.delete(`/v1/webhooks/${webhook.id}`).set(student.auth)).status).toBe(404)
    expect((await t.http.get(`/v1/webhooks/${webhook.id}`).set(student.auth)).status).toBe(404)

    await logBlock(student)
    expect(
      (await t.http.delete(`/v1/students/${student.id}/blocks/${blockId}`).set(student.auth)).status,
    ).toBe(204)
    expect(await work(later(t0, 2 * HOUR))).toMatchObject({ deliveriesCreated: 0, attempted: 0 })
    expect(await work(later(t0, 48 * HOUR))).toMatchObject({ attempted: 0 })
    expect(receiver.received).toHaveLength(1)
    const rows = await t.database.db
      .select({ status: webhookDeliveries.status, lastError: webhookDeliveries.lastError })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subscriptionId, webhook.id))
    expect(rows).toEqual([{ status: 'failed', lastError: 'subscription deleted' }])
  })

  test('a receiver that never answers times out after WEBHOOK_TIMEOUT_MS and is retried later', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 'hang' : 204))
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    const t0 = new Date()
    const started = Date.now()
    expect(await work(t0)).toMatchObject({ attempted: 1, retrying: 1 })
    expect(Date.now() - started).toBeLessThan(5_000)

    const [delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery?.attempts).toMatchObject([{ statusCode: null, error: 'timed out after 500 ms' }])
    expect(delivery?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(400)
    expect(await work(new Date(delivery?.nextAttemptAt ?? ''))).toMatchObject({ succeeded: 1 })
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1)
  })

  test('a check-in event carries the check-in itself, next to its ids', async () => {
    const receiver = await startReceiver()
    const student = await createStudent(t.database.db)
    await subscribe(student, receiver.url, ['checkin.created'])
    const summary = { questions: { total: 240, new: 200, review: 40, target: 280 }, flags: ['behind_pace'] }
    const [row] = await t.database.db
      .insert(checkins)
      .values({ studentId: student.id, weekStart: '2026-05-04', weekEnd: '2026-05-10', summary })
      .returning({ id: checkins.id, createdAt: checkins.createdAt })
    if (!row) throw new Error('no check-in')
    // As the check-in job writes it: ids in the outbox payload.
    const ids = {
      studentId: student.id,
      checkinId: row.id,
      weekStart: '2026-05-04',
      weekEnd: '2026-05-10',
      flags: ['behind_pace'],
    }
    await t.database.db
      .insert(outboxEvents)
      .values({ type: 'checkin.created', studentId: student.id, resourceId: row.id, payload: ids })
    expect(await work()).toMatchObject({ succeeded: 1 })
    expect(payloadOf(receiver.received[0] as Received)).toEqual({
      type: 'checkin.created',
      timestamp: expect.any(String) as string,
      data: {
        ...ids,
        checkin: {
          id: row.id,
          studentId: student.id,
          weekStart: '2026-05-04',
          weekEnd: '2026-05-10',
          ...summary,
          createdAt: row.createdAt.toISOString(),
        },
      },
    })
  })
})

// ------------------------------------------------------------------ who receives what

describe('who receives which events', () => {
  test("a student's subscription never receives another student's events", async () => {
    const receiver = await startReceiver()
    const alice = await createStudent(t.database.db)
    const bob = await createStudent(t.database.db)
    await subscribe(alice, receiver.url, ['block.created', 'block.updated', 'block.deleted'])
    await logBlock(bob)
    const aliceBlock = await logBlock(alice)
    await logBlock(bob)
    await work()
    expect(receiver.received.map((r) => payloadOf(r).data)).toEqual([
      expect.objectContaining({ studentId: alice.id, blockId: aliceBlock }),
    ])
  })

  test("an advisor's subscription gets its mentees' events only while the grant lasts; an admin's gets all", async () => {
    const advisorHook = await startReceiver()
    const adminHook = await startReceiver()
    const advisor = await createAdvisor(t.database.db)
    const admin = await createAdmin(t.database.db)
    const mentee = await createStudent(t.database.db)
    const stranger = await createStudent(t.database.db)
    const granted = await t.http
      .post(`/v1/students/${mentee.id}/advisors`)
      .set(mentee.auth)
      .send({ advisorId: advisor.id })
    expect(granted.status).toBe(201)
    await subscribe(advisor, advisorHook.url, ['block.created'])
    await subscribe(admin, adminHook.url, ['block.created'])

    const menteeBlock = await logBlock(mentee)
    const strangerBlock = await logBlock(stranger)
    await work()
    // Deliveries are concurrent: order is not part of the contract.
    const blocksOf = (r: Receiver) => r.received.map((x) => String(payloadOf(x).data.blockId)).sort()
    expect(blocksOf(advisorHook)).toEqual([menteeBlock])
    expect(blocksOf(adminHook)).toEqual([menteeBlock, strangerBlock].sort())

    expect((await t.http.delete(`/v1/students/me/advisors/${advisor.id}`).set(mentee.auth)).status).toBe(204)
    const afterRevoke = await logBlock(mentee)
    await work()
    expect(blocksOf(advisorHook)).toEqual([menteeBlock])
    expect(blocksOf(adminHook)).toEqual([menteeBlock, strangerBlock, afterRevoke].sort())
  })

  test("a pending retry of a mentee's event is withdrawn, not sent, once the grant is revoked", async () => {
    let answer = 500
    const receiver = await startReceiver(() => answer)
    const advisor = await createAdvisor(t.database.db)
    const mentee = await createStudent(t.database.db)
    const granted = await t.http
      .post(`/v1/students/${mentee.id}/advisors`)
      .set(mentee.auth)
      .send({ advisorId: advisor.id })
    expect(granted.status).toBe(201)
    const webhook = await subscribe(advisor, receiver.url, ['block.created'])
    await logBlock(mentee)
    const t0 = new Date()
    expect(await work(t0)).toMatchObject({ attempted: 1, retrying: 1 })

    expect((await t.http.delete(`/v1/students/me/advisors/${advisor.id}`).set(mentee.auth)).status).toBe(204)
    answer = 200
    expect(await work(later(t0, 2 * HOUR))).toMatchObject({ attempted: 0 })
    expect(receiver.received).toHaveLength(1)
    const rows = await t.database.db
      .select({ status: webhookDeliveries.status, lastError: webhookDeliveries.lastError })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subscriptionId, webhook.id))
    expect(rows).toEqual([
      {
        status: 'failed',
        lastError: 'withdrawn: the subscription owner no longer has access to this student',
      },
    ])
  })

  test('recommendations.changed announces what entered and left the high-priority set', async () => {
    const receiver = await startReceiver()
    const student = await createStudent(t.database.db)
    await subscribe(student, receiver.url, ['recommendations.changed'])
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString()
    const logAssessment = async (d: number, score: number) => {
      const res = await t.http
        .post(`/v1/students/${student.id}/assessments`)
        .set(student.auth)
        .send(assessmentBody({ takenAt: daysAgo(d), score, systems: undefined }))
      expect(res.status).toBe(201)
      return (res.body as { id: string }).id
    }
    const announced = () =>
      receiver.received.map((r) => {
        const p = payloadOf(r)
        expect(p.type).toBe('recommendations.changed')
        return p.data
      })

    // One score: a second self-assessment is due (high priority).
    const first = await logAssessment(30, 250)
    expect(await work()).toMatchObject({ recommendationEvents: 1, succeeded: 1 })
    expect(announced()).toEqual([
      {
        studentId: student.id,
        added: ['assessment-cadence'],
        removed: [],
        highPriority: ['assessment-cadence'],
      },
    ])

    // A change that leaves the set as it was announces nothing.
    expect(
      (
        await t.http
          .patch(`/v1/students/${student.id}/assessments/${first}`)
          .set(student.auth)
          .send({ note: 'tired that day' })
      ).status,
    ).toBe(200)
    expect(await work()).toMatchObject({ events: 1, recommendationEvents: 0 })

    // A second, recent score: the cadence recommendation is satisfied.
    await logAssessment(20, 240)
    await work()
    // A third, lower: three falling scores are a high-priority warning.
    await logAssessment(10, 228)
    await work()
    expect(announced()).toEqual([
      expect.objectContaining({ added: ['assessment-cadence'] }),
      { studentId: student.id, added: [], removed: ['assessment-cadence'], highPriority: [] },
      {
        studentId: student.id,
        added: ['declining-scores'],
        removed: [],
        highPriority: ['declining-scores'],
      },
    ])
  })
})

// ------------------------------------------------------------------ failure handling

describe('failure handling', () => {
  test('after failing every attempt for a day a subscription is disabled, logged, and sent nothing more', async () => {
    const receiver = await startReceiver(() => 500)
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    const warnings: unknown[] = []
    const log = { log: { info: () => {}, warn: (obj: unknown) => warnings.push(obj), error: () => {} } }

    // One event's whole schedule: 12 attempts over 20.3 h (pinned jitter). Not yet a day.
    const t0 = new Date()
    let now = t0
    for (let attempt = 1; attempt <= 12; attempt++) {
      expect(await work(now, log)).toMatchObject({ attempted: 1 })
      const [delivery] = await deliveriesOf(student, webhook.id)
      if (attempt < 12) now = new Date(delivery?.nextAttemptAt ?? '')
      else expect(delivery).toMatchObject({ status: 'failed', attemptCount: 12, nextAttemptAt: null })
    }
    expect((now.getTime() - t0.getTime()) / HOUR).toBeCloseTo(20.3, 1)
    expect((await t.http.get(`/v1/webhooks/${webhook.id}`).set(student.auth)).body).toMatchObject({
      status: 'active',
      consecutiveFailures: 12,
    })

    // The next event fails too, more than a day after the first failure: the subscription is off.
    await logBlock(student)
    expect(await work(later(t0, 25 * HOUR), log)).toMatchObject({ attempted: 1, disabledSubscriptions: 1 })
    const disabled = await t.http.get(`/v1/webhooks/${webhook.id}`).set(student.auth)
    expect(disabled.body).toMatchObject({
      status: 'disabled',
      disabledAt: later(t0, 25 * HOUR).toISOString(),
      consecutiveFailures: 13,
    })
    expect((disabled.body as { disabledReason: string }).disabledReason).toMatch(
      /^Every attempt failed since .* \(13 in a row; last: HTTP 500\)$/,
    )
    expect(warnings).toEqual([expect.objectContaining({ subscriptionId: webhook.id })])

    // Nothing more is sent: neither retries nor new events.
    await logBlock(student)
    expect(await work(later(t0, 72 * HOUR))).toMatchObject({ attempted: 0, deliveriesCreated: 0 })
    expect(receiver.received).toHaveLength(13)
    const [latest] = await deliveriesOf(student, webhook.id)
    const redeliver = await t.http
      .post(`/v1/webhooks/${webhook.id}/deliveries/${latest?.id}/redeliver`)
      .set(student.auth)
    expect(redeliver.status).toBe(409)
    expect(redeliver.body).toMatchObject({ code: 'webhook.disabled' })
  })

  test('a success in between resets the run of failures', async () => {
    let healthy = false
    const receiver = await startReceiver(() => (healthy ? 200 : 500))
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    const status = async () =>
      (await t.http.get(`/v1/webhooks/${webhook.id}`).set(student.auth)).body as {
        status: string
        consecutiveFailures: number
      }
    const t0 = new Date()
    await logBlock(student)
    for (const hours of [0, 1, 2]) await work(later(t0, hours * HOUR))
    expect(await status()).toMatchObject({ status: 'active', consecutiveFailures: 3 })
    healthy = true
    await work(later(t0, 3 * HOUR))
    expect(await status()).toMatchObject({ status: 'active', consecutiveFailures: 0 })

    // Failing again from t0 + 4 h: 26 h after the first failure ever, but only 22 h into this run.
    healthy = false
    await logBlock(student)
    for (const hours of [4, 10, 20, 26]) await work(later(t0, hours * HOUR))
    expect(await status()).toMatchObject({ status: 'active', consecutiveFailures: 4 })
    await work(later(t0, 28 * HOUR))
    expect(await status()).toMatchObject({ status: 'disabled', consecutiveFailures: 5 })
  })

  test('redeliver sends a delivery again now, with the same webhook-id', async () => {
    const receiver = await startReceiver()
    const student = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    await work()
    const [delivery] = await deliveriesOf(student, webhook.id)
    const path = `/v1/webhooks/${webhook.id}/deliveries/${delivery?.id}/redeliver`

    expect((await t.http.post(path).set(other.auth)).status).toBe(404)
    const unknown = `/v1/webhooks/${webhook.id}/deliveries/${crypto.randomUUID()}/redeliver`
    expect((await t.http.post(unknown).set(student.auth)).status).toBe(404)
    const res = await t.http.post(path).set(student.auth)
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ id: delivery?.id, status: 'pending' })

    expect(await work()).toMatchObject({ attempted: 1, succeeded: 1 })
    expect(receiver.received).toHaveLength(2)
    expect(receiver.received[1]?.headers['webhook-id']).toBe(receiver.received[0]?.headers['webhook-id'])
    const [after] = await deliveriesOf(student, webhook.id)
    expect(after).toMatchObject({ status: 'succeeded', attemptCount: 1 })
    expect(after?.attempts).toHaveLength(2)
  })
})

// ------------------------------------------------------------------ outbound safety

describe('fairness', () => {
  test('a subscription with a backlog gets at most 4 attempts in flight; the others still get theirs', async () => {
    const slow = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const slowHook = await subscribe(slow, 'http://127.0.0.1:9/slow', ['block.created'])
    const otherHook = await subscribe(other, 'http://127.0.0.1:9/other', ['block.created'])
    const due = new Date(Date.now() - 60_000)
    const row = (subscriptionId: string, studentId: string) => ({
      subscriptionId,
      eventId: randomUUID(),
      eventType: 'block.created',
      payload: { type: 'block.created', data: { studentId } },
      nextAttemptAt: due,
    })
    await t.database.db
      .insert(webhookDeliveries)
      .values([...Array.from({ length: 10 }, () => row(slowHook.id, slow.id)), row(otherHook.id, other.id)])

    const now = new Date()
    const claim = () =>
      claimDueDeliveries(t.database.db, { now, limit: 20, leaseMs: 60_000, perSubscription: 4 })
    const first = await claim()
    const count = (claimed: { subscriptionId: string }[], id: string) =>
      claimed.filter((d) => d.subscriptionId === id).length
    expect([count(first, slowHook.id), count(first, otherHook.id)]).toEqual([4, 1])
    // Those four are still leased (in flight): the backlog waits, whatever the batch size.
    expect(count(await claim(), slowHook.id)).toBe(0)
  })
})

describe('outbound safety', () => {
  test('without WEBHOOK_ALLOW_PRIVATE, loopback, private and link-local URLs are refused with 422', async () => {
    const strict = await buildApp({ config: testConfig(), database: t.database })
    await strict.ready()
    try {
      const student = await createStudent(t.database.db)
      for (const [url, category] of [
        ['http://127.0.0.1:9/hook', 'loopback'],
        ['http://localhost:9/hook', 'loopback'],
        ['http://10.1.2.3/hook', 'private'],
        ['http://192.168.0.10/hook', 'private'],
        ['http://169.254.169.254/latest/meta-data', 'link-local'],
        ['http://[fd00::1]/hook', 'private'],
      ] as const) {
        const res = await supertest(strict.server)
          .post('/v1/webhooks')
          .set(student.auth)
          .send({ url, events: ['block.created'] })
        expect(res.status, url).toBe(422)
        expect(res.body).toMatchObject({
          code: 'webhook.url_refused',
          errors: [{ in: 'body', path: '/url' }],
        })
        expect((res.body as { detail: string }).detail).toContain(`a ${category} address`)
      }
      const ftp = await supertest(strict.server)
        .post('/v1/webhooks')
        .set(student.auth)
        .send({ url: 'ftp://example.com/hook', events: ['block.created'] })
      expect(ftp.status).toBe(400)
    } finally {
      await strict.close()
    }
  })

  test('the address is checked again when sending: a private target is refused at delivery time', async () => {
    const receiver = await startReceiver()
    const student = await createStudent(t.database.db)
    const webhook = await subscribe(student, receiver.url, ['block.created'])
    await logBlock(student)
    expect(await work(new Date(), { config: testConfig() })).toMatchObject({ attempted: 1, retrying: 1 })
    expect(receiver.received).toHaveLength(0)
    const [delivery] = await deliveriesOf(student, webhook.id)
    expect(delivery?.attempts[0]?.error).toBe(
      'refused: 127.0.0.1 is a loopback address; webhooks may only target public addresses',
    )
  })
})

// ------------------------------------------------------------------ the API

describe('subscriptions API', () => {
  test('owners list their own subscriptions page by page; admins list everyone’s', async () => {
    const student = await createStudent(t.database.db)
    const other = await createStudent(t.database.db)
    const admin = await createAdmin(t.database.db)
    const url = 'http://127.0.0.1:9/hook'
    const mine = [
      await subscribe(student, url, ['block.created']),
      await subscribe(student, url, ['block.updated']),
      await subscribe(student, url, ['assessment.created', 'assessment.created']),
    ]
    const theirs = await subscribe(other, url, ['block.created'])
    expect(mine[2]?.events).toEqual(['assessment.created'])

    const first = await t.http.get('/v1/webhooks?limit=2').set(student.auth)
    expect(first.status).toBe(200)
    const firstBody = first.body as { data: { id: string }[]; nextCursor: string | null }
    expect(firstBody.data.map((w) => w.id)).toEqual([mine[0]?.id, mine[1]?.id])
    expect(firstBody.nextCursor).not.toBeNull()
    const second = await t.http
      .get(`/v1/webhooks?limit=2&cursor=${encodeURIComponent(firstBody.nextCursor ?? '')}`)
      .set(student.auth)
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: mine[2]?.id })], nextCursor: null })
    expect(JSON.stringify(second.body)).not.toContain('whsec_')

    const all = await t.http.get('/v1/webhooks?limit=500').set(admin.auth)
    const allIds = (all.body as { data: { id: string }[] }).data.map((w) => w.id)
    expect(allIds).toEqual(expect.arrayContaining([...mine.map((w) => w.id), theirs.id]))

    // Someone else's subscription is unknown to a student, visible to an admin.
    expect((await t.http.get(`/v1/webhooks/${theirs.id}`).set(student.auth)).status).toBe(404)
    expect((await t.http.get(`/v1/webhooks/${theirs.id}/deliveries`).set(student.auth)).status).toBe(404)
    expect((await t.http.delete(`/v1/webhooks/${theirs.id}`).set(student.auth)).status).toBe(404)
    expect((await t.http.get(`/v1/webhooks/${theirs.id}`).set(admin.auth)).status).toBe(200)
  })

  test('bodies are validated: known events, at least one, an http(s) URL', async () => {
    const student = await createStudent(t.database.db)
    const post = (body: object) => t.http.post('/v1/webhooks').set(student.auth).send(body)
    expect((await post({ url: 'http://127.0.0.1:9/', events: [] })).status).toBe(400)
    expect((await post({ url: 'http://127.0.0.1:9/', events: ['block.exploded'] })).status).toBe(400)
    expect((await post({ url: 'not a url', events: ['block.created'] })).status).toBe(400)
    expect((await post({ events: ['block.created'] })).status).toBe(400)
  })

  test('each role needs the scope that reads the data: progress:read, mentees:read, admin', async () => {
    const writer = await createUser(t.database.db, 'student', { scopes: ['progress:write'] })
    const advisor = await createUser(t.database.db, 'advisor', { scopes: [] })
    const body = { url: 'http://127.0.0.1:9/', events: ['block.created'] }
    const refused = await t.http.post('/v1/webhooks').set(writer.auth).send(body)
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ code: 'auth.scope_missing' })
    expect((await t.http.get('/v1/webhooks').set(writer.auth)).status).toBe(403)
    expect((await t.http.get('/v1/webhooks').set(advisor.auth)).status).toBe(403)
    expect((await t.http.get('/v1/webhooks')).status).toBe(401)
  })
})
