import { describe, expect, it } from 'vitest'
import { prepareAql } from '../../../src/domain/aql/aql.js'
import type { BoundOrder } from '../../../src/domain/aql/bound.js'
import { matchesAql } from '../../../src/domain/aql/evaluate-memory.js'
import { createRecordResolver } from '../../../src/domain/aql/record.js'
import { sortRecords } from '../../../src/domain/aql/sort-records.js'
import { CATALOG, HARDWARE, NOW, record, SERVER } from './fixtures.js'
import { RECORDS, RESOLVER } from './records.js'

const HW = RECORDS.filter((r) => r.objectSchemaId === 1)

function order(query: string, objectTypeId = HARDWARE): BoundOrder {
  const bound = prepareAql(query, { catalog: CATALOG, now: NOW, objectTypeId })
  if (bound.orderBy === null) throw new Error('no order by')
  return bound.orderBy
}

const sortedIds = (by: string, records = HW, objectTypeId = HARDWARE): number[] =>
  sortRecords(records, order(`Name is not EMPTY order by ${by}`, objectTypeId), RESOLVER).map((r) => r.id)

describe('sortRecords', () => {
  it.each([
    // Cores: 10 → 8, 11 → 32, 12 → none, 20 → 4, 30 → 2
    ['Cores', [12, 30, 20, 10, 11]],
    ['Cores asc', [12, 30, 20, 10, 11]],
    ['Cores desc', [12, 11, 10, 20, 30]],
    // Name: web-01, DB-01, (empty), lap-1, vm-1 — case-insensitive
    ['Name', [12, 11, 20, 30, 10]],
    ['Name desc', [12, 10, 30, 20, 11]],
    // Active: 10 true, 11 false, the rest none; ties by id
    ['Active', [12, 20, 30, 11, 10]],
    ['Active desc', [12, 20, 30, 10, 11]],
    // Tags: the smallest value counts — 10 "linux" (of linux, Web, prod), 11 "db"
    ['Tags', [12, 20, 30, 11, 10]],
    // Owner: by the referenced label, smallest first — 10 Ann, 11 Ann (and Bob), 20 Carl, 12 dangling, 30 none
    ['Owner', [12, 30, 10, 11, 20]],
    ['Owner.Age desc', [12, 20, 30, 10, 11]],
    ['"Last Seen"', [12, 20, 30, 11, 10]],
    ['Purchased desc', [12, 20, 30, 10, 11]],
    ['Backup desc', [12, 20, 30, 11, 10]],
    ['label desc', [12, 10, 30, 20, 11]],
    ['Key desc', [30, 20, 12, 11, 10]],
    ['objectId desc', [30, 20, 12, 11, 10]],
    ['Created desc', [10, 11, 12, 20, 30]],
  ] as const)('order by %s', (by, ids) => {
    expect(sortedIds(by)).toEqual(ids)
  })

  it('compares labels case-insensitively and breaks ties by id', () => {
    const records = [
      record({ id: 4, type: SERVER, label: 'b' }),
      record({ id: 3, type: SERVER, label: 'a' }),
      record({ id: 2, type: SERVER, label: 'C' }),
      record({ id: 1, type: SERVER, label: 'A' }),
    ]
    const resolver = createRecordResolver(records, CATALOG)
    const by = order('label is not EMPTY order by label', SERVER)
    expect(sortRecords(records, by, resolver).map((r) => r.id)).toEqual([1, 3, 4, 2])
  })

  it('sorts the matches of a query and leaves its input alone', () => {
    const bound = prepareAql('objectType in objectTypeAndChildren(Hardware) order by Cores desc', {
      catalog: CATALOG,
      now: NOW,
      objectTypeId: HARDWARE,
    })
    const matches = RECORDS.filter((r) => matchesAql(bound, r, RESOLVER))
    const before = matches.map((r) => r.id)
    expect(sortRecords(matches, bound.orderBy!, RESOLVER).map((r) => r.id)).toEqual([12, 11, 10, 20, 30])
    expect(matches.map((r) => r.id)).toEqual(before)
  })
})
