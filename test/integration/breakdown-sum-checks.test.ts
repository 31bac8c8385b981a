/**
 * The database's own guard on guide-rules.md §1 "breakdowns add up to at most their block"
 * (migrations 0002 and 0006), reached with SQL that bypasses the service's validation: a write that
 * breaks it fails as a whole, one that keeps it goes through.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '../../src/db/client.js'
import { useTestApp } from '../helpers/app.js'
import { createStudent, type TestUser } from '../helpers/factories.js'

const t = useTestApp()
let student: TestUser

beforeAll(async () => {
  student = await createStudent(t.database.db)
})

/** The PostgreSQL error behind a driver or drizzle error. */
function pgError(err: unknown): { code?: string; constraint?: string } {
  let e = err as { code?: string; constraint?: string; cause?: unknown } | undefined
  while (e && e.code === undefined && e.cause) e = e.cause
  return { code: e?.code, constraint: e?.constraint }
}

async function failure(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (err) {
    return pgError(err)
  }
  return undefined
}

const insertBlock = (id: string, questions: number, correct: number) =>
  sql`insert into blocks (id, student_id, source, taken_at, question_count, correct_count, new_question_count, pass, timed, selection)
      values (${id}, ${student.id}, 'uworld', '2026-11-20T10:00:00Z', ${questions}, ${correct}, ${questions}, 'first', true, 'random')`

const blockExists = async (id: string) =>
  (
    await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from blocks where id = ${id}`)
  )[0]?.n === 1

describe('breakdown sums in the database', () => {
  test.each([
    {
      name: 'systems over questionCount',
      rows: sql`insert into block_systems (block_id, student_id, system, total, correct) values`,
      values: [
        ['cardiovascular', 6, 2],
        ['renal', 5, 2],
      ],
      constraint: 'block_systems_sum_check',
    },
    {
      name: 'systems over correctCount',
      rows: sql`insert into block_systems (block_id, student_id, system, total, correct) values`,
      values: [
        ['cardiovascular', 4, 4],
        ['renal', 4, 3],
      ],
      constraint: 'block_systems_sum_check',
    },
    {
      name: 'subjects over questionCount',
      rows: sql`insert into block_subjects (block_id, student_id, subject, total, correct) values`,
      values: [
        ['medicine', 8, 1],
        ['surgery', 3, 1],
      ],
      constraint: 'block_subjects_sum_check',
    },
  ])('$name (10 questions, 6 correct): the whole transaction fails with $constraint', async (c) => {
    const id = randomUUID()
    const rows = sql.join(
      c.values.map(([label, total, correct]) => sql`(${id}, ${student.id}, ${label}, ${total}, ${correct})`),
      sql`, `,
    )
    const err = await failure(() =>
      t.database.db.transaction(async (tx) => {
        await tx.execute(insertBlock(id, 10, 6))
        await tx.execute(sql`${c.rows} ${rows}`)
      }),
    )
    expect(err).toEqual({ code: '23514', constraint: c.constraint })
    expect(await blockExists(id)).toBe(false)
  })

  test('one statement for two blocks, one of them over: refused', async () => {
    const [ok, over] = [randomUUID(), randomUUID()]
    const err = await failure(() =>
      t.database.db.transaction(async (tx) => {
        await tx.execute(insertBlock(ok, 10, 6))
        await tx.execute(insertBlock(over, 10, 6))
        await tx.execute(sql`insert into block_systems (block_id, student_id, system, total, correct) values
          (${ok}, ${student.id}, 'renal', 10, 6), (${over}, ${student.id}, 'renal', 11, 6)`)
      }),
    )
    expect(err).toEqual({ code: '23514', constraint: 'block_systems_sum_check' })
    expect(await blockExists(ok)).toBe(false)
  })

  test('rows that add up exactly are stored; lowering the block below them fails at commit', async () => {
    const id = randomUUID()
    await t.database.db.transaction(async (tx) => {
      await tx.execute(insertBlock(id, 10, 6))
      await tx.execute(sql`insert into block_systems (block_id, student_id, system, total, correct) values
        (${id}, ${student.id}, 'renal', 4, 2), (${id}, ${student.id}, 'cardiovascular', 6, 4)`)
      await tx.execute(sql`insert into block_subjects (block_id, student_id, subject, total, correct) values
        (${id}, ${student.id}, 'medicine', 10, 6)`)
    })
    expect(await blockExists(id)).toBe(true)

    const err = await failure(() =>
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`update blocks set question_count = 9, new_question_count = 9 where id = ${id}`)
      }),
    )
    expect(err).toEqual({ code: '23514', constraint: 'block_systems_sum_check' })
    const [row] = await queryRows<{ q: number }>(
      t.database.db,
      sql`select question_count as q from blocks where id = ${id}`,
    )
    expect(row?.q).toBe(10)
  })
})
