import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/** The attribute kinds AQL compares as text (valueTypeOf), as they were when this migration was written. */
const TEXT_KINDS = ['text', 'textarea', 'url', 'email', 'select', 'ipaddress', 'status']

/**
 * Single-valued text labels are answered from the object row's label (docs/decisions/0016-label-on-object-row.md):
 * a label attribute that is not unique, has at most one value and is compared as text, whose index rows are
 * complete (`ready`), gets the index state `label` and loses its object_value rows — when its objects' labels are
 * its values: every row at position 0, its folded value the object's label_ci and its text the object's label.
 * An attribute whose objects disagree (the type's label attribute was switched, or its cardinality lowered, after
 * objects were written: neither rewrites the labels) keeps its rows and state, as a label attribute that does not
 * qualify. Objects without a value have no row and another label (their key, or an import's identity): AQL reads
 * whether the value is there from attribute_values (src/store/aql/label-row.ts).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const { rows } = await sql<{ id: number | string }>`
    select id from attribute
    where is_label = 1 and is_unique = 0 and maximum_cardinality = 1 and index_state = 'ready'
      and kind in (${sql.join(TEXT_KINDS)})
    order by id`.execute(db)
  const c = caps.dialect === 'postgres' ? sql.raw(' collate "C"') : sql.raw('')
  for (const row of rows) {
    const id = Number(row.id)
    const disagree = await sql<{ n: number | string }>`
      select count(*) as n from (select 1 from object_value v join object o on o.id = v.object_id
        where v.attribute_id = ${id} and (v.position <> 0 or v.value_ci${c} <> o.label_ci${c}
          or coalesce(v.value_text, v.value_ci)${c} <> o.label${c}) limit 1) d`.execute(db)
    if (Number(disagree.rows[0]?.n ?? 0) > 0) continue
    await sql`update attribute set index_state = 'label' where id = ${id}`.execute(db)
    await sql`delete from object_value where attribute_id = ${id}`.execute(db)
  }
}
