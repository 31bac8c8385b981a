/**
 * Content fingerprints of every table, kept by triggers so reading them costs one small query.
 *
 * Each tracked table gets a row-level trigger that adds hash(row) to a per-table sum on insert,
 * subtracts it on delete, and does both on update. The sum (with the row count) is a multiset hash
 * of the table's content: it changes when any row is added, removed or altered, and is back to its
 * old value when a change is undone (an idempotency claim released after a failure). Writes rolled
 * back with their transaction leave no trace, which is exactly "not stored".
 */
import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../../src/db/client.js'

/**
 * Tables that change by design outside the write under test: the rate limiter's counters (every
 * request), and mentee_snapshots, a cache that dashboard reads fill (its invalidation is tested in
 * test/integration/mentee-snapshots.test.ts).
 */
const UNTRACKED = new Set(['rate_limit_counters', 'fuzz_fingerprint', 'mentee_snapshots'])

export interface TableState {
  rows: number
  hash: string
}
export type Fingerprint = Map<string, TableState>

const ROW_HASH = `('x' || substr(md5(r), 1, 15))::bit(60)::bigint::numeric`

/** Installs the triggers on every base table of the public schema but the untracked ones. */
export async function installFingerprint(db: Db): Promise<string[]> {
  const tables = (
    await queryRows<{ name: string }>(
      db,
      sql`select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    )
  )
    .map((t) => t.name)
    .filter((name) => !UNTRACKED.has(name))
  await db.execute(
    sql.raw(`create table fuzz_fingerprint (tbl text primary key, n bigint not null, h numeric not null)`),
  )
  await db.execute(
    sql.raw(
      `create function fuzz_row_hash(r text) returns numeric language sql immutable as $$ select ${ROW_HASH} $$`,
    ),
  )
  await db.execute(
    sql.raw(`create function fuzz_track() returns trigger language plpgsql as $$
      begin
        if TG_OP <> 'INSERT' then
          update fuzz_fingerprint set n = n - 1, h = h - fuzz_row_hash(row_to_json(OLD)::text) where tbl = TG_TABLE_NAME;
        end if;
        if TG_OP <> 'DELETE' then
          update fuzz_fingerprint set n = n + 1, h = h + fuzz_row_hash(row_to_json(NEW)::text) where tbl = TG_TABLE_NAME;
        end if;
        return null;
      end $$`),
  )
  await db.execute(
    sql.raw(`create function fuzz_refuse_truncate() returns trigger language plpgsql as $$
      begin raise exception 'fuzz: TRUNCATE of % would hide changes from the fingerprint', TG_TABLE_NAME; end $$`),
  )
  for (const table of tables) {
    await db.execute(
      sql.raw(`insert into fuzz_fingerprint
        select '${table}', count(*), coalesce(sum(fuzz_row_hash(row_to_json(t)::text)), 0) from "${table}" t`),
    )
    await db.execute(
      sql.raw(`create trigger fuzz_track after insert or update or delete on "${table}"
        for each row execute function fuzz_track()`),
    )
    // A TRUNCATE would bypass the row triggers: make it loud instead.
    await db.execute(
      sql.raw(`create trigger fuzz_no_truncate before truncate on "${table}"
        for each statement execute function fuzz_refuse_truncate()`),
    )
  }
  return tables
}

export async function readFingerprint(db: Db): Promise<Fingerprint> {
  const rows = await queryRows<{ tbl: string; n: string | number; h: string }>(
    db,
    sql.raw(`select tbl, n, h::text as h from fuzz_fingerprint`),
  )
  return new Map(rows.map((r) => [r.tbl, { rows: Number(r.n), hash: String(r.h) }]))
}

/** The fingerprint recomputed from the tables themselves: proves the triggers missed nothing. */
export async function recomputeFingerprint(db: Db, tables: readonly string[]): Promise<Fingerprint> {
  const out: Fingerprint = new Map()
  for (const table of tables) {
    const [row] = await queryRows<{ n: string | number; h: string }>(
      db,
      sql.raw(`select count(*) as n, coalesce(sum(fuzz_row_hash(row_to_json(t)::text)), 0)::text as h
        from "${table}" t`),
    )
    out.set(table, { rows: Number(row?.n ?? -1), hash: String(row?.h ?? '') })
  }
  return out
}

export interface TableChange {
  table: string
  rows: number
  changed: boolean
}

/** Per table: net rows added (negative: removed) and whether the content changed at all. */
export function diffFingerprints(before: Fingerprint, after: Fingerprint): TableChange[] {
  const changes: TableChange[] = []
  for (const [table, b] of before) {
    const a = after.get(table) ?? { rows: Number.NaN, hash: '' }
    const rows = a.rows - b.rows
    const changed = rows !== 0 || a.hash !== b.hash
    if (changed) changes.push({ table, rows, changed })
  }
  return changes
}
