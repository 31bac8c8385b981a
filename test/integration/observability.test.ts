import { describe, expect, test } from 'vitest'
import { useTestApp } from '../helpers/app.js'

const t = useTestApp({ METRICS_TOKEN: 'metrics-secret-123456' })

describe('observability', () => {
  test('echoes a sane x-request-id and makes one otherwise', async () => {
    const given = await t.http.get('/health/live').set('x-request-id', 'abc-123')
    expect(given.headers['x-request-id']).toBe('abc-123')
    const made = await t.http.get('/health/live')
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const hostile = await t.http.get('/health/live').set('x-request-id', 'bad id <script>')
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  test('liveness and readiness answer without a token', async () => {
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok' })
    const ready = await t.http.get('/health/ready')
    expect(ready.status).toBe(200)
    expect(['postgres', 'pglite']).toContain(ready.body.database)
  })

  test('metrics need METRICS_TOKEN when set, and count requests by route template', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401)
    const res = await t.http.get('/metrics').set('Authorization', 'Bearer metrics-secret-123456')
    expect(res.status).toBe(200)
    expect(res.text).toContain('http_request_duration_seconds_bucket')
    expect(res.text).toContain('route="/health/live"')
  })

  test('the OpenAPI document and the docs are public', async () => {
    const doc = await t.http.get('/openapi.json')
    expect(doc.status).toBe(200)
    expect(doc.body.openapi).toBe('3.1.0')
    expect(doc.body.paths['/v1/students/{studentId}/profile']).toBeDefined()
    const docs = await t.http.get('/docs/').redirects(1)
    expect(docs.status).toBe(200)
  })
})
