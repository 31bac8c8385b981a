// Every table, for drizzle-kit and for the typed client.
export * from '../modules/users/users.table.js'
export * from '../modules/students/profiles.table.js'
export * from '../http/rate-limit.table.js'
