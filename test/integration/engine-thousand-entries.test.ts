import { beforeAll, expect, it } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  indexRowsOf,
  objectByIdentity,
  referenceTargets,
  storedObjects,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

const model: TypeSpec = {
  key: 'model',
  name: 'Model',
  selector: 'models',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

const asset: TypeSpec = {
  key: 'asset',
  name: 'Asset',
  selector: 'assets',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, locators: ['serial'], indexed: true },
    { name: 'Name', type: 'text', label: true, locators: ['name'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    { name: 'Weight', type: 'double', locators: ['weight'] },
    { name: 'Active', type: 'boolean', locators: ['active'] },
    { name: 'Bought', type: 'date', locators: ['bought'] },
    { name: 'Seen', type: 'date_time', locators: ['seen'] },
    { name: 'Contact', type: 'email', locators: ['contact'] },
    { name: 'IPs', type: 'ipaddress', max: -1, locators: ['ips'], indexed: true },
    { name: 'State', type: 'status', locators: ['state'] },
    { name: 'Model', type: 'referenced_object', ref: 'model', locators: ['model'], iql: 'Name = ${model}' },
    {
      name: 'Parent',
      type: 'referenced_object',
      ref: 'asset',
      locators: ['parent'],
      iql: 'Serial = ${parent}',
    },
  ],
  options: { missingObjects: { policy: 'REMOVE', threshold: 1, thresholdType: 'RUNS' } },
}

const serial = (i: number) => `A${String(i).padStart(4, '0')}`

/** A deterministic asset row; `changed` alters the size and the model. */
function row(i: number, changed = false) {
  return {
    serial: serial(i),
    name: `asset ${i}`,
    size: changed ? i * 2 + 1 : i * 2,
    weight: String(i / 4),
    active: i % 2 === 0 ? 'yes' : 'no',
    bought: `${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2024`,
    seen: `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00+02:00`,
    contact: `owner${i}@example.com`,
    ips: `10.0.${i % 256}.1||10.1.${i % 256}.2`,
    state: i % 3 === 0 ? 'Running' : 'Stored',
    model: `Model ${(i + (changed ? 1 : 0)) % 20}`,
    ...(i >= 10 ? { parent: serial(Math.floor(i / 10)) } : {}),
  }
}

const models = Array.from({ length: 20 }, (_, i) => ({ name: `Model ${i}` }))

describeEachDialect('import engine: a 1,000-entry run and a re-run with changes', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  let s: Awaited<ReturnType<typeof engineSource>>

  beforeAll(async () => {
    s = await engineSource(services(), ws(), [model, asset], {
      statuses: [{ name: 'Running' }, { name: 'Stored' }],
      settings: { dateFormat: 'dd/MM/yyyy' },
    })
  })

  it('creates 1,000 objects with all their values, index rows and references', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i))
    const result = await runEngine(services(), ws(), s.source.id, [
      { models, assets: rows.slice(0, 400) },
      { assets: rows.slice(400) },
    ])
    expect(result.problemCount).toBe(0)
    expect(counters(result, 'Asset')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 1000,
      objectsCreated: 1000,
      // every asset links its model, 990 also their parent: each object counts once
      objectsWithUpdatedReferences: 1000,
    })
    expect(result.totalNumberEntriesInImport).toBe(1020)

    const assets = await storedObjects(services(), s.typeId('Asset'))
    expect(assets).toHaveLength(1000)
    expect(new Set(assets.map((a) => a.key)).size).toBe(1000)
    const a = (name: string) => String(s.attributeId(`Asset.${name}`))
    const sample = assets.find((o) => o.identity === serial(537))!
    expect(sample.label).toBe('asset 537')
    expect(sample.values).toEqual({
      [a('Serial')]: ['A0537'],
      [a('Name')]: ['asset 537'],
      [a('Size')]: [1074],
      [a('Weight')]: [134.25],
      [a('Active')]: [false],
      [a('Bought')]: ['2024-07-06'],
      [a('Seen')]: ['2024-05-01T08:57:00.000Z'],
      [a('Contact')]: ['owner537@example.com'],
      [a('IPs')]: ['10.0.25.1', '10.1.25.2'],
      [a('State')]: ['Running'],
    })
    expect(await indexRowsOf(services(), s.attributeId('Asset.IPs'))).toHaveLength(2000)
    expect(await indexRowsOf(services(), s.attributeId('Asset.Serial'))).toHaveLength(1000)
    const parent = await objectByIdentity(services(), s.typeId('Asset'), serial(53))
    const model17 = await objectByIdentity(services(), s.typeId('Model'), 'Model 17')
    expect(await referenceTargets(services(), sample.id, s.attributeId('Asset.Parent'))).toEqual([parent.id])
    expect(await referenceTargets(services(), sample.id, s.attributeId('Asset.Model'))).toEqual([model17.id])
    const references = await services()
      .store.db.selectFrom('object_reference')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('attribute_id', 'in', [s.attributeId('Asset.Model'), s.attributeId('Asset.Parent')])
      .executeTakeFirstOrThrow()
    expect(Number(references.n)).toBe(1990)
  })

  it('re-running the same entries finds 1,000 identical objects and writes no change', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i))
    const before = await storedObjects(services(), s.typeId('Asset'))
    const result = await runEngine(services(), ws(), s.source.id, [{ models, assets: rows }])
    expect(counters(result, 'Asset')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 1000,
      objectsIdentical: 1000,
    })
    expect(counters(result, 'Model')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 20, objectsIdentical: 20 })
    const changes = await services()
      .store.db.selectFrom('change_batch')
      .select('seq')
      .where('execution_id', '=', result.id)
      .execute()
    expect(changes).toEqual([])
    expect(await storedObjects(services(), s.typeId('Asset'))).toEqual(before)
  })

  it('re-running with 10% changed, 5% gone and 5% new updates, removes and creates exactly those', async () => {
    const rows = [
      ...Array.from({ length: 1000 }, (_, i) => i)
        .filter((i) => i % 20 !== 7)
        .map((i) => row(i, i % 10 === 0)),
      ...Array.from({ length: 50 }, (_, i) => row(1000 + i)),
    ]
    const before = new Map((await storedObjects(services(), s.typeId('Asset'))).map((o) => [o.identity, o]))
    const result = await runEngine(services(), ws(), s.source.id, [{ models, assets: rows }])
    expect(counters(result, 'Asset')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 1000,
      objectsCreated: 50,
      objectsUpdated: 100,
      objectsIdentical: 850,
      objectsMissingDeleted: 50,
      // 100 assets with a new model, and the 50 new assets (model and parent, counted once each)
      objectsWithUpdatedReferences: 150,
    })
    const after = await storedObjects(services(), s.typeId('Asset'))
    expect(after).toHaveLength(1000)
    const byIdentity = new Map(after.map((o) => [o.identity, o]))
    expect(byIdentity.has(serial(7))).toBe(false)
    expect(byIdentity.has(serial(1049))).toBe(true)
    const changed = byIdentity.get(serial(530))!
    expect(changed.values[String(s.attributeId('Asset.Size'))]).toEqual([1061])
    expect(changed.key).toBe(before.get(serial(530))!.key)
    const model = await objectByIdentity(services(), s.typeId('Model'), 'Model 11')
    expect(await referenceTargets(services(), changed.id, s.attributeId('Asset.Model'))).toEqual([model.id])
    const unchanged = byIdentity.get(serial(531))!
    expect(unchanged).toEqual(before.get(serial(531)))
    // the removed assets' children lost their parent link with them
    const child = byIdentity.get(serial(70))!
    expect(await referenceTargets(services(), child.id, s.attributeId('Asset.Parent'))).toEqual([])
    expect(await indexRowsOf(services(), s.attributeId('Asset.Serial'))).toHaveLength(1000)
  })
})
