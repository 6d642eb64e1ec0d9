import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { engineDocument, tag } from '../helpers/engine-documents.js'

const keyAttributes = (doc: Json, typeName: string): Json[] =>
  (
    (doc.schema.objectSchema.objectTypes as Json[]).find((t) => t.name === typeName)!.attributes as Json[]
  ).filter((a) => a.name.toLowerCase() === 'key')

// Issue 12 item 3: a type's own attribute Key wins over the system Key, in GET, in AQL and in reference queries.
describeEachDialect('mapping: a document attribute named Key', (env) => {
  withWorker(env)

  it('is the only Key GET lists for its type, PATCHes back unchanged, and is what Key means in AQL', async () => {
    const source = await createSource(env())
    const t = tag()
    const doc = engineDocument(t, [
      {
        key: 'person',
        name: 'Person',
        selector: 'people',
        attributes: [
          { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
          { name: 'Key', type: 'text', locators: ['badge'] },
        ],
      },
      {
        key: 'laptop',
        name: 'Laptop',
        selector: 'laptops',
        attributes: [
          { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
          {
            name: 'Owner',
            type: 'referenced_object',
            ref: 'person',
            locators: ['owner'],
            iql: '"Key" = ${owner}',
          },
        ],
      },
    ])
    await submitMapping(env(), source.id, doc)
    const url = `${sourceUrl(env(), source.id)}/schema-and-mapping`
    const got = (await env().call('GET', url)).body as Json
    expect(keyAttributes(got, 'Person')).toEqual([
      expect.objectContaining({ externalId: `${t}/attr/person/key`, name: 'Key' }),
    ])
    // A type without its own Key still gets the system Key (without externalId), as Assets answers it.
    expect(keyAttributes(got, 'Laptop')).toEqual([
      expect.not.objectContaining({ externalId: expect.anything() }),
    ])
    await submitMapping(env(), source.id, got, 'PATCH')
    expect((await env().call('GET', url)).body).toEqual(got)

    const started = await startExecution(env(), source.id)
    await env().call('POST', started.links.submitResults, {
      body: {
        data: { people: [{ name: 'Ann', badge: 'B-7' }], laptops: [{ serial: 'L1', owner: 'B-7' }] },
        clientGeneratedId: 'c1',
        completed: true,
      },
    })
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    expect(status.status).toBe('DONE')
    // The reference query `"Key" = ${owner}` (quoted) matched the attribute, not the object key.
    expect(Object.values(status.progressResult.objectTypeResultMap as Record<string, Json>)).toContainEqual(
      expect.objectContaining({ objectTypeName: 'Laptop', objectsWithUpdatedReferences: 1 }),
    )
    const { objectSchemaId } = (await env().call('GET', sourceUrl(env(), source.id))).body as Json
    const found = await env().call('POST', `${env().api}/object/aql`, {
      body: { qlQuery: `objectSchemaId = ${objectSchemaId} AND "Key" = "B-7"` },
    })
    expect(found.status, JSON.stringify(found.body)).toBe(200)
    expect(found.body.values.map((o: Json) => o.label)).toEqual(['Ann'])
    // Bare Key stays the object key.
    const byKey = await env().call('POST', `${env().api}/object/aql`, {
      body: { qlQuery: `objectSchemaId = ${objectSchemaId} AND Key = "${found.body.values[0].objectKey}"` },
    })
    expect(byKey.body.values.map((o: Json) => o.label)).toEqual(['Ann'])
  })

  it('in a document without externalIds is the document’s own attribute, not a skipped echo', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, {
      schema: {
        objectSchema: {
          name: `Badges ${tag()}`,
          description: '',
          objectTypes: [
            {
              name: 'Person',
              description: '',
              attributes: [
                { name: 'Name', description: '', type: 'text', label: true },
                { name: 'Key', description: '', type: 'text' },
              ],
            },
          ],
        },
      },
      mapping: {
        objectTypeMappings: [
          {
            objectTypeName: 'Person',
            selector: 'people',
            description: '',
            attributesMapping: [
              { attributeName: 'Name', attributeLocators: ['name'], externalIdPart: true },
              { attributeName: 'Key', attributeLocators: ['badge'] },
            ],
          },
        ],
      },
    })
    const got = (await env().call('GET', `${sourceUrl(env(), source.id)}/schema-and-mapping`)).body as Json
    expect(keyAttributes(got, 'Person')).toEqual([
      expect.objectContaining({ name: 'Key', externalId: expect.stringMatching(/^cmdb::externalId\//) }),
    ])
    expect(got.mapping.objectTypeMappings[0].attributesMapping.map((m: Json) => m.attributeName)).toEqual([
      'Name',
      'Key',
    ])
  })
})
