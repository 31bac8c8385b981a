/**
 * The baseline: plain Fastify and one pg.Pool of the same size as the service's, no auth, no
 * validation beyond JSON parsing, no idempotency, no outbox, no transaction. POST does exactly one
 * INSERT of a row like a block (breakdowns as jsonb), GET one indexed SELECT ... LIMIT. What the
 * service costs on top of "parse JSON, one round trip to PostgreSQL" is the ratio the bench reports.
 *
 * GET /students/:id/analytics runs only the aggregate SQL the analytics engine needs, on the
 * service's own tables (the seeded student's rows): the same eight queries as
 * loadAnalyticsInputs (profile, Qbank usage, per-day volumes over 28 days, per-system and
 * per-subject sums, topics, assessments, activities), written for one student, one after the other
 * on one connection, and returns the rows as they come. No token, no access check, no rate-limit
 * counter, no transaction, no engine, no response schema.
 */
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import pg from 'pg'
import { failStartup, requireEnv, serveForParent } from './child.js'

const POOL_MAX = 20

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

// $1 student id, $2 as-of date (the student's day), $3 its time zone (a query using fewer gets the
// first ones: PostgreSQL refuses a parameter it cannot type). Same shapes as
// src/modules/analytics/analytics.repository.ts, for one student instead of a set of targets.
const CUTOFF = `(($2::date + 1)::timestamp at time zone $3::text)`
const WINDOW_START = `(($2::date - 27)::timestamp at time zone $3::text)`
const LOCAL_DAY = `(b.taken_at at time zone $3::text)::date`
const LIVE_BLOCK = `b.student_id = $1 and b.deleted_at is null and b.taken_at < ${CUTOFF}`
// All-time sums from the running totals less what came after the cutoff; 28-day sums from the window.
const breakdown = (table: string, totals: string, column: string) => `with total as (
    select ${column} as key, sum(attempted) as attempted, sum(correct) as correct
    from ${totals} where student_id = $1 group by 1),
  recent as (
    select x.${column} as key,
      coalesce(sum(x.total) filter (where b.taken_at < ${CUTOFF}), 0) as attempted28,
      coalesce(sum(x.correct) filter (where b.taken_at < ${CUTOFF}), 0) as correct28,
      coalesce(sum(x.total) filter (where b.taken_at >= ${CUTOFF}), 0) as attempted_after,
      coalesce(sum(x.correct) filter (where b.taken_at >= ${CUTOFF}), 0) as correct_after
    from blocks b join ${table} x on x.block_id = b.id
    where b.student_id = $1 and b.deleted_at is null and b.taken_at >= ${WINDOW_START}
    group by 1)
  select * from (
    select total.key, (total.attempted - coalesce(recent.attempted_after, 0))::int as attempted,
      (total.correct - coalesce(recent.correct_after, 0))::int as correct,
      coalesce(recent.attempted28, 0)::int as attempted28, coalesce(recent.correct28, 0)::int as correct28
    from total left join recent on recent.key = total.key) as sums
  where attempted > 0 order by 1`
