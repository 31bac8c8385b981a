import type { Db } from '../../db/client.js'
import { unprocessable } from '../../http/errors.js'
import { loadAnalyticsInputs } from '../analytics/analytics.repository.js'
import type { AnalyticsConfig } from '../analytics/config.js'
import { addDays, DAY_RANGE, inDayRange } from '../analytics/dates.js'
import {
  existingCheckins,
  insertCheckins,
  type NewCheckin,
  type StudentRef,
  studentsPage,
} from './checkins.repository.js'
import { checkinSummary } from './summary.js'
import { isWeekOver, lastCompleteWeek, localDate, type Week, weekContaining } from './weeks.js'

/** Students per page: each page is one analytics load per side of the week and one insert. */
export const CHECKIN_PAGE_SIZE = 500

export interface RunCheckinsOptions {
  /** Any date of the week to summarise; default: each student's last complete week (the "due" mode). */
  weekOf?: string | undefined
  now: Date
  config: AnalyticsConfig
  pageSize?: number
  /** Only these students (tests, one-off repairs); default: every student. */
  studentIds?: readonly string[] | undefined
  /** Stops between pages (shutdown); what is done stays done, a rerun finishes the rest. */
  signal?: AbortSignal | undefined
}

export interface RunCheckinsResult {
  weekStart?: string
  weekEnd?: string
  created: number
  /** The check-in for the student's week already existed. */
  skipped: number
  /** The week is not over in the student's time zone, or (due mode) the account is newer than the week. */
  notDue: number
}

/**
 * Generates the weekly check-ins (guide-rules.md §4), idempotent per student and week.
 * Walks the students in pages (keyset on id); per page: one query for the check-ins that already
 * exist, one batched analytics load as of each student's Sunday and one as of the Sunday before,
 * then one transaction inserting the new check-ins and their `checkin.created` events. Nothing is
 * kept across pages, so memory stays flat whatever the number of students.
 */
export async function runCheckins(db: Db, options: RunCheckinsOptions): Promise<RunCheckinsResult> {
  const { now, config, signal } = options
  if (options.weekOf !== undefined && !inDayRange(options.weekOf))
    throw unprocessable(
      'checkins.week_out_of_range',
      `weekOf must be between ${DAY_RANGE.min} and ${DAY_RANGE.max}`,
      [{ in: 'body', path: '/weekOf', message: `outside ${DAY_RANGE.min}..${DAY_RANGE.max}` }],
    )
  const pageSize = options.pageSize ?? CHECKIN_PAGE_SIZE
  const fixed = options.weekOf === undefined ? undefined : weekContaining(options.weekOf)
  const result: RunCheckinsResult = { ...fixed, created: 0, skipped: 0, notDue: 0 }
  if (options.studentIds?.length === 0) return result

  let afterId: string | null = null
  for (;;) {
    if (signal?.aborted) break
    const students: StudentRef[] = await studentsPage(db, {
      afterId,
      limit: pageSize,
      only: options.studentIds,
    })
    const lastStudent = students[students.length - 1]
    if (!lastStudent) break
    afterId = lastStudent.id

    const due: { student: StudentRef; week: Week }[] = []
    for (const student of students) {
      const week = fixed ?? lastCompleteWeek(student.timezone, now)
      const tooNew = !fixed && localDate(student.timezone, student.createdAt) > week.weekEnd
      if (tooNew || !isWeekOver(week, student.timezone, now)) result.notDue++
      else due.push({ student, week })
    }
    const existing = await existingCheckins(
      db,
      due.map((d) => ({ studentId: d.student.id, weekStart: d.week.weekStart })),
    )
    const todo = due.filter((d) => !existing.has(`${d.student.id}/${d.week.weekStart}`))
    result.skipped += due.length - todo.length

    if (todo.length > 0) {
      const target = (d: (typeof todo)[number], asOf: string) => ({
        studentId: d.student.id,
        timezone: d.student.timezone,
        asOf,
      })
      const [atEnd, before] = await Promise.all([
        loadAnalyticsInputs(
          db,
          todo.map((d) => target(d, d.week.weekEnd)),
        ),
        loadAnalyticsInputs(
          db,
          todo.map((d) => target(d, addDays(d.week.weekStart, -1))),
        ),
      ])
      const rows: NewCheckin[] = []
      for (const { student, week } of todo) {
        const end = atEnd.get(student.id)
        const start = before.get(student.id)
        if (!end || !start) continue // deleted since the page was read
        rows.push({
          studentId: student.id,
          ...week,
          summary: checkinSummary({ weekStart: week.weekStart, atEnd: end, before: start, config }),
        })
      }
      const inserted = await insertCheckins(db, rows)
      result.created += inserted
      // Rows another run inserted between our check and our insert.
      result.skipped += rows.length - inserted
    }
    if (students.length < pageSize) break
  }
  return result
}
