import { sql } from 'drizzle-orm'
import { bulkWriteStudents, verifyAgainstServices } from '../lib/bulk-history.js'
import { runCheckinsInChild } from '../lib/checkins.js'
import { shortHistoryStudent } from '../lib/stories.js'
import type { BatchRun, Scenario } from './types.js'

/** Students at each run: the smaller run is the memory baseline ("flat" = no growth with students). */
const SIZES = [2_000, 10_000] as const
const SEED = 10_000
const MiB = 2 ** 20

/**
 * The weekly check-in job over 10,000 students, timed: runCheckins in due mode (each student's
 * last complete week, as the hourly job runs it) in its own Node process on a scratch database that
 * holds only these students, each with a short realistic history (seedRealisticMentees' stories
 * cut to the last 15–21 days). Per page of 500: one analytics load as of each student's Sunday and
 * one as of the Sunday before (one analytics statement each), the summaries, one insert of the
 * check-ins and their outbox events. Run at 2,000 students, then (check-ins cleared) at 10,000: the
 * peaks should not grow with the number of students.
 */
export const checkins: Scenario = {
  name: 'checkins-10k',
  description: `runCheckins over ${SIZES.map((n) => n.toLocaleString('en-US')).join(' then ')} students`,
  async run(ctx) {
    const student = (label: string) => (i: number) =>
      shortHistoryStudent({ seed: SEED, now: ctx.now, label }, i)
    // The seed below skips the per-record service calls; prove on a few students, in the main bench
    // database (not the one the run walks), that it stores what the services would.
    const { value: verified } = await ctx.timed(
      'bulk writer checked against writeHistory on 5 students',
      () =>
        verifyAgainstServices(
          ctx.database.db,
          Array.from({ length: 5 }, (_, i) => student('verify')(i)),
          ctx.now,
        ),
    )

    const scratch = await ctx.scratchDatabase()
    try {
      const db = scratch.database.db
      const runs: BatchRun[] = []
      let seeded = 0
      let totals = { blocks: 0, assessments: 0, activities: 0 }
      for (const size of SIZES) {
        const { value, seconds: seedingSec } = await ctx.timed(
          `seeded students ${seeded.toLocaleString('en-US')}–${size.toLocaleString('en-US')} (generator, bulk insert)`,
          () =>
            bulkWriteStudents(db, {
              count: size - seeded,
              student: (i) => student('checkins')(seeded + i),
              now: ctx.now,
            }),
        )
        seeded = size
        totals = {
          blocks: totals.blocks + value.counts.blocks,
          assessments: totals.assessments + value.counts.assessments,
          activities: totals.activities + value.counts.activities,
        }
        // Each size is a full run: clear what the previous one wrote.
        await db.execute(sql`delete from outbox_events where type = 'checkin.created'`)
        await db.execute(sql`delete from checkins`)
        await db.execute(sql`vacuum analyze`)
        ctx.checkInterrupted()

        const report = await runCheckinsInChild(scratch.url, ctx.now).catch((err: unknown) => {
          ctx.checkInterrupted()
          throw err
        })
        const run: BatchRun = {
          students: size,
          seedingSec,
          seconds: report.seconds,
          studentsPerSec: size / report.seconds,
          result: report.result,
          baseline: {
            rssMiB: report.baseline.rssBytes / MiB,
            heapUsedMiB: report.baseline.heapUsedBytes / MiB,
          },
          peak: {
            rssMiB: report.peak.rssBytes / MiB,
            heapUsedMiB: report.peak.heapUsedBytes / MiB,
            liveHeapMiB: report.liveHeapBytes === null ? null : report.liveHeapBytes / MiB,
          },
          fullGcs: report.fullGcs,
        }
        runs.push(run)
        ctx.log(
          `check-ins over ${size.toLocaleString('en-US')} students: ${report.seconds.toFixed(1)} s ` +
            `(${Math.round(run.studentsPerSec)}/s), ${JSON.stringify(report.result)}, ` +
            `peak RSS ${Math.round(run.peak.rssMiB)} MiB, heap used ${Math.round(run.peak.heapUsedMiB)} MiB, ` +
            `live heap ${Math.round(run.peak.liveHeapMiB ?? 0)} MiB (largest of ${run.fullGcs} forced full GCs) ` +
            `(baseline RSS ${Math.round(run.baseline.rssMiB)} MiB, heap ${Math.round(run.baseline.heapUsedMiB)} MiB)`,
        )
      }
      const last = runs.at(-1)
      return [
        {
          kind: 'batch',
          name: 'check-ins (10,000 students)',
          description:
            'runCheckins (due mode, last complete week) in its own process over 10,000 students with 15–21 days of generated history each, after a run over 2,000: total time, students/s, peak RSS and heap of the process',
          targets: { maxSeconds: 60, maxMemoryGrowth: 1.25 },
          runs,
          checks: {
            ...totals,
            created: last?.result.created ?? 0,
            everyStudentCheckedIn: last !== undefined && last.result.created === last.students,
            bulkSeedMatchesServices: verified.differing === 0,
          },
        },
      ]
    } finally {
      await scratch.drop()
    }
  },
}
