import { analytics } from './analytics.js'
import { blocksList } from './blocks-list.js'
import { blocksPost } from './blocks-post.js'
import { checkins } from './checkins.js'
import { dashboard } from './dashboard.js'
import type { Scenario } from './types.js'

/**
 * Run in this order; each measures ours then bare, so the runs alternate (ours POST, bare POST,
 * ours GET, bare GET, ours analytics, bare analytics, ours recommendations), then the dashboard and
 * the check-ins, which have no bare equivalent. A new benchmark: a file exporting a Scenario, then
 * one line below.
 */
export const SCENARIOS: readonly Scenario[] = [blocksPost, blocksList, analytics, dashboard, checkins]
