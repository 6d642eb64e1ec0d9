import fc from 'fast-check'
import { expect } from 'vitest'
import { matchesAql } from '../../src/domain/aql/evaluate-memory.js'
import { sortRecords } from '../../src/domain/aql/sort-records.js'
import { DEFAULT_ORDER } from '../../src/store/aql/compile-order.js'
import { createRecordResolver, type AqlRecord, type AqlResolver } from '../../src/domain/aql/record.js'
import type { AqlCatalog } from '../../src/domain/aql/catalog.js'
import type { Services } from '../../src/services/services.js'
import { numberOf, objectIdTexts } from '../../src/store/repositories/id-number.repository.js'

/**
 * A small generated repository for the SQL / in-memory agreement tests: four types (Device ← Laptop), attributes
 * of most kinds including multi-valued ones, references (one to a parent type, one self-reference), statuses,
 * empty values and objects without a label; text drawn from a pool made to trip case folding, ordering and LIKE
 * escaping. The single-valued text labels (Name) are answered from the object rows' labels (index state `label`);
 * Group's multi-valued text label, also Name, and Port's integer label (Number) keep index rows. Built through the services, so the stored rows are exactly what the API would write.
 */

export const TEXTS = [
  'Alpha',
  'alpha',
  'ALPHA',
  'alp',
  'beta',
  'Beta 2',
  'a b',
  'gamma-1',
  'Gamma_1',
  'x%y',
  'x_y',
  'xy',
  '100%',
  "O'Brien",
  'say "hi"',
  'back\\slash',
  'Émile',
  'émile',
  'ÉMILE',
  'straße',
  'STRASSE',
  'İstanbul',
  'istanbul',
  'ΣΟΦΙΑΣ',
  'σοφιας',
  'Zürich',
  'zurich',
  'z',
  'Z',
  '10',
  '9',
  '😀 smile',
  'ǅemal',
  "'; drop table object; --",
  // Keys of the two workspaces (AGA-n, AGB-n): an object without a label value has its key as label.
  'AGA-3',
  'agb-2',
] as const

/** Multi-valued tags: case variants of one word can sit on one object, so one object can match twice. */
export const TAGS = ['red', 'Red', 'RED', 'blue', 'Blue', 'x%y', 'Émile', 'émile', 'ß'] as const

const DATES = ['2020-02-29', '2023-12-31', '2024-01-01', '2024-05-31', '1999-07-04'] as const
const DATE_TIMES = [
  '2024-05-31T23:59:59.999Z',
  '2024-06-01T00:00:00.000Z',
  '2023-01-01T12:00:00.000Z',
  '2024-05-31T08:30:00+02:00',
] as const
const TIMES = ['00:00:00', '08:30', '23:59:59', '12:00:01'] as const
const NUMBERS = [-5, 0, 1, 2, 9, 10, 10.5, 100, 1e6, -0.25] as const
const VENDORS = ['Dell', 'Lenovo', 'HP', 'Äpfel'] as const
const IPS = ['10.0.0.1', '10.0.0.10', '192.168.1.1', '::1', '2001:db8::1'] as const
const EMAILS = ['ann@example.com', 'Bob@Example.com', 'carl+x@example.org'] as const
const URLS = ['https://example.com/A', 'https://example.com/a%20b', 'http://x.org/_'] as const

type Spec = { attribute: string; values: unknown[] }

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant([] as T[]) }, { weight: 3, arbitrary: arb.map((v) => [v]) })
const some = <T>(values: readonly T[], max: number): fc.Arbitrary<T[]> =>
  fc.uniqueArray(fc.constantFrom(...values), { maxLength: max })
const one = <T>(values: readonly T[]): fc.Arbitrary<T[]> => maybe(fc.constantFrom(...values))

