import { describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG } from '../../../src/modules/analytics/config.js'
import {
  erf,
  erfc,
  normalCdf,
  olsSlope,
  percent,
  round,
  sampleSd,
  wilsonInterval,
} from '../../../src/modules/analytics/stats.js'

const Z90 = DEFAULT_ANALYTICS_CONFIG.weak.wilsonZ

describe('wilsonInterval at 90% (z = 1.6448536269514722)', () => {
  // Wilson: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
  // 10/20: p = 0.5, z² = 2.7055431, z²/2n = 0.0676386, √(0.0125 + 0.0016910) = 0.1191259, ×z = 0.1959446,
  //        denominator 1.1352772 → (0.5 + 0.0676386 ± 0.1959446) / 1.1352772 = 0.327404 / 0.672596.
  //        (The 0.6783 sometimes quoted is not the Wilson bound: scipy's 'wilson' gives 0.672596 too.)
  // 0/20: p = 0 → (0.0676386 ± 0.0676386)/1.1352772 → 0 / 0.119158.
  test.each([
    [10, 20, 0.327404, 0.672596],
    [0, 20, 0, 0.119158],
    [20, 20, 0.880842, 1],
    [8, 20, 0.242387, 0.581444],
    [20, 50, 0.294019, 0.516247],
    [60, 100, 0.51781, 0.676922],
    [50, 100, 0.418848, 0.581152],
  ])('%i/%i → [%f, %f]', (k, n, low, high) => {
    const w = wilsonInterval(k, n, Z90)
    expect(w.low).toBeCloseTo(low, 6)
    expect(w.high).toBeCloseTo(high, 6)
  })
  test('bounds stay within [0, 1] (20/20 would be 1.0000000000000002 unclamped)', () => {
    expect(wilsonInterval(20, 20, Z90).high).toBe(1)
  })
  test('no attempts → [0, 1]', () => {
    expect(wilsonInterval(0, 0, Z90)).toEqual({ low: 0, high: 1 })
  })
})

describe('olsSlope', () => {
  test.each([
    ['three rising by 5', [0, 1, 2], [240, 245, 250], 5],
    ['exactly −1 a week', [0, 1, 2], [250, 249, 248], -1],
    // x̄ = 3, ȳ = 245; Sxy = (−3)(15) + (−1)(−15) + (1)(−5) + (3)(5) = −20; Sxx = 20 → −1
    ['four points', [0, 2, 4, 6], [260, 230, 240, 250], -1],
    // symmetric x: slope = (y3 − y1)/(x3 − x1) = (244 − 250)/6 = −1, the middle point does not matter
    ['symmetric three', [0, 3, 6], [250, 200, 244], -1],
  ])('%s', (_name, xs, ys, slope) => {
    expect(olsSlope(xs.map((x, i) => ({ x, y: ys[i] ?? 0 })))).toBeCloseTo(slope, 12)
  })
  test('fewer than two points, or no spread in x → null', () => {
    expect(olsSlope([])).toBeNull()
    expect(olsSlope([{ x: 1, y: 250 }])).toBeNull()
    expect(
      olsSlope([
        { x: 2, y: 240 },
        { x: 2, y: 250 },
      ]),
    ).toBeNull()
  })
})

describe('normalCdf and erf (values from scipy.stats.norm.cdf / scipy.special.erf)', () => {
  test.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.6448536269514722, 0.95],
    [-2, 0.022750131948179195],
    [3, 0.9986501019683699],
    [0.5, 0.6914624612740131],
    [-1.25, 0.10564977366685535],
    [1.5, 0.9331927987311419],
    [5, 0.9999997133484281],
  ])('Φ(%f) = %f', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 13)
  })
  test('the far lower tail keeps relative precision: Φ(−8) = 6.22096057427174e-16', () => {
    expect(normalCdf(-8) / 6.22096057427174e-16).toBeCloseTo(1, 10)
  })
  test('Φ(±∞)', () => {
    expect(normalCdf(Infinity)).toBe(1)
    expect(normalCdf(-Infinity)).toBe(0)
  })
  test.each([
    [0.1, 0.1124629160182849],
    [1, 0.8427007929497149],
    [-0.5, -0.5204998778130465],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
  ])('erf(%f) = %f', (x, v) => {
    expect(erf(x)).toBeCloseTo(v, 14)
  })
  test('erfc(3) = 2.209049699858544e-05 to 12 significant digits', () => {
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12)
  })
})

describe('round, percent, sampleSd', () => {
  test.each([
    [2.675, 2, 2.68], // 2.675 is 2.67499999… in binary; rounded as written
    [-2.5, 0, -3], // half away from zero
    [0.05, 1, 0.1],
    [-0.04, 1, 0], // never −0
    [24.479804161566705, 1, 24.5],
    [99.97552019583844, 1, 100],
  ])('round(%f, %i) = %f', (v, d, r) => {
    expect(Object.is(round(v, d), r)).toBe(true)
  })
  test('percent: one decimal, null without a whole', () => {
    expect(percent(1, 3)).toBe(33.3)
    expect(percent(2, 3)).toBe(66.7)
    expect(percent(0, 0)).toBeNull()
  })
  test('sampleSd: n − 1 denominator, 0 below two values', () => {
    expect(sampleSd([248, 244, 240])).toBe(4) // Σd² = 32, /2 = 16
    expect(sampleSd([252, 240])).toBeCloseTo(8.485281374, 9) // 12/√2
    expect(sampleSd([250])).toBe(0)
    expect(sampleSd([])).toBe(0)
  })
})
