/**
 * The running per-student breakdown totals (migration 0005) against the rows they summarise.
 * Random sequences of every write a block can go through (create, upsert by externalId, PATCH,
 * delete, restore by re-posting, batches with a failing item, removal outright) must leave:
 * - the totals, summed over shards, equal to the sums of the breakdown rows of live blocks;
 * - the analytics input's per-system and per-subject sums, for several as-of days and time zones,
 *   equal to the straightforward aggregate over every row (the query the totals replaced, kept
 *   here as the oracle).
 */
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { loadAnalyticsInput, loadAnalyticsInputs } from '../../src/modules/analytics/analytics.repository.js'
import { useTestApp } from '../helpers/app.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()

const SYSTEMS = ['cardiovascular', 'renal', 'pulmonary', 'gastrointestinal', 'nervous']
const SUBJECTS = ['medicine', 'surgery', 'pediatrics']
const ZONES = ['UTC', 'Asia/Kolkata', 'America/New_York']

type Split = { label: string; total: number; correct: number }[]

/** A breakdown over some of `labels` that adds up to at most the block's counts. */
const splitArb = (labels: readonly string[], questions: number, correct: number) =>
  fc.subarray([...labels], { minLength: 0, maxLength: labels.length }).map((chosen): Split => {
    let qLeft = questions
    let cLeft = correct
    return chosen.flatMap((label) => {
      const total = Math.min(qLeft, 1 + (label.length % 7))
      if (total < 1) return []
      const c = Math.min(cLeft, total - (label.length % 2))
      qLeft -= total
      cLeft -= Math.max(c, 0)
      return [{ label, total, correct: Math.max(c, 0) }]
    })
  })

const blockArb = fc
  .record({
    day: fc.integer({ min: 0, max: 55 }),
    minute: fc.integer({ min: 0, max: 1439 }),
    questions: fc.integer({ min: 5, max: 40 }),
    ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    externalId: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }),
  })
  .chain((b) => {
    const correct = Math.floor(b.questions * b.ratio)
    return fc.record({
      block: fc.constant({ ...b, correct }),
      systems: splitArb(SYSTEMS, b.questions, correct),
      subjects: splitArb(SUBJECTS, b.questions, correct),
    })
  })
  .map(({ block, systems, subjects }) => ({
    source: 'uworld',
    ...(block.externalId ? { externalId: block.externalId } : {}),
    takenAt: new Date(Date.UTC(2026, 9, 1) + block.day * 86_400_000 + block.minute * 60_000).toISOString(),
    questionCount: block.questions,
    correctCount: block.correct,
    pass: 'first',
    timed: true,
    selection: 'random',
    systems: systems.map(({ label, total, correct }) => ({ system: label, total, correct })),
    subjects: subjects.map(({ label, total, correct }) => ({ subject: label, total, correct })),
  }))

type Op =
  | { kind: 'post'; body: Record<string, unknown> }
  | { kind: 'batch'; bodies: Record<string, unknown>[] }
  | { kind: 'patch'; pick: number; body: Record<string, unknown> }
  | { kind: 'delete'; pick: number }
  | { kind: 'remove'; pick: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: blockArb.map((body) => ({ kind: 'post' as const, body })) },
  {
    weight: 1,
    arbitrary: fc
      .array(blockArb, { minLength: 1, maxLength: 3 })
      // One item breaks an invariant: its savepoint rolls back and must leave no trace in the totals.
      .map((bodies) => ({
        kind: 'batch' as const,
        bodies: [...bodies, { ...bodies[0], correctCount: 999 }],
      })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ pick: fc.nat(), block: blockArb }).map(({ pick, block }) => ({
      kind: 'patch' as const,
      pick,
      body: {
        questionCount: block.questionCount,
        correctCount: block.correctCount,
        takenAt: block.takenAt,
        systems: block.systems,
        subjects: block.subjects,
      },
    })),
  },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'delete' as const, pick })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
)

