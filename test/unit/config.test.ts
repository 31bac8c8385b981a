import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { isIanaTimezone } from '../../src/http/common.schemas.js'
import { profileInconsistencies } from '../../src/modules/students/profile.service.js'
import { generateToken, hashToken, SCOPES_BY_ROLE } from '../../src/modules/users/tokens.js'

describe('config', () => {
  test('defaults need no environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      MIGRATE_ON_START: true,
      RATE_LIMIT_PER_MINUTE: 600,
    })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(Object.isFrozen(config)).toBe(true)
  })

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
  ])('%j is refused with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  })

  test.each([
    ['false', false],
    ['true', true],
    ['0', false],
    ['1', true],
  ])('MIGRATE_ON_START=%s → %s', (value, expected) => {
    expect(loadConfig({ MIGRATE_ON_START: value }).MIGRATE_ON_START).toBe(expected)
  })

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
  })
})

describe('time zones', () => {
  test.each([
    ['UTC', true],
    ['Asia/Kolkata', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Pacific/Auckland', true],
    ['Mars/Olympus', false],
    ['+05:30', false],
    ['', false],
    ['Asia', false],
  ])('%s → %s', (tz, ok) => expect(isIanaTimezone(tz)).toBe(ok))
})

describe('tokens', () => {
  test('are 256-bit random, prefixed, and never repeat', () => {
    const a = generateToken()
    expect(a).toMatch(/^s2p_[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32)
    expect(generateToken()).not.toBe(a)
  })
  test('hash is SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
  test('only admins carry the admin scope', () => {
    expect(SCOPES_BY_ROLE.student).not.toContain('admin')
    expect(SCOPES_BY_ROLE.advisor).toEqual(['mentees:read'])
  })
})

describe('profile consistency', () => {
  test.each([
    [{ prepStartDate: '2027-04-05', examDate: '2027-06-14' }, 0],
    [{ prepStartDate: '2027-06-14', examDate: '2027-06-14' }, 1],
    [{ prepStartDate: '2027-06-15', examDate: '2027-06-14' }, 1],
    [{ prepStartDate: null, examDate: '2027-06-14' }, 0],
    [{ prepStartDate: '2027-06-15', examDate: null }, 0],
  ])('%j → %i problem(s)', (profile, count) => {
    expect(profileInconsistencies(profile)).toHaveLength(count)
  })
})