const personArb = fc.record({
  Name: one(TEXTS),
  'Nick names': some(TEXTS, 3),
  Age: one(NUMBERS.filter(Number.isInteger)),
  Email: one(EMAILS),
})
const deviceArb = fc.record({
  Name: one(TEXTS),
  Price: one(NUMBERS),
  Active: one([true, false]),
  Bought: one(DATES),
  'Last seen': one(DATE_TIMES),
  Backup: one(TIMES),
  Vendor: one(VENDORS),
  State: one(['Running', 'Retired']),
  Tags: some(TAGS, 3),
  IP: some(IPS, 2),
  Site: one(URLS),
})
const laptopExtraArb = fc.record({ Cores: one([1, 2, 4, 8, 16]) })
const rackArb = fc.record({ Name: one(TEXTS), Cores: one(['2', '10', 'many', 'Many']) })

export const repositoryArb = fc.record({
  persons: fc.array(personArb, { minLength: 4, maxLength: 8 }),
  devices: fc.array(deviceArb, { minLength: 6, maxLength: 12 }),
  laptops: fc.array(fc.tuple(deviceArb, laptopExtraArb), { minLength: 2, maxLength: 5 }),
  racks: fc.array(rackArb, { minLength: 2, maxLength: 4 }),
  /** Reference choices, as fractions of the target lists (resolved once the targets exist). */
  picks: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 64, maxLength: 64 }),
})
export type RepositorySpec = typeof repositoryArb extends fc.Arbitrary<infer T> ? T : never

const toSpecs = (values: Record<string, unknown[]>): Spec[] =>
  Object.entries(values).map(([attribute, list]) => ({ attribute, values: list }))

/**
 * Creates the schema and the objects of `spec` in the workspace. Every other attribute created is flagged
 * `indexed` (those of parity `indexedParity`), so that the same names are answered from the index in one
 * workspace and from the objects' rows in the other, and a name spanning two types (Device.Price, Laptop.Price)
 * mixes both in one test.
 */
export async function buildRepository(
  services: Services,
  ws: string,
  spec: RepositorySpec,
  key: string,
  indexedParity: 0 | 1 = 0,
) {
  const s = services.schemas
  const schema = await s.createSchema(ws, { name: `Agreement ${key}`, objectSchemaKey: key })
  const type = (name: string, parentObjectTypeId?: number) =>
    s.createType(ws, {
      objectSchemaId: schema.id,
      name,
      ...(parentObjectTypeId ? { parentObjectTypeId } : {}),
    })
  const person = await type('Person')
  const device = await type('Device')
  const laptop = await type('Laptop', device.id)
  const rack = await type('Rack')
  const group = await type('Group')
  const port = await type('Port')
  let created = 0
  const attr = (typeId: number, name: string, kind: any, extra: Record<string, unknown> = {}) =>
    s.createAttribute(ws, typeId, { name, kind, indexed: created++ % 2 === indexedParity, ...extra })
  for (const [t, name] of [
    [person, 'Name'],
    [device, 'Name'],
    [laptop, 'Name'],
    [rack, 'Name'],
  ] as const) {
    await attr(t.id, name, 'text', { label: true })
  }
  await attr(group.id, 'Name', 'text', { label: true, maximumCardinality: -1 })
  await attr(port.id, 'Number', 'integer', { label: true })
  await attr(person.id, 'Nick names', 'text', { maximumCardinality: -1 })
  await attr(person.id, 'Age', 'integer')
  await attr(person.id, 'Email', 'email')
  await s.createStatus(ws, { objectSchemaId: schema.id, name: 'Running', category: 'active' })
  await s.createStatus(ws, { objectSchemaId: schema.id, name: 'Retired', category: 'inactive' })
  for (const t of [device, laptop]) {
    await attr(t.id, 'Price', 'double')
    await attr(t.id, 'Active', 'boolean')
    await attr(t.id, 'Bought', 'date')
    await attr(t.id, 'Last seen', 'date_time')
    await attr(t.id, 'Backup', 'time')
    await attr(t.id, 'Vendor', 'select', { allowedValues: [...VENDORS] })
    await attr(t.id, 'State', 'status')
    await attr(t.id, 'Tags', 'textarea', { maximumCardinality: -1 })
    await attr(t.id, 'IP', 'ipaddress', { maximumCardinality: -1 })
    await attr(t.id, 'Site', 'url')
    await attr(t.id, 'Owner', 'referenced_object', { referenceObjectTypeId: person.id })
    await attr(t.id, 'Used by', 'referenced_object', {
      referenceObjectTypeId: person.id,
      maximumCardinality: -1,
    })
  }
  await attr(laptop.id, 'Cores', 'integer')
  await attr(rack.id, 'Cores', 'text')
  await attr(rack.id, 'Devices', 'referenced_object', {
    referenceObjectTypeId: device.id,
    maximumCardinality: -1,
  })
  await attr(rack.id, 'Parent', 'referenced_object', { referenceObjectTypeId: rack.id })

  let pick = 0
  const choose = <T>(list: readonly T[], count: number): T[] => {
    const out = new Set<T>()
    for (let i = 0; i < count && list.length > 0; i++) {
      const p = spec.picks[pick++ % spec.picks.length]!
      if (p < 0.3) continue // an empty reference now and then
      out.add(list[Math.floor(p * list.length)]!)
    }
    return [...out]
  }
  const create = async (objectTypeId: number, attributes: Spec[]) =>
    (await services.objects.create(ws, { objectTypeId, attributes })).id
  const persons: number[] = []
  for (const p of spec.persons) persons.push(await create(person.id, toSpecs(p)))
  const devices: number[] = []
  const refs = () => [
    { attribute: 'Owner', values: choose(persons, 1) },
    { attribute: 'Used by', values: choose(persons, 3) },
  ]
  for (const d of spec.devices) devices.push(await create(device.id, [...toSpecs(d), ...refs()]))
  for (const [d, extra] of spec.laptops) {
    devices.push(await create(laptop.id, [...toSpecs(d), ...toSpecs(extra), ...refs()]))
  }
  const racks: number[] = []
  for (const r of spec.racks) {
    const parent = choose(racks, 1)
    racks.push(
      await create(rack.id, [
        ...toSpecs(r),
        { attribute: 'Devices', values: choose(devices, 4) },
        { attribute: 'Parent', values: parent },
      ]),
    )
  }
  for (const p of spec.persons) {
    await create(group.id, [{ attribute: 'Name', values: p['Nick names'] }])
    await create(port.id, [{ attribute: 'Number', values: p.Age }])
  }
  return { schema, person, device, laptop, rack, group, port }
}

