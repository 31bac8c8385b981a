// Small numeric helpers: rounding, Wilson interval, least squares, the normal distribution.

/** Tolerance for threshold comparisons of computed floats (e.g. a slope of −0.9999999999999998 is −1). */
export const EPS = 1e-9

/** Half away from zero at `digits` decimals, robust to binary representation (2.675 → 2.68); never −0. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits
  const r = (Math.sign(value) * Math.round(Math.abs(value) * f * (1 + Number.EPSILON))) / f
  return r === 0 ? 0 : r
}

/** 100·part/whole, one decimal; null when whole is 0. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? round((100 * part) / whole, 1) : null
}

export function sumBy<T>(rows: readonly T[], f: (row: T, index: number) => number): number {
  let s = 0
  for (let i = 0; i < rows.length; i++) s += f(rows[i] as T, i)
  return s
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sumBy(values, (v) => v) / values.length
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0
  const m = mean(values)
  return Math.sqrt(sumBy(values, (v) => (v - m) ** 2) / (values.length - 1))
}

/** Wilson score interval for `successes` out of `n` at normal quantile `z`; bounds in [0, 1]. */
export function wilsonInterval(successes: number, n: number, z: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 }
  const p = successes / n
  const z2 = z * z
  const centre = p + z2 / (2 * n)
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  const denom = 1 + z2 / n
  const clamp = (v: number) => Math.min(1, Math.max(0, v))
  return { low: clamp((centre - half) / denom), high: clamp((centre + half) / denom) }
}

/** Ordinary least-squares slope of y on x; null with fewer than two points or no spread in x. */
export function olsSlope(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 2) return null
  const mx = mean(points.map((p) => p.x))
  const my = mean(points.map((p) => p.y))
  let sxx = 0
  let sxy = 0
  for (const p of points) {
    sxx += (p.x - mx) ** 2
    sxy += (p.x - mx) * (p.y - my)
  }
  return sxx === 0 ? null : sxy / sxx
}

const TWO_OVER_SQRT_PI = 1.1283791670955126
const ONE_OVER_SQRT_PI = 0.5641895835477563

/**
 * erf for |x| < 2.5 by the all-positive Maclaurin-type series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·5···(2n+1)) (Abramowitz & Stegun 7.1.6):
 * no cancellation, so it keeps full double precision.
 */
function erfSeries(x: number): number {
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1)
    sum += term
    if (term < sum * 1e-17) break
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum
}

/**
 * erfc for x >= 2.5 by its continued fraction (A&S 7.1.14), evaluated with the modified Lentz method:
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))). Accurate to ~1e-16 relative.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 500; n++) {
    const a = n / 2
    d = x + a * d
    d = d === 0 ? tiny : 1 / d
    c = x + a / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return -erf(-x)
  return x < 2.5 ? erfSeries(x) : 1 - erfcContinuedFraction(x)
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return 2 - erfc(-x)
  return x < 2.5 ? 1 - erfSeries(x) : erfcContinuedFraction(x)
}

/** Standard normal CDF Φ(z) = erfc(−z/√2)/2; keeps relative precision far in the lower tail. */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1
  if (z === -Infinity) return 0
  return 0.5 * erfc(-z / Math.SQRT2)
}
