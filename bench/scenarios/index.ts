import { blocksList } from './blocks-list.js'
import { blocksPost } from './blocks-post.js'
import type { Scenario } from './types.js'

/**
 * Run in this order; each measures ours then bare, so the runs alternate
 * (ours POST, bare POST, ours GET, bare GET). New scenarios (analytics for a seeded student,
 * the advisor dashboard, check-ins) go here: a file exporting a Scenario, then one line below.
 */
export const SCENARIOS: readonly Scenario[] = [blocksPost, blocksList]
