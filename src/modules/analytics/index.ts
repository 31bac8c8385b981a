// Public surface of the analytics engine (pure): the repository loads an AnalyticsInput, the route
// returns computeAnalytics(input, config).
export { computeAnalytics, computeFigures } from './engine.js'
export {
  DEFAULT_ANALYTICS_CONFIG,
  mergeAnalyticsConfig,
  type AnalyticsConfig,
  type DeepPartial,
} from './config.js'
export { GUIDE_SECTIONS, RULE_METADATA, RULES, recommend, type RuleMeta } from './rules.js'
export { addDays, daysBetween, mondayOf } from './dates.js'
export * from './types.js'
