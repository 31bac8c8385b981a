import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { generateOpenapi } from '../../scripts/openapi-document.js'

type Operation = {
  operationId?: string
  tags?: string[]
  summary?: string
  responses?: Record<string, unknown>
}

describe('OpenAPI document', () => {
  test('the committed openapi/openapi.json matches what the code generates (run `npm run openapi`)', async () => {
    const committed: unknown = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'))
    expect(await generateOpenapi()).toEqual(committed)
  })

  test('every operation has a unique operationId, tags, a summary and documented responses', async () => {
    const doc = (await generateOpenapi()) as { paths: Record<string, Record<string, Operation>> }
    const ids: string[] = []
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(op.operationId, where).toBeTruthy()
        expect(op.tags?.length, where).toBeGreaterThan(0)
        expect(op.summary, where).toBeTruthy()
        expect(Object.keys(op.responses ?? {}).length, where).toBeGreaterThan(0)
        ids.push(op.operationId ?? '')
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
  })
})
