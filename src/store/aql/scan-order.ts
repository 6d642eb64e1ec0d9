import type { BoundExpr, BoundQuery } from '../../domain/aql/bound.js'
import type { AqlSqlContext } from './compile-where.js'
import { conjuncts } from './drivers.js'

/**
 * How a scan that no index drives reads the object rows on SQLite.
 *
 * Left to itself, SQLite reads the rows of a type through the `(workspace_no, object_type_id, label_ci, id)`
 * index: one table look-up per row, in label order, i.e. random pages of the table, then a sort by id. When
 * the rows it would visit are a large part of the table, reading the whole table in rowid order (`NOT INDEXED`)
 * is cheaper: pages are read in order, each once, and the rows come out in id order (measured at 200,000
 * objects, `Inventory = "…"` over a type holding 90 % of them: 340 ms of CPU through the index, 43 ms in rowid
 * order; per row read ~1.8 µs through the index, ~0.2 µs in a table scan). The table scan pays when the rows
 * the index would visit are at least ROWID_SCAN_SHARE of all object rows (break-even near 1/8; kept
 * conservative).
 */
export const ROWID_SCAN_SHARE = 0.2

/**
 * The object types outside which no object can match `query`, as the narrowest of its top-level conjuncts
 * states it: `objectType = X` / `objectType in (…)` / `objectTypeId = n`, or a positive test on attributes that
 * are all answered from the rows' JSON (whose test is restricted to the attributes' types, compile-where.ts
 * #rowTest); one type list per such conjunct, none when no conjunct restricts the types.
 */
export function typesBound(scope: AqlSqlContext, query: BoundQuery): readonly number[][] {
  const bounds: number[][] = []
  for (const operand of conjuncts(query.where)) {
    const types = conjunctTypes(scope, operand)
    if (types !== null) bounds.push(types)
  }
  return bounds
}

function conjunctTypes(scope: AqlSqlContext, expr: BoundExpr): number[] | null {
  if (expr.type !== 'condition' || expr.via.length !== 0 || expr.targets.length !== 1) return null
  const { source, test } = expr.targets[0]!
  if (source.type === 'field') {
    if (source.field !== 'objectTypeId') return null
    const values = test.op === 'eq' ? [test.value] : test.op === 'in' ? test.values : null
    if (values === null || !values.every((v) => typeof v === 'number' && Number.isInteger(v))) return null
    return [...new Set(values as number[])]
  }
  const scanned = source.attributeIds.every(
    (id) => !scope.referenceAttributeIds.has(id) && !scope.indexedAttributeIds.has(id),
  )
  if (!scanned) return null
  return [...new Set(source.attributeIds.flatMap((id) => scope.attributeTypes.get(id) ?? []))]
}

/**
 * Whether a scan reads the table in rowid order: the rows the index would visit (the smallest bound's object
 * count, from the kept per-type counts) are at least ROWID_SCAN_SHARE of the table's `tableRows`.
 */
export function rowidScanPays(
  bounds: readonly (readonly number[])[],
  countOf: ReadonlyMap<number, number>,
  tableRows: number,
): boolean {
  if (bounds.length === 0 || tableRows <= 0) return false
  const visited = Math.min(...bounds.map((types) => types.reduce((sum, t) => sum + (countOf.get(t) ?? 0), 0)))
  return visited >= ROWID_SCAN_SHARE * tableRows
}
