import { readFileSync } from 'node:fs'
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript'
import * as prettier from 'prettier'

/** Where the generated client's types live: committed, and checked against the document by a test. */
export const CLIENT_TYPES_PATH = 'test/client/schema.d.ts'

/**
 * The TypeScript types openapi-typescript generates from openapi/openapi.json (what its CLI writes),
 * formatted with the repository's Prettier settings so `npm run lint` passes on the committed file.
 */
export async function generateClientTypes(documentPath = 'openapi/openapi.json'): Promise<string> {
  const document = JSON.parse(readFileSync(documentPath, 'utf8')) as OpenAPI3
  const source = COMMENT_HEADER + astToString(await openapiTS(document))
  const options = await prettier.resolveConfig(CLIENT_TYPES_PATH)
  return prettier.format(source, { ...options, filepath: CLIENT_TYPES_PATH })
}
