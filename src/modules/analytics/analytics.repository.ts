import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { queryRows, queryRowsPrepared } from '../../db/client.js'
import { IR_TOPICS, SUBJECTS, SYSTEMS, UWORLD_TOTAL_QUESTIONS } from '../../reference/index.js'
import type { StudyMode } from '../students/profiles.table.js'
import type { ActivityType, AnalyticsInput } from './types.js'

/** The reference part of the input never changes at run time: built once. */
const REFERENCE: AnalyticsInput['reference'] = {
  systems: SYSTEMS.map((s) => ({
    slug: s.slug,
    name: s.name,
    outlineSystem: s.outlineSystem,
    examWeight: s.examWeight,
  })),
  subjects: SUBJECTS.map((s) => ({ slug: s.slug, name: s.name })),
  irTopics: IR_TOPICS.map((t) => ({ slug: t.slug, name: t.name, systems: [...t.systems] })),
}

/** Days of daily detail the engine reads (trailing 28-day figures are the longest window). */
const DETAIL_DAYS = 28
/** A constant, inlined so PostgreSQL sees `date - integer` rather than an untyped parameter. */
const WINDOW_BACK = sql.raw(String(DETAIL_DAYS - 1))

/** Today's date in a time zone, as YYYY-MM-DD. */
export { todayIn } from './dates.js'

export interface AnalyticsTarget {
  studentId: string
  /** The student's IANA time zone: decides its days. */
  timezone: string
  /** The day to evaluate as of (student's time zone). */
  asOf: string
}

/**
 * Everything the engine needs for a set of students, each as of its own day, in one SQL statement
 * of nine parts (eight aggregates and the data versions) whatever the number of students or the
 * length of their histories: sums happen in PostgreSQL, grouped by student, never in a loop over
 * rows or students. One statement is one snapshot, so every figure sees the same data.
 * Only data up to the end of each student's `asOf` counts; deleted rows never do.
 */
export async function loadAnalyticsInputs(
  db: Db,
  targets: readonly AnalyticsTarget[],
): Promise<Map<string, AnalyticsInput>> {
  const loaded = await loadVersionedAnalyticsInputs(db, targets)
  return new Map([...loaded].map(([id, { input }]) => [id, input]))
}

/**
 * loadAnalyticsInputs, each input with the student's data version and stored time zone, read in
 * the same snapshot: a result computed from the input is current while the version is, provided
 * the target's time zone was the stored one.
 */
export async function loadVersionedAnalyticsInputs(
  db: Db,
  targets: readonly AnalyticsTarget[],
): Promise<Map<string, { input: AnalyticsInput; dataVersion: number; timezone: string | null }>> {
  if (targets.length === 0) return new Map()
  const [all] = await queryRows<AnalyticsRows>(db, analyticsStatement(targets, 'batch').statement)
  const inputs = inputsFrom(targets, all)
  const versions = new Map((all?.versions ?? []).map((v) => [v.student_id, v]))
  return new Map(
    [...inputs].map(([id, input]) => {
      const v = versions.get(id)
      return [id, { input, dataVersion: Number(v?.version ?? 0), timezone: v?.timezone ?? null }]
    }),
  )
}

/**
 * One student's input; undefined when the id is not a student. The one-student form of the
 * statement, prepared: its planning (~3–5 ms for eight parts) happens once per connection.
 */
export async function loadAnalyticsInput(
  db: Db,
  target: AnalyticsTarget,
): Promise<AnalyticsInput | undefined> {
  const { statement } = analyticsStatement([target], 'one')
  const [all] = await queryRowsPrepared<AnalyticsRows>(db, 'analytics_one_student', statement)
  return inputsFrom([target], all).get(target.studentId)
}

