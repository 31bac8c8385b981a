// `npm run openapi`: writes openapi/openapi.json from the routes' zod schemas.
import { mkdirSync, writeFileSync } from 'node:fs'
import { generateOpenapi } from './openapi-document.js'

mkdirSync('openapi', { recursive: true })
writeFileSync('openapi/openapi.json', JSON.stringify(await generateOpenapi(), null, 2) + '\n')
console.log('wrote openapi/openapi.json')
