import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, mappingFixture, submitMapping, type Json } from '../helpers/import-sources.js'

/** The seed PUT example with externalIds and a schema name of its own, without the statuses it needs. */
function seedDocument(prefix: string): Json {
  const text = JSON.stringify(mappingFixture('seed-put.json'))
    .replaceAll('object-type', prefix)
    .replace('Disk Analysis Tool', `Tool ${prefix}`)
  const doc = JSON.parse(text) as Json
  for (const attribute of doc.schema.objectSchema.objectTypes[0].attributes) delete attribute.typeValues
  return doc
}

const EXTENSIONS = {
  selectorQlQuery: 'Location = "DC1" AND Size > 100',
  missingObjects: {
    policy: 'UPDATE',
    attributeName: 'Disk Label',
    value: 'Missing',
    threshold: 3,
    thresholdType: 'DAYS',
  },
  emptyValues: 'REMOVE',
  unknownValues: 'ADD',
  matchIdentifierIgnoreCase: true,
  disabled: true,
}

describeEachDialect("Intake's mapping extensions through HTTP", (env) => {
  it('stores the extensions of a mapping and answers them in GET; a patched mapping replaces them', async () => {
    const source = await createSource(env(), { settings: { defaultHandleUnknownValues: 'ADD' } })
    const doc = seedDocument('ext')
    const hardDrive = doc.mapping.objectTypeMappings[0]
    Object.assign(hardDrive, EXTENSIONS)
    await submitMapping(env(), source.id, doc)
    const url = `${env().api}/importsource/${source.id}/schema-and-mapping`
    const stored = (await env().call('GET', url)).body.mapping.objectTypeMappings as Json[]
    expect(stored[0]).toMatchObject(EXTENSIONS)
    expect(stored[1]).not.toHaveProperty('selectorQlQuery')
    expect(stored[1]).not.toHaveProperty('disabled')

    const plain = { ...hardDrive }
    for (const key of Object.keys(EXTENSIONS)) delete plain[key]
    await submitMapping(env(), source.id, { mapping: { objectTypeMappings: [plain] } }, 'PATCH')
    const after = (await env().call('GET', url)).body.mapping.objectTypeMappings as Json[]
    for (const key of Object.keys(EXTENSIONS)) expect(after[0]).not.toHaveProperty(key)
  })

  it('checks selectorQlQuery with the AQL parser', async () => {
    const source = await createSource(env())
    const doc = seedDocument('aql')
    doc.mapping.objectTypeMappings[1].selectorQlQuery = 'Size > 10 AND'
    doc.mapping.objectTypeMappings[0].missingObjects = {
      policy: 'REMOVE',
      threshold: 1.5,
      thresholdType: 'RUNS',
    }
    const res = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: doc })
    expect(res.status).toBe(400)
    expect(res.body.dataValidationErrors).toEqual([
      {
        code: 'INVALID_THRESHOLD',
        pointer: '/mapping/objectTypeMappings/0/missingObjects/threshold',
        message: expect.any(String),
      },
      {
        code: 'INVALID_AQL',
        pointer: '/mapping/objectTypeMappings/1/selectorQlQuery',
        message: expect.stringMatching(/^AQL syntax error at position 13/),
      },
    ])
  })
})
