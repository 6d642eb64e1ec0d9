import { sql } from 'kysely'
import type { BoundHop, BoundOrder } from '../../domain/aql/bound.js'
import type { DialectCapabilities } from '../capabilities.js'
import { fieldColumns, presentSql, valueColumns, type Columns } from './compile-test.js'
import type { WhereCompiler } from './compile-where.js'
import { jsonMinimum } from './json-keys.js'
import { codePoints, col, inList, type Sql } from './sql-fragments.js'

/** AQL's default order: by label, ascending (then by id, as every order). */
export const DEFAULT_ORDER: BoundOrder = {
  via: [],
  source: { type: 'field', field: 'label' },
  valueType: 'text',
  direction: 'asc',
}

export interface OrderSql {
  /** LEFT JOINs the ORDER BY reads (empty unless the key is a text attribute). */
  readonly joins: Sql
  readonly orderBy: Sql
}

/**
 * Whether the order's keys come from a joined derived table (text attributes with usable index rows, `indexed`)
 * rather than the row.
 */
export function orderJoinsKeys(
  order: BoundOrder,
  indexed: (attributeIds: readonly number[]) => boolean,
): boolean {
  return order.source.type === 'attribute' && order.valueType === 'text' && indexed(order.source.attributeIds)
}

/**
 * sortRecords in SQL: the key is the smallest value reached (text folded, compared by code point), objects
 * without a value first in both directions, ties by id ascending. Where the key comes from:
 * - a column of the object row (label, Key, Created…): ordered bare, so the (workspace, type, label_ci, id)
 *   index gives the default order without sorting;
 * - numbers, booleans, dates, times of the object or of objects reached through references: a correlated
 *   lookup per matching object (object_reference's primary key, the rows' attribute_values JSON);
 * - text attributes with usable index rows: the folded values of object_value, aggregated once per object in a
 *   joined derived table (`min(value_ci) group by object_id`) — a pass over that attribute's index, since
 *   object_value has no object-id key; text attributes without: folded from the rows' JSON (intake_fold), per
 *   matching object, like the other kinds.
 */
export function compileOrder(
  caps: DialectCapabilities,
  order: BoundOrder,
  o: string,
  compiler: WhereCompiler,
): OrderSql {
  const dir = order.direction === 'desc' ? sql`desc` : sql`asc`
  const id = col(o, 'id')
  if (order.via.length === 0 && order.source.type === 'field') {
    const columns = fieldColumns(caps, o, order.source.field)
    if (columns.kind === 'numeric') return { joins: sql``, orderBy: sql`${columns.num} ${dir}, ${id} asc` }
    // The label's folded column already orders by code point (COLLATE "C" on PostgreSQL): kept bare so that
    // the index order is the query's order.
    const key = order.source.field === 'label' ? col<string>(o, 'label_ci') : rowKey(caps, columns)
    // An empty key is no value; '' is the smallest string, so ascending order puts it first on its own.
    const orderBy =
      order.direction === 'asc' ? sql`${key} asc, ${id} asc` : sql`(${key} = '') desc, ${key} desc, ${id} asc`
    return { joins: sql``, orderBy }
  }
  if (orderJoinsKeys(order, (ids) => compiler.indexed(ids))) {
    const k = compiler.alias('k')
    const joins = sql` left join (${textKeysPerObject(caps, order, compiler)}) as ${sql.id(k)} on ${col(k, 'object_id')} = ${id}`
    return { joins, orderBy: sql`${codePoints(caps, col(k, 'k'))} ${dir} nulls first, ${id} asc` }
  }
  const reached = order.via.length === 0 ? leafKey(caps, order, o) : reachedKey(caps, order, o, compiler)
  const key = order.valueType === 'text' ? codePoints(caps, reached) : reached
  return { joins: sql``, orderBy: sql`${key} ${dir} nulls first, ${id} asc` }
}

/**
 * The comparable key of a text or string column set on an object row. Object keys (`[A-Z0-9-]+`, key-equality.ts)
 * order as their folded form: lower() keeps the order of `-`, digits and upper-case letters.
 */
