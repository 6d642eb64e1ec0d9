import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import {
  createSource,
  mappingFixture,
  readSchema,
  submitMapping,
  type Json,
} from '../helpers/import-sources.js'

// Reference §1.7: a reference to a type declared later in the document, and a self-reference.
describeEachDialect('reference attributes end to end', (env) => {
  it('creates Operating System and the Backups self-reference with their targets', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, mappingFixture('reference-attributes.json'))
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const { types, attributes } = await readSchema(env(), schemaId)
    const id = (name: string) => types.find((t) => t.name === name)!.id
    expect(types.map((t) => t.name)).toEqual(['Hard Drive', 'Operating System'])
    expect(
      attributes
        .get('Hard Drive')!
        .map((a) => [a.name, a.kind, a.referenceObjectTypeId, a.maximumCardinality]),
    ).toEqual([
      ['DUID', 'text', undefined, 1],
      ['Operating System', 'referenced_object', id('Operating System'), 1],
      ['Backups', 'referenced_object', id('Hard Drive'), -1],
    ])
    const wire = await env().call('GET', `${env().api}/importsource/${source.id}/schema-and-mapping`)
    const mapping = wire.body.mapping.objectTypeMappings.find((m: Json) => m.objectTypeName === 'Hard Drive')
    expect(mapping.attributesMapping.map((e: Json) => e.objectMappingIQL)).toEqual([
      undefined,
      'Name Like ${os}',
      'Name Like ${reference}',
    ])
  })

  it('adds by PATCH a type that refers to itself and is referred to by a stored type', async () => {
    const source = await createSource(env())
    const doc = mappingFixture('reference-attributes.json')
    const text = JSON.stringify(doc)
      .replaceAll('object-type', 'ot2')
      .replace('Disk Analysis Tool', 'Second tool')
    await submitMapping(env(), source.id, JSON.parse(text))
    const patch = {
      schema: {
        objectSchema: {
          objectTypes: [
            {
              externalId: 'ot2/operating-system',
              name: 'Operating System',
              description: 'An operating system',
              attributes: [
                {
                  externalId: 'ot2-attribute/vendor',
                  name: 'Vendor',
                  description: '',
                  type: 'referenced_object',
                  referenceObjectTypeExternalId: 'ot2/vendor',
                },
              ],
            },
            {
              externalId: 'ot2/vendor',
              name: 'Vendor',
              description: 'Who makes it',
              attributes: [
                { externalId: 'ot2-attribute/vendor-name', name: 'Name', description: '', type: 'text' },
                {
                  externalId: 'ot2-attribute/vendor-parent',
                  name: 'Parent company',
                  description: '',
                  type: 'referenced_object',
                  referenceObjectTypeExternalId: 'ot2/vendor',
                },
              ],
            },
          ],
        },
      },
    }
    await submitMapping(env(), source.id, patch, 'PATCH')
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    const { types, attributes } = await readSchema(env(), schemaId)
    const vendor = types.find((t) => t.name === 'Vendor')!
    expect(attributes.get('Operating System')!.at(-1)).toMatchObject({
      name: 'Vendor',
      referenceObjectTypeId: vendor.id,
    })
    expect(attributes.get('Vendor')!.map((a) => [a.name, a.label, a.referenceObjectTypeId])).toEqual([
      ['Name', true, undefined],
      ['Parent company', false, vendor.id],
    ])
  })
})
