import { randomUUID } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import { openPostgres } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { adminQuery, databaseUrl } from './db.js'

/**
 * With TEST_DATABASE_URL: migrate one template database per run; each test file then copies it
 * (CREATE DATABASE ... TEMPLATE), which is much faster than migrating per file.
 * Without it, files use in-memory PGlite and there is nothing to prepare.
 */
export default async function setup(project: TestProject) {
  const base = process.env.TEST_DATABASE_URL
  if (!base) {
    project.provide('templateDatabase', null)
    return
  }
  const template = `tpl_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  await adminQuery(base, `create database "${template}"`)
  const database = openPostgres(databaseUrl(base, template), { poolMax: 1 })
  try {
    await runMigrations(database)
  } finally {
    await database.close()
  }
  project.provide('templateDatabase', template)
  return async () => {
    await adminQuery(base, `drop database if exists "${template}" with (force)`)
  }
}