/** The engine's inputs from the statement's row. */
function inputsFrom(
  targets: readonly AnalyticsTarget[],
  all: AnalyticsRows | undefined,
): Map<string, AnalyticsInput> {
  const result = new Map<string, AnalyticsInput>()
  if (!all) throw new Error('the analytics statement returned no row')
  const byStudent = <T extends { student_id: string }>(list: T[]) => {
    const map = new Map<string, T[]>()
    for (const row of list) {
      const bucket = map.get(row.student_id)
      if (bucket) bucket.push(row)
      else map.set(row.student_id, [row])
    }
    return map
  }
  const usageBy = byStudent(all.usage)
  const dailyBy = byStudent(all.daily)
  const systemsBy = byStudent(all.systems)
  const subjectsBy = byStudent(all.subjects)
  const topicsBy = byStudent(all.topics)
  const assessmentsBy = byStudent(all.assessments)
  const activitiesBy = byStudent(all.activities)
  const asOfBy = new Map(targets.map((t) => [t.studentId, t.asOf]))

  for (const p of all.profiles) {
    const u = usageBy.get(p.student_id) ?? []
    const acts = activitiesBy.get(p.student_id) ?? []
    const lastRow = acts.find((a) => a.date === null)
    const lastBlockOn = u.reduce<string | null>(
      (m, x) => (m === null || x.last_used_on > m ? x.last_used_on : m),
      null,
    )
    const lastActivityOn = lastRow?.last_on ?? null
    result.set(p.student_id, {
      today: asOfBy.get(p.student_id) ?? '',
      profile: {
        prepStartDate: p.prep_start_date,
        examDate: p.exam_date,
        erasSubmissionDate: p.eras_submission_date,
        targetScore: p.target_score,
        studyMode: p.study_mode ?? 'dedicated',
        studyDaysPerWeek: p.study_days_per_week ?? 6,
        examScore: p.exam_score,
      },
      qbankTotals: qbankTotals(
        p.qbanks ?? [],
        u.map((x) => x.source),
      ),
      qbankUsage: u.map((x) => ({
        source: x.source,
        firstUsedOn: x.first_used_on,
        newQuestions: x.new_questions,
        firstPassQuestions: x.first_pass_questions,
        firstPassCorrect: x.first_pass_correct,
        reviewQuestions: x.review_questions,
      })),
      daily: (dailyBy.get(p.student_id) ?? []).map((d) => ({
        date: d.date,
        source: d.source,
        questions: d.questions,
        correct: d.correct,
        newQuestions: d.new_questions,
        timedRandomQuestions: d.timed_random,
        reviewMinutes: d.review_minutes,
        questionsWithReviewMinutes: d.questions_with_review,
        mistakesKnowledge: d.knowledge,
        mistakesMisread: d.misread,
        mistakesTiming: d.timing,
      })),
      systems: (systemsBy.get(p.student_id) ?? []).map(
        ({ key, attempted, correct, attempted28, correct28 }) => ({
          system: key,
          attempted,
          correct,
          attempted28,
          correct28,
        }),
      ),
      subjects: (subjectsBy.get(p.student_id) ?? []).map(
        ({ key, attempted, correct, attempted28, correct28 }) => ({
          subject: key,
          attempted,
          correct,
          attempted28,
          correct28,
        }),
      ),
      overall: u.reduce(
        (acc, x) => ({ attempted: acc.attempted + x.attempted, correct: acc.correct + x.correct }),
        {
          attempted: 0,
          correct: 0,
        },
      ),
      assessments: (assessmentsBy.get(p.student_id) ?? []).map((a) => ({
        id: a.id,
        form: a.form,
        takenAt: a.taken_at,
        takenOn: a.taken_on,
        score: a.score,
        percentCorrect: a.percent_correct === null ? null : Number(a.percent_correct),
        systems: a.systems,
      })),
      activities: acts.flatMap((a) =>
        a.date !== null && a.type !== null && a.minutes !== null
          ? [{ date: a.date, type: a.type, minutes: a.minutes }]
          : [],
      ),
      lastSimulationDayOn: lastRow?.last_simulation_on ?? null,
      lastLoggedOn:
        lastBlockOn && lastActivityOn
          ? lastBlockOn > lastActivityOn
            ? lastBlockOn
            : lastActivityOn
          : (lastBlockOn ?? lastActivityOn),
      topics: (topicsBy.get(p.student_id) ?? []).map(({ topic, attempted, correct }) => ({
        topic,
        attempted,
        correct,
      })),
      reference: REFERENCE,
    })
  }
  return result
}

/** The rows of each part of the analytics statement, as they come back (JSON arrays). */
type AnalyticsParts = ReturnType<typeof analyticsStatement>['parts']
export type AnalyticsRows = { [K in keyof AnalyticsParts]: AnalyticsParts[K]['rows'] }

/**
 * The one statement behind loadAnalyticsInputs (for at least one target): one row whose columns
 * are its parts (eight aggregates and the data versions). Exported for the benchmark's bare
 * server, which runs exactly this SQL.
 */
