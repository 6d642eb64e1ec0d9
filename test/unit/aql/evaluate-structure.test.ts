import { describe, expect, it } from 'vitest'
import { prepareAql } from '../../../src/domain/aql/aql.js'
import { evaluateBound } from '../../../src/domain/aql/evaluate-memory.js'
import { createRecordResolver } from '../../../src/domain/aql/record.js'
import { CATALOG, EMPLOYEE, HARDWARE, NOW, record, SERVER } from './fixtures.js'
import { ALL_IDS, except, matching, RECORDS } from './records.js'

const HW = { objectTypeId: HARDWARE, records: RECORDS.filter((r) => r.objectSchemaId === 1) }

type Case = readonly [query: string, ids: readonly number[]]

const check = (cases: readonly Case[], options: Parameters<typeof matching>[1] = {}) =>
  it.each(cases)('%s', (query, ids) => {
    expect(matching(query, options)).toEqual(ids)
  })

describe('evaluate: referenced_object (owners: 10 → Ann, 11 → Ann + Bob, 12 → dangling 99, 20 → Carl)', () => {
  check(
    [
      ['Owner = "ann smith"', [10, 11]],
      ['Owner = Bob', [11]],
      ['Owner != Bob', [10, 12, 20, 30]],
      ['Owner in (bob, carl)', [11, 20]],
      ['Owner is EMPTY', [30]],
      ['Owner is not EMPTY', [10, 11, 12, 20]],
      ['Owner.label like smith', [10, 11]],
      ['Owner.Age > 40', [11]],
      ['Owner.Age is EMPTY', [12, 20, 30]],
      ['Owner.Name != "Ann Smith"', [12, 20, 30]],
      ['Owner."Belongs to Department".Name = HR', [10, 11]],
      ['Owner."Belongs to Department".Manager.Name = Bob', [10, 11]],
      ['Owner.Key = OBJ-2', [11]],
      ['Owner.objectId = 3', [20]],
      ['Owner.objectType = Employee', [10, 11, 20]],
    ],
    HW,
  )

  check(
    [
      ['"Belongs to Department" = hr', [1]],
      ['"Belongs to Department".Manager = bob', [1]],
    ],
    { objectTypeId: EMPLOYEE, records: RECORDS.filter((r) => r.objectTypeId === EMPLOYEE) },
  )
})

describe('evaluate: built-in properties', () => {
  check([
    ['label = WEB-01', [10]],
    ['label == web-01', [10]],
    ['label == WEB-01', []],
    ['label is EMPTY', [12]],
    ['label like "-0"', [10, 11]],
    ['label < B', [1]],
    ['Key = itsm-10', [10]],
    ['Key startswith OBJ-1', [1, 11, 12]],
    ['Key != ITSM-10', except(10)],
    ['objectId = 5', [5]],
    ['objectId > 20', [30, 40, 41]],
    ['objectId in (1, 2, 3)', [1, 2, 3]],
    ['objectType = server', [10, 11, 12]],
    ['objectType != Server', except(10, 11, 12)],
    ['objectType in (Laptop, "Virtual Server")', [20, 30]],
    ['objectType like "o"', [1, 2, 3, 20]],
    ['objectType in objectTypeAndChildren(Server)', [10, 11, 12, 30]],
    ['objectType not in objectTypeAndChildren(Hardware)', [1, 2, 3, 5, 6, 40, 41]],
    ['objectTypeId = 12', [20]],
    ['objectTypeId in objectTypeAndChildren(Hardware)', [10, 11, 12, 20, 30]],
    ['objectSchema = People', [1, 2, 3, 5, 6, 40, 41]],
    ['objectSchemaId = 1', [10, 11, 12, 20, 30]],
    ['objectSchema like "it"', [10, 11, 12, 20, 30]],
    ['Created > now(-1d)', [10, 11]],
    ['Created >= startOfDay()', [10]],
    ['Updated < 2024-01-02', []],
    ['Updated <= 2024-01-02', ALL_IDS],
  ])
})

describe('evaluate: having inbound / outbound references', () => {
  check([
    ['object having inboundReferences()', [1, 2, 3, 5, 6]],
    ['object having outboundReferences()', [1, 2, 5, 10, 11, 20]],
    ['object not having inR()', [10, 11, 12, 20, 30, 40, 41]],
    ['object having inR(objectType = Server)', [1, 2]],
    ['object having outR(Name = HR)', [1]],
    ['object having outR(object having outR(Name = HR))', [10, 11]],
    ['objectType = Employee AND object having inR(objectType = Department)', [2]],
    ['object not having outR(objectType = Employee)', except(5, 10, 11, 20)],
  ])
})

describe('evaluate: AND, OR, NOT', () => {
  check(
    [
      ['Cores > 4 AND Active = true', [10]],
      ['Cores > 4 OR Name = vm-1', [10, 11, 30]],
      ['NOT Cores > 4', [12, 20, 30]],
      ['NOT (Cores > 4 OR Cores is EMPTY)', [20, 30]],
      ['NOT NOT Cores = 2', [30]],
      ['Name = x OR (Cores = 2 AND NOT Name = vm-1)', []],
    ],
    HW,
  )
})

describe('evaluate: records and resolvers', () => {
  it('treats values of the wrong JS type as absent', () => {
    const odd = record({ id: 90, type: SERVER, attrs: { 103: ['8'], 100: [7], 104: ['true'] } })
    const bound = (q: string) => prepareAql(q, { catalog: CATALOG, now: NOW, objectTypeId: SERVER }).where
    const resolver = createRecordResolver([odd], CATALOG)
    expect(evaluateBound(bound('Cores is EMPTY'), odd, resolver)).toBe(true)
    expect(evaluateBound(bound('Name is EMPTY'), odd, resolver)).toBe(true)
    expect(evaluateBound(bound('Active is EMPTY'), odd, resolver)).toBe(true)
  })

  it('finds nothing through a dangling reference', () => {
    expect(matching('Owner.label is not EMPTY', HW)).toEqual([10, 11, 20])
  })

  it('asks the resolver only for what the query needs', () => {
    const calls: string[] = []
    const base = createRecordResolver(RECORDS, CATALOG)
    const spy = {
      get: (id: number) => (calls.push(`get ${id}`), base.get(id)),
      inbound: (r: (typeof RECORDS)[number]) => (calls.push(`in ${r.id}`), base.inbound(r)),
      outbound: (r: (typeof RECORDS)[number]) => (calls.push(`out ${r.id}`), base.outbound(r)),
    }
    const server = RECORDS.find((r) => r.id === 11)!
    const where = prepareAql('Owner.Age > 40', { catalog: CATALOG, now: NOW }).where
    expect(evaluateBound(where, server, spy)).toBe(true)
    expect(calls).toEqual(['get 1', 'get 2'])
  })
})
