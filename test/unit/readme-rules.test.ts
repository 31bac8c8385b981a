// The README documents every recommendation rule: each id of RULE_IDS must appear in backticks
// (the table printed by `npx tsx scripts/rules-table.ts`).
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { RULE_METADATA } from '../../src/modules/analytics/rules.js'
import { RULE_IDS } from '../../src/modules/analytics/types.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('README rule reference', () => {
  test('RULE_METADATA lists every rule once, in RULE_IDS order', () => {
    expect(RULE_METADATA.map((m) => m.id)).toEqual([...RULE_IDS])
  })

  test.each(RULE_IDS.map((id) => [id]))('README.md names `%s`', (id) => {
    expect(readme, `README.md lacks \`${id}\`: paste the output of scripts/rules-table.ts`).toContain(
      `\`${id}\``,
    )
  })
})
