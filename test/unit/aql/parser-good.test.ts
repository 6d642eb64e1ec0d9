import { describe, expect, it } from 'vitest'
import type { ComparisonNode, ExprNode, HavingNode, InNode, QueryNode } from '../../../src/domain/aql/ast.js'
import { parseAql } from '../../../src/domain/aql/parser.js'
import { printAql } from '../../../src/domain/aql/print.js'
import { stripSpans } from './strip-spans.js'

/** [query, canonical print]; the canonical print must parse to the same tree. */
const GOOD: readonly [string, string][] = [
  ['Name = Stockholm', 'Name = Stockholm'],
  ['Office = "San Jose"', 'Office = "San Jose"'],
  ['"Office" == Stockholm', 'Office == Stockholm'],
  ['Price != 10', 'Price != 10'],
  ['Price<2000', 'Price < 2000'],
  ['Price<=2000.5', 'Price <= 2000.5'],
  ['Price >-3', 'Price > -3'],
  ['Price >= 1e3', 'Price >= 1e3'],
  ['Office LIKE stock', 'Office like stock'],
  ['Office not LIKE stock', 'Office not like stock'],
  ['Office startsWith St', 'Office startswith St'],
  ['Office ENDSWITH holm', 'Office endswith holm'],
  ['Office in (Stockholm, Oslo, "San Jose")', 'Office in (Stockholm, Oslo, "San Jose")'],
  ['Office NOT IN (Oslo)', 'Office not in (Oslo)'],
  ['Office in ()', 'Office in ()'],
  ['Office is EMPTY', 'Office is EMPTY'],
  ['Office IS NOT empty', 'Office is not EMPTY'],
  ['"Belongs to Department".Name = HR', '"Belongs to Department".Name = HR'],
  ['Department.Name = HR', 'Department.Name = HR'],
  ['Department."Full name" = HR', 'Department."Full name" = HR'],
  ['Department.Manager.label like ann', 'Department.Manager.label like ann'],
  ['objecttype = Server', 'objectType = Server'],
  ['OBJECTTYPEID = 12', 'objectTypeId = 12'],
  ['objectSchema = "IT Assets"', 'objectSchema = "IT Assets"'],
  ['objectSchemaId in (1, 2)', 'objectSchemaId in (1, 2)'],
  ['objectId > 100', 'objectId > 100'],
  ['key = ITSM-1111', 'Key = ITSM-1111'],
  ['LABEL startswith "web"', 'label startswith web'],
  ['"Key" = x', '"Key" = x'],
  ['a = 1 and b = 2 AND c = 3', 'a = 1 AND b = 2 AND c = 3'],
  ['a = 1 or b = 2 and c = 3', 'a = 1 OR (b = 2 AND c = 3)'],
  ['(a = 1 or b = 2) and c = 3', '(a = 1 OR b = 2) AND c = 3'],
  ['a = 1 AND (b = 2 AND c = 3)', 'a = 1 AND (b = 2 AND c = 3)'],
  ['not a = 1', 'NOT a = 1'],
  ['NOT NOT a = 1', 'NOT NOT a = 1'],
  ['NOT (a = 1 OR b = 2)', 'NOT (a = 1 OR b = 2)'],
  ['((a = 1))', 'a = 1'],
  ['object having inboundReferences()', 'object having inboundReferences()'],
  ['object HAVING inR(objectType = Employee)', 'object having inboundReferences(objectType = Employee)'],
  [
    'object not having outR(Name = x OR Name = y)',
    'object not having outboundReferences(Name = x OR Name = y)',
  ],
  [
    'object having outboundReferences(object having inR())',
    'object having outboundReferences(object having inboundReferences())',
  ],
  ['object = 5', '"object" = 5'],
  ['objectType in objectTypeAndChildren("Hardware")', 'objectType in objectTypeAndChildren(Hardware)'],
  ['objectType = objectTypeAndChildren(10)', 'objectType in objectTypeAndChildren(10)'],
  ['objectType != objectTypeAndChildren(Server)', 'objectType not in objectTypeAndChildren(Server)'],
  [
    'objectTypeId not in objectTypeAndChildren("Virtual Server")',
    'objectTypeId not in objectTypeAndChildren("Virtual Server")',
  ],
  ['Created > now()', 'Created > now()'],
  ['Created > NOW(-2h 15m)', 'Created > now(-2h -15m)'],
  ['Created > now(-2h15m)', 'Created > now(-2h -15m)'],
  ['Created > now("-1w +2d")', 'Created > now(-1w +2d)'],
  ['Created < now(3d)', 'Created < now(+3d)'],
  ['Created >= startOfDay(-1d)', 'Created >= startOfDay(-1d)'],
  ['Created >= startofday(-1)', 'Created >= startOfDay(-1)'],
  ['Created <= endOfDay()', 'Created <= endOfDay()'],
  ['Created in (startOfWeek(), endOfWeek(+1w))', 'Created in (startOfWeek(), endOfWeek(+1w))'],
  [
    'Created > startOfMonth(-1) AND Created < endOfMonth(-1)',
    'Created > startOfMonth(-1) AND Created < endOfMonth(-1)',
  ],
  [
    'Created > startOfYear() and Created < endOfYear(0)',
    'Created > startOfYear() AND Created < endOfYear(+0)',
  ],
  ['Name = x order by Name', 'Name = x order by Name'],
  ['Name = x ORDER BY Name ASC', 'Name = x order by Name'],
  ['Name = x order by label desc', 'Name = x order by label desc'],
  [
    'Name = x order by "Belongs to Department".Name DESC',
    'Name = x order by "Belongs to Department".Name desc',
  ],
  ['Name = "say \\"hi\\""', 'Name = "say \\"hi\\""'],
  ['Name = "back\\\\slash"', 'Name = "back\\\\slash"'],
  ['Name = "\\x"', 'Name = x'],
  ['Name = "AND"', 'Name = "AND"'],
  ['Name = and', 'Name = "and"'],
  ['Name = "a.b"', 'Name = a.b'],
  ['Name = a.b', 'Name = a.b'],
  ['Name = "" ', 'Name = ""'],
  ['Name = "line\nbreak"', 'Name = "line\nbreak"'],
  ["Name = O'Brien", 'Name = "O\'Brien"'],
  ['"Name with \\"quote\\"" = 1', '"Name with \\"quote\\"" = 1'],
  ['Name = Ünïcødé', 'Name = Ünïcødé'],
  ['IP = 10.0.0.1', 'IP = 10.0.0.1'],
  ['Email = ann@example.com', 'Email = ann@example.com'],
  ['Time = 10:30', 'Time = 10:30'],
  ['When = 2024-05-01T10:00:00Z', 'When = 2024-05-01T10:00:00Z'],
  ['Name = now', 'Name = "now"'],
  ['  Name\t=\nx  ', 'Name = x'],
]

