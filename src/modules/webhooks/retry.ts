// The delivery schedule and the disable rule: pure, so both are unit-tested without a clock.

/** Attempts per delivery before it is marked failed. */
export const MAX_ATTEMPTS = 12
/** The wait after the first failure; it doubles after each further one… */
export const RETRY_BASE_MS = 60_000
/** …up to this ceiling. */
export const RETRY_CAP_MS = 10 * 60 * 60_000

/**
 * The wait before the next attempt, after `failedAttempts` (≥ 1) failures: exponential backoff
 * with jitter. The ceiling doubles from 1 min to at most 10 h; the wait is uniform in
 * [ceiling/2, ceiling] ("equal jitter"). Full jitter ([0, ceiling]) spreads retries as well but may
 * retry at once after a long outage and makes the whole schedule as short as a few minutes by bad
 * luck; the upper half keeps the spread and guarantees the schedule. With 12 attempts the 11 waits
 * add up to 13.5–27 h (about 20 h on average): a receiver gets about a day to recover.
 */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** A subscription is disabled after at least this many failed attempts in a row… */
export const DISABLE_AFTER_FAILURES = 5
/** …spanning at least this long, with no successful attempt in between. */
export const DISABLE_AFTER_MS = 24 * 60 * 60_000

/**
 * Whether a subscription should be turned off: its receiver has failed every attempt (of any
 * delivery) for a full day, at least 5 of them. Both conditions matter: a burst of events during
 * a 10-minute outage fails many attempts quickly but must not disable anything, and one event
 * retried a few times over a day is too little evidence. A single 2xx resets the count.
 */
export function shouldDisable({
  consecutiveFailures,
  failingSince,
  now,
}: {
  consecutiveFailures: number
  /** The first failed attempt after the last successful one. */
  failingSince: Date | null
  now: Date
}): boolean {
  return (
    consecutiveFailures >= DISABLE_AFTER_FAILURES &&
    failingSince !== null &&
    now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS
  )
}
