import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import createClient from 'openapi-fetch'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import type { paths } from '../client/schema.js'
import { testConfig } from '../helpers/app.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'
import { createAdmin } from '../helpers/factories.js'

/**
 * A client generated from openapi/openapi.json (openapi-typescript + openapi-fetch) against the
 * real server on a real socket: if the document and the routes disagree on a path, a parameter or
 * a field, this fails to compile or to run.
 */
let app: FastifyInstance
let database: TestDatabase
let config: Config
let baseUrl: string

beforeAll(async () => {
  config = testConfig()
  database = await openTestDatabase()
  app = await buildApp({ config, database })
  await app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await app?.close()
  await database?.destroy()
})

const clientFor = (token: string) =>
  createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } })

/** A day relative to today, ISO (UTC: the student below lives in UTC). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

describe('generated client (openapi-fetch) end to end', () => {
  test('admin creates a student and its token; the student logs a block and reads it back in analytics', async () => {
    const admin = clientFor((await createAdmin(database.db)).token)

    const created = await admin.POST('/v1/users', {
      body: {
        role: 'student',
        name: 'Client Test',
        email: `client-${randomUUID()}@example.test`,
        timezone: 'UTC',
      },
    })
    expect(created.response.status).toBe(201)
    if (!created.data) throw new Error(`createUser: ${JSON.stringify(created.error)}`)
    const studentId = created.data.id
    expect(created.data.role).toBe('student')

    const minted = await admin.POST('/v1/users/{userId}/tokens', {
      params: { path: { userId: studentId } },
      body: { name: 'openapi-fetch e2e', scopes: ['progress:read', 'progress:write'] },
    })
    expect(minted.response.status).toBe(201)
    if (!minted.data) throw new Error(`createToken: ${JSON.stringify(minted.error)}`)
    expect(minted.data.scopes).toEqual(['progress:read', 'progress:write'])
    const student = clientFor(minted.data.token)

    const me = await student.GET('/v1/me')
    expect(me.data?.user.id).toBe(studentId)
    // The rate-limit headers the document declares on every response of a rate-limited route.
    expect(me.response.headers.get('x-ratelimit-limit')).toBe(String(config.RATE_LIMIT_PER_MINUTE))

    const profile = await student.PATCH('/v1/students/{studentId}/profile', {
      params: { path: { studentId: 'me' } },
      body: { prepStartDate: day(-20), examDate: day(40), targetScore: 250, studyMode: 'dedicated' },
    })
    expect(profile.response.status).toBe(200)
    expect(profile.data?.examDate).toBe(day(40))

    const blockBody = {
      source: 'uworld',
      takenAt: new Date(Date.now() - 3_600_000).toISOString(),
      questionCount: 40,
      correctCount: 30,
      pass: 'first' as const,
      timed: true,
      selection: 'random' as const,
      systems: [
        { system: 'cardio', total: 25, correct: 20 },
        { system: 'pulm', total: 15, correct: 10 },
      ],
    }
    const idempotencyKey = `client-e2e-${randomUUID()}`
    const logBlock = () =>
      student.POST('/v1/students/{studentId}/blocks', {
        params: { path: { studentId: 'me' }, header: { 'idempotency-key': idempotencyKey } },
        body: blockBody,
      })
    const logged = await logBlock()
    expect(logged.response.status).toBe(201)
    if (!logged.data) throw new Error(`createBlock: ${JSON.stringify(logged.error)}`)
    const block = logged.data
    expect(block.studentId).toBe(studentId)
    expect(block.percentCorrect).toBe(75)
    expect(block.systems.map((s) => s.system)).toEqual(['cardiovascular', 'pulmonary'])

    // The same Idempotency-Key replays the first response instead of logging the block twice.
    const replayed = await logBlock()
    expect(replayed.response.status).toBe(201)
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true')
    expect(replayed.data?.id).toBe(block.id)

    const read = await student.GET('/v1/students/{studentId}/blocks/{blockId}', {
      params: { path: { studentId, blockId: block.id } },
    })
    expect(read.data).toEqual(block)

    const missing = await student.GET('/v1/students/{studentId}/blocks/{blockId}', {
      params: { path: { studentId: 'me', blockId: randomUUID() } },
    })
    expect(missing.response.status).toBe(404)
    expect(missing.error?.code).toBe('block.not_found')

    const analytics = await student.GET('/v1/students/{studentId}/analytics', {
      params: { path: { studentId: 'me' } },
    })
    expect(analytics.response.status).toBe(200)
    if (!analytics.data) throw new Error(`getAnalytics: ${JSON.stringify(analytics.error)}`)
    const figures = analytics.data
    expect(figures.overall).toMatchObject({ attempted: 40, correct: 30, percent: 75 })
    expect(figures.qbanks.find((q) => q.source === 'uworld')).toMatchObject({ uniqueUsed: 40 })
    expect(figures.volume.last7.questions).toBe(40)
    expect(figures.systems.find((s) => s.system === 'cardiovascular')).toMatchObject({
      attempted: 25,
      correct: 20,
      percent: 80,
    })
    expect(figures.phase.name).toBe('heavy_qbank')

    const recommendations = await student.GET('/v1/students/{studentId}/recommendations', {
      params: { path: { studentId: 'me' } },
    })
    expect(recommendations.response.status).toBe(200)
    expect(recommendations.data?.asOf).toBe(figures.asOf)
    expect(recommendations.data?.data).toEqual(figures.recommendations)
    // Day 20 of prep with no self-assessment: the guide's baseline assessment is overdue.
    expect(recommendations.data?.data.map((r) => r.id)).toContain('baseline-assessment')
  })
})