/** Every object of the workspace as the in-memory evaluator sees it. */
export async function loadRecords(
  services: Services,
  ws: string,
  catalog: AqlCatalog,
): Promise<{ records: AqlRecord[]; resolver: AqlResolver }> {
  const rows = await services.store.db
    .selectFrom('object')
    .selectAll()
    .select(objectIdTexts())
    .where('workspace_no', '=', numberOf(ws))
    .execute()
  const views = await services.objects.views(ws, rows)
  const records: AqlRecord[] = views.map((v) => ({
    id: v.id,
    key: v.objectKey,
    label: v.label,
    objectTypeId: v.objectTypeId,
    objectSchemaId: v.objectSchemaId,
    attributes: v.values,
    created: v.created,
    updated: v.updated,
  }))
  return { records, resolver: createRecordResolver(records, catalog) }
}

/**
 * Each query answered by the database (first page of 100) in the order and with the total the in-memory evaluator
 * gives over every object of the workspace: the migration tests' "answers the same AQL".
 */
export async function expectAqlAsInMemory(
  services: Services,
  ws: string,
  queries: readonly string[],
): Promise<void> {
  const catalog = await services.aql.catalog(ws)
  const { records, resolver } = await loadRecords(services, ws, catalog)
  for (const text of queries) {
    const prepared = await services.aql.prepare(ws, text, { catalog })
    const expected = sortRecords(
      records.filter((r) => matchesAql(prepared.query, r, resolver)),
      prepared.query.orderBy ?? DEFAULT_ORDER,
      resolver,
    ).map((r) => r.id)
    const answer = await services.aql.run(ws, prepared, { startAt: 0, maxResults: 100 })
    expect(
      answer.rows.map((r) => Number(r.id)),
      text,
    ).toEqual(expected)
    expect(answer.total, text).toBe(expected.length)
  }
}
