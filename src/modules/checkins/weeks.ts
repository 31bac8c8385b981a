// Which Monday–Sunday week a check-in covers. Pure: the clock and the time zone arrive as arguments.
import { addDays, mondayOf, todayIn } from '../analytics/dates.js'

export interface Week {
  /** Monday, ISO date. */
  weekStart: string
  /** The Sunday after it. */
  weekEnd: string
}

/** The date at `instant` in `timezone`, as YYYY-MM-DD. */
export const localDate = todayIn

/** The Monday–Sunday week holding `date`. */
export function weekContaining(date: string): Week {
  const weekStart = mondayOf(date)
  return { weekStart, weekEnd: addDays(weekStart, 6) }
}

/**
 * The last complete week in the student's time zone at `now`: from Monday 00:00 local time on, the
 * week that ended the night before. This is the week a check-in is due for (guide-rules.md §4).
 */
export function lastCompleteWeek(timezone: string, now: Date): Week {
  return weekContaining(addDays(mondayOf(localDate(timezone, now)), -7))
}

/** Has the week ended in this time zone (is it Monday after it, or later, there)? */
export function isWeekOver(week: Week, timezone: string, now: Date): boolean {
  return localDate(timezone, now) > week.weekEnd
}
