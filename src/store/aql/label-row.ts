import { sql, type SqlBool } from 'kysely'
import type { Columns } from './compile-test.js'
import { col, or, type Predicate } from './sql-fragments.js'

/**
 * Attributes answered from the object row's label (index state `label`, domain/schema/indexed-attributes.ts): a
 * single-valued text label attribute keeps no object_value rows; every object holding its value has that value as
 * `label` (and `foldCase` of it as `label_ci`), which the `(workspace_no, object_type_id, label_ci, id)` index and,
 * on PostgreSQL, the trigram GIN on label_ci serve. An object WITHOUT a value has another label (its key, or the
 * identity an import gave it): whether the value is there is read from attribute_values, whose text the writers
 * produce with JSON.stringify (stored-values.ts, slot-map.ts): the attribute holds a value exactly when the text
 * holds `"<id>":[` — a `"` inside a string is written `\"`, and keys are attribute ids, so that run of characters
 * occurs nowhere else. A substring search, no JSON parse (docs/decisions/0016-label-on-object-row.md).
 */

/** The label columns of the object row `o`, read as an index row's value columns would be. */
export function labelColumns(o: string): Columns {
  return { kind: 'text', raw: col(o, 'label'), folded: col(o, 'label_ci'), foldIndexed: true }
}

/** Whether the object row `o` holds a value of one of `attributeIds` (each a label answered from the row). */
export function labelValuePresent(
  dialect: 'sqlite' | 'postgres',
  o: string,
  attributeIds: readonly number[],
): Predicate {
  const json = col<string>(o, 'attribute_values')
  const find = dialect === 'sqlite' ? sql`instr` : sql`strpos`
  return or(attributeIds.map((id) => sql<SqlBool>`${find}(${json}, ${`"${id}":[`}) > 0`))
}
