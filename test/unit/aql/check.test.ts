import { describe, expect, it } from 'vitest'
import { prepareAql } from '../../../src/domain/aql/aql.js'
import type { BoundQuery } from '../../../src/domain/aql/bound.js'
import type { CheckOptions } from '../../../src/domain/aql/check.js'
import { AppError } from '../../../src/domain/errors.js'
import { CATALOG, EMPLOYEE, NOW, SERVER } from './fixtures.js'

const options = (objectTypeId?: number, extra: Partial<CheckOptions> = {}): CheckOptions => ({
  catalog: CATALOG,
  now: NOW,
  ...(objectTypeId === undefined ? {} : { objectTypeId }),
  ...extra,
})

const bind = (query: string, objectTypeId?: number): BoundQuery => prepareAql(query, options(objectTypeId))

function failure(query: string, objectTypeId?: number, extra: Partial<CheckOptions> = {}): AppError {
  try {
    prepareAql(query, options(objectTypeId, extra))
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error(`"${query}" was accepted`)
}

describe('checkAql: names', () => {
  it.each([
    ['Nmae = x', SERVER, 'Nmae', 'Name', 0, 'Object type "Server" has no attribute "Nmae"'],
    ['Serail = x', SERVER, 'Serail', 'Serial', 0, 'Did you mean "Serial"?'],
    [
      '"belongs to departmnt".Name = x',
      EMPLOYEE,
      'belongs to departmnt',
      'Belongs to Department',
      0,
      'Employee',
    ],
    ['Owner.Emial = x', SERVER, 'Emial', 'Email', 6, 'Object type "Employee" has no attribute "Emial"'],
    ['Rak = 1', undefined, 'Rak', 'Rack', 0, 'No object type in scope has an attribute "Rak"'],
    ['Creatd > now()', SERVER, 'Creatd', 'Created', 0, 'Did you mean "Created"?'],
    ['Rack = 1', EMPLOYEE, 'Rack', null, 0, 'Object type "Employee" has no attribute "Rack" (position 0).'],
    ['Name = x AND Zzzzzzzz = 1', SERVER, 'Zzzzzzzz', null, 13, 'no attribute "Zzzzzzzz"'],
  ] as const)('%s → unknown attribute', (query, type, attribute, suggestion, position, message) => {
    const error = failure(query, type)
    expect(error.code).toBe('AQL_UNKNOWN_ATTRIBUTE')
    expect(error.status).toBe(400)
    expect(error.details).toMatchObject({ attribute, suggestion, position })
    expect(error.message).toContain(message)
    if (suggestion === null) expect(error.message).not.toContain('Did you mean')
  })

  it('resolves attribute names case-insensitively', () => {
    expect(bind('nAmE = x', SERVER)).toEqual(bind('Name = x', SERVER))
    expect(bind('"BELONGS TO DEPARTMENT".name = x', EMPLOYEE)).toEqual(
      bind('"Belongs to Department".Name = x', EMPLOYEE),
    )
  })

  it('without an object type, a name means every attribute of that name', () => {
    expect(bind('Name = x').where).toMatchObject({ targets: [{ source: { attributeIds: [100, 200, 300] } }] })
  })

  it('with an object type, only that type’s attribute', () => {
    expect(bind('Name = x', EMPLOYEE).where).toMatchObject({ targets: [{ source: { attributeIds: [200] } }] })
  })

  it.each([
    [
      'objectType = Srever',
      'AQL_UNKNOWN_OBJECT_TYPE',
      { objectType: 'Srever', suggestion: 'Server', position: 13 },
    ],
    [
      'objectType in (Server, Laptp)',
      'AQL_UNKNOWN_OBJECT_TYPE',
      { objectType: 'Laptp', suggestion: 'Laptop' },
    ],
    ['objectType == server', 'AQL_UNKNOWN_OBJECT_TYPE', { objectType: 'server', suggestion: 'Server' }],
    ['objectType = Qwertyuiop', 'AQL_UNKNOWN_OBJECT_TYPE', { suggestion: null }],
    ['objectType in objectTypeAndChildren(Hardwre)', 'AQL_UNKNOWN_OBJECT_TYPE', { suggestion: 'Hardware' }],
    ['objectType in objectTypeAndChildren(999)', 'AQL_UNKNOWN_OBJECT_TYPE', { objectType: '999' }],
    [
      'objectSchema = "IT Asets"',
      'AQL_UNKNOWN_OBJECT_SCHEMA',
      { objectSchema: 'IT Asets', suggestion: 'IT Assets' },
    ],
  ] as const)('%s → %s', (query, code, details) => {
    const error = failure(query)
    expect(error.code).toBe(code)
    expect(error.details).toMatchObject(details)
  })

  it('says which unknown object type was given as the context', () => {
    expect(failure('Name = x', 999).details).toMatchObject({ objectType: '999' })
  })
})

describe('checkAql: paths, operators and values', () => {
  it.each([
    ['Name.Code = x', SERVER, 'AQL_NOT_A_REFERENCE', 0, '"Name" (position 0) is not a reference attribute'],
    ['Key.Name = x', SERVER, 'AQL_NOT_A_REFERENCE', 0, 'not a reference attribute'],
    [
      'Price like 3',
      SERVER,
      'AQL_UNSUPPORTED_OPERATOR',
      0,
      'The operator "like" cannot be used with "Price" (position 0), which holds numbers',
    ],
    ['Cores startswith 3', SERVER, 'AQL_UNSUPPORTED_OPERATOR', 0, 'which holds numbers'],
    ['Active > true', SERVER, 'AQL_UNSUPPORTED_OPERATOR', 0, 'which holds true/false values'],
    ['Purchased like 2024', SERVER, 'AQL_UNSUPPORTED_OPERATOR', 0, 'which holds dates'],
    ['objectType > Server', undefined, 'AQL_UNSUPPORTED_OPERATOR', 0, 'object type names'],
    [
      'Cores > abc',
      SERVER,
      'AQL_INVALID_VALUE',
      8,
      '"abc" at position 8 cannot be compared with "Cores": it is not a number',
    ],
    ['Price = "1,5"', SERVER, 'AQL_INVALID_VALUE', 8, '"1,5" at position 8'],
    ['Active = yes', SERVER, 'AQL_INVALID_VALUE', 9, 'neither true nor false'],
    ['Purchased = 2024-02-30', SERVER, 'AQL_INVALID_VALUE', 12, 'not a date'],
    ['"Last Seen" > yesterday', SERVER, 'AQL_INVALID_VALUE', 14, 'not a date-time'],
    ['Backup = 25:00', SERVER, 'AQL_INVALID_VALUE', 9, 'not a time'],
    ['Name = now()', SERVER, 'AQL_INVALID_VALUE', 7, 'now() gives a date'],
    ['Cores in (1, two)', SERVER, 'AQL_INVALID_VALUE', 13, 'not a number'],
    ['objectType = now()', undefined, 'AQL_INVALID_VALUE', 13, 'expected a name'],
    [
      'Name in objectTypeAndChildren(Server)',
      SERVER,
      'AQL_INVALID_VALUE',
      30,
      'only be used with objectType',
    ],
    ['Name = x order by Cores', undefined, 'AQL_AMBIGUOUS_ATTRIBUTE', 18, 'different kinds (number, text)'],
    ['Name = x order by objectType', undefined, 'AQL_UNSUPPORTED_OPERATOR', 18, '"order by"'],
  ] as const)('%s → %s', (query, type, code, position, message) => {
    const error = failure(query, type)
    expect(error.code).toBe(code)
    expect(error.details['position']).toBe(position)
    expect(error.message).toContain(message)
  })

  it('rejects an unknown time zone', () => {
    const error = failure('Created > now()', undefined, { zone: 'Mars/Olympus' })
    expect(error.code).toBe('AQL_INVALID_TIME_ZONE')
    expect(error.message).toContain('"Mars/Olympus" is not an IANA time zone')
  })

  it('coerces values to the kind of the attribute', () => {
    const test = (query: string) => {
      const where = bind(query, SERVER).where
      return where.type === 'condition' ? where.targets[0]!.test : where
    }
    expect(test('Cores >= 4')).toEqual({ op: 'ge', value: 4 })
    expect(test('Price < 10.5')).toEqual({ op: 'lt', value: 10.5 })
    expect(test('Active = TRUE')).toEqual({ op: 'eq', value: true, caseSensitive: false })
    expect(test('Purchased > 2024-05-01')).toEqual({ op: 'gt', value: '2024-05-01' })
    expect(test('Purchased > "2024-05-01T23:30:00-02:00"')).toEqual({ op: 'gt', value: '2024-05-02' })
    expect(test('Backup < 9:05')).toEqual({ op: 'lt', value: '09:05:00' })
    expect(test('"Last Seen" > 2024-05-01')).toEqual({ op: 'gt', value: '2024-05-01T00:00:00.000Z' })
    expect(test('"Last Seen" > "2024-05-01 12:00"')).toEqual({ op: 'gt', value: '2024-05-01T12:00:00.000Z' })
    expect(test('"Last Seen" > 2024-05-01T12:00:00+02:00')).toEqual({
      op: 'gt',
      value: '2024-05-01T10:00:00.000Z',
    })
    expect(test('Tier == Gold')).toEqual({ op: 'eq', value: 'Gold', caseSensitive: true })
    expect(test('Cores in (1, 2)')).toEqual({ op: 'in', values: [1, 2] })
  })

  it('reads dates without an offset in the given zone', () => {
    const bound = prepareAql('"Last Seen" > 2024-05-01', { ...options(SERVER), zone: 'Europe/Berlin' })
    expect(bound.where).toMatchObject({ targets: [{ test: { value: '2024-04-30T22:00:00.000Z' } }] })
  })

  it('turns negated operators into NOT around the positive form', () => {
    expect(bind('Name != x', SERVER).where).toMatchObject({
      type: 'not',
      operand: { type: 'condition', targets: [{ test: { op: 'eq', caseSensitive: false } }] },
    })
    expect(bind('Name not like x', SERVER).where).toMatchObject({
      type: 'not',
      operand: { targets: [{ test: { op: 'contains' } }] },
    })
    expect(bind('Name not in (x)', SERVER).where).toMatchObject({
      type: 'not',
      operand: { targets: [{ test: { op: 'in' } }] },
    })
    expect(bind('Name is EMPTY', SERVER).where).toMatchObject({
      type: 'not',
      operand: { targets: [{ test: { op: 'exists' } }] },
    })
    expect(bind('Name is not EMPTY', SERVER).where).toMatchObject({
      type: 'condition',
      targets: [{ test: { op: 'exists' } }],
    })
  })

  it('compares a reference attribute by the referenced objects’ labels, but tests its emptiness directly', () => {
    expect(bind('Owner = Ann', SERVER)).toEqual(bind('Owner.label = Ann', SERVER))
    expect(bind('Owner is not EMPTY', SERVER).where).toEqual({
      type: 'condition',
      via: [],
      targets: [
        { source: { type: 'attribute', attributeIds: [110] }, valueType: 'number', test: { op: 'exists' } },
      ],
    })
  })

  it('follows dot paths through references', () => {
    expect(bind('"Belongs to Department".Manager.Name = Bob', EMPLOYEE).where).toMatchObject({
      via: [{ attributeIds: [202] }, { attributeIds: [302] }],
      targets: [{ source: { type: 'attribute', attributeIds: [200] } }],
    })
  })

  it('decides objectType and objectSchema on the catalog names', () => {
    const ids = (query: string) => bind(query).where
    expect(ids('objectType = server')).toMatchObject({
      targets: [{ source: { field: 'objectTypeId' }, test: { op: 'in', values: [11] } }],
    })
    expect(ids('objectType like SERV')).toMatchObject({ targets: [{ test: { values: [11, 13] } }] })
    expect(ids('objectType startswith x')).toMatchObject({ targets: [{ test: { values: [] } }] })
    expect(ids('objectType in objectTypeAndChildren(hardware)')).toMatchObject({
      targets: [{ test: { values: [10, 11, 12, 13] } }],
    })
    expect(ids('objectType in objectTypeAndChildren(11)')).toMatchObject({
      targets: [{ test: { values: [11, 13] } }],
    })
    expect(ids('objectSchema = "it assets"')).toMatchObject({
      targets: [{ source: { field: 'objectSchemaId' }, test: { values: [1] } }],
    })
  })
})
