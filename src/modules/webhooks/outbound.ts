// Outbound safety for webhooks: which URLs the service will POST to, and the POST itself.
// A webhook URL is chosen by a client, so without these checks the service could be pointed at
// its own network (databases, cloud metadata at 169.254.169.254, admin ports): server-side
// request forgery. The address policy is pure; the lookups and the POST are the only I/O.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP } from 'node:net'

export type AddressCategory =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'shared (CGNAT)' | 'multicast' | 'reserved'

// Each list holds IPv4 and IPv6 ranges; IPv4-mapped IPv6 (::ffff:10.0.0.1) matches the IPv4 rules.
function blockList(ranges: readonly string[]): BlockList {
  const list = new BlockList()
  for (const range of ranges) {
    const [network = '', prefix = ''] = range.split('/')
    list.addSubnet(network, Number(prefix), network.includes(':') ? 'ipv6' : 'ipv4')
  }
  return list
}

const CATEGORIES: readonly [AddressCategory, BlockList][] = [
  ['unspecified', blockList(['0.0.0.0/8', '::/128'])],
  ['loopback', blockList(['127.0.0.0/8', '::1/128'])],
  ['private', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'])],
  ['link-local', blockList(['169.254.0.0/16', 'fe80::/10'])],
  ['shared (CGNAT)', blockList(['100.64.0.0/10'])],
  ['multicast', blockList(['224.0.0.0/4', 'ff00::/8'])],
  // IETF protocol assignments, benchmarking, documentation, class E and broadcast; IPv6 documentation
  // and discard-only. None is a legitimate webhook receiver.
  [
    'reserved',
    blockList([
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
      '2001:db8::/32',
      '100::/64',
      // IPv6 forms that carry an IPv4 address a gateway may route to, private ones included
      // (64:ff9b::a9fe:a9fe is 169.254.169.254 through NAT64): NAT64, 6to4, IPv4-compatible.
      '64:ff9b::/96',
      '64:ff9b:1::/48',
      '2002::/16',
      '::/96',
    ]),
  ],
]

/** Why an IP address is not a public destination, or undefined when it is one. */
export function addressCategory(address: string): AddressCategory | undefined {
  const version = isIP(address)
  if (version === 0) throw new Error(`not an IP address: ${address}`)
  const type = version === 4 ? 'ipv4' : 'ipv6'
  return CATEGORIES.find(([, list]) => list.check(address, type))?.[0]
}

export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>

/** Every address the system resolver gives for a name (what a connection could use). */
export const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    )
  })

export type DestinationCheck =
  { ok: true } | { ok: false; reason: 'scheme' | 'unresolvable' | 'address'; detail: string }

/** A URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

/** "10.0.0.7, a private address" when the address may not be used, else undefined. */
function refusedAddress(address: string, allowPrivate: boolean): string | undefined {
  if (allowPrivate) return undefined
  const category = addressCategory(address)
  return category ? `${address}, a ${category} address` : undefined
}

/**
 * Whether the service may POST to this URL: http(s) only, and (unless private targets are
 * allowed) every address the host resolves to must be public. Checked when subscribing and again
 * before every attempt, since DNS answers change; the connection itself re-checks (guardedLookup).
 */
export async function checkDestination(
  rawUrl: string,
  { allowPrivate, resolve = resolveAll }: { allowPrivate: boolean; resolve?: Resolver },
): Promise<DestinationCheck> {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return { ok: false, reason: 'scheme', detail: 'The URL does not parse' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {
      ok: false,
      reason: 'scheme',
      detail: `Only http and https URLs are allowed, not ${url.protocol}`,
    }
  const host = hostOf(url)
  const publicOnly = 'webhooks may only target public addresses'
  if (isIP(host) !== 0) {
    const category = allowPrivate ? undefined : addressCategory(host)
    return category
      ? { ok: false, reason: 'address', detail: `${host} is a ${category} address; ${publicOnly}` }
      : { ok: true }
  }
  let addresses: readonly string[]
  try {
    addresses = (await resolve(host)).map((a) => a.address)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    return {
      ok: false,
      reason: 'unresolvable',
      detail: `The host ${host} does not resolve${typeof code === 'string' ? ` (${code})` : ''}`,
    }
  }
  if (addresses.length === 0)
    return { ok: false, reason: 'unresolvable', detail: `The host ${host} has no address` }
  for (const address of addresses) {
    const refused = refusedAddress(address, allowPrivate)
    if (refused)
      return {
        ok: false,
        reason: 'address',
        detail: `The host ${host} resolves to ${refused}; ${publicOnly}`,
      }
  }
  return { ok: true }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for http.request that refuses non-public answers at connect time. This closes the
 * gap between checkDestination and the connection (DNS rebinding: a name that resolved to a public
 * address a moment ago and to 127.0.0.1 now): the address checked is the one connected to.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '')
      for (const { address } of addresses) {
        const refused = refusedAddress(address, allowPrivate)
        if (refused) {
          const error: NodeJS.ErrnoException = new Error(`refused: ${hostname} resolves to ${refused}`)
          error.code = 'EWEBHOOKREFUSED'
          return callback(error, '')
        }
      }
      const first = addresses[0]
      if (options.all) return callback(null, addresses)
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '')
      return callback(null, first.address, first.family)
    })
  }
}