async function apply(student: TestUser, op: Op, blockIds: string[]): Promise<void> {
  const path = '/v1/students/me/blocks'
  const pick = (n: number) => blockIds[n % blockIds.length]
  switch (op.kind) {
    case 'post': {
      const res = await t.http.post(path).set(student.auth).send(op.body)
      expect([200, 201]).toContain(res.status)
      if (res.status === 201) blockIds.push(res.body.id)
      return
    }
    case 'batch': {
      const res = await t.http.post(`${path}/batch`).set(student.auth).send({ blocks: op.bodies })
      expect(res.status).toBe(200)
      const results = res.body.results as { status: string; block?: { id: string } }[]
      expect(results.at(-1)?.status).toBe('error')
      for (const r of results) if (r.status === 'created' && r.block) blockIds.push(r.block.id)
      return
    }
    case 'patch': {
      const id = pick(op.pick)
      if (!id) return
      const res = await t.http.patch(`${path}/${id}`).set(student.auth).send(op.body)
      expect([200, 404]).toContain(res.status) // 404: already deleted
      return
    }
    case 'delete': {
      const id = pick(op.pick)
      if (!id) return
      const res = await t.http.delete(`${path}/${id}`).set(student.auth)
      expect([204, 404]).toContain(res.status)
      return
    }
    case 'remove': {
      // Not an API operation: a block removed outright (an operator's cleanup) must leave the totals exact too.
      const id = pick(op.pick)
      if (!id) return
      await t.database.db.execute(sql`delete from blocks where id = ${id}`)
      blockIds.splice(blockIds.indexOf(id), 1)
      return
    }
  }
}

/** Totals summed over shards next to the sums of the rows of live blocks; both sorted. */
async function totalsAndRows(studentId: string, kind: 'system' | 'subject') {
  const [totals, rows] = [
    kind === 'system' ? 'student_system_totals' : 'student_subject_totals',
    kind === 'system' ? 'block_systems' : 'block_subjects',
  ]
  const fromTotals = await queryRows<{ key: string; attempted: number; correct: number }>(
    t.database.db,
    sql`select ${sql.raw(kind)} as key, sum(attempted)::int as attempted, sum(correct)::int as correct
        from ${sql.raw(totals)} where student_id = ${studentId} group by 1 having sum(attempted) > 0 order by 1`,
  )
  const fromRows = await queryRows<{ key: string; attempted: number; correct: number }>(
    t.database.db,
    sql`select x.${sql.raw(kind)} as key, sum(x.total)::int as attempted, sum(x.correct)::int as correct
        from ${sql.raw(rows)} x join blocks b on b.id = x.block_id and b.deleted_at is null
        where x.student_id = ${studentId} group by 1 order by 1`,
  )
  return { fromTotals, fromRows }
}

/** The aggregate the totals replaced: every breakdown row of live blocks up to the end of asOf. */
async function oracle(studentId: string, kind: 'system' | 'subject', asOf: string, tz: string) {
  const table = kind === 'system' ? 'block_systems' : 'block_subjects'
  return queryRows<{
    key: string
    attempted: number
    correct: number
    attempted28: number
    correct28: number
  }>(
    t.database.db,
    sql`with s as (select ((${asOf}::date + 1)::timestamp at time zone ${tz}) as cutoff,
                          ((${asOf}::date - 27)::timestamp at time zone ${tz}) as window_start)
        select x.${sql.raw(kind)} as key, sum(x.total)::int as attempted, sum(x.correct)::int as correct,
          coalesce(sum(x.total) filter (where b.taken_at >= s.window_start), 0)::int as attempted28,
          coalesce(sum(x.correct) filter (where b.taken_at >= s.window_start), 0)::int as correct28
        from s, ${sql.raw(table)} x join blocks b on b.id = x.block_id
        where x.student_id = ${studentId} and b.deleted_at is null and b.taken_at < s.cutoff
        group by 1 order by 1`,
  )
}

