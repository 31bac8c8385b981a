import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Db } from '../../src/db/client.js'
import {
  activities,
  advisorGrants,
  assessments,
  blockSubjects,
  blockSystems,
  blocks,
  checkins,
  studentProfiles,
  studentQbanks,
  users,
} from '../../src/db/schema.js'
import {
  DEMO_SEED,
  DEMO_STORIES,
  DEMO_STUDENT_KEYS,
  type DemoCohort,
  demoHistories,
  seedDemoCohort,
} from '../../src/demo/cohort.js'
import { generateHistory } from '../../src/demo/generator.js'
import { heavyHistory } from '../../src/demo/bench-data.js'
import { useTestApp } from '../helpers/app.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'

const t = useTestApp()
/** One instant for both seeds: the same seed and day must give the same data. */
const now = new Date()
let cohort: DemoCohort

beforeAll(async () => {
  cohort = await seedDemoCohort(t.database.db, { seed: DEMO_SEED, now })
}, 120_000)

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

async function recommendations(token: string): Promise<{ id: string; priority: string }[]> {
  const res = await t.http.get('/v1/students/me/recommendations').set(bearer(token))
  expect(res.status).toBe(200)
  return res.body.data
}
const highIds = (recs: { id: string; priority: string }[]) =>
  recs.filter((r) => r.priority === 'high').map((r) => r.id)

describe('the demo cohort, through the API', () => {
  test('the plateau student: trend plateau, plateau-cut-new among the high-priority recommendations', async () => {
    const { token } = cohort.students.plateau
    const analytics = await t.http.get('/v1/students/me/analytics').set(bearer(token))
    expect(analytics.status).toBe(200)
    expect(analytics.body.trend.status).toBe('plateau')
    expect(analytics.body.phase.name).toBe('heavy_qbank')
    // Its two weak systems (a small system can join them by chance on some days: a 90% interval).
    expect(analytics.body.weakSystems.map((w: { system: string }) => w.system)).toEqual(
      expect.arrayContaining(['gastrointestinal', 'renal']),
    )
    expect(highIds(await recommendations(token))).toContain('plateau-cut-new')
  })

  test('the behind-pace student gets first-pass-pace and exam-before-eras', async () => {
    const ids = (await recommendations(cohort.students.behind.token)).map((r) => r.id)
    expect(ids).toContain('first-pass-pace')
    expect(ids).toContain('exam-before-eras')
  })

  test('the final-weeks student gets final-weeks-focus', async () => {
    const ids = (await recommendations(cohort.students.final.token)).map((r) => r.id)
    expect(ids).toContain('final-weeks-focus')
  })

  test("the advisor's dashboard lists all four, sorted by risk", async () => {
    const res = await t.http.get('/v1/advisors/me/mentees?sort=risk').set(bearer(cohort.advisor.token))
    expect(res.status).toBe(200)
    const rows = res.body.data as { name: string; risk: number }[]
    expect(rows.map((r) => r.name).sort()).toEqual(DEMO_STUDENT_KEYS.map((k) => DEMO_STORIES[k].name).sort())
    const risks = rows.map((r) => r.risk)
    expect(risks).toEqual([...risks].sort((a, b) => b - a))
  })

  test("last week's check-ins ran for every student", async () => {
    expect(cohort.checkins.created).toBe(DEMO_STUDENT_KEYS.length)
    const { id } = cohort.students.plateau
    const res = await t.http.get(`/v1/students/${id}/checkins`).set(bearer(cohort.advisor.token))
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(1)
    expect(res.body.data[0]).toMatchObject({ weekStart: cohort.checkins.weekOf, flags: ['plateau'] })
  })
})

// ---------------------------------------------------------------- determinism

/** Drops what differs between two databases by design: generated ids and write times. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub)
  if (value instanceof Date) return value.toISOString()
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !(k === 'id' || k.endsWith('Id') || ['createdAt', 'updatedAt'].includes(k)))
        .map(([k, v]) => [k, scrub(v)]),
    )
  return value
}

/** Every seeded table's content, rows keyed by the owner's email instead of ids, in a stable order. */
async function snapshot(db: Db): Promise<string> {
  const people = await db.select().from(users)
  const email = new Map(people.map((u) => [u.id, u.email]))
  const blockRows = await db.select().from(blocks)
  const blockKey = new Map(blockRows.map((b) => [b.id, `${email.get(b.studentId)}/${b.externalId}`]))
  const owned = <T extends { studentId: string }>(rows: T[]) =>
    rows.map((r) => ({ owner: email.get(r.studentId), ...r }))
  const inBlock = <T extends { blockId: string }>(rows: T[]) =>
    rows.map((r) => ({ block: blockKey.get(r.blockId), ...r }))
  const tables = {
    users: people,
    profiles: owned(await db.select().from(studentProfiles)),
    qbanks: owned(await db.select().from(studentQbanks)),
    blocks: owned(blockRows),
    blockSystems: inBlock(await db.select().from(blockSystems)),
    blockSubjects: inBlock(await db.select().from(blockSubjects)),
    assessments: owned(await db.select().from(assessments)),
    activities: owned(await db.select().from(activities)),
    grants: (await db.select().from(advisorGrants)).map((g) => ({
      student: email.get(g.studentId),
      advisor: email.get(g.advisorId),
    })),
    checkins: owned(await db.select().from(checkins)),
  }
  const sorted = Object.fromEntries(
    Object.entries(tables).map(([name, rows]) => [name, rows.map((r) => JSON.stringify(scrub(r))).sort()]),
  )
  return JSON.stringify(sorted)
}

describe('determinism', () => {
  let second: TestDatabase
  afterAll(async () => second?.destroy())

  test('the same seed and day generate byte-identical histories', () => {
    const today = '2027-03-15'
    for (const key of DEMO_STUDENT_KEYS) {
      const a = JSON.stringify(generateHistory(DEMO_STORIES[key], { seed: DEMO_SEED, today }))
      const b = JSON.stringify(generateHistory(DEMO_STORIES[key], { seed: DEMO_SEED, today }))
      expect(a).toBe(b)
      expect(a).not.toBe(JSON.stringify(generateHistory(DEMO_STORIES[key], { seed: DEMO_SEED + 1, today })))
    }
    expect(JSON.stringify(demoHistories(DEMO_SEED, now))).toBe(JSON.stringify(demoHistories(DEMO_SEED, now)))
    const heavy = heavyHistory({ seed: 1, today, blocks: 300, assessments: 5, activities: 20 })
    expect([heavy.blocks.length, heavy.assessments.length, heavy.activities.length]).toEqual([300, 5, 20])
    expect(heavy.blocks.every((b) => b.systems?.length === 22)).toBe(true)
  })

  test('every generated block breaks down exactly: totals sum to questionCount, corrects to correctCount', () => {
    for (const history of Object.values(demoHistories(DEMO_SEED, now)))
      for (const b of history.blocks)
        for (const rows of [b.systems ?? [], b.subjects ?? []]) {
          expect(rows.reduce((s, r) => s + r.total, 0)).toBe(b.questionCount)
          expect(rows.reduce((s, r) => s + r.correct, 0)).toBe(b.correctCount)
        }
  })

  test('seeding the same seed twice stores the same rows (ids and write times aside)', async () => {
    second = await openTestDatabase()
    await seedDemoCohort(second.db, { seed: DEMO_SEED, now })
    const [a, b] = [await snapshot(t.database.db), await snapshot(second.db)]
    expect(a.length).toBeGreaterThan(100_000)
    expect(b).toBe(a)
  }, 120_000)
})
