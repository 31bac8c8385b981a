import { createHash } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import { type Db, queryRowsPrepared, type Tx } from '../../db/client.js'
import { callerOf } from '../../http/auth.js'
import { badRequest, conflict, unprocessable } from '../../http/errors.js'
import { idempotencyKeys } from './sync.tables.js'

export interface StoredResponse {
  status: number
  body: unknown
}

export interface IdempotencyContext {
  userId: string
  key: string | undefined
  fingerprint: string
}

/** Replays are kept this long (api.md: at least 24 h). */
const RETENTION = sql`interval '24 hours'`
/** A claim older than this whose request never finished (process died) may be taken over. */
const STALE_CLAIM = sql`interval '60 seconds'`

const KEY = /^[\x21-\x7e]{1,255}$/

/** JSON with sorted keys, so {a,b} and {b,a} are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

/** What makes two requests "the same": method, route, target ids and body. */
export function idempotencyContext(req: FastifyRequest): IdempotencyContext {
  const header = req.headers['idempotency-key']
  const key = Array.isArray(header) ? header[0] : header
  if (key !== undefined && !KEY.test(key))
    throw badRequest('idempotency.key_invalid', 'Idempotency-Key must be 1–255 visible ASCII characters')
  const params = { ...(req.params as Record<string, string>), studentId: req.studentId }
  const fingerprint = createHash('sha256')
    .update(
      `${req.method} ${req.routeOptions.url ?? ''} ${canonicalJson(params)} ${canonicalJson(req.body ?? null)}`,
    )
    .digest('hex')
  return { userId: callerOf(req).userId, key, fingerprint }
}

/** The key a one-statement write completes itself, in the same statement as the write. */
export interface KeyToComplete {
  userId: string
  key: string
}

/**
 * A write done in a single statement (one round trip, one commit), storing the response under the
 * key it is given in that same statement. Undefined, having written nothing, when it does not apply
 * to this request: runIdempotent then runs the general `work` in a transaction.
 */
export type OneStatementWrite = (db: Db, key: KeyToComplete | null) => Promise<StoredResponse | undefined>

/**
 * Runs a write at most once per (caller, Idempotency-Key):
 * 1. claim the key in its own short transaction (a new key, or one whose claim went stale);
 * 2. do the write and store its response in one transaction, so the stored response exists
 *    exactly when the write does;
 * 3. on failure release the claim, so a corrected retry may use the same key.
 * Without a key it simply runs the write in a transaction. Given a OneStatementWrite, it tries that
 * first (step 2 in one statement), and falls back to `work` when it does not apply.
 */
export async function runIdempotent(
  db: Db,
  ctx: IdempotencyContext,
  work: (tx: Tx) => Promise<StoredResponse>,
  oneStatement?: OneStatementWrite,
): Promise<StoredResponse & { replayed: boolean }> {
  const { key } = ctx
  if (key === undefined) {
    const fast = oneStatement ? await oneStatement(db, null) : undefined
    return { ...(fast ?? (await db.transaction(work))), replayed: false }
  }

  // Prepared: every keyed write starts with this statement.
  const claimed = await queryRowsPrepared<{ key: string }>(
    db,
    'idempotency_claim',
    sql`insert into idempotency_keys as k (user_id, key, request_hash)
        values (${ctx.userId}, ${key}, ${ctx.fingerprint})
        on conflict (user_id, key) do update set request_hash = excluded.request_hash, locked_at = now(),
          created_at = now(), response_status = null, response_body = null, completed_at = null
        where (k.completed_at is null and k.locked_at < now() - ${STALE_CLAIM}) or k.created_at < now() - ${RETENTION}
        returning k.key`,
  )

  if (claimed.length === 0) {
    const [existing] = await db
      .select({
        requestHash: idempotencyKeys.requestHash,
        responseStatus: idempotencyKeys.responseStatus,
        responseBody: idempotencyKeys.responseBody,
        completedAt: idempotencyKeys.completedAt,
      })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, ctx.userId), eq(idempotencyKeys.key, key)))
    if (existing && existing.requestHash !== ctx.fingerprint)
      throw unprocessable(
        'idempotency.key_reused',
        'This Idempotency-Key was used for a different request; use a new key for a new request',
      )
    if (existing?.completedAt && existing.responseStatus !== null)
      return { status: existing.responseStatus, body: existing.responseBody, replayed: true }
    throw conflict(
      'idempotency.in_flight',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    )
  }

  try {
    const fast = oneStatement ? await oneStatement(db, { userId: ctx.userId, key }) : undefined
    if (fast) return { ...fast, replayed: false }
    const response = await db.transaction(async (tx) => {
      const result = await work(tx)
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: result.status, responseBody: result.body ?? null, completedAt: sql`now()` })
        .where(and(eq(idempotencyKeys.userId, ctx.userId), eq(idempotencyKeys.key, key)))
      return result
    })
    return { ...response, replayed: false }
  } catch (err) {
    await db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.userId, ctx.userId),
          eq(idempotencyKeys.key, key),
          isNull(idempotencyKeys.completedAt),
        ),
      )
      .catch(() => undefined)
    throw err
  }
}
