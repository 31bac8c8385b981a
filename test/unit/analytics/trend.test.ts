import { describe, expect, test } from 'vitest'
import { DEFAULT_ANALYTICS_CONFIG as C } from '../../../src/modules/analytics/config.js'
import { addDays } from '../../../src/modules/analytics/dates.js'
import { computeFigures } from '../../../src/modules/analytics/engine.js'
import { trendFigures } from '../../../src/modules/analytics/trend.js'
import { assessment, makeInput } from './fixtures.js'

/** Scores taken at noon UTC on day offsets from 2027-03-01 (so x = offset/7 weeks exactly). */
function scores(points: [offset: number, score: number][]) {
  return points.map(([offset, score], i) =>
    assessment(`a${i}`, 'nbme-12', addDays('2027-03-01', offset), score),
  )
}

describe('trend status (last three scores, first match wins)', () => {
  test.each([
    ['no scores', [], 'insufficient_data'],
    ['one score', [[0, 240]], 'insufficient_data'],
    [
      'two scores rising',
      [
        [0, 240],
        [14, 245],
      ],
      'improving',
    ],
    [
      'two equal scores',
      [
        [0, 245],
        [14, 245],
      ],
      'flat',
    ],
    [
      'two scores falling: declining needs three',
      [
        [0, 245],
        [14, 230],
      ],
      'flat',
    ],
    // span 14, latest 244 beats max(240, 242) by 2 < 5
    [
      'gain 2 over span 14',
      [
        [0, 240],
        [7, 242],
        [14, 244],
      ],
      'plateau',
    ],
    // same scores, span 13: neither declining nor plateau can match; slope3 > 0
    [
      'gain 2 over span 13',
      [
        [0, 240],
        [7, 242],
        [13, 244],
      ],
      'improving',
    ],
    [
      'gain 4 (plateau)',
      [
        [0, 240],
        [7, 243],
        [14, 247],
      ],
      'plateau',
    ],
    [
      'gain 5 (not a plateau)',
      [
        [0, 240],
        [7, 243],
        [14, 248],
      ],
      'improving',
    ],
    // x = 0, 3, 6 weeks: slope3 = (244 − 250)/6 = −1 exactly, drop 6 >= 5
    [
      'slope exactly −1, drop 6',
      [
        [0, 250],
        [21, 247],
        [42, 244],
      ],
      'declining',
    ],
    // slope3 = −5/6 > −1: not declining; latest below the best before → plateau
    [
      'slope −0.83, drop 5',
      [
        [0, 250],
        [21, 247],
        [42, 245],
      ],
      'plateau',
    ],
    // x = 0, 1, 2: slope3 = −2 but the drop is 4 < 5 → plateau
    [
      'slope −2, drop 4',
      [
        [0, 250],
        [7, 248],
        [14, 246],
      ],
      'plateau',
    ],
    [
      'slope −2.5, drop 5',
      [
        [0, 250],
        [7, 248],
        [14, 245],
      ],
      'declining',
    ],
    [
      'steep fall over span 13',
      [
        [0, 250],
        [7, 245],
        [13, 240],
      ],
      'flat',
    ],
    [
      'rising by 10 a fortnight',
      [
        [0, 230],
        [14, 240],
        [28, 250],
      ],
      'improving',
    ],
    // only the last three count: 230 → 250 rising although the first score was 260
    [
      'four scores',
      [
        [0, 260],
        [14, 230],
        [28, 240],
        [42, 250],
      ],
      'improving',
    ],
  ] as [string, [number, number][], string][])('%s → %s', (_name, points, status) => {
    expect(trendFigures(scores(points), 30, C).status).toBe(status)
  })

  test('percent-only forms stay out of the trend', () => {
    const list = [
      ...scores([[0, 240]]),
      assessment('f', 'free-120', '2027-03-10', null, { percentCorrect: 70 }),
    ]
    const t = trendFigures(list, 30, C)
    expect(t.scores).toHaveLength(1)
    expect(t.status).toBe('insufficient_data')
  })
})

describe('trend figures', () => {
  // x = 0, 2, 4, 6 weeks; y = 260, 230, 240, 250: x̄ = 3, ȳ = 245,
  // Sxy = (−3)(15) + (−1)(−15) + (1)(−5) + (3)(5) = −20, Sxx = 20 → −1 a week
  const four = scores([
    [0, 260],
    [14, 230],
    [28, 240],
    [42, 250],
  ])
  test('latest, best, change, OLS slope over all, last three', () => {
    const t = trendFigures(four, 21, C)
    expect(t).toMatchObject({
      first: 260,
      latest: 250,
      best: 260,
      changeSinceFirst: -10,
      slopePerWeek: -1,
      lastThree: {
        scores: [230, 240, 250],
        spanDays: 28,
        slopePerWeek: 5,
        gainOverBestBefore: 10,
        change: 20,
      },
    })
    expect(t.scores[0]).toEqual({
      id: 'a0',
      takenAt: '2027-03-01T12:00:00Z',
      takenOn: '2027-03-01',
      form: 'nbme-12',
      score: 260,
    })
  })

  test.each([
    [21, { estimate: 247, low: 239, high: 255, weeks: 3 }], // 250 + (−1)·min(3, 4)
    [35, { estimate: 246, low: 238, high: 254, weeks: 4 }], // 5 weeks, capped at 4
    [0, { estimate: 250, low: 242, high: 258, weeks: 0 }], // exam day
    [10, { estimate: 248.6, low: 240.6, high: 256.6, weeks: 1.43 }], // 250 − 10/7 = 248.57
  ])('projection with %i days to the exam', (days, projected) => {
    expect(trendFigures(four, days, C).projectedAtExam).toEqual({ ...projected, label: 'estimate' })
  })

  test('no projection after the exam, without an exam date, or with one score', () => {
    expect(trendFigures(four, -1, C).projectedAtExam).toBeNull()
    expect(trendFigures(four, null, C).projectedAtExam).toBeNull()
    expect(trendFigures(scores([[0, 250]]), 21, C).projectedAtExam).toBeNull()
  })

  test('the projection stays on the 1–300 scale', () => {
    const steep = scores([
      [0, 270],
      [7, 295],
    ]) // +25 a week for 4 weeks
    expect(trendFigures(steep, 60, C).projectedAtExam).toMatchObject({ estimate: 300, high: 300, low: 292 })
  })

  test('post_exam through the engine: no projection', () => {
    const f = computeFigures(
      makeInput({ today: '2027-06-15', profile: { examDate: '2027-06-14' }, assessments: four }),
    )
    expect(f.trend.projectedAtExam).toBeNull()
    expect(f.trend.status).toBe('improving')
  })
})
