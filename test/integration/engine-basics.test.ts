import { expect, it } from 'vitest'
import { counters, engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { fixture, runEngine, sourceWithMapping } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const seedData = {
  hardDrives: [
    { id: 'Hard drive ID', label: 'Hard drive label', files: [{ path: '/file/path', size: 123456 }] },
  ],
}

describeEachDialect('import engine: the seed example', (env) => {
  it('creates, then finds identical, then updates only what changed', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      await services.schemas.createStatus(ws, { objectSchemaId: null, name, category: 'active' })
    }
    const source = await sourceWithMapping(services, ws, fixture('mapping/seed-put.json'))
    const first = await runEngine(services, ws, source.id, [seedData])
    const byName = (r: typeof first) =>
      Object.fromEntries(Object.values(r.objectTypeResultMap).map((t) => [t.objectTypeName, t]))
    expect(byName(first)['Hard Drive']).toMatchObject({
      entriesInSource: 1,
      objectsCreated: 1,
      objectsUpdated: 0,
      objectsIdentical: 0,
    })
    expect(byName(first)['File']).toMatchObject({ entriesInSource: 1, objectsCreated: 1 })
    expect(first.totalNumberEntriesInImport).toBe(2)
    expect(first.populatedObjectTypes.sort()).toEqual(['File', 'Hard Drive'])

    const created = await env().call('POST', `${env().api}/object/aql`, {
      body: { qlQuery: 'label = "/FILE/path"' },
    })
    expect(created.body.values.map((v: any) => v.label)).toEqual(['/file/path'])

    const again = await runEngine(services, ws, source.id, [seedData])
    expect(byName(again)['Hard Drive']).toMatchObject({ objectsCreated: 0, objectsIdentical: 1 })
    expect(byName(again)['File']).toMatchObject({ objectsCreated: 0, objectsIdentical: 1 })

    const changed = structuredClone(seedData)
    changed.hardDrives[0]!.label = 'Renamed label'
    const third = await runEngine(services, ws, source.id, [changed])
    expect(byName(third)['Hard Drive']).toMatchObject({ objectsUpdated: 1, objectsIdentical: 0 })
    expect(byName(third)['File']).toMatchObject({ objectsIdentical: 1 })

    const typeId = byName(third)['Hard Drive']!.objectTypeId
    // Imported objects answer AQL on their type, label and values like objects written through the API.
    const queries = [
      `objectTypeId = ${typeId}`,
      'label = "hard DRIVE id"',
      'label like "drive"',
      '"Disk Label" = "renamed label"',
    ]
    for (const qlQuery of queries) {
      const res = await env().call('POST', `${env().api}/object/aql`, { body: { qlQuery } })
      expect(res.status, qlQuery).toBe(200)
      expect(
        res.body.values.map((v: any) => v.label),
        qlQuery,
      ).toEqual(['Hard drive ID'])
    }
    const objects = await services.store.db
      .selectFrom('object')
      .selectAll()
      .where('object_type_id', '=', typeId)
      .execute()
    expect(objects).toHaveLength(1)
    expect(objects[0]!.label).toBe('Hard drive ID')
    expect(JSON.parse(objects[0]!.attribute_values)).toMatchObject({})
    const view = await services.objects.get(ws, Number(objects[0]!.id))
    expect([...view.values.values()].flat()).toEqual(
      expect.arrayContaining(['Hard drive ID', 'Renamed label']),
    )
  })
})

describeEachDialect('import engine: batches', (env) => {
  it('writes a batch early when its entries carry a lot of text, so memory stays bounded', async () => {
    const services = env().booted.services
    const note: TypeSpec = {
      key: 'note',
      name: 'Note',
      selector: 'notes',
      attributes: [
        { name: 'Id', type: 'text', label: true, identity: true, locators: ['id'] },
        { name: 'Body', type: 'textarea', locators: ['body'] },
      ],
    }
    const s = await engineSource(services, env().workspaceId, [note])
    const body = 'n'.repeat(60_000)
    const written: number[] = []
    const result = await runEngine(
      services,
      env().workspaceId,
      s.source.id,
      [{ notes: Array.from({ length: 200 }, (_, i) => ({ id: `N-${i}`, body })) }],
      { deps: { afterBatch: (n) => void written.push(n) } },
    )
    expect(counters(result, 'Note').objectsCreated).toBe(200)
    // 200 entries of 60,000 characters are 12 M characters: more than one batch's budget of 8 M.
    expect(written[0]).toBeGreaterThan(0)
    expect(written[0]).toBeLessThan(200)
    expect(written.at(-1)).toBe(200)
  })
})
