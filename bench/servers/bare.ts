/**
 * The baseline: plain Fastify and one pg.Pool of the same size as the service's, no auth, no
 * validation beyond JSON parsing, no idempotency, no outbox, no transaction. POST does exactly one
 * INSERT of a row like a block (breakdowns as jsonb), GET one indexed SELECT ... LIMIT. What the
 * service costs on top of "parse JSON, one round trip to PostgreSQL" is the ratio the bench reports.
 *
 * GET /students/:id/analytics runs only the aggregate SQL the analytics engine needs, on the
 * service's own tables (the seeded student's rows): the very statement loadAnalyticsInputs sends
 * (analyticsStatement: profile, Qbank usage, per-day volumes over 28 days, per-system and per-subject
 * sums, topics, assessments, activities), rendered by drizzle's dialect and sent with pg, and returns
 * its row as it comes. No token, no access check, no rate-limit counter, no engine, no response schema.
 */
import type { AddressInfo } from 'node:net'
import { PgDialect } from 'drizzle-orm/pg-core'
import Fastify from 'fastify'
import pg from 'pg'
import { analyticsStatement } from '../../src/modules/analytics/analytics.repository.js'
import { failStartup, requireEnv, serveForParent } from './child.js'

const POOL_MAX = 20
const dialect = new PgDialect()

const COLUMNS = `id, student_id, source, external_id, taken_at, question_count, correct_count, new_question_count,
  pass, timed, selection, duration_minutes, review_minutes, systems, subjects, mistakes, topics, created_at`

interface BlockBody {
  source: string
  externalId?: string
  takenAt: string
  questionCount: number
  correctCount: number
  newQuestionCount?: number
  pass: string
  timed: boolean
  selection: string
  durationMinutes?: number
  reviewMinutes?: number
  systems?: unknown[]
  subjects?: unknown[]
  mistakes?: unknown
  topics?: string[]
}

const todayIn = (tz: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date())

async function main() {
  // No JIT, as the service's pool (src/db/client.ts).
  const pool = new pg.Pool({
    connectionString: requireEnv('BENCH_DB_URL'),
    max: POOL_MAX,
    options: '-c jit=off',
  })
  await pool.query(`create table if not exists bench_bare_blocks (
    id uuid primary key default gen_random_uuid(),
    student_id uuid not null,
    source text not null,
    external_id text,
    taken_at timestamptz not null,
    question_count integer not null,
    correct_count integer not null,
    new_question_count integer not null,
    pass text not null,
    timed boolean not null,
    selection text not null,
    duration_minutes integer,
    review_minutes integer,
    systems jsonb not null default '[]',
    subjects jsonb not null default '[]',
    mistakes jsonb,
    topics text[] not null default '{}',
    created_at timestamptz not null default now()
  )`)
  await pool.query(
    'create index if not exists bench_bare_blocks_student_taken_idx on bench_bare_blocks (student_id, taken_at, id)',
  )

  const app = Fastify({ logger: false })

  app.post<{ Params: { studentId: string }; Body: BlockBody }>(
    '/students/:studentId/blocks',
    async (req, reply) => {
      const b = req.body
      const { rows } = await pool.query(
        `insert into bench_bare_blocks (student_id, source, external_id, taken_at, question_count, correct_count,
           new_question_count, pass, timed, selection, duration_minutes, review_minutes, systems, subjects,
           mistakes, topics)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         returning ${COLUMNS}`,
        [
          req.params.studentId,
          b.source,
          b.externalId ?? null,
          b.takenAt,
          b.questionCount,
          b.correctCount,
          b.newQuestionCount ?? (b.pass === 'first' ? b.questionCount : 0),
          b.pass,
          b.timed,
          b.selection,
          b.durationMinutes ?? null,
          b.reviewMinutes ?? null,
          JSON.stringify(b.systems ?? []),
          JSON.stringify(b.subjects ?? []),
          b.mistakes === undefined ? null : JSON.stringify(b.mistakes),
          b.topics ?? [],
        ],
      )
      return reply.code(201).send(rows[0])
    },
  )

  app.get<{ Params: { studentId: string }; Querystring: { limit?: string } }>(
    '/students/:studentId/blocks',
    async (req) => {
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 50) || 50))
      const { rows } = await pool.query(
        `select ${COLUMNS} from bench_bare_blocks where student_id = $1 order by taken_at, id limit $2`,
        [req.params.studentId, limit],
      )
      return { data: rows, nextCursor: null }
    },
  )

  app.get<{ Params: { studentId: string }; Querystring: { tz?: string; asOf?: string } }>(
    '/students/:studentId/analytics',
    async (req) => {
      const tz = req.query.tz ?? 'UTC'
      const asOf = req.query.asOf ?? todayIn(tz)
      // Exactly the SQL the service runs (one statement: eight aggregate parts and the data version), prepared as it is.
      const { sql: text, params } = dialect.sqlToQuery(
        analyticsStatement([{ studentId: req.params.studentId, timezone: tz, asOf }], 'one').statement,
      )
      const { rows } = await pool.query<Record<string, unknown[]>>({
        name: 'analytics_one_student',
        text,
        values: params,
      })
      return rows[0] ?? {}
    },
  )

  await app.listen({ port: 0, host: '127.0.0.1' })
  serveForParent((app.server.address() as AddressInfo).port, async () => {
    await app.close()
    await pool.end()
  })
}

main().catch(failStartup)
