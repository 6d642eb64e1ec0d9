import { beforeAll, describe, expect, it } from 'vitest'
import { matchesAql } from '../../src/domain/aql/evaluate-memory.js'
import type { AqlRecord, AqlResolver } from '../../src/domain/aql/record.js'
import { sortRecords } from '../../src/domain/aql/sort-records.js'
import { DEFAULT_ORDER } from '../../src/store/aql/compile-order.js'
import { loadRecords } from '../helpers/aql-repository.js'
import { describeEachDialect } from '../helpers/test-env.js'

/**
 * Every operator on every kind of value, through SQL, against hand-computed answers (and the in-memory evaluator
 * gives the same). Objects: t1…t6, see below; `ordered` cases check the order too, the others the set.
 */

type Name = 't1' | 't2' | 't3' | 't4' | 't5' | 't6'
type Case = [query: string, expected: Name[], ordered?: 'ordered']

const CASES: Case[] = [
  // text: = folds case (full Unicode), == is exact, != is NOT =
  ['Name = "émile"', ['t1', 't2']],
  ['Name = "ÉMILE"', ['t1', 't2']],
  ['Name == "Émile"', ['t1']],
  ['Name == "émile"', ['t2']],
  ['Name != "ÉMILE"', ['t3', 't4', 't5', 't6']],
  ['Name = "straße"', ['t6']],
  ['Name = "STRASSE"', []],
  ['Name in ("zebra", "o\'brien", "nobody")', ['t3', 't5']],
  ['Name not in ("zebra")', ['t1', 't2', 't4', 't5', 't6']],
  ['Name in ()', []],
  ['Name not in ()', ['t1', 't2', 't3', 't4', 't5', 't6']],
  // like / startswith / endswith: case-insensitive substrings, no wildcards
  ['Name like "MIL"', ['t1', 't2']],
  ['Name not like "mil"', ['t3', 't4', 't5', 't6']],
  ['Code like "%"', ['t1']],
  ['Code like "_"', ['t2']],
  ['Code like "x%y"', ['t1']],
  ['Code like "\\\\"', ['t4']],
  ['Code like "\'"', ['t5']],
  ['Code like ""', ['t1', 't2', 't3', 't4', 't5']],
  ['Code startswith "X"', ['t1', 't2', 't3']],
  ['Code startswith "x_"', ['t2']],
  ['Code endswith "Y"', ['t1', 't2', 't3']],
  ['Code endswith "%y"', ['t1']],
  ['Name startswith "é"', ['t1', 't2']],
  ['Name endswith "SSE"', []],
  // text order: case-sensitive, by code point
  ['Name < "Z"', ['t5']],
  ['Name >= "e"', ['t1', 't2', 't6']],
  ['Name > "emile"', ['t1', 't2', 't6']],
  // multi-valued: ANY value; negations are NOT ANY
  ['Tags = "blue"', ['t1', 't2']],
  ['Tags = "red"', ['t1', 't5']],
  ['Tags in ("red", "BLUE")', ['t1', 't2', 't5']],
  ['Tags != "blue"', ['t3', 't4', 't5', 't6']],
  ['Tags = "red" AND Tags = "blue"', ['t1']],
  ['Tags is EMPTY', ['t3', 't4', 't6']],
  ['Tags is not EMPTY', ['t1', 't2', 't5']],
  // numbers
  ['Count = 10', ['t1']],
  ['Count == 10', ['t1']],
  ['Count != 10', ['t2', 't3', 't4', 't5', 't6']],
  ['Count > 9', ['t1', 't3']],
  ['Count >= 9', ['t1', 't2', 't3']],
  ['Count < 0', ['t4']],
  ['Count <= -1', ['t4']],
  ['Count in (9, 100, 7)', ['t2', 't3']],
  ['Count is EMPTY', ['t5', 't6']],
  ['Ratio < 0', ['t2']],
  ['Ratio = 0', ['t4']],
  ['Ratio >= 1.5', ['t1']],
  ['Ratio > -1 AND Ratio < 1', ['t2', 't4']],
  // booleans
  ['Flag = true', ['t1']],
  ['Flag = FALSE', ['t2']],
  ['Flag != true', ['t2', 't3', 't4', 't5', 't6']],
  ['Flag in (true, false)', ['t1', 't2']],
  ['Flag is not EMPTY', ['t1', 't2']],
  // dates, date-times, times
  ['Day = 2024-05-31', ['t1']],
  ['Day < 2024-05-31', ['t2', 't3']],
  ['Day >= "2024-01-01"', ['t1', 't2']],
  ['Day in ("1999-12-31", "2024-01-01")', ['t2', 't3']],
  ['At = "2024-05-31T23:59:59.999Z"', ['t1']],
  ['At = "2024-06-01T02:00:00+02:00"', ['t2']],
  ['At < 2024-06-01', ['t1']],
  ['At >= "2024-06-01"', ['t2']],
  ['At > "2024-05-31T23:59:59.998Z"', ['t1', 't2']],
  ['Time = "8:30"', ['t1']],
  ['Time > "12:00"', ['t2']],
  ['Time <= "23:59:59"', ['t1', 't2']],
  // select
  ['Kind = a', ['t1']],
  ['Kind in (a, b)', ['t1', 't2']],
  // references: compared through the label of the referenced object; is EMPTY asks for any reference
  ['Refs = zebra', ['t2']],
  ['Ref = zebra', []],
  ['Ref = "ÉMILE"', ['t1', 't3']],
  ['Refs like "bra"', ['t2']],
  ['Ref is EMPTY', ['t2', 't4', 't5', 't6']],
  ['Refs.Name = "ÉMILE"', ['t2']],
  ['Ref.Ref.Name == "émile"', ['t3']],
  ['Ref.Ref.Name == "Émile"', []],
  ['Ref.Count > 9', ['t3']],
  ['Ref.Count != 10', ['t1', 't2', 't4', 't5', 't6']],
  ['Ref.Tags = "blue"', ['t1', 't3']],
  // built-ins
  ['label = "émile"', ['t1', 't2']],
  ['label like "OPS-"', ['t4']],
  ['Key = "ops-4"', ['t4']],
  ['Key in ("OPS-1", "ops-2")', ['t1', 't2']],
  ['Key startswith "ops-"', ['t1', 't2', 't3', 't4', 't5', 't6']],
  ['objectType = Thing', ['t1', 't2', 't3', 't4', 't5']],
  ['objectType = "Special thing"', ['t6']],
  ['objectType in objectTypeAndChildren(Thing)', ['t1', 't2', 't3', 't4', 't5', 't6']],
  ['objectType not in objectTypeAndChildren("Special thing")', ['t1', 't2', 't3', 't4', 't5']],
  ['objectSchema = Operators', ['t1', 't2', 't3', 't4', 't5', 't6']],
  ['Created is not EMPTY AND Created > "2000-01-01"', ['t1', 't2', 't3', 't4', 't5', 't6']],
  // having
  ['object having inboundReferences()', ['t1', 't2', 't3']],
  ['object having inR(Name = zebra)', ['t1']],
  ['object not having inR()', ['t4', 't5', 't6']],
  ['object having outboundReferences(Count > 50)', ['t2']],
  ['object having outR(object having outR(Name == "Émile"))', ['t1', 't2']],
  // combinations
  ['(Name = "émile" OR Count = 100) AND NOT Flag = true', ['t2', 't3']],
  ['NOT (Tags is EMPTY OR Count < 10)', ['t1', 't5']],
  // order by: the smallest value reached, missing values first in both directions, ties by id
  ['objectType = Thing order by Count', ['t5', 't4', 't2', 't1', 't3'], 'ordered'],
  ['objectType = Thing order by Count desc', ['t5', 't3', 't1', 't2', 't4'], 'ordered'],
  ['Code is not EMPTY order by Code', ['t5', 't4', 't1', 't2', 't3'], 'ordered'],
  ['Name is not EMPTY', ['t5', 't6', 't3', 't1', 't2'], 'ordered'],
  ['Name is not EMPTY order by label desc', ['t1', 't2', 't3', 't6', 't5'], 'ordered'],
  ['objectType = Thing order by Tags', ['t3', 't4', 't1', 't2', 't5'], 'ordered'],
  ['objectType = Thing order by Ref', ['t2', 't4', 't5', 't1', 't3'], 'ordered'],
  ['objectType = Thing order by Ref.Count desc', ['t2', 't4', 't5', 't3', 't1'], 'ordered'],
  ['objectType = Thing order by Day desc', ['t4', 't5', 't1', 't2', 't3'], 'ordered'],
]

