// `npm run client:generate`: writes test/client/schema.d.ts from openapi/openapi.json (run
// `npm run openapi` first when the routes changed).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { CLIENT_TYPES_PATH, generateClientTypes } from './client-types.js'

mkdirSync(dirname(CLIENT_TYPES_PATH), { recursive: true })
writeFileSync(CLIENT_TYPES_PATH, await generateClientTypes())
console.log(`wrote ${CLIENT_TYPES_PATH}`)
