import { readdirSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import {
  createSource,
  mappingFixture,
  otherWorkspace,
  submitMapping,
  type Json,
} from '../helpers/import-sources.js'
import { baseDocument } from '../unit/mapping-document/helpers.js'

// Every member Intake accepts is applied; any other is refused at its pointer (issue 12, item 2). Assets clients
// keep working: every fixture document (the seeds' PUT, PATCH and GET examples, the reference's examples, a
// 2021_09_15 document) still PUTs, and so does Intake's own GET answer of each.
const FIXTURES = readdirSync(new URL('../fixtures/mapping/', import.meta.url))
  .filter((name) => name.endsWith('.json'))
  .sort()
// Seed 001's PATCH example extends the PUT example: it is sent as a PATCH after that PUT.
const PATCH_FIXTURES: Record<string, string> = { 'seed-patch.json': 'seed-put.json' }

describeEachDialect('unknown members of the schema + mapping document through HTTP', (env) => {
  const mappingUrl = (id: string) => `${env().api}/importsource/${id}/mapping`
  let workspaces = 0

  /**
   * A fresh workspace per document: schema names and externalIds are unique in a workspace, and PUT only submits
   * a source's first mapping. The seed's status attribute allows two statuses Assets has before the import.
   */
  async function freshWorkspace(): Promise<{ api: string; token: string }> {
    const ws = await otherWorkspace(env(), `ws-members-${++workspaces}`)
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      const res = await env().call('POST', `${ws.api}/status/create`, {
        body: { name, category: 'active' },
        token: ws.token,
      })
      expect(res.status).toBe(201)
    }
    return ws
  }

  beforeAll(async () => {
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      const res = await env().call('POST', `${env().api}/status/create`, {
        body: { name, category: 'active' },
      })
      expect(res.status).toBe(201)
    }
  })

  it('finds the fixture documents', () => {
    expect(FIXTURES).toEqual(
      expect.arrayContaining(['seed-put.json', 'seed-patch.json', 'seed-get-example.json']),
    )
  })

  describe('every Assets document of the fixtures still applies, and so does its GET answer sent back', () => {
    it.each(FIXTURES)('%s', async (name) => {
      const ws = await freshWorkspace()
      const source = await createSource(env(), {}, ws)
      const base = PATCH_FIXTURES[name]
      if (base !== undefined) await submitMapping(env(), source.id, mappingFixture(base), 'PUT', ws)
      await submitMapping(env(), source.id, mappingFixture(name), base === undefined ? 'PUT' : 'PATCH', ws)
      const got = await env().call('GET', `${ws.api}/importsource/${source.id}/schema-and-mapping`, {
        token: ws.token,
      })
      expect(got.status).toBe(200)
      await submitMapping(env(), source.id, got.body, 'PATCH', ws)
      const again = await freshWorkspace()
      await submitMapping(env(), (await createSource(env(), {}, again)).id, got.body, 'PUT', again)
    })
  })

  it('refuses a misspelt member with 400, its pointer and the closest member, and applies nothing', async () => {
    const source = await createSource(env())
    const doc = baseDocument() as Json
    doc.schema.objectSchema.objectTypes[0].attributes[1].minimumCardinalty = 1
    doc.mapping.objectTypeMappings[0].attributesMapping[0].externalIdpart = true
    const res = await env().call('PUT', mappingUrl(source.id), { body: doc })
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.error.code).toBe('MAPPING_DOCUMENT_INVALID')
    const problems = [
      {
        code: 'UNKNOWN_MEMBER',
        pointer: '/schema/objectSchema/objectTypes/0/attributes/1/minimumCardinalty',
        message: expect.stringContaining('did you mean minimumCardinality?'),
      },
      {
        code: 'UNKNOWN_MEMBER',
        pointer: '/mapping/objectTypeMappings/0/attributesMapping/0/externalIdpart',
        message: expect.stringContaining('did you mean externalIdPart?'),
      },
    ]
    expect(res.body.dataValidationErrors).toEqual(problems)
    expect(res.body.error.details.problems).toEqual(problems)
    expect((await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)).body).toEqual({
      status: 'MISSING_MAPPING',
    })
  })

  it('refuses a misspelt member on PATCH and keeps the stored document', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, mappingFixture('seed-put.json'))
    const before = await env().call('GET', `${env().api}/importsource/${source.id}/schema-and-mapping`)
    const patch = {
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'object-type/file',
            objectTypeName: 'File',
            selector: 'hardDrives.files',
            description: 'Maps files found in hard drives',
            attributesMapping: [
              {
                attributeExternalId: 'object-type-attribute/path',
                attributeName: 'Path',
                atributeLocators: ['path'],
                attributeLocators: ['path'],
                externalIdPart: true,
              },
            ],
          },
        ],
      },
    }
    const res = await env().call('PATCH', mappingUrl(source.id), { body: patch })
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.dataValidationErrors).toEqual([
      {
        code: 'UNKNOWN_MEMBER',
        pointer: '/mapping/objectTypeMappings/0/attributesMapping/0/atributeLocators',
        message: expect.stringContaining('did you mean attributeLocators?'),
      },
    ])
    const after = await env().call('GET', `${env().api}/importsource/${source.id}/schema-and-mapping`)
    expect(after.body).toEqual(before.body)
  })

  it('refuses inheritance: true as unsupported and accepts inheritance: false', async () => {
    const ws = await freshWorkspace()
    const source = await createSource(env(), {}, ws)
    const doc = mappingFixture('seed-get-example.json')
    doc.schema.objectSchema.objectTypes[0].inheritance = true
    const res = await env().call('PUT', `${ws.api}/importsource/${source.id}/mapping`, {
      body: doc,
      token: ws.token,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.dataValidationErrors).toEqual([
      {
        code: 'UNSUPPORTED_MEMBER',
        pointer: '/schema/objectSchema/objectTypes/0/inheritance',
        message: expect.stringContaining('Intake does not support attribute inheritance'),
      },
    ])
    doc.schema.objectSchema.objectTypes[0].inheritance = false
    await submitMapping(env(), source.id, doc, 'PUT', ws)
  })
})
