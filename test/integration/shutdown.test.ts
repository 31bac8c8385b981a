// Draining on close (src/http/draining.ts); the whole process under load: bench/faults/sigterm.ts.
import http from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../helpers/app.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'

let database: TestDatabase
beforeEach(async () => {
  database = await openTestDatabase()
})
afterEach(async () => {
  await database.destroy()
})

/** An app whose GET /health/ready hangs until release(): a request that stays in flight. */
async function appWithHeldReadiness() {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  const app = await buildApp({ config: testConfig(), database: { ...database, ping: () => held } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port, release }
}

test('a keep-alive request in flight when close() begins is answered with Connection: close, and close() does not wait for its connection', async () => {
  const { app, port, release } = await appWithHeldReadiness()
  const agent = new http.Agent({ keepAlive: true })
  const response = new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path: '/health/ready', agent }, resolve).on('error', reject),
  )
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = performance.now()
  const closed = app.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  release()
  const res = await response
  res.resume()
  expect(res.statusCode).toBe(200)
  expect(res.headers.connection).toBe('close')
  // Before the fix the idle keep-alive connection held close() until keepAliveTimeout (72 s).
  await closed
  expect(performance.now() - started).toBeLessThan(5_000)
  agent.destroy()
})

test('a request arriving on an open connection while the server closes gets a 503 problem with Connection: close', async () => {
  const { app, port, release } = await appWithHeldReadiness()
  // One request in flight keeps the server draining.
  const inFlight = new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path: '/health/ready', agent: false }, resolve).on('error', reject),
  )
  // A second connection has sent half a request: open and busy, so close() leaves it be.
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n')
  let raw = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (raw += chunk))
  const ended = new Promise((resolve) => socket.once('close', resolve))
  await new Promise((resolve) => setTimeout(resolve, 100))

  const closed = app.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  socket.write('\r\n')
  await ended

  const [head = '', body = ''] = raw.split('\r\n\r\n')
  expect(head).toMatch(/^HTTP\/1\.1 503 /)
  expect(head).toMatch(/^content-type: application\/problem\+json/im)
  expect(head).toMatch(/^connection: close/im)
  expect(head).toMatch(/^retry-after: 1/im)
  expect(JSON.parse(body)).toMatchObject({ status: 503, code: 'server.shutting_down' })

  release()
  expect((await inFlight).statusCode).toBe(200)
  await closed
})
