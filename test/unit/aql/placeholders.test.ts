import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ComparisonNode, InNode } from '../../../src/domain/aql/ast.js'
import { parseAql } from '../../../src/domain/aql/parser.js'
import type { PlaceholderLookup } from '../../../src/domain/aql/placeholders.js'
import { interpolate } from '../../../src/domain/aql/placeholders.js'
import { AppError } from '../../../src/domain/errors.js'
import { EMPLOYEE } from './fixtures.js'
import { matching, RECORDS } from './records.js'

const lookupOf =
  (values: Record<string, ReturnType<PlaceholderLookup>>): PlaceholderLookup =>
  (name) =>
    values[name]

const fill = (template: string, values: Record<string, ReturnType<PlaceholderLookup>>) =>
  interpolate(template, lookupOf(values))

/** The value of the single comparison `query` must consist of. */
function singleValue(query: string): string {
  const where = parseAql(query).where
  expect(where.type).toBe('Comparison')
  const value = (where as ComparisonNode).value
  expect(value.type).toBe('Literal')
  return value.type === 'Literal' ? value.value : ''
}

function listValues(query: string): string[] {
  const where = parseAql(query).where
  expect(where.type).toBe('In')
  return (where as InNode).values.map((v) => (v.type === 'Literal' ? v.value : `<${v.name}>`))
}

const HOSTILE = [
  '"',
  '\\',
  '\\"',
  'abc\\',
  '${x}',
  '${x${0}}',
  '") OR (1=1',
  '" OR Name != "',
  'x" OR objectType = Server OR Name = "y',
  ')) OR ((Name is not EMPTY',
  'line\nbreak\r\n"',
  'AND',
  'order by Name desc',
  "O'Brien",
  '',
  ' ',
  '\u0000\u2028',
  '😀 ünïcødé',
]

function failure(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('no error')
}

describe('interpolate: ${name}', () => {
  it('quotes and escapes the value', () => {
    expect(fill('Key = ${key}', { key: 'ITSM-1' })).toBe('Key = "ITSM-1"')
    expect(fill('Name = ${n}', { n: 'say "hi" \\o/' })).toBe('Name = "say \\"hi\\" \\\\o/"')
    expect(fill('Cores = ${c} AND Active = ${a}', { c: 8, a: true })).toBe('Cores = "8" AND Active = "true"')
  })

  it.each(HOSTILE)('keeps %j inside one string', (hostile) => {
    const query = fill('Name = ${v}', { v: hostile })
    expect(singleValue(query)).toBe(hostile)
  })

  it('escapes without adding quotes inside a quoted part of the template', () => {
    const query = fill('Name = "Dr. ${v} (${w})"', { v: 'x" OR Name = "y', w: '\\' })
    expect(singleValue(query)).toBe('Dr. x" OR Name = "y (\\)')
    expect(singleValue(fill('Name = "a\\"${v}"', { v: '"' }))).toBe('a""')
  })

  it('does not expand placeholders inside values', () => {
    const names: string[] = []
    const query = interpolate('Name = ${a} AND Code = ${b}', (name) => (names.push(name), `\${b}`))
    expect(names).toEqual(['a', 'b'])
    expect(query).toBe('Name = "${b}" AND Code = "${b}"')
  })

  it('gives "" for a locator without value, and takes a single-element list as its value', () => {
    expect(fill('Name = ${v}', {})).toBe('Name = ""')
    expect(fill('Name = ${v}', { v: null })).toBe('Name = ""')
    expect(fill('Name = ${v}', { v: [] })).toBe('Name = ""')
    expect(fill('Name = ${v}', { v: ['only'] })).toBe('Name = "only"')
  })

  it('refuses several values for a single placeholder', () => {
    const error = failure(() => fill('Name = ${Owner}', { Owner: ['a', 'b'] }))
    expect(error.code).toBe('AQL_PLACEHOLDER_MULTIPLE_VALUES')
    expect(error.details).toEqual({ name: 'Owner', count: 2 })
    expect(error.message).toContain('write ${Owner${0}} inside IN')
  })

  it('trims names and copies a lone $', () => {
    expect(fill('Name = ${ key } AND Price = "$5" AND x = $', { key: 'k' })).toBe(
      'Name = "k" AND Price = "$5" AND x = $',
    )
  })
})

describe('interpolate: ${name${0}}', () => {
  it('lists the quoted values', () => {
    expect(fill('Name in (${n${0}})', { n: ['Oslo', 'San "Jose"'] })).toBe(
      'Name in ("Oslo", "San \\"Jose\\"")',
    )
    expect(fill('Name in (${n${0}})', { n: 'one' })).toBe('Name in ("one")')
  })

  it('keeps every hostile value a separate list element', () => {
    expect(listValues(fill('Name in (${n${0}})', { n: HOSTILE }))).toEqual(HOSTILE)
  })

  it('gives an empty list for a locator without values', () => {
    expect(fill('Name in (${n${0}})', {})).toBe('Name in ()')
    expect(listValues(fill('Name not in (${n${0}})', { n: [] }))).toEqual([])
  })
})

describe('interpolate: malformed templates', () => {
  it.each([
    ['Name = ${v', 7, 'not closed with }'],
    ['Name = ${}', 7, 'has no name'],
    ['Name = ${  }', 7, 'has no name'],
    ['Name in (${v${1}})', 12, 'only ${0} may follow the name'],
    ['Name in (${v${0})', 12, 'only ${0} may follow the name'],
    ['Name = "${v${0}}"', 8, 'cannot stand inside quotes'],
  ] as const)('%s', (template, position, message) => {
    const error = failure(() => fill(template, { v: 'x' }))
    expect(error.code).toBe('AQL_PLACEHOLDER_SYNTAX')
    expect(error.details['position']).toBe(position)
    expect(error.message).toContain(message)
  })
})

describe('interpolate: properties', () => {
  const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...HOSTILE))

  it('any value becomes exactly one literal equal to it', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        expect(singleValue(fill('Name = ${v}', { v: value }))).toBe(value)
      }),
      { numRuns: 1000 },
    )
  })

  it('any list of values becomes exactly that list', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 5 }), (values) => {
        expect(listValues(fill('Name in (${v${0}})', { v: values }))).toEqual(values)
      }),
      { numRuns: 500 },
    )
  })

  it('a value inside a quoted template part stays inside it', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(singleValue(fill('Name = "<${a}|${b}>"', { a, b }))).toBe(`<${a}|${b}>`)
      }),
      { numRuns: 500 },
    )
  })
})

describe('interpolate + evaluate', () => {
  const employees = { objectTypeId: EMPLOYEE, records: RECORDS.filter((r) => r.objectTypeId === EMPLOYEE) }

  it('finds the referenced object by the value', () => {
    expect(matching(fill('Name = ${owner}', { owner: 'ann smith' }), employees)).toEqual([1])
    expect(matching(fill('Name in (${owners${0}})', { owners: ['Bob', 'carl'] }), employees)).toEqual([2, 3])
  })

  it('an injection attempt matches nothing instead of everything', () => {
    expect(matching(fill('Name = ${owner}', { owner: 'x" OR Name != "' }), employees)).toEqual([])
    expect(matching(fill('Name in (${o${0}})', { o: ['x") OR (Name is not EMPTY'] }), employees)).toEqual([])
  })
})
