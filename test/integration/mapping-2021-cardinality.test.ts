import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { referenceTargets, storedObjects } from '../helpers/engine-documents.js'

/** A 2021_09_15 document (no externalIds) with cardinality and unique members. */
function document(schemaName: string): Json {
  return {
    schema: {
      objectSchema: {
        name: schemaName,
        description: '',
        objectTypes: [
          {
            name: 'Person',
            description: '',
            attributes: [{ name: 'Name', description: '', type: 'text', label: true }],
          },
          {
            name: 'Laptop',
            description: '',
            attributes: [
              { name: 'Serial', description: '', type: 'text', label: true, minimumCardinality: 1 },
              { name: 'Asset Tag', description: '', type: 'text', unique: true },
              { name: 'Aliases', description: '', type: 'text', maximumCardinality: -1 },
              {
                name: 'Owners',
                description: '',
                type: 'referenced_object',
                referenceObjectTypeName: 'Person',
                maximumCardinality: -1,
              },
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
          attributesMapping: [{ attributeName: 'Name', attributeLocators: ['name'], externalIdPart: true }],
        },
        {
          objectTypeName: 'Laptop',
          selector: 'laptops',
          description: '',
          attributesMapping: [
            { attributeName: 'Serial', attributeLocators: ['serial'], externalIdPart: true },
            { attributeName: 'Asset Tag', attributeLocators: ['tag'] },
            { attributeName: 'Aliases', attributeLocators: ['aliases'] },
            {
              attributeName: 'Owners',
              attributeLocators: ['owners'],
              objectMappingIQL: 'Name IN (${owners${0}})',
            },
          ],
        },
      ],
    },
  }
}

// Issue 12 item 2: cardinality and unique are members of documents without externalIds too, and are applied.
describeEachDialect('mapping: cardinality and unique in a document without externalIds', (env) => {
  withWorker(env)

  it('stores them as given, keeps every member of an unlimited reference and refuses a taken unique value', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, document(`Laptops ${Math.random().toString(36).slice(2, 8)}`))
    const got = await env().call('GET', `${sourceUrl(env(), source.id)}/schema-and-mapping`)
    const laptop = (got.body.schema.objectSchema.objectTypes as Json[]).find((t) => t.name === 'Laptop')!
    const attr = (name: string) => (laptop.attributes as Json[]).find((a) => a.name === name)!
    expect(attr('Serial')).toMatchObject({ minimumCardinality: 1, maximumCardinality: 1, unique: false })
    expect(attr('Asset Tag')).toMatchObject({ unique: true })
    expect(attr('Aliases')).toMatchObject({ maximumCardinality: -1 })
    expect(attr('Owners')).toMatchObject({ maximumCardinality: -1 })

    const started = await startExecution(env(), source.id)
    const data = {
      people: [{ name: 'Ann' }, { name: 'Bob' }],
      laptops: [
        { serial: 'L1', tag: 'T-1', aliases: ['one', 'first'], owners: ['Ann', 'Bob'] },
        { serial: 'L2', tag: 't-1', aliases: 'two' },
      ],
    }
    const sent = await env().call('POST', started.links.submitResults, {
      body: { data, clientGeneratedId: 'c1', completed: true },
    })
    expect(sent.status).toBe(200)
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    const problems = await env().call(
      'GET',
      `${sourceUrl(env(), source.id)}/executions/${status.executionId}/problems`,
    )
    expect(problems.body.values.map((p: Json) => [p.location, p.code, p.attribute])).toEqual([
      ['laptops[1]', 'UNIQUE_VALUE_TAKEN', 'Asset Tag'],
    ])

    const services = env().booted.services
    const { objectSchemaId } = (await env().call('GET', sourceUrl(env(), source.id))).body as Json
    const types = await services.schemas.listTypes(env().workspaceId, Number(objectSchemaId))
    const typeId = types.find((t) => t.name === 'Laptop')!.id
    const attributes = await services.schemas.attributesOfTypes([typeId])
    const id = (name: string) => attributes.find((a) => a.name === name)!.id
    const laptops = await storedObjects(services, typeId)
    expect(laptops.map((o) => [o.identity, o.values[id('Asset Tag')], o.values[id('Aliases')]])).toEqual([
      ['L1', ['T-1'], ['one', 'first']],
      ['L2', undefined, ['two']],
    ])
    expect(await referenceTargets(services, laptops[0]!.id, id('Owners'))).toHaveLength(2)

    // Against stored objects: the object's own value is no conflict, another object's is.
    const next = await startExecution(env(), source.id)
    await env().call('POST', next.links.submitResults, {
      body: {
        data: {
          laptops: [
            { serial: 'L1', tag: 'T-1' },
            { serial: 'L3', tag: 'T-1' },
          ],
        },
        clientGeneratedId: 'c2',
        completed: true,
      },
    })
    const second = await waitForEnd(env(), next.links.getExecutionStatus)
    const more = await env().call(
      'GET',
      `${sourceUrl(env(), source.id)}/executions/${second.executionId}/problems`,
    )
    expect(
      more.body.values
        .filter((p: Json) => p.code !== 'LOCATOR_READ_NOTHING')
        .map((p: Json) => [p.location, p.code]),
    ).toEqual([['laptops[1]', 'UNIQUE_VALUE_TAKEN']])
  })
})
