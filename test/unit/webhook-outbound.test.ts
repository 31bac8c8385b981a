import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  addressCategory,
  checkDestination,
  EXCERPT_CHARS,
  guardedLookup,
  isDelivered,
  type Resolver,
  sendWebhook,
} from '../../src/modules/webhooks/outbound.js'

describe('address policy', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'reserved'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['::127.0.0.1', 'reserved'],
  ])('%s is %s', (address, category) => {
    expect(addressCategory(address)).toBe(category)
  })

  test.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(addressCategory(address)).toBeUndefined()
  })
})

describe('checkDestination', () => {
  const resolver =
    (table: Record<string, string[]>): Resolver =>
    async (host) => {
      const addresses = table[host]
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    }
  const resolve = resolver({
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'sneaky.example.com': ['93.184.215.14', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
  })

  test('a public host is allowed', async () => {
    expect(await checkDestination('https://hooks.example.com/in', { allowPrivate: false, resolve })).toEqual({
      ok: true,
    })
  })

  test('a host with one private address among public ones is refused, naming the address', async () => {
    expect(await checkDestination('https://sneaky.example.com/in', { allowPrivate: false, resolve })).toEqual(
      {
        ok: false,
        reason: 'address',
        detail:
          'The host sneaky.example.com resolves to 10.0.0.7, a private address; webhooks may only target public addresses',
      },
    )
  })

  test.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://metadata.example.com/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://100.64.1.1/', 'shared (CGNAT)'],
  ])('%s is refused (%s)', async (url, category) => {
    const check = await checkDestination(url, { allowPrivate: false, resolve })
    expect(check.ok).toBe(false)
    expect(!check.ok && check.detail).toContain(category)
  })

  test.each(['ftp://hooks.example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])(
    '%s is refused: http(s) only',
    async (url) => {
      expect(await checkDestination(url, { allowPrivate: true, resolve })).toMatchObject({
        ok: false,
        reason: 'scheme',
      })
    },
  )

  test('an unknown host is refused as unresolvable', async () => {
    expect(
      await checkDestination('https://nowhere.example.com/', { allowPrivate: false, resolve }),
    ).toMatchObject({
      ok: false,
      reason: 'unresolvable',
      detail: 'The host nowhere.example.com does not resolve (ENOTFOUND)',
    })
  })

  test('WEBHOOK_ALLOW_PRIVATE lets loopback and private targets through', async () => {
    expect(await checkDestination('http://127.0.0.1:9/hook', { allowPrivate: true, resolve })).toEqual({
      ok: true,
    })
    expect(await checkDestination('https://sneaky.example.com/', { allowPrivate: true, resolve })).toEqual({
      ok: true,
    })
  })

  test('localhost resolves to loopback and is refused with the system resolver', async () => {
    expect(await checkDestination('http://localhost:3000/', { allowPrivate: false })).toMatchObject({
      ok: false,
      reason: 'address',
    })
  })
})

describe('guardedLookup (checked again when connecting)', () => {
  const lookup = (allowPrivate: boolean, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
      guardedLookup(allowPrivate)('localhost', { all }, (err, address) => resolve({ err, address }))
    })

  test('refuses a name that resolves to loopback', async () => {
    const { err } = await lookup(false, false)
    expect(err?.code).toBe('EWEBHOOKREFUSED')
    expect(err?.message).toMatch(/^refused: localhost resolves to .*, a loopback address$/)
  })

  test('answers in the shape asked for when allowed', async () => {
    expect((await lookup(true, false)).address).toMatch(/^(127\.0\.0\.1|::1)$/)
    expect(Array.isArray((await lookup(true, true)).address)).toBe(true)
  })
})

describe('sendWebhook', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume()
      if (req.url === '/ok') res.writeHead(204).end()
      else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end()
      else if (req.url === '/big') res.writeHead(500).end('é'.repeat(10_000))
      else if (req.url === '/hang')
        return // never answers
      else res.writeHead(404).end('nope')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const send = (path: string, overrides: Partial<Parameters<typeof sendWebhook>[0]> = {}) =>
    sendWebhook({
      url: base + path,
      headers: {},
      body: '{}',
      timeoutMs: 2_000,
      allowPrivate: true,
      ...overrides,
    })

  test('a 2xx is delivered', async () => {
    const result = await send('/ok')
    expect(result).toMatchObject({ statusCode: 204, error: null, responseExcerpt: null })
    expect(isDelivered(result)).toBe(true)
  })

  test('a redirect is not followed and counts as a failure', async () => {
    const result = await send('/redirect')
    expect(result.statusCode).toBe(302)
    expect(isDelivered(result)).toBe(false)
  })

  test(`only the first ${EXCERPT_CHARS} characters of the answer are kept`, async () => {
    const result = await send('/big')
    expect(result.statusCode).toBe(500)
    expect(result.responseExcerpt).toBe('é'.repeat(EXCERPT_CHARS))
  })

  test('a receiver that never answers times out', async () => {
    const result = await send('/hang', { timeoutMs: 200 })
    expect(result).toMatchObject({ statusCode: null, error: 'timed out after 200 ms' })
    expect(result.durationMs).toBeGreaterThanOrEqual(150)
    expect(result.durationMs).toBeLessThan(2_000)
  })

  test('without WEBHOOK_ALLOW_PRIVATE a loopback receiver is refused before any connection', async () => {
    const result = await send('/ok', { allowPrivate: false })
    expect(result.statusCode).toBeNull()
    expect(result.error).toMatch(
      /^refused: 127\.0\.0\.1 is a loopback address; webhooks may only target public addresses$/,
    )
  })

  test('a closed port is an error, not a throw', async () => {
    const result = await sendWebhook({
      url: 'http://127.0.0.1:1/',
      headers: {},
      body: '{}',
      timeoutMs: 2_000,
      allowPrivate: true,
    })
    expect(result.statusCode).toBeNull()
    expect(result.error).toMatch(/ECONNREFUSED/)
  })
})
