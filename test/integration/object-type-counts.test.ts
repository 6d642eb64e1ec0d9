import { expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * Object counts are kept per type (object_type_count) in the transaction that writes the objects: an object
 * type's objectCount, the one embedded in object resources and the total of `objectType = X` follow every
 * create and delete — the object API's and the engine's — at once, and a rolled-back import changes none.
 */
const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
  ],
  options: { missingObjects: { policy: 'REMOVE' } },
}

const hosts = (serials: string[]) => [{ hosts: serials.map((serial, i) => ({ serial, size: i })) }]

describeEachDialect('exact object counts per type', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  /** Every place a type's count shows, and the count of its rows. */
  async function countsOf(typeId: number) {
    const e = env()
    const type = await e.call('GET', `${e.api}/objecttype/${typeId}`)
    const aql = await e.call('POST', `${e.api}/object/aql?maxResults=1`, {
      body: { qlQuery: `objectTypeId = ${typeId}` },
    })
    const rows = await services()
      .store.db.selectFrom('object')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('object_type_id', '=', typeId)
      .executeTakeFirstOrThrow()
    const first = aql.body.values[0]
    const embedded =
      first === undefined
        ? null
        : (await e.call('GET', `${e.api}/object/${first.id}`)).body.objectType.objectCount
    return { type: type.body.objectCount, total: aql.body.total, embedded, rows: Number(rows.n) }
  }

  it('follows an import that creates, a dry run, and one that removes missing objects', async () => {
    const s = await engineSource(services(), ws(), [host])
    const typeId = s.typeId('Host')
    await runEngine(services(), ws(), s.source.id, hosts(['a', 'b', 'c', 'd', 'e']))
    expect(await countsOf(typeId)).toEqual({ type: 5, total: 5, embedded: 5, rows: 5 })

    const dry = await runEngine(services(), ws(), s.source.id, hosts(['a', 'x', 'y']), { dryRun: true })
    expect(counters(dry, 'Host')).toMatchObject({ objectsCreated: 2, objectsMissingDeleted: 4 })
    expect(await countsOf(typeId)).toEqual({ type: 5, total: 5, embedded: 5, rows: 5 })

    const real = await runEngine(services(), ws(), s.source.id, hosts(['a', 'x', 'y']))
    expect(counters(real, 'Host')).toMatchObject({ objectsCreated: 2, objectsMissingDeleted: 4 })
    expect(await countsOf(typeId)).toEqual({ type: 3, total: 3, embedded: 3, rows: 3 })
  })

  it('follows objects created and deleted through the object API beside an import', async () => {
    const e = env()
    const s = await engineSource(services(), ws(), [host])
    const typeId = s.typeId('Host')
    await runEngine(services(), ws(), s.source.id, hosts(['a', 'b']))
    const create = (serial: string) =>
      e.call('POST', `${e.api}/object/create`, {
        body: {
          objectTypeId: typeId,
          attributes: [
            {
              objectTypeAttributeId: s.attributeId('Host.Serial'),
              objectAttributeValues: [{ value: serial }],
            },
          ],
        },
      })
    const c1 = await create('api-1')
    const c2 = await create('api-2')
    expect([c1.status, c2.status]).toEqual([201, 201])
    expect(c2.body.objectType.objectCount).toBe(4)
    expect(await countsOf(typeId)).toEqual({ type: 4, total: 4, embedded: 4, rows: 4 })
    expect((await e.call('DELETE', `${e.api}/object/${c1.body.id}`)).status).toBe(204)
    // A delete of an object that is gone already changes nothing.
    expect((await e.call('DELETE', `${e.api}/object/${c1.body.id}`)).status).toBe(404)
    expect(await countsOf(typeId)).toEqual({ type: 3, total: 3, embedded: 3, rows: 3 })
    // The schema's objectCount is the sum of its types'.
    const schema = await e.call('GET', `${e.api}/objectschema/${s.schemaId}`)
    expect(schema.body.objectCount).toBe(3)
  })

  it('a type-only query with several types totals them; any other query counts its matches', async () => {
    const e = env()
    const s = await engineSource(services(), ws(), [
      host,
      { ...host, key: 'vm', name: 'VM', selector: 'vms' },
    ])
    await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [{ serial: 'h1' }, { serial: 'h2' }],
        vms: [{ serial: 'v1' }, { serial: 'v2' }, { serial: 'v3' }],
      },
    ])
    const total = async (qlQuery: string) =>
      (await e.call('POST', `${e.api}/object/aql?maxResults=1`, { body: { qlQuery } })).body.total
    const [h, v] = [s.typeId('Host'), s.typeId('VM')]
    expect(await total(`objectTypeId in (${h}, ${v})`)).toBe(5)
    expect(await total(`objectTypeId in (${h}, ${h})`)).toBe(2)
    expect(await total(`objectTypeId = ${v} AND Serial = "v2"`)).toBe(1)
    expect(await total(`NOT objectTypeId = ${v} AND objectSchemaId = ${s.schemaId}`)).toBe(2)
    const count = await e.call('POST', `${e.api}/object/aql/totalcount`, {
      body: { qlQuery: `objectTypeId = ${v}` },
    })
    expect(count.status, JSON.stringify(count.body)).toBe(200)
    expect(count.body.totalCount).toBe(3)
  })
})
