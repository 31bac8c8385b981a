import { randomStory } from '../../src/demo/bench-data.js'
import { generateHistory, type History, type Story } from '../../src/demo/generator.js'
import { createRng } from '../../src/demo/prng.js'
import { todayIn } from '../../src/modules/analytics/analytics.repository.js'
import type { BulkStudent } from './bulk-history.js'

/**
 * One of seedRealisticMentees' varied stories (on track, plateau, behind, final weeks, part-time),
 * cut to a short history: prep started 15–21 days ago, so the last complete week and the one before
 * it (what a weekly check-in compares) both have data; scored forms before that start are dropped.
 */
export function shortStory(seed: number, index: number): Story {
  const rng = createRng(seed, 'short-history').fork(index)
  const story = randomStory(rng, index)
  const prepStartInDays = -rng.int(15, 21)
  const schedule = story.selfAssessments.schedule.filter((s) => s.inDays >= prepStartInDays + 3)
  return {
    ...story,
    prepStartInDays,
    idleLastDays: Math.min(story.idleLastDays, 4),
    selfAssessments: { ...story.selfAssessments, schedule },
  }
}

/** Student `index` of a generated population with short histories, ready for bulkWriteStudents. */
export function shortHistoryStudent(
  { seed, now, label }: { seed: number; now: Date; label: string },
  index: number,
): BulkStudent {
  const story = shortStory(seed, index)
  const history: History = generateHistory(story, { seed, today: todayIn(story.timezone, now) })
  return {
    name: story.name,
    email: `short-${label}-${index}@bench.step2-progress.local`,
    // The account predates the history, as a real one would (check-ins skip weeks before it).
    createdAt: new Date(now.getTime() + (story.prepStartInDays - 1) * 86_400_000),
    history,
  }
}
