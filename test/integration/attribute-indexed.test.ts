import { expect, it } from 'vitest'
import { engineSource, typeResult } from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * The `indexed` flag of object type attributes (docs/aql.md, "Indexed attributes"): set and read through the
 * attribute API, and switched on and off while an import runs — the index is built and dropped in the
 * background, and AQL answers the same before, during and after.
 */

const HOSTS = Array.from({ length: 240 }, (_, i) => ({
  serial: `H${String(i).padStart(4, '0')}`,
  vendor: ['Äpfel', 'Dell', 'dell', 'HP', 'Lenovo', ''][i % 6],
  notes: i % 4 === 0 ? 'spare' : 'in use',
}))
const RACKS = Array.from({ length: 400 }, (_, i) => ({ name: `R${i}`, slot: `S${i % 7}` }))
const QUERIES = [
  'Vendor = "äpfel"',
  'Vendor in ("DELL", "hp")',
  'Vendor like "EL"',
  'objectType = Host AND Vendor is EMPTY',
  'objectType = Host AND Vendor != "lenovo" order by Vendor desc',
  'Notes = "spare" order by Vendor',
]

describeEachDialect('the indexed flag of attributes', (env) => {
  it('is set on create, answered by GET, switched by PUT, and always true for the label', async () => {
    const { api, call } = env()
    const type = await call('POST', `${api}/objecttype/create`, {
      body: { name: 'Flagged', objectSchemaId: String(await schemaId()) },
    })
    expect(type.status).toBe(201)
    const created = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'Serial', kind: 'text', indexed: true },
    })
    expect(created.status).toBe(201)
    expect(created.body.indexed).toBe(true)
    const plain = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'Notes', kind: 'text' },
    })
    expect(plain.body.indexed).toBe(false)
    const label = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'Name', kind: 'text', label: true, indexed: false },
    })
    expect(label.body.indexed).toBe(true)
    const bad = await call('POST', `${api}/objecttypeattribute/${type.body.id}`, {
      body: { name: 'Other', kind: 'text', indexed: 'yes' },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('indexed')

    const switched = await call('PUT', `${api}/objecttypeattribute/${type.body.id}/${plain.body.id}`, {
      body: { indexed: true },
    })
    expect(switched.status).toBe(200)
    expect(switched.body.indexed).toBe(true)
    const listed = await call('GET', `${api}/objecttype/${type.body.id}/attributes`)
    expect(Object.fromEntries(listed.body.map((a: any) => [a.name, a.indexed]))).toEqual({
      Serial: true,
      Notes: true,
      Name: true,
    })
  })

  it('indexes the attribute a reference query looks values up by, even when the document says indexed: false', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const mapped = (indexed?: boolean) =>
      engineSource(services, ws, [
        {
          key: 'host',
          name: 'Host',
          selector: 'hosts',
          attributes: [
            { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
            {
              name: 'Asset tag',
              type: 'text',
              locators: ['tag'],
              ...(indexed === undefined ? {} : { indexed }),
            },
            { name: 'Notes', type: 'text', locators: ['notes'] },
          ],
        },
        {
          key: 'disk',
          name: 'Disk',
          selector: 'disks',
          attributes: [
            { name: 'Disk id', type: 'text', label: true, identity: true, locators: ['id'] },
            {
              name: 'Host',
              type: 'referenced_object',
              ref: 'host',
              locators: ['host'],
              iql: '"Asset tag" = ${host}',
            },
          ],
        },
      ])
    const looked = await mapped()
    expect(looked.attribute('Host.Asset tag').indexed).toBe(true)
    expect(looked.attribute('Host.Notes').indexed).toBe(false)
    const declined = await mapped(false)
    expect(declined.attribute('Host.Asset tag').indexed).toBe(true)
    expect(declined.attribute('Host.Notes').indexed).toBe(false)
    for (const source of [looked, declined]) {
      const result = await runEngine(services, ws, source.source.id, [
        { hosts: [{ serial: 'S1', tag: 'T-1', notes: 'spare' }], disks: [{ id: 'D1', host: 't-1' }] },
      ])
      expect(typeResult(result, 'Disk').objectsWithUpdatedReferences).toBe(1)
      expect(result.problemCount).toBe(0)
    }
  })

  it('builds and drops the index in the background while an import runs, AQL answering the same', async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const hosts = await engineSource(services, ws, [
      {
        key: 'host',
        name: 'Host',
        selector: 'hosts',
        attributes: [
          { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
          { name: 'Vendor', type: 'text', locators: ['vendor'] },
          { name: 'Notes', type: 'text', locators: ['notes'] },
        ],
      },
    ])
    const racks = await engineSource(services, ws, [
      {
        key: 'rack',
        name: 'Rack',
        selector: 'racks',
        attributes: [
          { name: 'Rack name', type: 'text', label: true, identity: true, locators: ['name'] },
          { name: 'Slot', type: 'text', locators: ['slot'] },
        ],
      },
    ])
    await runEngine(services, ws, hosts.source.id, [{ hosts: HOSTS }])
    await finishExecutions()
    const vendor = hosts.attribute('Host.Vendor')
    expect(vendor.indexState).toBe('none')
    const before = await answers()
    expect(before['Vendor = "äpfel"']).toHaveLength(40)
    const rows = () =>
      services.store.db
        .selectFrom('object_value')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('attribute_id', '=', vendor.id)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n))
    expect(await rows()).toBe(0)

    // Switched on while another import runs: AQL scans until the index is complete, then reads it.
    const running = runEngine(services, ws, racks.source.id, [{ racks: RACKS }])
    await services.schemas.updateAttribute(ws, vendor.id, vendor.objectTypeId, { indexed: true })
    expect((await state()).indexState).toBe('building')
    const pending = services.attributeIndexes.runPending({ settleMs: 0, batchSize: 50 })
    expect(await answers()).toEqual(before)
    await running
    await pending
    expect(await answers()).toEqual(before)
    await finishExecutions()
    while (await services.attributeIndexes.runPending({ settleMs: 0, batchSize: 50 })) {
      expect(await answers()).toEqual(before)
    }
    expect((await state()).indexState).toBe('ready')
    expect(await rows()).toBe(HOSTS.filter((h) => h.vendor !== '').length)
    expect(await answers()).toEqual(before)

    // Switched off: AQL stops reading the rows at once; they are deleted in batches.
    await services.schemas.updateAttribute(ws, vendor.id, vendor.objectTypeId, { indexed: false })
    expect((await state()).indexState).toBe('dropping')
    expect(await answers()).toEqual(before)
    while (await services.attributeIndexes.runPending({ settleMs: 0, batchSize: 50 })) {
      expect(await answers()).toEqual(before)
    }
    expect((await state()).indexState).toBe('none')
    expect(await rows()).toBe(0)
    expect(await answers()).toEqual(before)

    async function state() {
      return (await services.schemas.attributesOfTypes([vendor.objectTypeId])).find(
        (a) => a.id === vendor.id,
      )!
    }
    async function answers(): Promise<Record<string, number[]>> {
      const out: Record<string, number[]> = {}
      for (const text of QUERIES) {
        const page = await services.aql.search(ws, text, { startAt: 0, maxResults: 1000 })
        expect(page.total, text).toBe(page.values.length)
        out[text] = page.values.map((v) => v.id)
      }
      return out
    }
    // runEngine leaves its execution rows PROCESSING (no worker ends them); a build waits for those.
    async function finishExecutions() {
      await services.store.db
        .updateTable('execution')
        .set({ status: 'DONE' })
        .where('workspace_id', '=', ws)
        .where('status', '=', 'PROCESSING')
        .execute()
    }
  })

  async function schemaId(): Promise<number> {
    const { services } = env().booted
    const schema = await services.schemas.createSchema(env().workspaceId, {
      name: `Flags ${Math.random().toString(36).slice(2, 8)}`,
      objectSchemaKey: `F${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
    })
    return schema.id
  }
})