describe('running breakdown totals', () => {
  test('stay equal to the rows after any sequence of writes, and analytics reads the same sums as the full aggregate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const student = await createStudent(t.database.db)
        const blockIds: string[] = []
        for (const op of ops) await apply(student, op, blockIds)

        for (const kind of ['system', 'subject'] as const) {
          const { fromTotals, fromRows } = await totalsAndRows(student.id, kind)
          expect(fromTotals).toEqual(fromRows)
        }

        // As of days before, inside and after the logged range, in zones that move the day boundary.
        const targets = ['2026-09-15', '2026-10-20', '2026-11-05', '2026-11-28'].map((asOf, i) => ({
          asOf,
          tz: ZONES[i % ZONES.length] ?? 'UTC',
        }))
        for (const { asOf, tz } of targets) {
          // Both forms of the statement: the batch one (dashboard, check-ins) and the prepared
          // one-student one (GET /analytics).
          const target = { studentId: student.id, timezone: tz, asOf }
          const batch = (await loadAnalyticsInputs(t.database.db, [target])).get(student.id)
          const one = await loadAnalyticsInput(t.database.db, target)
          expect(batch).toBeDefined()
          expect(one).toEqual(batch)
          const systems = await oracle(student.id, 'system', asOf, tz)
          const subjects = await oracle(student.id, 'subject', asOf, tz)
          expect(batch?.systems).toEqual(systems.map(({ key, ...sums }) => ({ system: key, ...sums })))
          expect(batch?.subjects).toEqual(subjects.map(({ key, ...sums }) => ({ subject: key, ...sums })))
        }
      }),
      { seed: 20261128, numRuns: 40 },
    )
  }, 180_000)

  test('concurrent writes of one student (each transaction on its own stripe) add up exactly', async () => {
    const student = await createStudent(t.database.db)
    const bodies = fc.sample(blockArb, { seed: 7, numRuns: 24 }).map((b) => ({ ...b, externalId: undefined }))
    const responses = await Promise.all(
      bodies.map((body) => t.http.post('/v1/students/me/blocks').set(student.auth).send(body)),
    )
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 201))
    // Then delete a third of them, also at once: deletions may land in other stripes than the inserts.
    const ids = responses.map((r) => r.body.id as string)
    const deleted = await Promise.all(
      ids
        .filter((_, i) => i % 3 === 0)
        .map((id) => t.http.delete(`/v1/students/me/blocks/${id}`).set(student.auth)),
    )
    expect(deleted.map((r) => r.status)).toEqual(deleted.map(() => 204))
    for (const kind of ['system', 'subject'] as const) {
      const { fromTotals, fromRows } = await totalsAndRows(student.id, kind)
      expect(fromTotals).toEqual(fromRows)
    }
    const [sums] = await queryRows<{
      blocks: number
      questions: number
      live: number
      liveQuestions: number
    }>(
      t.database.db,
      sql`select (select sum(blocks)::int from student_source_totals where student_id = ${student.id}) as blocks,
            (select sum(questions)::int from student_source_totals where student_id = ${student.id}) as questions,
            (select count(*)::int from blocks where student_id = ${student.id} and deleted_at is null) as live,
            (select sum(question_count)::int from blocks where student_id = ${student.id} and deleted_at is null) as "liveQuestions"`,
    )
    expect(sums?.live).toBe(16)
    expect(sums?.blocks).toBe(16)
    expect(sums?.questions).toBe(sums?.liveQuestions)
  })

  test('a batch of students reads each one’s own sums', async () => {
    const [a, b] = [await createStudent(t.database.db), await createStudent(t.database.db)]
    const body = (system: string, total: number, correct: number) => ({
      source: 'uworld',
      takenAt: '2026-11-20T10:00:00Z',
      questionCount: 40,
      correctCount: 30,
      pass: 'first',
      timed: true,
      selection: 'random',
      systems: [{ system, total, correct }],
    })
    expect(
      (
        await t.http
          .post('/v1/students/me/blocks')
          .set(a.auth)
          .send(body('cardio', 40, 30))
      ).status,
    ).toBe(201)
    expect(
      (
        await t.http
          .post('/v1/students/me/blocks')
          .set(b.auth)
          .send(body('renal', 20, 10))
      ).status,
    ).toBe(201)
    const inputs = await loadAnalyticsInputs(t.database.db, [
      { studentId: a.id, timezone: 'UTC', asOf: '2026-11-28' },
      { studentId: b.id, timezone: 'Asia/Kolkata', asOf: '2026-11-28' },
    ])
    expect(inputs.get(a.id)?.systems).toEqual([
      { system: 'cardiovascular', attempted: 40, correct: 30, attempted28: 40, correct28: 30 },
    ])
    expect(inputs.get(b.id)?.systems).toEqual([
      { system: 'renal', attempted: 20, correct: 10, attempted28: 20, correct28: 10 },
    ])
  })
})
