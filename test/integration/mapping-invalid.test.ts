import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, otherWorkspace, submitMapping, type Json } from '../helpers/import-sources.js'
import { baseDocument } from '../unit/mapping-document/helpers.js'
import { INVALID_PATCH_CASES } from '../unit/mapping-document/invalid-patch-cases.js'
import { INVALID_PUT_CASES as SCHEMA_CASES } from '../unit/mapping-document/invalid-put-cases.js'
import { INVALID_PUT_CASES_MAPPING } from '../unit/mapping-document/invalid-put-cases-mapping.js'

// The domain's invalid-document tables, sent through HTTP: each must answer 400 MAPPING_DOCUMENT_INVALID with
// exactly its problem, in details.problems and in the top-level dataValidationErrors of Assets, and apply nothing.
const PUT_CASES = [...SCHEMA_CASES, ...INVALID_PUT_CASES_MAPPING]
// Cases whose context an external source cannot have through HTTP: another source's externalIds, or the header of
// a tabular source's file (UNKNOWN_COLUMN has its own test, file-import-mapping-columns).
const usesOtherSource = (c: {
  context?: { externalIdsInUse?: Iterable<string>; sourceColumns?: readonly string[] }
}) => c.context?.externalIdsInUse !== undefined || c.context?.sourceColumns !== undefined
const PLAIN_PUT_CASES = PUT_CASES.filter((c) => !usesOtherSource(c))
const PLAIN_PATCH_CASES = INVALID_PATCH_CASES.filter((c) => !usesOtherSource(c))

function putDocument(index: number): unknown {
  const testCase = PLAIN_PUT_CASES[index]!
  const doc = baseDocument()
  testCase.change(doc)
  return 'document' in testCase ? testCase.document : doc
}

function expectOneProblem(res: { status: number; body: any }, code: string, pointer: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400)
  expect(res.body.error.code).toBe('MAPPING_DOCUMENT_INVALID')
  expect(res.body.code).toBe(400)
  const problem = { code, pointer, message: expect.any(String) }
  expect(res.body.dataValidationErrors).toEqual([problem])
  expect(res.body.error.details.problems).toEqual([problem])
}

it('covers at least 25 invalid documents and every problem code', () => {
  expect(PLAIN_PUT_CASES.length + PLAIN_PATCH_CASES.length).toBeGreaterThanOrEqual(25)
})

describeEachDialect('invalid documents on PUT through HTTP', (env) => {
  let source: Json
  beforeAll(async () => {
    source = await createSource(env())
    // The UNKNOWN_STATUS case expects "Stopped" to exist outside the document.
    const res = await env().call('POST', `${env().api}/status/create`, {
      body: { name: 'Stopped', category: 'inactive' },
    })
    expect(res.status).toBe(201)
  })

  it.each(PLAIN_PUT_CASES.map((c, i) => [c.name, i, c.code, c.pointer] as const))(
    '%s',
    async (_name, index, code, pointer) => {
      const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, {
        body: putDocument(index),
      })
      expectOneProblem(res, code, pointer)
    },
  )

  it('answers EXTERNAL_ID_IN_USE for an externalId of another source of the workspace', async () => {
    const other = await createSource(env())
    await submitMapping(env(), other.id, {
      schema: {
        objectSchema: {
          name: 'Elsewhere',
          description: '',
          objectTypes: [
            {
              externalId: 'type/os',
              name: 'System',
              description: '',
              attributes: [
                { externalId: 'attr/elsewhere-name', name: 'Name', description: '', type: 'text' },
              ],
            },
          ],
        },
      },
      mapping: { objectTypeMappings: [] },
    })
    const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, {
      body: baseDocument(),
    })
    expectOneProblem(res, 'EXTERNAL_ID_IN_USE', '/schema/objectSchema/objectTypes/1/externalId')
  })

  it('applied nothing: the source still misses its mapping and no schema Inventory exists', async () => {
    expect((await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)).body.status).toBe(
      'MISSING_MAPPING',
    )
    const schemas = await env().call('GET', `${env().api}/objectschema/list`)
    expect(schemas.body.values.map((s: Json) => s.name)).toEqual(['Elsewhere'])
  })

  it('answers a body that is no document with INVALID_TYPE at the root, and bad JSON with MALFORMED_BODY', async () => {
    for (const body of ['[]', '"text"', '42']) {
      const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body })
      expectOneProblem(res, 'INVALID_TYPE', '')
    }
    const bad = await env().call('PATCH', `${env().api}/importsource/${source.id}/mapping`, {
      body: '{"schema":',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('MALFORMED_BODY')
  })
})

describeEachDialect('invalid PATCHes through HTTP', (env) => {
  let source: Json
  let stored: Json
  beforeAll(async () => {
    source = await createSource(env())
    await submitMapping(env(), source.id, baseDocument())
    stored = (await env().call('GET', `${env().api}/importsource/${source.id}/schema-and-mapping`)).body
  })

  it.each(PLAIN_PATCH_CASES.map((c, i) => [c.name, i, c.code, c.pointer] as const))(
    '%s',
    async (_name, index, code, pointer) => {
      const res = await env().call('PATCH', `${env().api}/importsource/${source.id}/mapping`, {
        body: PLAIN_PATCH_CASES[index]!.patch,
      })
      expectOneProblem(res, code, pointer)
    },
  )

  it('answers EXTERNAL_ID_IN_USE for a new attribute whose externalId another source uses', async () => {
    // In a workspace of its own, so that the base document's externalIds are free there.
    const ws = await otherWorkspace(env(), 'ws-invalid-patch')
    const opts = { api: ws.api, token: ws.token }
    const target = await createSource(env(), {}, opts)
    await submitMapping(env(), target.id, baseDocument(), 'PUT', opts)
    const other = await createSource(env(), {}, opts)
    await submitMapping(
      env(),
      other.id,
      {
        schema: {
          objectSchema: {
            name: 'Serials',
            description: '',
            objectTypes: [
              {
                externalId: 'type/serial',
                name: 'Serial',
                description: '',
                attributes: [
                  { externalId: 'attr/host-serial', name: 'Value', description: '', type: 'text' },
                ],
              },
            ],
          },
        },
        mapping: { objectTypeMappings: [] },
      },
      'PUT',
      opts,
    )
    const testCase = INVALID_PATCH_CASES.find(usesOtherSource)!
    const res = await env().call('PATCH', `${ws.api}/importsource/${target.id}/mapping`, {
      token: ws.token,
      body: testCase.patch,
    })
    expectOneProblem(res, testCase.code, testCase.pointer)
  })

  it('applied none of them', async () => {
    const now = await env().call('GET', `${env().api}/importsource/${source.id}/schema-and-mapping`)
    expect(now.body).toEqual(stored)
    expect((await env().call('GET', `${env().api}/importsource/${source.id}`)).body.mappingVersion).toBe(1)
  })

  it('answers 404 MAPPING_NOT_FOUND for a PATCH before any PUT, and for GET', async () => {
    const fresh = await createSource(env())
    const patch = await env().call('PATCH', `${env().api}/importsource/${fresh.id}/mapping`, { body: {} })
    expect(patch.status).toBe(404)
    expect(patch.body.error.code).toBe('MAPPING_NOT_FOUND')
    const get = await env().call('GET', `${env().api}/importsource/${fresh.id}/schema-and-mapping`)
    expect(get.status).toBe(404)
    expect(get.body.error.code).toBe('MAPPING_NOT_FOUND')
  })
})