describe('parseAql: good queries', () => {
  it.each(GOOD)('%s', (query, canonical) => {
    const ast = parseAql(query)
    expect(printAql(ast)).toBe(canonical)
    expect(stripSpans(parseAql(canonical))).toEqual(stripSpans(ast))
  })
})

const where = (query: string): ExprNode => parseAql(query).where

describe('parseAql: tree shape', () => {
  it('keeps the source span of every node', () => {
    const query = 'Name = x AND "Dept".Code in (a, "b")'
    const ast: QueryNode = parseAql(query)
    expect(ast.span).toEqual({ start: 0, end: query.length })
    if (ast.where.type !== 'And') throw new Error('expected And')
    const [left, right] = ast.where.operands as [ComparisonNode, InNode]
    expect(query.slice(left.span.start, left.span.end)).toBe('Name = x')
    expect(query.slice(right.span.start, right.span.end)).toBe('"Dept".Code in (a, "b")')
    expect(right.path.segments.map((s) => query.slice(s.span.start, s.span.end))).toEqual(['"Dept"', 'Code'])
    expect(query.slice(right.values[1]!.span.start, right.values[1]!.span.end)).toBe('"b"')
  })

  it('splits a bare dotted word into path segments with their own spans', () => {
    const query = 'Department.Manager.label = x'
    const comparison = where(query) as ComparisonNode
    expect(comparison.path.segments).toEqual([
      { type: 'name', name: 'Department', span: { start: 0, end: 10 } },
      { type: 'name', name: 'Manager', span: { start: 11, end: 18 } },
      { type: 'keyword', keyword: 'label', span: { start: 19, end: 24 } },
    ])
  })

  it('reads bare keywords as keywords and quoted ones as names', () => {
    expect((where('KEY = x') as ComparisonNode).path.segments[0]).toMatchObject({
      type: 'keyword',
      keyword: 'Key',
    })
    expect((where('"Key" = x') as ComparisonNode).path.segments[0]).toMatchObject({
      type: 'name',
      name: 'Key',
    })
  })

  it('gives AND precedence over OR and keeps flat operand lists', () => {
    expect(stripSpans(where('a = 1 OR b = 2 AND c = 3 OR d = 4'))).toMatchObject({
      type: 'Or',
      operands: [{ type: 'Comparison' }, { type: 'And', operands: [{}, {}] }, { type: 'Comparison' }],
    })
  })

  it('binds NOT tighter than AND', () => {
    expect(stripSpans(where('NOT a = 1 AND b = 2'))).toMatchObject({
      type: 'And',
      operands: [{ type: 'Not', operand: { type: 'Comparison' } }, { type: 'Comparison' }],
    })
  })

  it('decodes escapes in names and values', () => {
    const comparison = where('"a\\"b\\\\c" = "x\\"y"') as ComparisonNode
    expect(comparison.path.segments[0]).toMatchObject({ name: 'a"b\\c' })
    expect(comparison.value).toMatchObject({ type: 'Literal', value: 'x"y' })
  })

  it('reads date function offsets with a sign that carries to the following terms', () => {
    const comparison = where('Created > now(-1d 2h +30m -0s)') as ComparisonNode
    expect(comparison.value).toMatchObject({
      type: 'DateFunction',
      name: 'now',
      offset: [
        { amount: -1, unit: 'd' },
        { amount: -2, unit: 'h' },
        { amount: 30, unit: 'm' },
        { amount: 0, unit: 's' },
      ],
    })
    const offset = comparison.value.type === 'DateFunction' ? comparison.value.offset : []
    expect(Object.is(offset[3]?.amount, 0)).toBe(true)
  })

  it('reads the reference functions and their short forms', () => {
    const having = where('object not having outR(Name = x)') as HavingNode
    expect(having).toMatchObject({ negated: true, direction: 'outbound', query: { type: 'Comparison' } })
    expect(where('object having inboundReferences()')).toMatchObject({ direction: 'inbound', query: null })
  })

  it('reads order by with its direction', () => {
    expect(parseAql('a = 1 order by Name desc').orderBy).toMatchObject({
      direction: 'desc',
      path: { segments: [{ type: 'name', name: 'Name' }] },
    })
    expect(parseAql('a = 1').orderBy).toBeNull()
  })
})
