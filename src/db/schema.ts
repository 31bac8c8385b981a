// Every table, for drizzle-kit and for the typed client.
export * from '../modules/users/users.table.js'
export * from '../modules/students/profiles.table.js'
export * from '../http/rate-limit.table.js'
export * from '../modules/qbank/blocks.table.js'
export * from '../modules/assessments/assessments.table.js'
export * from '../modules/activities/activities.table.js'
export * from '../modules/sync/sync.tables.js'
export * from '../modules/advisors/grants.table.js'
