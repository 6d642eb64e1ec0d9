import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/domain/errors.js'
import { parseAql } from '../../../src/domain/aql/parser.js'

interface Bad {
  query: string
  code: string
  position: number
  message: string
  found?: string
  expected?: string[]
}

const SYNTAX = 'AQL_SYNTAX_ERROR'
const OPERATORS = ['=', '==', '!=', '<', '<=', '>', '>=', 'like', 'not like', 'in', 'not in', 'startswith']

const BAD: readonly Bad[] = [
  { query: '', code: SYNTAX, position: 0, message: 'The query is empty', found: 'end of query' },
  { query: '   ', code: SYNTAX, position: 3, message: 'expected a condition', found: 'end of query' },
  { query: 'Name', code: SYNTAX, position: 4, message: 'expected =, ==, !=', found: 'end of query' },
  { query: 'Name x', code: SYNTAX, position: 5, message: 'but found "x"', found: 'x' },
  { query: 'Name =', code: SYNTAX, position: 6, message: 'expected a value but found end of query' },
  { query: 'Name = "abc', code: SYNTAX, position: 11, message: 'starts at position 7 is never closed' },
  { query: 'Name = "abc\\"', code: SYNTAX, position: 13, message: 'never closed', expected: ['a closing "'] },
  { query: 'Name = "abc\\', code: SYNTAX, position: 12, message: 'starts at position 7 is never closed' },
  {
    query: '= x',
    code: SYNTAX,
    position: 0,
    message: 'expected an attribute name, NOT, ( or object having',
    found: '=',
  },
  { query: 'Name = = x', code: SYNTAX, position: 7, message: 'expected a value but found "="' },
  { query: 'Name <> x', code: SYNTAX, position: 6, message: 'expected a value but found ">"' },
  { query: 'Name ! x', code: SYNTAX, position: 5, message: 'expected != but found "!"', expected: ['!='] },
  { query: 'Name === x', code: SYNTAX, position: 7, message: 'expected a value but found "="' },
  {
    query: 'Name = x AND',
    code: SYNTAX,
    position: 12,
    message: 'expected an attribute name',
    found: 'end of query',
  },
  {
    query: 'Name = x AND OR y = 1',
    code: SYNTAX,
    position: 13,
    message: 'Quote a name that is also an AQL word',
    found: 'OR',
  },
  { query: 'AND = 1', code: SYNTAX, position: 0, message: 'Quote a name that is also an AQL word' },
  {
    query: 'Name = x y = z',
    code: SYNTAX,
    position: 9,
    message: 'expected AND, OR, order by or end of query but found "y"',
  },
  { query: 'Name = x && y = z', code: SYNTAX, position: 9, message: 'found "&&"' },
  { query: 'Name = x)', code: SYNTAX, position: 8, message: 'This ) has no matching (', found: ')' },
  {
    query: '(Name = x',
    code: SYNTAX,
    position: 9,
    message: 'expected AND, OR or )',
    expected: ['AND', 'OR', ')'],
  },
  {
    query: '((Name = x)',
    code: SYNTAX,
    position: 11,
    message: 'expected AND, OR or ) but found end of query',
  },
  { query: '()', code: SYNTAX, position: 1, message: 'but found ")"', found: ')' },
  { query: 'NOT', code: SYNTAX, position: 3, message: 'expected an attribute name', found: 'end of query' },
  { query: 'Name in x', code: SYNTAX, position: 8, message: 'expected ( or objectTypeAndChildren(…)' },
  { query: 'Name in (a, b', code: SYNTAX, position: 13, message: 'expected , or ) but found end of query' },
  { query: 'Name in (a b)', code: SYNTAX, position: 11, message: 'expected , or ) but found "b"' },
  { query: 'Name in (a,)', code: SYNTAX, position: 11, message: 'expected a value but found ")"' },
  { query: 'Name is x', code: SYNTAX, position: 8, message: 'expected EMPTY or not EMPTY but found "x"' },
  {
    query: 'Name is not x',
    code: SYNTAX,
    position: 12,
    message: 'expected EMPTY but found "x"',
    expected: ['EMPTY'],
  },
  { query: 'Name not x', code: SYNTAX, position: 9, message: 'expected like or in but found "x"' },
  { query: 'Name = x order Name', code: SYNTAX, position: 9, message: 'found "order"' },
  {
    query: 'Name = x order by',
    code: SYNTAX,
    position: 17,
    message: 'expected an attribute name but found end of query',
  },
  {
    query: 'Name = x order by Name up',
    code: SYNTAX,
    position: 23,
    message: 'expected asc, desc or end of query',
  },
  {
    query: 'Name = x order by Name desc x',
    code: SYNTAX,
    position: 28,
    message: 'expected end of query but found "x"',
  },
  {
    query: '(Name = x order by Name)',
    code: SYNTAX,
    position: 10,
    message: 'expected AND, OR or ) but found "order"',
  },
  { query: '"Dept". = x', code: SYNTAX, position: 8, message: 'expected an attribute name after "."' },
  {
    query: 'Dept.. = x',
    code: SYNTAX,
    position: 5,
    message: 'expected an attribute name after "."',
    found: '.',
  },
  {
    query: 'object having foo()',
    code: SYNTAX,
    position: 14,
    message: 'expected inboundReferences(…), outboundReferences(…), inR(…) or outR(…)',
  },
  { query: 'object having inR', code: SYNTAX, position: 17, message: 'expected ( but found end of query' },
  { query: 'object having inR(', code: SYNTAX, position: 18, message: 'expected an attribute name' },
  { query: 'object having inR(a = 1', code: SYNTAX, position: 23, message: 'expected AND, OR or )' },
  {
    query: 'object having inR(a = 1, Owner)',
    code: SYNTAX,
    position: 23,
    message: 'Filtering by reference type is not supported',
  },
  {
    query: 'objectType in objectTypeAndChildren()',
    code: SYNTAX,
    position: 36,
    message: 'expected an object type name or id but found ")"',
  },
  {
    query: 'objectType in objectTypeAndChildren(a b)',
    code: SYNTAX,
    position: 38,
    message: 'expected ) but found "b"',
  },
  { query: 'Created > now(-2x)', code: SYNTAX, position: 14, message: '"x" is not a unit' },
  { query: 'Created > now(-2)', code: SYNTAX, position: 14, message: 'now() needs a unit' },
  { query: 'Created > now(--2h)', code: SYNTAX, position: 14, message: '"--2h" is not an offset' },
  {
    query: 'Created > now(-2h',
    code: SYNTAX,
    position: 17,
    message: 'expected an offset such as -2h 15m or ) but found end of query',
  },
  { query: 'Created > now(-200000d)', code: SYNTAX, position: 14, message: 'at most 100000' },
  { query: 'Created > now(,)', code: SYNTAX, position: 14, message: 'found ","' },
  {
    query: 'Owner = currentUser()',
    code: 'AQL_UNSUPPORTED_FUNCTION',
    position: 8,
    message: 'currentUser() at position 8 is not supported',
    found: 'currentUser',
  },
  {
    query: 'Name in (a, group("x"))',
    code: 'AQL_UNSUPPORTED_FUNCTION',
    position: 12,
    message: 'group() at position 12',
  },
  {
    query: 'Name = foo (bar)',
    code: 'AQL_UNSUPPORTED_FUNCTION',
    position: 7,
    message: 'use one of now(), startOfDay()',
  },
  {
    query: `${'('.repeat(65)}a = 1${')'.repeat(65)}`,
    code: 'AQL_NESTING_TOO_DEEP',
    position: 64,
    message: 'more than 64 levels',
  },
  { query: `${'NOT '.repeat(70)}a = 1`, code: 'AQL_NESTING_TOO_DEEP', position: 256, message: 'simplify it' },
]

