import type { BoundExpr } from '../../domain/aql/bound.js'

/**
 * Which conjunct a statement should be read from. Without statistics (SQLite keeps none unless asked) a planner
 * walks every object of a type and tests each against the other conditions; reading instead the ids of a test
 * that an index answers — and then those objects by primary key — keeps a selective query fast.
 *
 * A driver is a test on attribute values that their keys serve, directly or through references: equality
 * (`=`, `in`) on (attribute_id, value_ci) or value_num, `having` with a query, ranges of numbers and dates
 * (value_num) and text prefixes (value_ci). Text order (`<` on text) and substrings are not keyed.
 */

/** The top-level AND operands of a condition (the condition itself when it is not an AND). */
export function conjuncts(expr: BoundExpr): readonly BoundExpr[] {
  return expr.type === 'and' ? expr.operands : [expr]
}

/**
 * Lower is better; -1 when the conjunct cannot drive. A test on an attribute without usable index rows
 * (`indexed` false: it is answered by scanning its type's rows) never drives.
 */
export function driverRank(
  expr: BoundExpr,
  referenceAttributeIds: ReadonlySet<number>,
  indexed: (attributeIds: readonly number[]) => boolean,
): number {
  if (expr.type === 'having') return expr.query === null ? -1 : 5
  if (expr.type !== 'condition' || expr.targets.length !== 1) return -1
  const target = expr.targets[0]!
  const { source, test } = target
  if (source.type === 'attribute' && source.attributeIds.some((id) => referenceAttributeIds.has(id)))
    return -1
  if (source.type === 'attribute' && !indexed(source.attributeIds)) return -1
  if (source.type === 'field' && expr.via.length === 0) return -1
  const range = test.op === 'lt' || test.op === 'le' || test.op === 'gt' || test.op === 'ge'
  let base: number
  if (test.op === 'eq') base = 0
  else if (test.op === 'in') base = 1
  else if (test.op === 'startsWith' || (range && target.valueType !== 'text')) base = 6
  else return -1
  return base + (expr.via.length === 0 ? 0 : 2) + (source.type === 'field' ? 2 : 0)
}