describeEachDialect('AQL operators through SQL', (env) => {
  const ids = new Map<Name, number>()
  let records: AqlRecord[] = []
  let resolver: AqlResolver

  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const schema = await services.schemas.createSchema(ws, { name: 'Operators', objectSchemaKey: 'OPS' })
    const thing = await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Thing' })
    const special = await services.schemas.createType(ws, {
      objectSchemaId: schema.id,
      name: 'Special thing',
      parentObjectTypeId: thing.id,
    })
    const attr = (typeId: number, name: string, kind: any, extra: Record<string, unknown> = {}) =>
      services.schemas.createAttribute(ws, typeId, { name, kind, ...extra })
    for (const t of [thing, special]) await attr(t.id, 'Name', 'text', { label: true })
    await attr(thing.id, 'Code', 'text')
    await attr(thing.id, 'Count', 'integer')
    await attr(thing.id, 'Ratio', 'double')
    await attr(thing.id, 'Flag', 'boolean')
    await attr(thing.id, 'Day', 'date')
    await attr(thing.id, 'At', 'date_time')
    await attr(thing.id, 'Time', 'time')
    await attr(thing.id, 'Kind', 'select', { allowedValues: ['A', 'B'] })
    await attr(thing.id, 'Tags', 'text', { maximumCardinality: -1 })
    await attr(thing.id, 'Ref', 'referenced_object', { referenceObjectTypeId: thing.id })
    await attr(thing.id, 'Refs', 'referenced_object', {
      referenceObjectTypeId: thing.id,
      maximumCardinality: -1,
    })
    const create = async (name: Name, typeId: number, values: Record<string, unknown[]>) => {
      const attributes = Object.entries(values).map(([attribute, v]) => ({ attribute, values: v }))
      ids.set(name, (await services.objects.create(ws, { objectTypeId: typeId, attributes })).id)
    }
    const id = (name: Name) => ids.get(name)!
    await create('t1', thing.id, {
      Name: ['Émile'],
      Code: ['x%y'],
      Count: [10],
      Ratio: [1.5],
      Flag: [true],
      Day: ['2024-05-31'],
      At: ['2024-05-31T23:59:59.999Z'],
      Time: ['08:30'],
      Kind: ['A'],
      Tags: ['red', 'Blue', 'RED'],
    })
    await create('t2', thing.id, {
      Name: ['émile'],
      Code: ['x_y'],
      Count: [9],
      Ratio: [-0.5],
      Flag: [false],
      Day: ['2024-01-01'],
      At: ['2024-06-01T00:00:00Z'],
      Time: ['23:59:59'],
      Kind: ['B'],
      Tags: ['blue'],
    })
    await create('t3', thing.id, {
      Name: ['ZEBRA'],
      Code: ['xy'],
      Count: [100],
      Day: ['1999-12-31'],
      Ref: [id('t1')],
    })
    await create('t4', thing.id, { Code: ['back\\slash'], Count: [-1], Ratio: [0] })
    await create('t5', thing.id, { Name: ["O'Brien"], Code: ["'; drop table object; --"], Tags: ['Red'] })
    await create('t6', special.id, { Name: ['straße'] })
    await services.objects.update(ws, id('t1'), [{ attribute: 'Ref', values: [id('t2')] }])
    await services.objects.update(ws, id('t2'), [{ attribute: 'Refs', values: [id('t1'), id('t3')] }])
    await services.objects.update(ws, id('t5'), [{ attribute: 'Ref', values: [] }])
    const catalog = await services.aql.catalog(ws)
    ;({ records, resolver } = await loadRecords(services, ws, catalog))
  })

  describe.each(CASES)('%s', (query, expected, ordered) => {
    it(`matches ${expected.join(', ') || 'nothing'}`, async () => {
      const { services } = env().booted
      const ws = env().workspaceId
      const names = new Map([...ids].map(([name, id]) => [id, name]))
      const prepared = await services.aql.prepare(ws, query)
      const { rows, total } = await services.aql.run(ws, prepared, { startAt: 0, maxResults: 100 })
      const found = rows.map((r) => names.get(Number(r.id)))
      if (ordered) expect(found).toEqual(expected)
      else expect([...found].sort()).toEqual([...expected].sort())
      expect(total).toBe(expected.length)
      const inMemory = sortRecords(
        records.filter((r) => matchesAql(prepared.query, r, resolver)),
        prepared.query.orderBy ?? DEFAULT_ORDER,
        resolver,
      ).map((r) => names.get(r.id))
      expect(inMemory).toEqual(found)
    })
  })
})
