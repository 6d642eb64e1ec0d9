import { expect, it } from 'vitest'
import { seedSource } from '../helpers/executions.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

/** A schema with a Host type (Name label, Size) and an Owner type Host references; answers their ids. */
async function smallSchema(e: TestEnv, key: string) {
  const post = async (path: string, body: Json) => {
    const res = await e.call('POST', `${e.api}/${path}`, { body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as Json
  }
  const schema = await post('objectschema/create', { name: `Schema ${key}`, objectSchemaKey: key })
  const owner = await post('objecttype/create', { name: 'Owner', objectSchemaId: schema.id })
  const host = await post('objecttype/create', { name: 'Host', objectSchemaId: schema.id })
  const name = await post(`objecttypeattribute/${host.id}`, { name: 'Name', kind: 'text', label: true })
  const size = await post(`objecttypeattribute/${host.id}`, { name: 'Size', kind: 'integer' })
  const ownedBy = await post(`objecttypeattribute/${host.id}`, {
    name: 'Owned by',
    kind: 'referenced_object',
    referenceObjectTypeId: owner.id,
  })
  return { schema, owner, host, name, size, ownedBy }
}

describeEachDialect('changing and deleting schemas, types, attributes and statuses', (env) => {
  it('PUT objectschema, objecttype and objecttypeattribute change what they name and answer the resource', async () => {
    const e = env()
    const s = await smallSchema(e, 'PUTA')
    const schema = await e.call('PUT', `${e.api}/objectschema/${s.schema.id}`, {
      body: { name: 'Renamed', description: 'now described', objectSchemaKey: 'PUTB' },
    })
    expect(schema).toMatchObject({
      status: 200,
      body: { name: 'Renamed', description: 'now described', objectSchemaKey: 'PUTB' },
    })
    const type = await e.call('PUT', `${e.api}/objecttype/${s.host.id}`, {
      body: { name: 'Server', description: 'a server', iconId: 'server' },
    })
    expect(type).toMatchObject({
      status: 200,
      body: { name: 'Server', description: 'a server', iconKey: 'server', icon: { id: 'server' } },
    })
    const attr = await e.call('PUT', `${e.api}/objecttypeattribute/${s.host.id}/${s.size.id}`, {
      body: { name: 'RAM', maximumCardinality: -1, uniqueAttribute: true, kind: 'integer' },
    })
    expect(attr).toMatchObject({
      status: 200,
      body: { name: 'RAM', maximumCardinality: -1, uniqueAttribute: true, kind: 'integer' },
    })
  })

  it('PUT refuses what it cannot apply: a type change, inheritance, a taken name, unknown members', async () => {
    const e = env()
    const s = await smallSchema(e, 'PUTC')
    const kind = await e.call('PUT', `${e.api}/objecttypeattribute/${s.host.id}/${s.size.id}`, {
      body: { kind: 'text' },
    })
    expect(kind.status).toBe(400)
    expect(kind.body.error.details.problems[0].field).toBe('kind')
    const inherited = await e.call('PUT', `${e.api}/objecttype/${s.host.id}`, { body: { inherited: true } })
    expect(inherited.status).toBe(400)
    const taken = await e.call('PUT', `${e.api}/objecttype/${s.host.id}`, { body: { name: 'owner' } })
    expect(taken.status).toBe(409)
    const unknown = await e.call('PUT', `${e.api}/objecttypeattribute/${s.host.id}/${s.size.id}`, {
      body: { suffix: 'GB' },
    })
    expect(unknown.status).toBe(400)
    const wrongType = await e.call('PUT', `${e.api}/objecttypeattribute/${s.owner.id}/${s.size.id}`, {
      body: { name: 'x' },
    })
    expect(wrongType.status).toBe(404)
  })

  it('deletes refuse (409) while objects or references depend on what is deleted, then delete once they are gone', async () => {
    const e = env()
    const s = await smallSchema(e, 'DELA')
    const ownerObj = await e.call('POST', `${e.api}/object/create`, {
      body: { objectTypeId: s.owner.id, attributes: [] },
    })
    const hostObj = await e.call('POST', `${e.api}/object/create`, {
      body: {
        objectTypeId: s.host.id,
        attributes: [
          { objectTypeAttributeId: s.name.id, objectAttributeValues: [{ value: 'h1' }] },
          { objectTypeAttributeId: s.size.id, objectAttributeValues: [{ value: 4 }] },
          { objectTypeAttributeId: s.ownedBy.id, objectAttributeValues: [{ value: ownerObj.body.id }] },
        ],
      },
    })
    expect(hostObj.status).toBe(201)

    const conflicts = [
      await e.call('DELETE', `${e.api}/objecttypeattribute/${s.size.id}`),
      await e.call('DELETE', `${e.api}/objecttypeattribute/${s.ownedBy.id}`),
      await e.call('DELETE', `${e.api}/objecttype/${s.host.id}`),
      await e.call('DELETE', `${e.api}/objecttype/${s.owner.id}`),
      await e.call('DELETE', `${e.api}/objectschema/${s.schema.id}`),
    ]
    expect(conflicts.map((c) => c.status)).toEqual([409, 409, 409, 409, 409])
    expect(conflicts[0]!.body.error.message).toMatch(/1 object\(s\) of "Host" hold values of "Size"/)
    expect(conflicts[3]!.body.error.message).toMatch(/"Owner" has 1 object\(s\)/)
    expect(conflicts[4]!.body.error.message).toMatch(/has 2 object\(s\)/)
    // Nothing was deleted by the refused requests.
    expect((await e.call('GET', `${e.api}/object/${hostObj.body.id}`)).body.attributes).toHaveLength(3)

    expect((await e.call('DELETE', `${e.api}/object/${hostObj.body.id}`)).status).toBe(204)
    expect((await e.call('DELETE', `${e.api}/object/${ownerObj.body.id}`)).status).toBe(204)
    const attr = await e.call('DELETE', `${e.api}/objecttypeattribute/${s.size.id}`)
    expect(attr).toMatchObject({ status: 204, body: null })
    const referenced = await e.call('DELETE', `${e.api}/objecttype/${s.owner.id}`)
    expect(referenced.status).toBe(409)
    expect(referenced.body.error.message).toMatch(/reference "Owner": "Owned by"/)
    const host = await e.call('DELETE', `${e.api}/objecttype/${s.host.id}`)
    expect(host).toMatchObject({ status: 200, body: { id: s.host.id, name: 'Host' } })
    expect((await e.call('GET', `${e.api}/objecttype/${s.host.id}`)).status).toBe(404)
    const schema = await e.call('DELETE', `${e.api}/objectschema/${s.schema.id}`)
    expect(schema).toMatchObject({ status: 200, body: { id: s.schema.id } })
    expect((await e.call('GET', `${e.api}/objectschema/${s.schema.id}`)).status).toBe(404)
    expect((await e.call('GET', `${e.api}/objecttype/${s.owner.id}`)).status).toBe(404)
  })

  it('what an import source’s mapping declares is neither renamed nor deleted here; its schema stays while the source imports into it', async () => {
    const e = env()
    const source = await seedSource(e)
    const types = await e.call('GET', `${e.api}/objectschema/${source.objectSchemaId}/objecttypes`)
    const file = types.body.find((t: Json) => t.name === 'File')
    const rename = await e.call('PUT', `${e.api}/objecttype/${file.id}`, { body: { name: 'Document' } })
    expect(rename.status).toBe(409)
    expect(rename.body.error.message).toContain(`PATCH importsource/${source.id}/mapping`)
    expect(
      (await e.call('PUT', `${e.api}/objecttype/${file.id}`, { body: { description: 'ok' } })).status,
    ).toBe(200)
    const attrs = await e.call('GET', `${e.api}/objecttype/${file.id}/attributes`)
    const size = attrs.body.find((a: Json) => a.name === 'Size')
    expect((await e.call('DELETE', `${e.api}/objecttypeattribute/${size.id}`)).status).toBe(409)
    expect((await e.call('DELETE', `${e.api}/objecttype/${file.id}`)).status).toBe(409)
    const schema = await e.call('DELETE', `${e.api}/objectschema/${source.objectSchemaId}`)
    expect(schema.status).toBe(409)
    expect(schema.body.error.message).toContain(source.id)
  })

  it('config/statustype: list, create, read, change and delete statuses; a status objects hold keeps its name', async () => {
    const e = env()
    const s = await smallSchema(e, 'STA')
    const state = await e.call('POST', `${e.api}/objecttypeattribute/${s.host.id}`, {
      body: { name: 'State', kind: 'status' },
    })
    const created = await e.call('POST', `${e.api}/config/statustype`, {
      body: { name: 'Parked', category: 2, objectSchemaId: s.schema.id, description: 'waiting' },
    })
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'Parked', category: 2, objectSchemaId: s.schema.id, description: 'waiting' },
    })
    const global = await e.call('POST', `${e.api}/config/statustype`, {
      body: { name: 'Global One', category: 'active' },
    })
    expect(global.body).toMatchObject({ category: 1, objectSchemaId: null })
    const dup = await e.call('POST', `${e.api}/config/statustype`, {
      body: { name: 'parked', category: 1, objectSchemaId: s.schema.id },
    })
    expect(dup.status).toBe(409)

    const globals = await e.call('GET', `${e.api}/config/statustype`)
    expect(globals.body.map((x: Json) => x.name)).toContain('Global One')
    expect(globals.body.map((x: Json) => x.name)).not.toContain('Parked')
    const inSchema = await e.call('GET', `${e.api}/config/statustype?objectSchemaId=${s.schema.id}`)
    expect(inSchema.body.map((x: Json) => x.name)).toEqual(expect.arrayContaining(['Global One', 'Parked']))
    expect((await e.call('GET', `${e.api}/config/statustype/${created.body.id}`)).body.name).toBe('Parked')

    const renamed = await e.call('PUT', `${e.api}/config/statustype/${created.body.id}`, {
      body: { name: 'On hold', category: 0, objectSchemaId: s.schema.id },
    })
    expect(renamed).toMatchObject({
      status: 200,
      body: { name: 'On hold', category: 0, description: 'waiting' },
    })
    const moved = await e.call('PUT', `${e.api}/config/statustype/${created.body.id}`, {
      body: { name: 'On hold', category: 0, objectSchemaId: null },
    })
    expect(moved.status).toBe(400)

    const held = await e.call('POST', `${e.api}/object/create`, {
      body: {
        objectTypeId: s.host.id,
        attributes: [
          { objectTypeAttributeId: s.name.id, objectAttributeValues: [{ value: 'h1' }] },
          { objectTypeAttributeId: state.body.id, objectAttributeValues: [{ value: 'On hold' }] },
        ],
      },
    })
    expect(held.status, JSON.stringify(held.body)).toBe(201)
    const rename = await e.call('PUT', `${e.api}/config/statustype/${created.body.id}`, {
      body: { name: 'Paused', category: 0 },
    })
    expect(rename.status).toBe(409)
    expect((await e.call('DELETE', `${e.api}/config/statustype/${created.body.id}`)).status).toBe(409)
    expect((await e.call('DELETE', `${e.api}/object/${held.body.id}`)).status).toBe(204)
    expect(await e.call('DELETE', `${e.api}/config/statustype/${created.body.id}`)).toMatchObject({
      status: 204,
      body: null,
    })
    expect((await e.call('GET', `${e.api}/config/statustype/${created.body.id}`)).status).toBe(404)
  })
})
