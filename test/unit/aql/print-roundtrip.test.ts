import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type {
  DateFunctionNode,
  ExprNode,
  LiteralNode,
  OffsetTerm,
  PathNode,
  PathSegment,
  QueryNode,
  ValueNode,
} from '../../../src/domain/aql/ast.js'
import { AQL_KEYWORDS, COMPARISON_OPERATORS, DATE_FUNCTIONS } from '../../../src/domain/aql/ast.js'
import { parseAql } from '../../../src/domain/aql/parser.js'
import { printAql } from '../../../src/domain/aql/print.js'
import { stripSpans } from './strip-spans.js'

const span = { start: 0, end: 0 }

/** Texts that tend to break printers: AQL words in any case, quotes, backslashes, dots, blanks, non-ASCII. */
const tricky = fc.constantFrom(
  'Name',
  'Belongs to Department',
  'a"b',
  'c\\d',
  '\\',
  '"',
  'and',
  'OR',
  'Not',
  'in',
  'is',
  'EMPTY',
  'order',
  'by',
  'desc',
  'object',
  'having',
  'key',
  'LABEL',
  'objectTypeAndChildren',
  'now',
  'x.y',
  '1.5',
  '-3',
  '',
  ' ',
  "O'Brien",
  'ünï',
  'a(b)',
  'x=y',
  '${x}',
  'line\nbreak',
)
const text = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))

const segment: fc.Arbitrary<PathSegment> = fc.oneof(
  text.map((name) => ({ type: 'name' as const, name, span })),
  fc.constantFrom(...AQL_KEYWORDS).map((keyword) => ({ type: 'keyword' as const, keyword, span })),
)
const path: fc.Arbitrary<PathNode> = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((segments) => ({ type: 'Path', segments, span }))
const literal: fc.Arbitrary<LiteralNode> = text.map((value) => ({ type: 'Literal', value, span }))

const dateFunction: fc.Arbitrary<DateFunctionNode> = fc.constantFrom(...DATE_FUNCTIONS).chain((name) => {
  const units =
    name === 'now' ? (['w', 'd', 'h', 'm', 's'] as const) : (['w', 'd', 'h', 'm', 's', null] as const)
  const term: fc.Arbitrary<OffsetTerm> = fc
    .record({ amount: fc.integer({ min: -100_000, max: 100_000 }), unit: fc.constantFrom(...units) })
    .map((t) => ({ ...t, amount: t.amount === 0 ? 0 : t.amount }))
  return fc
    .array(term, { maxLength: 3 })
    .map((offset) => ({ type: 'DateFunction' as const, name, offset, span }))
})
const value: fc.Arbitrary<ValueNode> = fc.oneof(literal, dateFunction)

const leaf: fc.Arbitrary<ExprNode> = fc.oneof(
  fc
    .record({ path, operator: fc.constantFrom(...COMPARISON_OPERATORS), value })
    .map((c) => ({ type: 'Comparison' as const, ...c, span })),
  fc
    .record({ path, negated: fc.boolean(), values: fc.array(value, { maxLength: 3 }) })
    .map((c) => ({ type: 'In' as const, ...c, span })),
  fc.record({ path, negated: fc.boolean() }).map((c) => ({ type: 'Empty' as const, ...c, span })),
  fc
    .record({ path, negated: fc.boolean(), target: literal })
    .map((c) => ({ type: 'TypeAndChildren' as const, ...c, span })),
)

const { expr } = fc.letrec<{ expr: ExprNode }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .array(tie('expr'), { minLength: 2, maxLength: 3 })
      .map((operands) => ({ type: 'And' as const, operands, span })),
    fc
      .array(tie('expr'), { minLength: 2, maxLength: 3 })
      .map((operands) => ({ type: 'Or' as const, operands, span })),
    tie('expr').map((operand) => ({ type: 'Not' as const, operand, span })),
    fc
      .record({
        negated: fc.boolean(),
        direction: fc.constantFrom('inbound' as const, 'outbound' as const),
        query: fc.option(tie('expr'), { nil: null }),
      })
      .map((h) => ({ type: 'Having' as const, ...h, span })),
  ),
}))

const query: fc.Arbitrary<QueryNode> = fc
  .record({
    where: expr,
    orderBy: fc.option(
      fc
        .record({ path, direction: fc.constantFrom('asc' as const, 'desc' as const) })
        .map((o) => ({ type: 'OrderBy' as const, ...o, span })),
      { nil: null },
    ),
  })
  .map((q) => ({ type: 'Query', ...q, span }))

describe('printAql / parseAql round trip', () => {
  it('parse(print(ast)) equals ast for generated trees', () => {
    fc.assert(
      fc.property(query, (ast) => {
        expect(stripSpans(parseAql(printAql(ast)))).toEqual(stripSpans(ast))
      }),
      { numRuns: 2000 },
    )
  })

  it('printing is idempotent on parsed text', () => {
    fc.assert(
      fc.property(query, (ast) => {
        const once = printAql(ast)
        expect(printAql(parseAql(once))).toBe(once)
      }),
      { numRuns: 500 },
    )
  })
})
