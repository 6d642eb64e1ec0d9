/**
 * A checked query: names resolved against the catalog, values coerced to the kind they are compared with, date
 * functions turned into fixed instants. The in-memory evaluator and the SQL compiler both take this form, so the
 * meaning is decided once, here and in the checker. See evaluate-memory.ts for the semantics.
 */

/**
 * How values compare. text covers text, textarea, url, email, select, status and ipaddress; date ('YYYY-MM-DD'),
 * time ('HH:mm:ss') and date_time (UTC ISO with milliseconds) are canonical strings whose code point order is
 * chronological.
 */
export type ValueType = 'text' | 'number' | 'boolean' | 'date' | 'time' | 'date_time'

export type Scalar = string | number | boolean

/** Built-in properties of every object. objectType / objectSchema are resolved to ids by the checker. */
export type FieldName = 'id' | 'key' | 'label' | 'objectTypeId' | 'objectSchemaId' | 'created' | 'updated'

export type BoundSource =
  | { readonly type: 'attribute'; readonly attributeIds: readonly number[] }
  | { readonly type: 'field'; readonly field: FieldName }

/** The positive tests; negated operators (!=, not like, not in, is EMPTY) are `not` around one of these. */
export type BoundTest =
  | { readonly op: 'exists' }
  /** caseSensitive matters for text only (== vs =). */
  | { readonly op: 'eq'; readonly value: Scalar; readonly caseSensitive: boolean }
  /** Case-insensitive for text. An empty list matches nothing. */
  | { readonly op: 'in'; readonly values: readonly Scalar[] }
  | { readonly op: 'lt' | 'le' | 'gt' | 'ge'; readonly value: Scalar }
  /** Text only, case-insensitive. */
  | { readonly op: 'contains' | 'startsWith' | 'endsWith'; readonly value: string }

/** One source of values with the test its values are put to. */
export interface BoundTarget {
  readonly source: BoundSource
  readonly valueType: ValueType
  readonly test: BoundTest
}

/** One step of a dot path: the referenced_object attributes whose values (object ids) lead to the next objects. */
export interface BoundHop {
  readonly attributeIds: readonly number[]
}

/** True when some object reached through `via` has some value in some target that passes the target's test. */
export interface BoundCondition {
  readonly type: 'condition'
  readonly via: readonly BoundHop[]
  readonly targets: readonly BoundTarget[]
}

export interface BoundHaving {
  readonly type: 'having'
  readonly direction: 'inbound' | 'outbound'
  /** null: any referencing (inbound) / referenced (outbound) object. */
  readonly query: BoundExpr | null
}

export type BoundExpr =
  | { readonly type: 'and'; readonly operands: readonly BoundExpr[] }
  | { readonly type: 'or'; readonly operands: readonly BoundExpr[] }
  | { readonly type: 'not'; readonly operand: BoundExpr }
  | BoundCondition
  | BoundHaving

export interface BoundOrder {
  readonly via: readonly BoundHop[]
  readonly source: BoundSource
  readonly valueType: ValueType
  readonly direction: 'asc' | 'desc'
}

export interface BoundQuery {
  readonly where: BoundExpr
  readonly orderBy: BoundOrder | null
}
