import { expect, it } from 'vitest'
import { engineDocument, tag, type TypeSpec } from '../helpers/engine-documents.js'
import { sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

// A second import source pointed at the first one's schema (objectSchemaId) maps the SAME object types: its first
// mapping adopts the schema's types and attributes by externalId (the key Assets matches them by), so that two
// sources can write one set of objects (docs/provenance.md, matchObjectsOf).

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Owner', type: 'text', locators: ['owner'] },
  ],
}
/** The second source's view of Host: the same two attributes and one of its own. */
const hostWithRack: TypeSpec = {
  ...host,
  attributes: [...host.attributes, { name: 'Rack', type: 'text', locators: ['rack'] }],
}

const P = '/schema/objectSchema/objectTypes'

describeEachDialect('a second source adopts the schema’s types through the mapping API', (env) => {
  withWorker(env)
  const e = (): TestEnv => env()

  /** A first source with Host mapped; answers it, the tag of its document and its schema id. */
  async function first(settings: Json = {}) {
    const t = tag()
    const source = await createSource(e(), { name: 'HR', settings })
    await submitMapping(e(), source.id, engineDocument(t, [host]))
    const schemaId = (await e().call('GET', sourceUrl(e(), source.id))).body.objectSchemaId as number
    return { source, t, schemaId }
  }

  async function types(schemaId: number): Promise<Json[]> {
    const res = await e().call('GET', `${e().api}/objectschema/${schemaId}/objecttypes/flat`)
    expect(res.status).toBe(200)
    return res.body as Json[]
  }

  async function attributeNames(typeId: string): Promise<string[]> {
    const res = await e().call('GET', `${e().api}/objecttype/${typeId}/attributes`)
    return (res.body as Json[]).map((a) => a.name as string)
  }

  async function run(sourceId: string, data: Json): Promise<Json> {
    const started = await startExecution(e(), sourceId)
    const sent = await e().call('POST', started.links.submitResults, { body: { data, completed: true } })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const status = await waitForEnd(e(), started.links.getExecutionStatus)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    return Object.values(status.progressResult.objectTypeResultMap as Record<string, Json>)[0]!
  }

  async function hostObjects(typeId: string): Promise<Json[]> {
    const res = await e().call('POST', `${e().api}/object/aql`, {
      body: { qlQuery: `objectTypeId = ${typeId}` },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.values as Json[]
  }

  it('adopts a type and its attributes by externalId, adds its new attribute, and answers its own mapping', async () => {
    const hr = await first()
    const before = await types(hr.schemaId)
    const second = await createSource(e(), { name: 'Discovery', objectSchemaId: hr.schemaId })
    const document = engineDocument(hr.t, [hostWithRack]) as Json
    document.mapping.objectTypeMappings[0].selector = 'machines'
    await submitMapping(e(), second.id, document)

    const after = await types(hr.schemaId)
    expect(after.map((t) => [t.id, t.name])).toEqual(before.map((t) => [t.id, t.name]))
    expect(await attributeNames(after[0]!.id)).toEqual(['Serial', 'Owner', 'Rack'])
    expect((await e().call('GET', sourceUrl(e(), second.id))).body.objectSchemaId).toBe(hr.schemaId)

    const own = await e().call('GET', `${sourceUrl(e(), second.id)}/schema-and-mapping`)
    expect(own.status).toBe(200)
    expect(own.body.mapping.objectTypeMappings.map((m: Json) => m.selector)).toEqual(['machines'])
    const ownHost = own.body.schema.objectSchema.objectTypes[0]
    expect(ownHost.externalId).toBe(`${hr.t}/type/host`)
    expect(ownHost.attributes.map((a: Json) => a.name)).toEqual(['Key', 'Serial', 'Owner', 'Rack'])
    const theirs = await e().call('GET', `${sourceUrl(e(), hr.source.id)}/schema-and-mapping`)
    expect(theirs.body.mapping.objectTypeMappings.map((m: Json) => m.selector)).toEqual(['hosts'])
    expect(theirs.body.schema.objectSchema.objectTypes[0].attributes.map((a: Json) => a.name)).toEqual([
      'Key',
      'Serial',
      'Owner',
    ])
    expect((await e().call('GET', `${sourceUrl(e(), second.id)}/configstatus`)).body.status).toBe('IDLE')
  })

  it('a conflicting definition of an adopted element is a 400 naming the field; nothing is applied', async () => {
    const hr = await first()
    const second = await createSource(e(), { objectSchemaId: hr.schemaId })
    const conflicting: TypeSpec = {
      ...host,
      attributes: [host.attributes[0]!, { name: 'Owner', type: 'integer', locators: ['owner'] }],
    }
    const res = await e().call('PUT', `${sourceUrl(e(), second.id)}/mapping`, {
      body: engineDocument(hr.t, [conflicting]),
    })
    expect(res.status).toBe(400)
    expect(res.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['ADOPTED_DEFINITION_MISMATCH', `${P}/0/attributes/1/type`],
    ])
    expect(res.body.dataValidationErrors[0].message).toBe(
      `attribute "Owner" (${hr.t}/attr/host/owner) is adopted from the schema, where its type is "text", not "integer"`,
    )

    // A new attribute (an externalId of its own) named like one of the adopted type's, case-insensitively.
    const renamed = engineDocument(hr.t, [
      { ...host, attributes: [host.attributes[0]!, { name: 'OWNER', type: 'text', locators: ['owner'] }] },
    ]) as Json
    renamed.schema.objectSchema.objectTypes[0].attributes[1].externalId = 'mine/owner'
    renamed.mapping.objectTypeMappings[0].attributesMapping[1].attributeExternalId = 'mine/owner'
    const named = await e().call('PUT', `${sourceUrl(e(), second.id)}/mapping`, { body: renamed })
    expect(named.status).toBe(400)
    expect(named.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['DUPLICATE_ATTRIBUTE_NAME', `${P}/0/attributes/1/name`],
    ])

    // A type named like the schema's Host but with another externalId is still a name clash, not an adoption.
    const other = engineDocument(tag(), [host])
    const clash = await e().call('PUT', `${sourceUrl(e(), second.id)}/mapping`, { body: other })
    expect(clash.status).toBe(400)
    expect(clash.body.dataValidationErrors.map((p: Json) => [p.code, p.pointer])).toEqual([
      ['DUPLICATE_OBJECT_TYPE_NAME', `${P}/0/name`],
    ])

    const [hostType] = await types(hr.schemaId)
    expect(await attributeNames(hostType!.id)).toEqual(['Serial', 'Owner'])
    expect((await e().call('GET', `${sourceUrl(e(), second.id)}/configstatus`)).body.status).toBe(
      'MISSING_MAPPING',
    )
  })

  it('without matchObjectsOf the second source creates objects of its own in the adopted type; with it, it updates the first source’s', async () => {
    const hr = await first()
    const [hostType] = await types(hr.schemaId)
    expect(await run(hr.source.id, { hosts: [{ serial: 'h1', owner: 'alice' }] })).toMatchObject({
      objectsCreated: 1,
    })

    const apart = await createSource(e(), { objectSchemaId: hr.schemaId })
    await submitMapping(e(), apart.id, engineDocument(hr.t, [host]))
    expect(await run(apart.id, { hosts: [{ serial: 'h1', owner: 'bob' }] })).toMatchObject({
      objectsCreated: 1,
      objectsUpdated: 0,
    })
    expect((await hostObjects(hostType!.id)).map((o) => o.label)).toEqual(['h1', 'h1'])

    const matching = await createSource(e(), {
      objectSchemaId: hr.schemaId,
      settings: { precedence: { matchObjectsOf: [hr.source.id] } },
    })
    await submitMapping(e(), matching.id, engineDocument(hr.t, [hostWithRack]))
    expect(await run(matching.id, { hosts: [{ serial: 'h1', owner: 'carol', rack: 'R9' }] })).toMatchObject({
      objectsCreated: 0,
      objectsUpdated: 1,
    })
    expect(await hostObjects(hostType!.id)).toHaveLength(2)
  })

  it('deleting the second source keeps the adopted types and the first source’s objects; the first imports on', async () => {
    const hr = await first()
    const before = await types(hr.schemaId)
    await run(hr.source.id, { hosts: [{ serial: 'h1', owner: 'alice' }] })
    const second = await createSource(e(), {
      objectSchemaId: hr.schemaId,
      settings: { precedence: { matchObjectsOf: [hr.source.id] } },
    })
    await submitMapping(e(), second.id, engineDocument(hr.t, [hostWithRack]))
    await run(second.id, { hosts: [{ serial: 'h1', owner: 'alice', rack: 'R1' }] })

    const removed = await e().call('DELETE', sourceUrl(e(), second.id))
    expect(removed.status).toBe(204)
    const after = await types(hr.schemaId)
    expect(after.map((t) => t.id)).toEqual(before.map((t) => t.id))
    expect(await attributeNames(after[0]!.id)).toEqual(['Serial', 'Owner', 'Rack'])
    expect((await hostObjects(after[0]!.id)).map((o) => o.label)).toEqual(['h1'])
    expect(await run(hr.source.id, { hosts: [{ serial: 'h1', owner: 'dave' }] })).toMatchObject({
      objectsCreated: 0,
      objectsUpdated: 1,
    })
    // The type is still declared by HR's mapping: it is deleted only through it.
    const del = await e().call('DELETE', `${e().api}/objecttype/${after[0]!.id}`)
    expect(del.status).toBe(409)
  })
})
