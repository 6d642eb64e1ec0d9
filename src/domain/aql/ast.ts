/**
 * The syntax tree of an AQL query as written, before it is checked against a schema. Every node carries the span
 * of source text it came from (0-based UTF-16 offsets, end exclusive). Grouping parentheses leave no node.
 */

export interface Span {
  readonly start: number
  readonly end: number
}

/** Reserved words that name a built-in property instead of an attribute when written bare (not quoted). */
export const AQL_KEYWORDS = [
  'objectType',
  'objectTypeId',
  'objectSchema',
  'objectSchemaId',
  'objectId',
  'Key',
  'label',
] as const
export type AqlKeyword = (typeof AQL_KEYWORDS)[number]

export const DATE_FUNCTIONS = [
  'now',
  'startOfDay',
  'endOfDay',
  'startOfWeek',
  'endOfWeek',
  'startOfMonth',
  'endOfMonth',
  'startOfYear',
  'endOfYear',
] as const
export type DateFunctionName = (typeof DATE_FUNCTIONS)[number]

/** w = weeks, d = days, h = hours, m = minutes, s = seconds; null = the function's own period (day, week…). */
export type OffsetUnit = 'w' | 'd' | 'h' | 'm' | 's'

export interface OffsetTerm {
  /** Signed; never -0. */
  readonly amount: number
  readonly unit: OffsetUnit | null
}

export type PathSegment =
  | { readonly type: 'name'; readonly name: string; readonly span: Span }
  | { readonly type: 'keyword'; readonly keyword: AqlKeyword; readonly span: Span }

/** `Name`, `"Belongs to Department".Name`, `Key`, `Owner.label`. */
export interface PathNode {
  readonly type: 'Path'
  readonly segments: readonly PathSegment[]
  readonly span: Span
}

/** A bare word or a quoted string; quoting does not change the meaning of a value. */
export interface LiteralNode {
  readonly type: 'Literal'
  readonly value: string
  readonly span: Span
}

export interface DateFunctionNode {
  readonly type: 'DateFunction'
  readonly name: DateFunctionName
  /** Empty when the function has no argument. */
  readonly offset: readonly OffsetTerm[]
  readonly span: Span
}

export type ValueNode = LiteralNode | DateFunctionNode

export const COMPARISON_OPERATORS = [
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'like',
  'not like',
  'startswith',
  'endswith',
] as const
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number]

export interface ComparisonNode {
  readonly type: 'Comparison'
  readonly path: PathNode
  readonly operator: ComparisonOperator
  readonly value: ValueNode
  readonly span: Span
}

/** `path in (…)` / `path not in (…)`; the list may be empty (it matches nothing). */
export interface InNode {
  readonly type: 'In'
  readonly path: PathNode
  readonly negated: boolean
  readonly values: readonly ValueNode[]
  readonly span: Span
}

/** `path is EMPTY` (negated = false) / `path is not EMPTY` (negated = true). */
export interface EmptyNode {
  readonly type: 'Empty'
  readonly path: PathNode
  readonly negated: boolean
  readonly span: Span
}

/** `objectType in objectTypeAndChildren("X")` (also written with `=`; `not in` / `!=` when negated). */
export interface TypeAndChildrenNode {
  readonly type: 'TypeAndChildren'
  readonly path: PathNode
  readonly negated: boolean
  /** An object type name or id. */
  readonly target: LiteralNode
  readonly span: Span
}

/** `object [not] having inboundReferences(…)` / `outboundReferences(…)` (or inR / outR). */
export interface HavingNode {
  readonly type: 'Having'
  readonly negated: boolean
  readonly direction: 'inbound' | 'outbound'
  /** null for an empty argument list: any referencing / referenced object. */
  readonly query: ExprNode | null
  readonly span: Span
}

export interface AndNode {
  readonly type: 'And'
  /** At least two. */
  readonly operands: readonly ExprNode[]
  readonly span: Span
}

export interface OrNode {
  readonly type: 'Or'
  /** At least two. */
  readonly operands: readonly ExprNode[]
  readonly span: Span
}

export interface NotNode {
  readonly type: 'Not'
  readonly operand: ExprNode
  readonly span: Span
}

export type ExprNode =
  AndNode | OrNode | NotNode | ComparisonNode | InNode | EmptyNode | TypeAndChildrenNode | HavingNode

export interface OrderByNode {
  readonly type: 'OrderBy'
  readonly path: PathNode
  readonly direction: 'asc' | 'desc'
  readonly span: Span
}

export interface QueryNode {
  readonly type: 'Query'
  readonly where: ExprNode
  readonly orderBy: OrderByNode | null
  readonly span: Span
}
