import { describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG as C, mergeAnalyticsConfig } from '../../../src/modules/analytics/config.js'
import { readiness } from '../../../src/modules/analytics/readiness.js'
import { assessment } from './fixtures.js'

const TODAY = '2027-05-03'

describe('readiness estimate', () => {
  test('three scores: weights 0.5/0.3/0.2 from the most recent, UWSA 1 corrected by −6', () => {
    const r = readiness(
      [
        assessment('a', 'nbme-12', '2027-04-05', 240),
        assessment('b', 'uwsa-1', '2027-04-19', 250),
        assessment('c', 'nbme-13', '2027-05-01', 248),
      ],
      TODAY,
      250,
      C,
    )
    // corrected 248, 244, 240 → 0.5·248 + 0.3·244 + 0.2·240 = 124 + 73.2 + 48 = 245.2
    // sample SD of (248, 244, 240) = √(32/2) = 4 → band 8 + 4 = 12
    // pass: Φ((245.2 − 218)/12) = Φ(2.2667) = 0.98829; target 250: Φ(−0.4) = 0.34458
    expect(r).toMatchObject({
      status: 'estimate',
      estimate: 245.2,
      low: 233.2,
      high: 257.2,
      band: 12,
      passProbability: 0.988,
      targetProbability: 0.345,
      reason: null,
    })
    expect(r.formsUsed.map((f) => [f.id, f.offset, f.corrected, f.weight])).toEqual([
      ['c', 0, 248, 0.5],
      ['b', -6, 244, 0.3],
      ['a', 0, 240, 0.2],
    ])
  })

  test('two scores: weights renormalised to 0.625/0.375, UWSA 2 corrected by −3', () => {
    const r = readiness(
      [assessment('a', 'nbme-12', '2027-04-05', 240), assessment('b', 'uwsa-2', '2027-05-01', 255)],
      TODAY,
      250,
      C,
    )
    // 0.625·252 + 0.375·240 = 157.5 + 90 = 247.5; SD = 12/√2 = 8.485 → band 16.485
    // pass: Φ(29.5/16.485) = Φ(1.7895) = 0.96323; target: Φ(−2.5/16.485) = 0.43973
    expect(r).toMatchObject({
      estimate: 247.5,
      band: 16.5,
      low: 231,
      high: 264,
      passProbability: 0.963,
      targetProbability: 0.44,
    })
    expect(r.formsUsed.map((f) => f.weight)).toEqual([0.625, 0.375])
  })

  test('one score: band 8 (no spread), no target → no target probability', () => {
    const r = readiness([assessment('a', 'nbme-12', '2027-05-01', 230)], TODAY, null, C)
    // Φ((230 − 218)/8) = Φ(1.5) = 0.93319
    expect(r).toMatchObject({ estimate: 230, low: 222, high: 238, band: 8, passProbability: 0.933 })
    expect(r.targetProbability).toBeNull()
  })

  test('target 240 with one score 230: Φ(−1.25) = 0.10565', () => {
    const r = readiness([assessment('a', 'nbme-12', '2027-05-01', 230)], TODAY, 240, C)
    expect(r.targetProbability).toBe(0.106)
  })

  test('only the last three within 42 days: 42 days ago counts, 43 does not', () => {
    const r = readiness(
      [
        assessment('old', 'nbme-9', '2027-03-21', 200), // 43 days ago
        assessment('edge', 'nbme-10', '2027-03-22', 230), // 42 days ago
        assessment('b', 'nbme-11', '2027-04-10', 240),
        assessment('c', 'nbme-12', '2027-04-20', 250),
        assessment('free', 'free-120', '2027-04-25', null, { percentCorrect: 80 }),
        assessment('d', 'nbme-13', '2027-05-01', 250),
      ],
      TODAY,
      null,
      C,
    )
    expect(r.formsUsed.map((f) => f.id)).toEqual(['d', 'c', 'b'])
    const r2 = readiness(
      [assessment('old', 'nbme-9', '2027-03-21', 200), assessment('edge', 'nbme-10', '2027-03-22', 230)],
      TODAY,
      null,
      C,
    )
    expect(r2.formsUsed.map((f) => f.id)).toEqual(['edge'])
  })

  test('configurable offsets and weights', () => {
    const c = mergeAnalyticsConfig({ readiness: { formOffsets: { 'nbme-13': 2 }, weights: [1] } })
    const r = readiness(
      [assessment('a', 'uwsa-1', '2027-04-20', 250), assessment('b', 'nbme-13', '2027-05-01', 248)],
      TODAY,
      null,
      c,
    )
    expect(r.formsUsed).toHaveLength(1)
    expect(r.estimate).toBe(250) // 248 + 2
    expect(c.readiness.formOffsets['uwsa-1']).toBe(-6) // merged, not replaced
  })
})

describe('insufficient data, saying why', () => {
  test.each([
    ['nothing', [], /No self-assessment yet/],
    [
      'percent-only forms',
      [assessment('f', 'free-120', '2027-05-01', null, { percentCorrect: 70 })],
      /percent-only/,
    ],
    ['only an old score', [assessment('a', 'nbme-12', '2027-03-01', 240)], /latest is from 2027-03-01/],
  ])('%s', (_name, list, reason) => {
    const r = readiness(list, TODAY, 250, C)
    expect(r).toMatchObject({
      status: 'insufficient_data',
      estimate: null,
      passProbability: null,
      formsUsed: [],
    })
    expect(r.reason).toMatch(reason)
    expect(r.method).toMatch(/estimate/)
  })
})