const ANALYTICS_QUERIES: readonly (readonly [name: string, text: string, params?: number])[] = [
  [
    'profile',
    `select p.prep_start_date::text, p.exam_date::text, p.eras_submission_date::text, p.target_score, p.exam_score,
       p.study_mode, p.study_days_per_week,
       (select json_agg(json_build_object('source', q.source, 'totalQuestions', q.total_questions) order by q.source)
          from student_qbanks q where q.student_id = u.id) as qbanks
     from users u left join student_profiles p on p.student_id = u.id
     where u.id = $1 and u.role = 'student'`,
    1,
  ],
  [
    'usage',
    `with total as (
       select source, sum(blocks) as blocks, sum(questions) as questions, sum(correct) as correct,
         sum(new_questions) as new_questions, sum(first_pass_questions) as first_pass_questions,
         sum(first_pass_correct) as first_pass_correct, sum(review_questions) as review_questions
       from student_source_totals where student_id = $1 group by 1),
     after as (
       select b.source, count(*) as blocks, sum(b.question_count) as questions, sum(b.correct_count) as correct,
         sum(b.new_question_count) as new_questions,
         coalesce(sum(b.question_count) filter (where b.pass = 'first'), 0) as first_pass_questions,
         coalesce(sum(b.correct_count) filter (where b.pass = 'first'), 0) as first_pass_correct,
         coalesce(sum(b.question_count) filter (where b.pass = 'review'), 0) as review_questions
       from blocks b where b.student_id = $1 and b.deleted_at is null and b.taken_at >= ${CUTOFF} group by 1)
     select total.source,
       (select (min(b.taken_at) at time zone $3::text)::date from blocks b
         where b.student_id = $1 and b.source = total.source and b.deleted_at is null)::text as first_used_on,
       (select (max(b.taken_at) at time zone $3::text)::date from blocks b
         where b.student_id = $1 and b.source = total.source and b.deleted_at is null and b.taken_at < ${CUTOFF})::text as last_used_on,
       (total.new_questions - coalesce(after.new_questions, 0))::int as new_questions,
       (total.first_pass_questions - coalesce(after.first_pass_questions, 0))::int as first_pass_questions,
       (total.first_pass_correct - coalesce(after.first_pass_correct, 0))::int as first_pass_correct,
       (total.review_questions - coalesce(after.review_questions, 0))::int as review_questions,
       (total.questions - coalesce(after.questions, 0))::int as attempted,
       (total.correct - coalesce(after.correct, 0))::int as correct
     from total left join after on after.source = total.source
     where total.blocks - coalesce(after.blocks, 0) > 0 order by 1`,
  ],
  [
    'daily',
    `select ${LOCAL_DAY}::text as date, b.source,
       sum(b.question_count)::int as questions, sum(b.correct_count)::int as correct,
       sum(b.new_question_count)::int as new_questions,
       coalesce(sum(b.question_count) filter (where b.timed and b.selection = 'random'), 0)::int as timed_random,
       sum(b.review_minutes)::int as review_minutes,
       coalesce(sum(b.question_count) filter (where b.review_minutes is not null), 0)::int as questions_with_review,
       coalesce(sum(b.mistakes_knowledge), 0)::int as knowledge,
       coalesce(sum(b.mistakes_misread), 0)::int as misread,
       coalesce(sum(b.mistakes_timing), 0)::int as timing
     from blocks b where ${LIVE_BLOCK} and b.taken_at >= ${WINDOW_START}
     group by 1, 2 order by 1, 2`,
  ],
  ['systems', breakdown('block_systems', 'student_system_totals', 'system')],
  ['subjects', breakdown('block_subjects', 'student_subject_totals', 'subject')],
  [
    'topics',
    `with total as (
       select topic, sum(attempted) as attempted, sum(correct) as correct
       from student_topic_totals where student_id = $1 group by 1),
     after as (
       select t.topic, sum(b.question_count) as attempted, sum(b.correct_count) as correct
       from blocks b cross join lateral unnest(b.topics) as t(topic)
       where b.student_id = $1 and b.deleted_at is null and b.taken_at >= ${CUTOFF} group by 1)
     select * from (
       select total.topic, (total.attempted - coalesce(after.attempted, 0))::int as attempted,
         (total.correct - coalesce(after.correct, 0))::int as correct
       from total left join after on after.topic = total.topic) as sums
     where attempted > 0 order by 1`,
  ],
  [
    'assessments',
    `select a.id, a.form, to_char(a.taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as taken_at,
       (a.taken_at at time zone $3::text)::date::text as taken_on, a.score, a.percent_correct,
       (select json_agg(json_build_object('system', e->>'system', 'percentCorrect', (e->>'percentCorrect')::float8))
          from jsonb_array_elements(a.systems) e) as systems
     from assessments a where a.student_id = $1 and a.deleted_at is null and a.taken_at < ${CUTOFF}
     order by a.taken_at, a.id`,
  ],
  [
    'activities',
    `select a.date::text as date, a.type, sum(a.minutes)::int as minutes, null::text as last_on,
       null::text as last_simulation_on
     from activities a where a.student_id = $1 and a.deleted_at is null and a.date between $2::date - 27 and $2::date
     group by 1, 2
     union all
     select null, null, null, max(a.date)::text, (max(a.date) filter (where a.type = 'simulation_day'))::text
     from activities a where a.student_id = $1 and a.deleted_at is null and a.date <= $2::date
     order by 1, 2`,
    2,
  ],
]

async function main() {
  const pool = new pg.Pool({ connectionString: requireEnv('BENCH_DB_URL'), max: POOL_MAX })
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
      const client = await pool.connect()
      try {
        const result: Record<string, unknown[]> = {}
        const params = [req.params.studentId, asOf, tz]
        for (const [name, text, used = 3] of ANALYTICS_QUERIES)
          result[name] = (await client.query(text, params.slice(0, used))).rows
        return result
      } finally {
        client.release()
      }
    },
  )

  await app.listen({ port: 0, host: '127.0.0.1' })
  serveForParent((app.server.address() as AddressInfo).port, async () => {
    await app.close()
    await pool.end()
  })
}

main().catch(failStartup)
