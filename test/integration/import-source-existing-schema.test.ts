import { expect, it } from 'vitest'
import { ensureSeedStatuses, sourceUrl } from '../helpers/executions.js'
import { createSource, mappingFixture, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

/** The seed document with externalIds of its own (prefix) so that several sources of one workspace can use it. */
function seedDocument(prefix: string): Json {
  return JSON.parse(
    JSON.stringify(mappingFixture('seed-put.json')).replaceAll('"object-type', `"${prefix}-object-type`),
  )
}

async function post(e: TestEnv, path: string, body: Json): Promise<Json> {
  const res = await e.call('POST', `${e.api}/${path}`, { body })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}

describeEachDialect('import sources pointed at an existing object schema', (env) => {
  it('POST importsource takes objectSchemaId; before any mapping, schema-and-mapping answers its types and an empty mapping', async () => {
    const e = env()
    const schema = await post(e, 'objectschema/create', { name: 'Inventory', objectSchemaKey: 'INV' })
    const server = await post(e, 'objecttype/create', {
      name: 'Server',
      objectSchemaId: schema.id,
      externalId: 'srv',
    })
    await post(e, 'objecttype/create', {
      name: 'Blade',
      objectSchemaId: schema.id,
      parentObjectTypeId: server.id,
    })
    await post(e, `objecttypeattribute/${server.id}`, {
      name: 'Hostname',
      kind: 'text',
      label: true,
      externalId: 'srv/host',
    })

    const source = await createSource(e, { objectSchemaId: schema.id })
    expect(source.objectSchemaId).toBe(schema.id)
    expect((await e.call('GET', `${sourceUrl(e, source.id)}/configstatus`)).body.status).toBe(
      'MISSING_MAPPING',
    )

    const doc = await e.call('GET', `${sourceUrl(e, source.id)}/schema-and-mapping`)
    expect(doc.status).toBe(200)
    expect(doc.body.mapping).toEqual({ objectTypeMappings: [] })
    expect(doc.body.schema.objectSchema.name).toBe('Inventory')
    const [serverType] = doc.body.schema.objectSchema.objectTypes
    expect(serverType).toMatchObject({ externalId: 'srv', name: 'Server', children: [{ name: 'Blade' }] })
    expect(serverType.children[0].externalId).toBeUndefined()
    expect(serverType.attributes.map((a: Json) => [a.name, a.externalId])).toEqual([
      ['Key', undefined],
      ['Hostname', 'srv/host'],
    ])

    const unknown = await e.call('POST', `${e.api}/importsource`, {
      body: { name: 'nowhere', type: 'external', objectSchemaId: 999999 },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.details.problems[0].field).toBe('body.objectSchemaId')
    const plain = await createSource(e)
    expect((await e.call('GET', `${sourceUrl(e, plain.id)}/schema-and-mapping`)).status).toBe(404)
  })

  it('the first PUT answers 400 with pointers for types named like or sharing an externalId with the schema’s own; nothing is applied', async () => {
    const e = env()
    await ensureSeedStatuses(e)
    const schema = await post(e, 'objectschema/create', { name: 'Conflicts', objectSchemaKey: 'CNF' })
    await post(e, 'objecttype/create', {
      name: 'HDD',
      objectSchemaId: schema.id,
      externalId: 'cf-object-type/hard-drive',
    })
    await post(e, 'objecttype/create', { name: 'file', objectSchemaId: schema.id })
    const source = await createSource(e, { objectSchemaId: schema.id })

    const res = await e.call('PUT', `${sourceUrl(e, source.id)}/mapping`, { body: seedDocument('cf') })
    expect(res.status).toBe(400)
    expect(res.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['EXTERNAL_ID_IN_USE', '/schema/objectSchema/objectTypes/0/externalId'],
      ['DUPLICATE_OBJECT_TYPE_NAME', '/schema/objectSchema/objectTypes/0/children/0/name'],
    ])
    const types = await e.call('GET', `${e.api}/objectschema/${schema.id}/objecttypes`)
    expect(types.body.map((t: Json) => t.name)).toEqual(['HDD', 'file'])
    expect((await e.call('GET', `${sourceUrl(e, source.id)}/configstatus`)).body.status).toBe(
      'MISSING_MAPPING',
    )
  })

  it('the first PUT adds the document’s types to the existing schema, next to its own', async () => {
    const e = env()
    await ensureSeedStatuses(e)
    const schema = await post(e, 'objectschema/create', { name: 'Shared', objectSchemaKey: 'SHR' })
    await post(e, 'objecttype/create', { name: 'Server', objectSchemaId: schema.id })
    const source = await createSource(e, { objectSchemaId: schema.id })

    const put = await e.call('PUT', `${sourceUrl(e, source.id)}/mapping`, { body: seedDocument('ok') })
    expect(put.status, JSON.stringify(put.body)).toBe(204)
    const types = await e.call('GET', `${e.api}/objectschema/${schema.id}/objecttypes`)
    expect(types.body.map((t: Json) => t.name)).toEqual(['Server', 'Hard Drive', 'File'])
    const after = await e.call('GET', sourceUrl(e, source.id))
    expect(after.body.objectSchemaId).toBe(schema.id)
    const doc = await e.call('GET', `${sourceUrl(e, source.id)}/schema-and-mapping`)
    expect(doc.body.schema.objectSchema.name).toBe('Shared')
    expect(doc.body.mapping.objectTypeMappings).toHaveLength(2)
  })

  it('two sources sharing a schema: a PATCH of one cannot take over the other’s types by externalId', async () => {
    const e = env()
    await ensureSeedStatuses(e)
    const schema = await post(e, 'objectschema/create', { name: 'Two sources', objectSchemaKey: 'TWO' })
    const first = await createSource(e, { objectSchemaId: schema.id })
    const second = await createSource(e, { objectSchemaId: schema.id })
    await e.call('PUT', `${sourceUrl(e, first.id)}/mapping`, { body: seedDocument('one') })
    const put = await e.call('PUT', `${sourceUrl(e, second.id)}/mapping`, {
      body: {
        schema: {
          objectSchema: {
            name: 'ignored',
            description: '',
            objectTypes: [
              {
                externalId: 'two/server',
                name: 'Server',
                description: '',
                attributes: [
                  { externalId: 'two/server/name', name: 'Name', description: '', type: 'text', label: true },
                ],
              },
            ],
          },
        },
        mapping: { objectTypeMappings: [] },
      },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(204)
    const patch = await e.call('PATCH', `${sourceUrl(e, first.id)}/mapping`, {
      body: {
        schema: {
          objectSchema: {
            name: 'ignored',
            description: '',
            objectTypes: [
              {
                externalId: 'two/server',
                name: 'Server',
                description: 'mine now',
                attributes: [
                  { externalId: 'one/server/name', name: 'Name', description: '', type: 'text', label: true },
                ],
              },
            ],
          },
        },
        mapping: { objectTypeMappings: [] },
      },
    })
    expect(patch.status).toBe(400)
    expect(patch.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['EXTERNAL_ID_IN_USE', '/schema/objectSchema/objectTypes/0/externalId'],
    ])
  })
})