function errorOf(query: string): AppError {
  try {
    parseAql(query)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error(`"${query}" parsed without an error`)
}

describe('parseAql: bad queries', () => {
  it('has at least 30 cases', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30)
  })

  it.each(BAD)('$query', ({ query, code, position, message, found, expected }) => {
    const error = errorOf(query)
    expect(error.code).toBe(code)
    expect(error.status).toBe(400)
    expect(error.details['position']).toBe(position)
    expect(error.message).toContain(message)
    if (found !== undefined) expect(error.details['found']).toBe(found)
    if (expected !== undefined) expect(error.details['expected']).toEqual(expected)
  })

  it('lists every operator it would have accepted after a path', () => {
    const error = errorOf('Name ?')
    expect(error.details).toMatchObject({ position: 5, found: '?' })
    expect(error.details['expected']).toEqual(
      expect.arrayContaining([...OPERATORS, 'is EMPTY', 'is not EMPTY']),
    )
  })

  it('reports the first problem in reading order', () => {
    // The unterminated string comes after the first error, so it is not the one reported.
    expect(errorOf('Name = = "abc').details['position']).toBe(7)
  })

  it('serialises as code, message and details for the HTTP layer', () => {
    expect(errorOf('Name =').toJSON()).toEqual({
      code: SYNTAX,
      message: 'AQL syntax error at position 6: expected a value but found end of query.',
      details: { position: 6, found: 'end of query', expected: ['a value'] },
    })
  })
})
