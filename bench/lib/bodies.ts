import { randomStory } from '../../src/demo/bench-data.js'
import { generateHistory } from '../../src/demo/generator.js'
import { createRng } from '../../src/demo/prng.js'
import { todayIn } from '../../src/modules/analytics/analytics.repository.js'

/** In a body, replaced by a fresh value on every request (see LoadRequest.uniqueBodyToken). */
export const UNIQUE_TOKEN = '__bench_unique__'

/**
 * `count` block bodies (JSON), exactly as the demo generator writes them for the students of
 * seedRealisticMentees (randomStory: on track, plateau, behind, final weeks, part-time): timed
 * random blocks spread over most systems, untimed subject blocks over one or two, per-subject rows,
 * mistakes, review minutes, sometimes a topic, an externalId each. Students follow one another until
 * there are `count` blocks; every body is dated before `now`.
 *
 * `externalId: 'unique'` puts UNIQUE_TOKEN in place of the generator's externalId, for a load that
 * must create a block with every request (the load generator fills it in); 'generated' keeps the
 * generator's ids (seeding: each body posted once).
 */
export function generatedBlockBodies(
  count: number,
  { seed, now, externalId }: { seed: number; now: Date; externalId: 'unique' | 'generated' },
): string[] {
  const rng = createRng(seed, 'bench-bodies')
  const bodies: string[] = []
  for (let i = 0; bodies.length < count; i++) {
    const story = randomStory(rng.fork(i), i)
    const { blocks } = generateHistory(story, { seed, today: todayIn(story.timezone, now) })
    for (const block of blocks) {
      if (bodies.length === count) break
      bodies.push(JSON.stringify(externalId === 'unique' ? { ...block, externalId: UNIQUE_TOKEN } : block))
    }
  }
  return bodies
}