function rowKey(caps: DialectCapabilities, columns: Exclude<Columns, { kind: 'numeric' }>): Sql<string> {
  return codePoints(caps, columns.kind === 'text' && !columns.objectKey ? columns.folded : columns.raw)
}

/** The key on the object row `x` itself: a field ('' is no value) or a non-text attribute from the JSON. */
function leafKey(caps: DialectCapabilities, order: BoundOrder, x: string): Sql {
  if (order.source.type === 'field') {
    const columns = fieldColumns(caps, x, order.source.field)
    return columns.kind === 'numeric' ? columns.num : sql`nullif(${rowKey(caps, columns)}, '')`
  }
  return jsonMinimum(caps, x, order.source.attributeIds, order.valueType)
}

/** `object_reference r1 join r2 … where r1.attribute_id in (…)`: the chain of hops, returning the aliases. */
function hopChain(via: readonly BoundHop[], compiler: WhereCompiler) {
  const hops = via.map(() => compiler.alias('r'))
  const joins = hops.slice(1).map((r, i) => {
    const attributes = inList(col(r, 'attribute_id'), via[i + 1]!.attributeIds)
    return sql` join object_reference as ${sql.id(r)} on ${col(r, 'object_id')} = ${col(hops[i]!, 'target_object_id')} and ${attributes}`
  })
  const first = hops[0]!
  const from = sql`object_reference as ${sql.id(first)}${joins.length > 0 ? sql.join(joins, sql``) : sql``}`
  return {
    first,
    last: hops[hops.length - 1]!,
    from,
    start: inList(col(first, 'attribute_id'), via[0]!.attributeIds),
  }
}

/** The smallest key on the objects reached from `o`, correlated per matching object. */
function reachedKey(caps: DialectCapabilities, order: BoundOrder, o: string, compiler: WhereCompiler): Sql {
  const chain = hopChain(order.via, compiler)
  const x = compiler.alias('x')
  const reached = sql` join object as ${sql.id(x)} on ${col(x, 'id')} = ${col(chain.last, 'target_object_id')}`
  const leaf =
    order.valueType === 'text' ? codePoints(caps, leafKey(caps, order, x)) : leafKey(caps, order, x)
  return sql`(select min(${leaf}) from ${chain.from}${reached} where ${col(chain.first, 'object_id')} = ${col(o, 'id')} and ${chain.start})`
}

/** `select object_id, min(folded value) as k … group by object_id` for a text attribute, through the hops. */
function textKeysPerObject(caps: DialectCapabilities, order: BoundOrder, compiler: WhereCompiler): Sql {
  const values = valueKeys(caps, order, compiler)
  if (order.via.length === 0) return values
  const chain = hopChain(order.via, compiler)
  const lv = compiler.alias('lv')
  const leaf = sql` join (${values}) as ${sql.id(lv)} on ${col(lv, 'object_id')} = ${col(chain.last, 'target_object_id')}`
  return sql`select ${col(chain.first, 'object_id')} as object_id, min(${codePoints(caps, col(lv, 'k'))}) as k from ${chain.from}${leaf} where ${chain.start} group by ${col(chain.first, 'object_id')}`
}

function valueKeys(caps: DialectCapabilities, order: BoundOrder, compiler: WhereCompiler): Sql {
  if (order.source.type !== 'attribute') throw new Error('an attribute source')
  // Labels answered from the object row: one value per object, its folded label (compile-where.ts labelKeys).
  const labels = compiler.labelKeys(order.source.attributeIds)
  const ids = labels === null ? order.source.attributeIds : labels.others
  if (ids.length === 0) return labels!.keys
  const v = compiler.alias('v')
  const columns = valueColumns(v, 'text')
  if (columns.kind !== 'text') throw new Error('text columns')
  const where = sql`${inList(col(v, 'attribute_id'), ids)} and ${presentSql(columns)}`
  const rows = sql`select ${col(v, 'object_id')} as object_id, min(${codePoints(caps, columns.folded)}) as k from object_value as ${sql.id(v)} where ${where} group by ${col(v, 'object_id')}`
  // An object is of one type, so the two sets hold different objects.
  return labels === null ? rows : sql`${rows} union all ${labels.keys}`
}