export function analyticsStatement(targets: readonly AnalyticsTarget[], form: 'one' | 'batch') {
  // One student: its values as parameters of a one-row VALUES, so the planner knows it reads one
  // student. A batch travels as one JSON parameter (safe, and one plan for any number of students).
  const [single] = targets
  const one = form === 'one' && targets.length === 1
  const targetRows =
    one && single
      ? sql`select * from (values (${single.studentId}::uuid, ${single.asOf}::date, ${single.timezone}::text)) as x(student_id, as_of, tz)`
      : sql`select * from json_to_recordset(${JSON.stringify(
          targets.map((t) => ({ student_id: t.studentId, as_of: t.asOf, tz: t.timezone })),
        )}::json) as x(student_id uuid, as_of date, tz text)`
  // The breakdown rows of those blocks. For one student, one primary-key probe per block (a join
  // would let the planner scan the whole table); for a batch, a plain join, which it may hash.
  const breakdownRowsOf = (table: 'block_systems' | 'block_subjects', column: 'system' | 'subject') =>
    one
      ? sql`cross join lateral (select x.${sql.raw(column)}, x.total, x.correct from ${sql.raw(table)} x where x.block_id = b.id offset 0) as x`
      : sql`join ${sql.raw(table)} x on x.block_id = b.id`
  /** A part of the statement, with the type of its rows. */
  const part = <T>(query: SQL) => ({ query, rows: [] as T[] })
  const localDay = sql`(b.taken_at at time zone s.tz)::date`
  // A student's live blocks from a given instant on, as an index range scan of blocks_student_taken_idx
  // per student. The lateral subquery with offset 0 keeps that plan: as a join, the planner (which
  // guesses 100 targets) may scan every block of the table instead of the few weeks it needs.
  const liveBlocksFrom = (from: SQL) =>
    sql`cross join lateral (select * from blocks b where b.student_id = s.student_id and b.deleted_at is null and b.taken_at >= ${from} offset 0) as b`

  const profiles = part<{
    student_id: string
    prep_start_date: string | null
    exam_date: string | null
    eras_submission_date: string | null
    target_score: number | null
    exam_score: number | null
    study_mode: StudyMode | null
    study_days_per_week: number | null
    qbanks: { source: string; totalQuestions: number }[] | null
  }>(
    sql`select s.student_id, p.prep_start_date::text, p.exam_date::text, p.eras_submission_date::text,
            p.target_score, p.exam_score, p.study_mode, p.study_days_per_week,
            (select json_agg(json_build_object('source', q.source, 'totalQuestions', q.total_questions) order by q.source)
               from student_qbanks q where q.student_id = s.student_id) as qbanks
          from s join users u on u.id = s.student_id and u.role = 'student'
          left join student_profiles p on p.student_id = s.student_id`,
  )

  const usage = part<{
    student_id: string
    source: string
    first_used_on: string
    last_used_on: string
    new_questions: number
    first_pass_questions: number
    first_pass_correct: number
    review_questions: number
    attempted: number
    correct: number
  }>(
    // All-time sums from the running totals, less what was logged after the cutoff; first and
    // last day of each source from two probes of blocks_student_source_taken_idx.
    sql`with total as (
              select s.student_id, t.source, sum(t.blocks) as blocks, sum(t.questions) as questions,
                sum(t.correct) as correct, sum(t.new_questions) as new_questions,
                sum(t.first_pass_questions) as first_pass_questions, sum(t.first_pass_correct) as first_pass_correct,
                sum(t.review_questions) as review_questions
              from s join student_source_totals t on t.student_id = s.student_id
              group by 1, 2),
            after as (
              select s.student_id, b.source, count(*) as blocks, sum(b.question_count) as questions,
                sum(b.correct_count) as correct, sum(b.new_question_count) as new_questions,
                coalesce(sum(b.question_count) filter (where b.pass = 'first'), 0) as first_pass_questions,
                coalesce(sum(b.correct_count) filter (where b.pass = 'first'), 0) as first_pass_correct,
                coalesce(sum(b.question_count) filter (where b.pass = 'review'), 0) as review_questions
              from s ${liveBlocksFrom(sql`s.cutoff`)}
              group by 1, 2)
            select total.student_id, total.source,
              (select (min(b.taken_at) at time zone s.tz)::date from blocks b
                where b.student_id = total.student_id and b.source = total.source and b.deleted_at is null)::text as first_used_on,
              (select (max(b.taken_at) at time zone s.tz)::date from blocks b
                where b.student_id = total.student_id and b.source = total.source and b.deleted_at is null
                  and b.taken_at < s.cutoff)::text as last_used_on,
              (total.new_questions - coalesce(after.new_questions, 0))::int as new_questions,
              (total.first_pass_questions - coalesce(after.first_pass_questions, 0))::int as first_pass_questions,
              (total.first_pass_correct - coalesce(after.first_pass_correct, 0))::int as first_pass_correct,
              (total.review_questions - coalesce(after.review_questions, 0))::int as review_questions,
              (total.questions - coalesce(after.questions, 0))::int as attempted,
              (total.correct - coalesce(after.correct, 0))::int as correct
            from total join s on s.student_id = total.student_id
            left join after on after.student_id = total.student_id and after.source = total.source
            where total.blocks - coalesce(after.blocks, 0) > 0
            order by 1, 2`,
  )

  const daily = part<{
    student_id: string
    date: string
    source: string
    questions: number
    correct: number
    new_questions: number
    timed_random: number
    review_minutes: number | null
    questions_with_review: number
    knowledge: number
    misread: number
    timing: number
  }>(
    sql`select s.student_id, ${localDay}::text as date, b.source,
              sum(b.question_count)::int as questions, sum(b.correct_count)::int as correct,
              sum(b.new_question_count)::int as new_questions,
              coalesce(sum(b.question_count) filter (where b.timed and b.selection = 'random'), 0)::int as timed_random,
              sum(b.review_minutes)::int as review_minutes,
              coalesce(sum(b.question_count) filter (where b.review_minutes is not null), 0)::int as questions_with_review,
              coalesce(sum(b.mistakes_knowledge), 0)::int as knowledge,
              coalesce(sum(b.mistakes_misread), 0)::int as misread,
              coalesce(sum(b.mistakes_timing), 0)::int as timing
            from s ${liveBlocksFrom(sql`s.window_start`)}
            where b.taken_at < s.cutoff
            group by 1, 2, 3 order by 1, 2, 3`,
  )

  // All-time sums come from the running totals (22 rows a student, not one per block and system),
  // less what was logged after the cutoff; the 28-day sums from the breakdown rows of the window.
  // Both from the same snapshot, so they agree with the rows exactly (test/integration/running-totals.test.ts).
  const breakdown = (
    table: 'block_systems' | 'block_subjects',
    totals: 'student_system_totals' | 'student_subject_totals',
    column: 'system' | 'subject',
  ) =>
    part<{
      student_id: string
      key: string
      attempted: number
      correct: number
      attempted28: number
      correct28: number
    }>(
      sql`with total as (
                select s.student_id, t.${sql.raw(column)} as key, sum(t.attempted) as attempted, sum(t.correct) as correct
                from s join ${sql.raw(totals)} t on t.student_id = s.student_id
                group by 1, 2),
              recent as (
                select s.student_id, x.${sql.raw(column)} as key,
                  coalesce(sum(x.total) filter (where b.taken_at < s.cutoff), 0) as attempted28,
                  coalesce(sum(x.correct) filter (where b.taken_at < s.cutoff), 0) as correct28,
                  coalesce(sum(x.total) filter (where b.taken_at >= s.cutoff), 0) as attempted_after,
                  coalesce(sum(x.correct) filter (where b.taken_at >= s.cutoff), 0) as correct_after
                from s ${liveBlocksFrom(sql`s.window_start`)}
                ${breakdownRowsOf(table, column)}
                group by 1, 2)
            select student_id, key, attempted, correct, attempted28, correct28 from (
              select total.student_id, total.key,
                (total.attempted - coalesce(recent.attempted_after, 0))::int as attempted,
                (total.correct - coalesce(recent.correct_after, 0))::int as correct,
                coalesce(recent.attempted28, 0)::int as attempted28,
                coalesce(recent.correct28, 0)::int as correct28
              from total left join recent on recent.student_id = total.student_id and recent.key = total.key) as sums
            where attempted > 0
            order by 1, 2`,
    )
  const systems = breakdown('block_systems', 'student_system_totals', 'system')
  const subjects = breakdown('block_subjects', 'student_subject_totals', 'subject')

  const topics = part<{ student_id: string; topic: string; attempted: number; correct: number }>(
    sql`with total as (
              select s.student_id, t.topic, sum(t.attempted) as attempted, sum(t.correct) as correct
              from s join student_topic_totals t on t.student_id = s.student_id
              group by 1, 2),
            after as (
              select s.student_id, t.topic, sum(b.question_count) as attempted, sum(b.correct_count) as correct
              from s ${liveBlocksFrom(sql`s.cutoff`)}
              cross join lateral unnest(b.topics) as t(topic)
              group by 1, 2)
            select student_id, topic, attempted, correct from (
              select total.student_id, total.topic,
                (total.attempted - coalesce(after.attempted, 0))::int as attempted,
                (total.correct - coalesce(after.correct, 0))::int as correct
              from total left join after on after.student_id = total.student_id and after.topic = total.topic) as sums
            where attempted > 0
            order by 1, 2`,
  )

  const assessments = part<{
    student_id: string
    id: string
    form: string
    taken_at: string
    taken_on: string
    score: number | null
    percent_correct: string | number | null
    systems: { system: string; percentCorrect: number }[] | null
  }>(
    sql`select s.student_id, a.id, a.form,
              to_char(a.taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as taken_at,
              (a.taken_at at time zone s.tz)::date::text as taken_on,
              a.score, a.percent_correct,
              (select json_agg(json_build_object('system', e->>'system', 'percentCorrect', (e->>'percentCorrect')::float8))
                 from jsonb_array_elements(a.systems) e) as systems
            from s join assessments a on a.student_id = s.student_id and a.deleted_at is null and a.taken_at < s.cutoff
            order by s.student_id, a.taken_at, a.id`,
  )

  const activities = part<{
    student_id: string
    date: string | null
    type: ActivityType | null
    minutes: number | null
    last_on: string | null
    last_simulation_on: string | null
  }>(
    // Recent per-day minutes, plus (in the rows with null date) the all-time last dates.
    sql`select s.student_id, a.date::text as date, a.type, sum(a.minutes)::int as minutes,
              null::text as last_on, null::text as last_simulation_on
            from s join activities a on a.student_id = s.student_id and a.deleted_at is null
              and a.date between s.as_of - ${WINDOW_BACK} and s.as_of
            group by 1, 2, 3
          union all
            select s.student_id, null, null, null, max(a.date)::text,
              (max(a.date) filter (where a.type = 'simulation_day'))::text
            from s join activities a on a.student_id = s.student_id and a.deleted_at is null and a.date <= s.as_of
            group by 1
          order by 1, 2, 3`,
  )

  // The data version of each student (migration 0007), from the same snapshot as every figure.
  // With the student's time zone as stored now: a result computed with another one (changed since
  // the caller read it) is not current, whatever the version says.
  const versions = part<{ student_id: string; version: number | string; timezone: string | null }>(
    sql`select s.student_id,
              (select coalesce(sum(v.version), 0) from student_data_versions v where v.student_id = s.student_id) as version,
              (select u.timezone from users u where u.id = s.student_id) as timezone
            from s`,
  )

  // One statement: one snapshot for every part (no transaction needed), one round trip. Each part
  // comes back as a JSON array, in a fixed order.
  const statement = sql`with s as (
      select student_id, as_of, tz,
        ((as_of + 1)::timestamp at time zone tz) as cutoff,
        ((as_of - ${WINDOW_BACK})::timestamp at time zone tz) as window_start
      from (${targetRows}) as targets)
    select
      (select coalesce(json_agg(t order by t.student_id), '[]') from (${profiles.query}) t) as profiles,
      (select coalesce(json_agg(t order by t.student_id, t.source), '[]') from (${usage.query}) t) as usage,
      (select coalesce(json_agg(t order by t.student_id, t.date, t.source), '[]') from (${daily.query}) t) as daily,
      (select coalesce(json_agg(t order by t.student_id, t.key), '[]') from (${systems.query}) t) as systems,
      (select coalesce(json_agg(t order by t.student_id, t.key), '[]') from (${subjects.query}) t) as subjects,
      (select coalesce(json_agg(t order by t.student_id, t.topic), '[]') from (${topics.query}) t) as topics,
      (select coalesce(json_agg(t order by t.student_id, t.taken_at, t.id), '[]') from (${assessments.query}) t) as assessments,
      (select coalesce(json_agg(t order by t.student_id, t.date, t.type), '[]') from (${activities.query}) t) as activities,
      (select coalesce(json_agg(t order by t.student_id), '[]') from (${versions.query}) t) as versions`
  return {
    statement,
    parts: { profiles, usage, daily, systems, subjects, topics, assessments, activities, versions },
  }
}

/** Bank sizes: what the student set (uworld defaults to 4085), plus unknown sizes for other sources used. */
function qbankTotals(
  set: readonly { source: string; totalQuestions: number }[],
  usedSources: readonly string[],
): AnalyticsInput['qbankTotals'] {
  const totals = new Map<string, number | null>([['uworld', UWORLD_TOTAL_QUESTIONS]])
  for (const q of set) totals.set(q.source, q.totalQuestions)
  for (const source of usedSources) if (!totals.has(source)) totals.set(source, null)
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, totalQuestions]) => ({ source, totalQuestions }))
}
