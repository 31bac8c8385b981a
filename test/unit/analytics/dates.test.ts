import { describe, expect, test } from 'vitest'
import {
  addDays,
  dayNumber,
  daysBetween,
  inLastDays,
  isIsoDate,
  mondayOf,
  weeksBetweenTimestamps,
} from '../../../src/modules/analytics/dates.js'

describe('daysBetween (to − from, calendar days)', () => {
  test.each([
    ['2027-05-03', '2027-06-14', 42], // 28 days to May 31, then 14
    ['2027-06-14', '2027-05-03', -42],
    ['2027-05-03', '2027-05-03', 0],
    ['2028-02-28', '2028-03-01', 2], // 2028 is a leap year: Feb 29 in between
    ['2027-02-28', '2027-03-01', 1],
    ['2028-01-01', '2029-01-01', 366],
    ['2100-02-28', '2100-03-01', 1], // 2100 is not a leap year
  ])('%s → %s = %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days)
  })
})

describe('addDays', () => {
  test.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2028-02-29', 365, '2029-02-28'], // 2029 has no Feb 29
    ['2028-02-29', 366, '2029-03-01'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2027-06-14', -14, '2027-05-31'],
    ['2027-03-01', -1, '2027-02-28'],
  ])('%s plus %i days = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected)
  })
})

describe('mondayOf (weeks start Monday)', () => {
  test.each([
    ['2027-05-03', '2027-05-03'], // a Monday
    ['2027-05-09', '2027-05-03'], // the Sunday after
    ['2028-02-29', '2028-02-28'], // leap day, a Tuesday
    ['2028-03-05', '2028-02-28'], // Sunday: the week began in February
    ['2027-01-03', '2026-12-28'], // Sunday: the week began the year before
    ['1970-01-01', '1969-12-29'], // the epoch was a Thursday
  ])('%s → %s', (date, monday) => {
    expect(mondayOf(date)).toBe(monday)
  })
})

describe('parsing', () => {
  test.each(['2027-02-29', '2028-02-30', '2027-13-01', '2027-5-3', 'tomorrow', '2027-05-03T00:00:00Z'])(
    '%s is refused',
    (bad) => {
      expect(isIsoDate(bad)).toBe(false)
      expect(() => dayNumber(bad)).toThrow(RangeError)
    },
  )
  test('2028-02-29 is a date', () => {
    expect(isIsoDate('2028-02-29')).toBe(true)
  })
})

describe('inLastDays (window ending today inclusive)', () => {
  test.each([
    ['2027-05-03', 7, true], // today
    ['2027-04-27', 7, true], // today − 6
    ['2027-04-26', 7, false], // today − 7
    ['2027-04-20', 14, true], // today − 13
    ['2027-04-19', 14, false],
    ['2027-05-04', 7, false], // the future is outside
  ])('%s in the last %i days of 2027-05-03: %s', (date, days, inside) => {
    expect(inLastDays(date, '2027-05-03', days)).toBe(inside)
  })
})

test('weeksBetweenTimestamps: 14 days = 2 weeks, 36 h = 3/14 week', () => {
  expect(weeksBetweenTimestamps('2027-01-01T00:00:00Z', '2027-01-15T00:00:00Z')).toBe(2)
  expect(weeksBetweenTimestamps('2027-01-01T00:00:00Z', '2027-01-02T12:00:00Z')).toBeCloseTo(1.5 / 7, 12)
})
