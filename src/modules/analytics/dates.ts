// Calendar arithmetic on ISO dates ('YYYY-MM-DD'). A date is a day in the student's timezone, already
// resolved by the caller; here it is just a day number, so UTC-day math is exact (no DST, no clock).

const DAY_MS = 86_400_000
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * Day numbers of dates already parsed. The engine asks for the same few dozen dates again and again
 * (every window test of every figure): parsing them was a third of its time on a dashboard of 200
 * students. Bounded, so a long-lived process never grows it without limit.
 */
const known = new Map<string, number>()
const KNOWN_MAX = 10_000

/** Days since 1970-01-01 for a real calendar date; throws RangeError on anything else (2027-02-30). */
export function dayNumber(date: string): number {
  const cached = known.get(date)
  if (cached !== undefined) return cached
  const n = parseDayNumber(date)
  if (known.size >= KNOWN_MAX) known.clear()
  known.set(date, n)
  return n
}

function parseDayNumber(date: string): number {
  const m = ISO_DATE.exec(date)
  if (!m) throw new RangeError(`not an ISO date: ${date}`)
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const ms = Date.UTC(y, mo - 1, d)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${date}`)
  }
  return ms / DAY_MS
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The days the service reasons about. A date outside is a typo (0205 for 2025) or a probe, and the
 * calendar math here is not defined there: Date.UTC reads years 0–99 as 1900–1999 (dayNumber throws)
 * and a five-digit year does not fit YYYY-MM-DD. Writes and queries refuse such dates up front.
 */
export const DAY_RANGE = { min: '2000-01-01', max: '2100-12-31' } as const
/** For valid ISO dates (YYYY-MM-DD compares as text). */
export const inDayRange = (date: string) => date >= DAY_RANGE.min && date <= DAY_RANGE.max

export function isIsoDate(value: string): boolean {
  try {
    dayNumber(value)
    return true
  } catch {
    return false
  }
}

/** `to − from` in days (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from)
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days)
}

/** The Monday of the (Monday–Sunday) week holding `date`. */
export function mondayOf(date: string): string {
  const n = dayNumber(date)
  // 1970-01-01 was a Thursday: (n + 3) mod 7 is 0 on Mondays.
  const sinceMonday = (((n + 3) % 7) + 7) % 7
  return fromDayNumber(n - sinceMonday)
}

/** Is `date` in the `days`-day window ending with `today` inclusive, i.e. [today − (days−1), today]? */
export function inLastDays(date: string, today: string, days: number): boolean {
  const ago = daysBetween(date, today)
  return ago >= 0 && ago < days
}

/** Weeks (fractional) from one ISO timestamp to another: the x axis of the score trend. */
export function weeksBetweenTimestamps(from: string, to: string): number {
  const a = Date.parse(from)
  const b = Date.parse(to)
  if (Number.isNaN(a) || Number.isNaN(b)) throw new RangeError(`not an ISO timestamp: ${from} / ${to}`)
  return (b - a) / (7 * DAY_MS)
}

export function maxDate(dates: readonly (string | null | undefined)[]): string | null {
  let best: string | null = null
  for (const d of dates) if (d != null && (best === null || d > best)) best = d
  return best
}

// One formatter per time zone: building an Intl.DateTimeFormat costs ~0.15 ms, formatting ~3 µs, and
// dashboards and check-in runs ask for the local date of every student (there are a few hundred zones).
const dateFormatters = new Map<string, Intl.DateTimeFormat>()

/** The date at `instant` in the IANA `timezone`, as YYYY-MM-DD: the student's "today". */
export function todayIn(timezone: string, instant: Date): string {
  let format = dateFormatters.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    dateFormatters.set(timezone, format)
  }
  return format.format(instant)
}
