import { beforeAll, expect, it } from 'vitest'
import { seedSource, sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { seedRepository } from '../helpers/factories.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

/** Pushes one chunk of hard drives through an execution and waits until it is DONE. */
async function importDrives(e: TestEnv, sourceId: string, hardDrives: Json[]): Promise<void> {
  const run = await startExecution(e, sourceId)
  const res = await e.call('POST', run.links.submitResults, {
    body: { data: { hardDrives }, completed: true },
  })
  expect(res.status).toBe(200)
  expect((await waitForEnd(e, run.links.getExecutionStatus)).status).toBe('DONE')
}

describeEachDialect('Assets read routes around schemas and objects', (env) => {
  withWorker(env)
  let repo: Awaited<ReturnType<typeof seedRepository>>
  let alice: Json
  let laptop: Json

  beforeAll(async () => {
    const e = env()
    repo = await seedRepository(e.booted.services, e.workspaceId, 'DET')
    const create = async (typeId: number, attributes: [number, unknown[]][]) => {
      const res = await e.call('POST', `${e.api}/object/create`, {
        body: {
          objectTypeId: typeId,
          attributes: attributes.map(([id, values]) => ({
            objectTypeAttributeId: id,
            objectAttributeValues: values.map((value) => ({ value })),
          })),
        },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body as Json
    }
    alice = await create(repo.person.id, [[repo.personName.id, ['Alice']]])
    laptop = await create(repo.hardware.id, [
      [repo.attrs.name.id, ['lap-1']],
      [repo.attrs.size.id, [16]],
      [repo.attrs.owner.id, [Number(alice.id)]],
    ])
    await create(repo.hardware.id, [
      [repo.attrs.name.id, ['lap-2']],
      [repo.attrs.owner.id, [Number(alice.id)]],
    ])
  })

  it('POST object/aql/totalcount answers the number of matching objects, and 400 for a bad query', async () => {
    const { call, api } = env()
    const all = await call('POST', `${api}/object/aql/totalcount`, {
      body: { qlQuery: 'objectType = Hardware' },
    })
    expect(all).toMatchObject({ status: 200, body: { totalCount: 2 } })
    const one = await call('POST', `${api}/object/aql/totalcount`, { body: { qlQuery: 'Name = "lap-2"' } })
    expect(one.body).toEqual({ totalCount: 1 })
    const bad = await call('POST', `${api}/object/aql/totalcount`, { body: { qlQuery: 'Nmae = x' } })
    expect(bad.status).toBe(400)
  })

  it('GET objectschema/{id}/objecttypes lists every type parents first; attributes lists every attribute', async () => {
    const { call, api } = env()
    const types = await call('GET', `${api}/objectschema/${repo.schema.id}/objecttypes`)
    expect(types.status).toBe(200)
    expect(types.body.map((t: Json) => t.name)).toEqual(['Person', 'Hardware', 'Laptop'])
    expect(types.body[2]).toMatchObject({
      parentObjectTypeId: String(repo.hardware.id),
      abstractObjectType: false,
    })
    const attrs = await call('GET', `${api}/objectschema/${repo.schema.id}/attributes`)
    expect(attrs.status).toBe(200)
    expect(attrs.body).toHaveLength(2 + Object.keys(repo.attrs).length)
    expect(attrs.body[0]).toMatchObject({ name: 'Name', objectTypeId: String(repo.person.id) })
    const found = await call(
      'GET',
      `${api}/objectschema/${repo.schema.id}/attributes?query=SEEN&extended=true`,
    )
    expect(found.body.map((a: Json) => a.name)).toEqual(['Last seen'])
    expect(found.body[0].objectType).toMatchObject({ id: String(repo.hardware.id), name: 'Hardware' })
    expect((await call('GET', `${api}/objectschema/999999/attributes`)).status).toBe(404)
  })

  it('objects answer avatar, created, updated, hasAvatar, _links.self and the whole Assets objectType; types answer icon', async () => {
    const { call, api, workspaceId } = env()
    const res = await call('GET', `${api}/object/${laptop.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      hasAvatar: false,
      avatar: { workspaceId, objectId: laptop.id, url16: '', url48: '' },
      _links: { self: `${api}/object/${laptop.id}` },
    })
    expect(Date.parse(res.body.created)).not.toBeNaN()
    expect(Date.parse(res.body.updated)).not.toBeNaN()
    expect(res.body.objectType).toMatchObject({
      workspaceId,
      globalId: `${workspaceId}:${repo.hardware.id}`,
      id: String(repo.hardware.id),
      name: 'Hardware',
      objectSchemaId: String(repo.schema.id),
      icon: { id: '', name: '', url16: '', url48: '' },
      position: 1,
      objectCount: 2,
      inherited: false,
      abstractObjectType: false,
      parentObjectTypeInherited: false,
    })
    expect(Date.parse(res.body.objectType.created)).not.toBeNaN()
    const found = await call('POST', `${api}/object/aql`, { body: { qlQuery: 'Name = "lap-1"' } })
    expect(found.body.values[0].objectType).toEqual(res.body.objectType)
    const type = await call('GET', `${api}/objecttype/${repo.hardware.id}`)
    expect(type.body.icon).toEqual({ id: '', name: '', url16: '', url48: '' })
  })

  it('GET object/{id}/attributes answers the values with their objectTypeAttribute', async () => {
    const { call, api } = env()
    const res = await call('GET', `${api}/object/${laptop.id}/attributes`)
    expect(res.status).toBe(200)
    const size = res.body.find((a: Json) => a.objectTypeAttributeId === String(repo.attrs.size.id))
    expect(size).toMatchObject({
      objectId: laptop.id,
      objectAttributeValues: [{ value: 16 }],
      objectTypeAttribute: { id: String(repo.attrs.size.id), name: 'Size', kind: 'integer' },
    })
    expect((await call('GET', `${api}/object/999999/attributes`)).status).toBe(404)
  })

  it('GET object/{id}/referenceinfo counts linked objects per type, in both directions', async () => {
    const { call, api } = env()
    const ofAlice = await call('GET', `${api}/object/${alice.id}/referenceinfo`)
    expect(ofAlice.status).toBe(200)
    expect(ofAlice.body).toHaveLength(1)
    expect(ofAlice.body[0]).toMatchObject({
      objectType: { id: String(repo.hardware.id), name: 'Hardware' },
      numberOfReferencedObjects: 2,
      openIssuesExists: false,
      referenceTypes: [{ id: String(repo.attrs.owner.id), name: 'Owner', description: 'inbound' }],
    })
    const ofLaptop = await call('GET', `${api}/object/${laptop.id}/referenceinfo`)
    expect(ofLaptop.body[0]).toMatchObject({
      objectType: { name: 'Person' },
      numberOfReferencedObjects: 1,
      referenceTypes: [{ name: 'Owner', description: 'outbound' }],
    })
  })

  it('GET object/{id}/history answers the object API’s writes: created, then each changed attribute', async () => {
    const { call, api } = env()
    const put = await call('PUT', `${api}/object/${laptop.id}`, {
      body: {
        attributes: [
          { objectTypeAttributeId: repo.attrs.size.id, objectAttributeValues: [{ value: 32 }] },
          { objectTypeAttributeId: repo.attrs.name.id, objectAttributeValues: [{ value: 'lap-1' }] },
          {
            objectTypeAttributeId: repo.attrs.ip.id,
            objectAttributeValues: [{ value: '10.0.0.1' }, { value: '10.0.0.2' }],
          },
        ],
      },
    })
    expect(put.status).toBe(200)
    const res = await call('GET', `${api}/object/${laptop.id}/history?asc=true`)
    expect(res.status).toBe(200)
    expect(res.body.map((h: Json) => [h.type, h.affectedAttribute, h.oldValue, h.newValue])).toEqual([
      [0, undefined, undefined, undefined],
      [1, 'Size', '16', '32'],
      [1, 'IP', '', '10.0.0.1, 10.0.0.2'],
    ])
    expect(res.body[0]).toMatchObject({ objectId: laptop.id, actor: { displayName: 'Object API' } })
    const newestFirst = await call('GET', `${api}/object/${laptop.id}/history`)
    expect(newestFirst.body[0].type).toBe(1)
    expect(newestFirst.body.at(-1).type).toBe(0)
  })

  it('GET object/{id}/history answers an import’s writes from the change log', async () => {
    const e = env()
    const source = await seedSource(e)
    await importDrives(e, source.id, [{ id: 'D-1', label: 'first label' }])
    await importDrives(e, source.id, [{ id: 'D-1', label: 'second label' }])
    const found = await e.call('POST', `${e.api}/object/aql`, {
      body: { qlQuery: `objectSchemaId = ${source.objectSchemaId} AND DUID = "D-1"` },
    })
    expect(found.body.total).toBe(1)
    const res = await e.call('GET', `${e.api}/object/${found.body.values[0].id}/history?asc=true`)
    expect(res.status).toBe(200)
    expect(res.body.map((h: Json) => [h.type, h.affectedAttribute, h.oldValue, h.newValue])).toEqual([
      [0, undefined, undefined, undefined],
      [1, 'Disk Label', 'first label', 'second label'],
    ])
    expect(res.body[1].actor.displayName).toBe(`Import source "${source.name}"`)
    expect(sourceUrl(e, source.id)).toContain(source.id)
  })
})
