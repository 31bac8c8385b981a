/**
 * A small seeded PRNG for the demo and benchmark data: sfc32 (Small Fast Counter, 128-bit state),
 * seeded through a string hash so one number seeds many independent streams ("seed 7, student
 * plateau"). Same seed, same sequence, on every platform: only 32-bit integer arithmetic.
 * Not for anything secret.
 */

/** 32-bit FNV-1a of a string, then mixed: a seed per label. */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0
    h = Math.imul(h, 0x01000193)
  }
  // murmur3 finaliser: spreads nearby seeds apart.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** Uniform in [min, max). */
  float(min: number, max: number): number
  /** True with probability p. */
  chance(p: number): boolean
  /** Normal draw (Box-Muller). */
  normal(mean?: number, sd?: number): number
  pick<T>(items: readonly T[]): T
  /** One item, with probability proportional to its weight (weights >= 0, not all 0). */
  weightedPick<T>(items: readonly T[], weight: (item: T) => number): T
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[]
  /** An independent stream derived from this one's seed and a label (order of forks does not matter). */
  fork(label: string | number): Rng
}

/** sfc32 seeded from `seed` (any 32-bit number) and optional labels. */
export function createRng(seed: number, ...labels: readonly (string | number)[]): Rng {
  const base = hashSeed(seed, ...labels)
  let a = base
  let b = hashSeed(base, 'b')
  let c = hashSeed(base, 'c')
  let d = 1
  const raw = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4_294_967_296
  }
  // Discard the first outputs: sfc32 needs a few rounds to mix a fresh state.
  for (let i = 0; i < 15; i++) raw()

  let spare: number | undefined
  const rng: Rng = {
    next: raw,
    int: (min, max) => min + Math.floor(raw() * (max - min + 1)),
    float: (min, max) => min + raw() * (max - min),
    chance: (p) => raw() < p,
    normal: (mean = 0, sd = 1) => {
      if (spare !== undefined) {
        const z = spare
        spare = undefined
        return mean + sd * z
      }
      // 1 − u keeps the log argument in (0, 1].
      const u = 1 - raw()
      const v = raw()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return mean + sd * r * Math.cos(2 * Math.PI * v)
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list')
      return items[Math.floor(raw() * items.length)] as (typeof items)[number]
    },
    weightedPick: (items, weight) => {
      const total = items.reduce((s, item) => s + Math.max(0, weight(item)), 0)
      if (!(total > 0)) throw new RangeError('weightedPick needs a positive total weight')
      let x = raw() * total
      for (const item of items) {
        x -= Math.max(0, weight(item))
        if (x < 0) return item
      }
      return items[items.length - 1] as (typeof items)[number]
    },
    shuffle: (items) => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(raw() * (i + 1))
        ;[out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]]
      }
      return out
    },
    fork: (label) => createRng(base, 'fork', label),
  }
  return rng
}
