import { describe, expect, it } from 'vitest'
import { renderOpenApi } from '../../../scripts/render-docs.js'
import { operationIdFor } from '../../../src/http/plugins/openapi-conventions.js'

interface Operation {
  operationId?: string
  security?: unknown[]
  responses?: Record<string, unknown>
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head']

async function operations(): Promise<{ key: string; method: string; op: Operation }[]> {
  const doc = JSON.parse(await renderOpenApi()) as { paths: Record<string, Record<string, Operation>> }
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, op })),
  )
}

describe('the OpenAPI document', () => {
  it('gives every operation a unique operationId', async () => {
    const ops = await operations()
    expect(ops.length).toBeGreaterThan(40)
    const missing = ops.filter((o) => typeof o.op.operationId !== 'string').map((o) => o.key)
    expect(missing).toEqual([])
    const ids = ops.map((o) => o.op.operationId)
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i)
    expect(duplicates).toEqual([])
  })

  it('documents the standard 4xx answers of every authenticated operation, and 413/415 where a body is taken', async () => {
    const missing: string[] = []
    for (const { key, method, op } of await operations()) {
      const isPublic = Array.isArray(op.security) && op.security.length === 0
      if (isPublic || /\/(healthz|readyz)$/.test(key)) continue
      const expected = ['400', '401', '403', '404', '429']
      if (['post', 'put', 'patch', 'delete'].includes(method)) expected.push('413', '415')
      for (const code of expected) if (op.responses?.[code] === undefined) missing.push(`${key} ${code}`)
    }
    expect(missing).toEqual([])
  })

  it('names its licence and a server', async () => {
    const doc = JSON.parse(await renderOpenApi()) as {
      info: { license?: { name: string }; version: string }
      servers?: { url: string }[]
    }
    expect(doc.info.license?.name).toBe('Apache-2.0')
    expect(doc.servers?.[0]?.url).toBeTypeOf('string')
  })
})

describe('operationIdFor', () => {
  const prefix = '/jsm/assets/workspace/:workspaceId/v1'
  it('derives a camel-cased id from method and path, parameters as By<Name>', () => {
    expect(operationIdFor('GET', `${prefix}/importsource/:importSourceId/executions`, prefix)).toBe(
      'getImportsourceByImportSourceIdExecutions',
    )
    expect(operationIdFor('GET', `${prefix}/importsource/:importSourceId/schema-and-mapping`, prefix)).toBe(
      'getImportsourceByImportSourceIdSchemaAndMapping',
    )
    expect(operationIdFor('GET', '/jsm/assets/v1/imports/info', prefix)).toBe('getJsmAssetsV1ImportsInfo')
  })
})
