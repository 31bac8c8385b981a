import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { CLIENT_TYPES_PATH, generateClientTypes } from '../../scripts/client-types.js'

test(
  'test/client/schema.d.ts is what openapi-typescript generates from openapi/openapi.json (run `npm run client:generate`)',
  async () => {
    expect(readFileSync(CLIENT_TYPES_PATH, 'utf8')).toBe(await generateClientTypes())
  },
  // openapi-typescript and Prettier over a 500 kB document: seconds, more on a busy machine.
  120_000,
)
