import { SYSTEMS } from '../../src/reference/index.js'

/** Small seeded PRNG (mulberry32): every run posts the same sequence of bodies. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const int = (rand: () => number, min: number, max: number) => min + Math.floor(rand() * (max - min + 1))

/** Splits `total` into `parts` positive integers (parts <= total). */
function split(rand: () => number, total: number, parts: number): number[] {
  const cuts = new Set<number>()
  while (cuts.size < parts - 1) cuts.add(int(rand, 1, total - 1))
  const points = [0, ...[...cuts].sort((a, b) => a - b), total]
  return points.slice(1).map((p, i) => p - points[i]!)
}

/**
 * What a study app posts after a UWorld block: 40 questions, 3–5 systems named the way students
 * type them (aliases as often as slugs), a mistake breakdown, review time, sometimes a topic.
 */
export function blockBody(rand: () => number, now = Date.now()): Record<string, unknown> {
  const questionCount = 40
  const correctCount = int(rand, 18, 36)
  const systemCount = int(rand, 3, 5)
  const picked = new Set<number>()
  while (picked.size < systemCount) picked.add(int(rand, 0, SYSTEMS.length - 1))
  const totals = split(rand, questionCount, systemCount)
  let correctLeft = correctCount
  const systems = [...picked].map((i, k) => {
    const system = SYSTEMS[i]!
    const total = totals[k]!
    const correct =
      k === systemCount - 1 ? Math.min(total, correctLeft) : Math.min(total, int(rand, 0, correctLeft))
    correctLeft -= correct
    const label = rand() < 0.5 ? system.slug : (system.aliases[0] ?? system.name)
    return { system: label, total, correct }
  })
  const wrong = questionCount - correctCount
  const knowledge = int(rand, 0, wrong)
  const misread = int(rand, 0, wrong - knowledge)
  const timing = int(rand, 0, wrong - knowledge - misread)
  const review = rand() < 0.2
  return {
    source: 'uworld',
    // Within the last 60 days, never in the future.
    takenAt: new Date(now - int(rand, 3_600, 60 * 86_400) * 1000).toISOString(),
    questionCount,
    correctCount,
    pass: review ? 'review' : 'first',
    timed: rand() < 0.8,
    selection: rand() < 0.7 ? 'random' : 'subject',
    durationMinutes: int(rand, 45, 75),
    reviewMinutes: int(rand, 60, 180),
    systems,
    mistakes: { knowledge, misread, timing },
    ...(rand() < 0.3 ? { topics: ['dvt-pe'] } : {}),
  }
}

/** `count` serialised bodies, cycled through by the load generator (no JSON work on the hot path). */
export function blockBodies(count: number, seed = 20261128): string[] {
  const rand = random(seed)
  return Array.from({ length: count }, () => JSON.stringify(blockBody(rand)))
}
