import { describe, expect, test } from 'vitest'
import {
  DISABLE_AFTER_MS,
  MAX_ATTEMPTS,
  RETRY_CAP_MS,
  retryDelayMs,
  shouldDisable,
} from '../../src/modules/webhooks/retry.js'

const MIN = 60_000
const HOUR = 60 * MIN

describe('retry schedule', () => {
  test.each([
    [1, 0.5 * MIN, 1 * MIN],
    [2, 1 * MIN, 2 * MIN],
    [3, 2 * MIN, 4 * MIN],
    [10, 256 * MIN, 512 * MIN],
    [11, 5 * HOUR, 10 * HOUR],
    [20, 5 * HOUR, 10 * HOUR],
  ])('after %i failures the wait is between %i and %i ms', (failures, low, high) => {
    expect(retryDelayMs(failures, () => 0)).toBe(low)
    expect(retryDelayMs(failures, () => 1)).toBe(high)
    const middle = retryDelayMs(failures, () => 0.5)
    expect(middle).toBeGreaterThan(low)
    expect(middle).toBeLessThan(high)
  })

  test('the waits never exceed the cap', () => {
    for (let n = 1; n < 40; n++) expect(retryDelayMs(n, () => 1)).toBeLessThanOrEqual(RETRY_CAP_MS)
  })

  test('12 attempts span about a day: 13.5–27 h between the first and the last', () => {
    const total = (r: number) => {
      let sum = 0
      for (let n = 1; n < MAX_ATTEMPTS; n++) sum += retryDelayMs(n, () => r)
      return sum
    }
    expect(MAX_ATTEMPTS).toBe(12)
    expect(total(0) / HOUR).toBeCloseTo(13.5, 1)
    expect(total(1) / HOUR).toBeCloseTo(27.05, 1)
  })
})

describe('disable rule', () => {
  const now = new Date('2026-05-10T12:00:00Z')
  const ago = (ms: number) => new Date(now.getTime() - ms)

  test.each([
    ['5 failures over 24 h', 5, ago(DISABLE_AFTER_MS), true],
    ['30 failures over 3 days', 30, ago(3 * DISABLE_AFTER_MS), true],
    ['4 failures over 2 days: too few', 4, ago(2 * DISABLE_AFTER_MS), false],
    ['100 failures in 10 minutes: an outage, not a dead receiver', 100, ago(10 * MIN), false],
    ['no failure run', 0, null, false],
  ])('%s → %s', (_name, consecutiveFailures, failingSince, expected) => {
    expect(shouldDisable({ consecutiveFailures, failingSince, now })).toBe(expected)
  })
})
