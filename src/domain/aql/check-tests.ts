import type { ComparisonNode, ComparisonOperator, EmptyNode, InNode, ValueNode } from './ast.js'
import { AqlUnsupportedOperatorError } from './aql-errors.js'
import type { BoundTest, ValueType } from './bound.js'
import type { TimeContext } from './coerce.js'
import { coerceValue } from './coerce.js'

export type PositiveOp = 'eq' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'startsWith' | 'endsWith'

/** What a condition asks of its values, with negated operators split into their positive form plus `negate`. */
export type Requirement = {
  readonly negate: boolean
  readonly operator: string
  readonly position: number
} & (
  | {
      readonly kind: 'compare'
      readonly op: PositiveOp
      readonly caseSensitive: boolean
      readonly value: ValueNode
    }
  | { readonly kind: 'in'; readonly values: readonly ValueNode[] }
  | { readonly kind: 'exists' }
)

const POSITIVE: Readonly<Record<ComparisonOperator, [PositiveOp, boolean, boolean]>> = {
  // operator: [positive form, negate, case-sensitive]
  '=': ['eq', false, false],
  '==': ['eq', false, true],
  '!=': ['eq', true, false],
  '<': ['lt', false, false],
  '<=': ['le', false, false],
  '>': ['gt', false, false],
  '>=': ['ge', false, false],
  like: ['contains', false, false],
  'not like': ['contains', true, false],
  startswith: ['startsWith', false, false],
  endswith: ['endsWith', false, false],
}

export function requirementOf(node: ComparisonNode | InNode | EmptyNode): Requirement {
  const position = node.span.start
  switch (node.type) {
    case 'Comparison': {
      const [op, negate, caseSensitive] = POSITIVE[node.operator]
      return {
        kind: 'compare',
        op,
        caseSensitive,
        value: node.value,
        negate,
        operator: node.operator,
        position,
      }
    }
    case 'In':
      return {
        kind: 'in',
        values: node.values,
        negate: node.negated,
        operator: node.negated ? 'not in' : 'in',
        position,
      }
    case 'Empty':
      // `is EMPTY` is the negation of "has a value".
      return {
        kind: 'exists',
        negate: !node.negated,
        operator: node.negated ? 'is not EMPTY' : 'is EMPTY',
        position,
      }
  }
}

/** Which positive operators each kind of value supports (`in` and `exists` work for all). */
const SUPPORTED: Readonly<Record<ValueType, ReadonlySet<PositiveOp>>> = {
  text: new Set(['eq', 'lt', 'le', 'gt', 'ge', 'contains', 'startsWith', 'endsWith']),
  number: new Set(['eq', 'lt', 'le', 'gt', 'ge']),
  boolean: new Set(['eq']),
  date: new Set(['eq', 'lt', 'le', 'gt', 'ge']),
  time: new Set(['eq', 'lt', 'le', 'gt', 'ge']),
  date_time: new Set(['eq', 'lt', 'le', 'gt', 'ge']),
}

const DESCRIBED: Readonly<Record<ValueType, string>> = {
  text: 'text',
  number: 'numbers',
  boolean: 'true/false values',
  date: 'dates',
  time: 'times',
  date_time: 'date-times',
}

export function unsupported(requirement: Requirement, subject: string, valueType: string): never {
  throw AqlUnsupportedOperatorError({
    position: requirement.position,
    operator: requirement.operator,
    attribute: subject,
    valueType,
  })
}

/** The bound test for values of `valueType`; throws when the operator does not apply or a value does not fit. */
export function buildTest(
  requirement: Requirement,
  valueType: ValueType,
  subject: string,
  time: TimeContext,
): BoundTest {
  const coerce = (value: ValueNode) => coerceValue(value, valueType, time, subject)
  switch (requirement.kind) {
    case 'exists':
      return { op: 'exists' }
    case 'in':
      return { op: 'in', values: requirement.values.map(coerce) }
    case 'compare': {
      const { op } = requirement
      if (!SUPPORTED[valueType].has(op)) unsupported(requirement, subject, DESCRIBED[valueType])
      const value = coerce(requirement.value)
      if (op === 'eq') return { op, value, caseSensitive: requirement.caseSensitive }
      if (op === 'contains' || op === 'startsWith' || op === 'endsWith') return { op, value: String(value) }
      return { op, value }
    }
  }
}