/** How much of a receiver's answer is kept (for the delivery log): a short excerpt, never the body. */
export const EXCERPT_CHARS = 500
/** Bytes read before the connection is dropped: enough for the excerpt in any UTF-8 text. */
const EXCERPT_BYTES = 4 * EXCERPT_CHARS

export interface SendResult {
  /** The receiver's status code; null when none arrived (refused, unreachable, timeout). */
  statusCode: number | null
  durationMs: number
  /** Why the attempt failed before a status arrived. */
  error: string | null
  responseExcerpt: string | null
}

/** Only a 2xx counts as delivered; a 3xx is a failure (redirects are never followed). */
export const isDelivered = (r: SendResult) =>
  r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300

function excerptOf(chunks: Buffer[]): string | null {
  if (chunks.length === 0) return null
  const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')
  // Whole code points only; NUL cannot be stored in a text column.
  return Array.from(text)
    .slice(0, EXCERPT_CHARS)
    .join('')
    .replace(/\u0000/g, '')
}

function describeError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`
  const e = err as { code?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : String(err)
  const text = typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message
  return text.slice(0, EXCERPT_CHARS)
}

/**
 * POSTs one webhook. Never throws: every outcome is a SendResult. node:http rather than fetch so
 * the connection can use guardedLookup (fetch cannot take a lookup without adding undici as a
 * dependency); it also never follows redirects. One deadline covers DNS, connect, TLS, the
 * response and the excerpt.
 */
export async function sendWebhook({
  url,
  headers,
  body,
  timeoutMs,
  allowPrivate,
  resolve,
}: {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  allowPrivate: boolean
  resolve?: Resolver
}): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const signal = AbortSignal.timeout(timeoutMs)

  const destination = await checkDestination(url, { allowPrivate, ...(resolve ? { resolve } : {}) })
  if (!destination.ok)
    return {
      statusCode: null,
      durationMs: elapsed(),
      // Cut like every other error: a long host name must not make the delivery log unbounded.
      error: `refused: ${destination.detail}`.slice(0, EXCERPT_CHARS),
      responseExcerpt: null,
    }

  const target = new URL(url)
  const client = target.protocol === 'https:' ? https : http
  return new Promise<SendResult>((done) => {
    let settled = false
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      done({ ...result, durationMs: elapsed() })
    }
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'step2-progress-api-webhooks/1',
        },
        lookup: guardedLookup(allowPrivate),
        // A fresh connection per delivery: no pooled socket outlives the address check.
        agent: false,
        signal,
      },
      (response) => {
        const statusCode = response.statusCode ?? null
        const chunks: Buffer[] = []
        let size = 0
        const answer = () => finish({ statusCode, error: null, responseExcerpt: excerptOf(chunks) })
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk)
          size += chunk.length
          // The rest of a large answer is never read: drop the connection once the excerpt is full.
          if (size >= EXCERPT_BYTES) {
            answer()
            response.destroy()
          }
        })
        response.on('end', answer)
        // A receiver that answered and then stalled or reset mid-body still answered.
        response.on('close', answer)
        response.on('error', answer)
      },
    )
    request.on('error', (err) =>
      finish({
        statusCode: null,
        error: describeError(err, signal.aborted, timeoutMs),
        responseExcerpt: null,
      }),
    )
    request.end(body)
  })
}
