import { sql, type RawBuilder } from 'kysely'
import type { LabelTargets } from '../../engine/ports.js'
import { labelValuePresent } from '../aql/label-row.js'
import type { Db } from '../create-store.js'
import { numberOf } from './id-number.repository.js'

/**
 * Reference targets answered from their objects' labels (index state `label`: single-valued text labels, no
 * object_value rows; src/store/aql/label-row.ts): the engine's lookups by label read `object.label_ci` through the
 * `(workspace_no, object_type_id, label_ci, id)` index (on PostgreSQL, `like` through the trigram GIN), among the
 * objects that hold a value.
 */
export const labelTargetsRepository = {
  /** valuesMatching's answer, from the labels: the objects of the types whose folded label is one of `folded`. */
  matching: async (
    db: Db,
    dialect: 'sqlite' | 'postgres',
    labels: LabelTargets,
    folded: string[],
  ): Promise<{ object_id: number | string; value_ci: string; value_text: string }[]> => {
    const wanted = dialect === 'sqlite' ? sql`in (${sql.join(folded)})` : sql`= any(${folded}::text[])`
    const r = await sql<{ object_id: number | string; value_ci: string; value_text: string }>`
      select x.id as object_id, x.label_ci as value_ci, x.label as value_text from object x
      where x.workspace_no = ${numberOf(labels.workspaceId)} and ${typeIn(dialect, labels)} and x.label_ci ${wanted}
        and ${labelValuePresent(dialect, 'x', labels.attributeIds)}`.execute(db)
    return r.rows
  },

  /** valuesLike's answer, from the labels. */
  like: async (
    db: Db,
    dialect: 'sqlite' | 'postgres',
    labels: LabelTargets,
    pattern: string,
    limit: number,
  ): Promise<{ object_id: number; value_text: string }[]> => {
    const r = await sql<{ object_id: number | string; value_text: string }>`
      select x.id as object_id, x.label as value_text from object x
      where x.workspace_no = ${numberOf(labels.workspaceId)} and ${typeIn(dialect, labels)}
        and x.label_ci like ${pattern} escape '\\' and ${labelValuePresent(dialect, 'x', labels.attributeIds)}
      limit ${limit}`.execute(db)
    return r.rows.map((x) => ({ object_id: Number(x.object_id), value_text: x.value_text }))
  },
}

function typeIn(dialect: 'sqlite' | 'postgres', labels: LabelTargets): RawBuilder<unknown> {
  return dialect === 'sqlite'
    ? sql`x.object_type_id in (${sql.join([...labels.typeIds])})`
    : sql`x.object_type_id = any(${[...labels.typeIds]}::bigint[])`
}

/**
 * SQLite's set statement of the reference pass (refStage.resolveSingle), its join to the targets: the staged row
 * `s` to the objects `v` whose label answers its folded text (`v.id`: the target).
 */
export function labelTargetJoinSqlite(labels: LabelTargets): RawBuilder<unknown> {
  return sql`join object v on v.workspace_no = ${numberOf(labels.workspaceId)} and v.object_type_id in (${sql.join([...labels.typeIds])})
        and v.label_ci = s.text_ci and ${labelValuePresent('sqlite', 'v', labels.attributeIds)}`
}

/** PostgreSQL's (resolveSinglePg): the folded labels exactly one target holds, as (value_ci, id). */
export function labelTargetGroupsPg(labels: LabelTargets): RawBuilder<unknown> {
  return sql`select v.label_ci as value_ci, min(v.id) as id from object v
        where v.workspace_no = ${numberOf(labels.workspaceId)} and v.object_type_id = any(${[...labels.typeIds]}::bigint[])
          and ${labelValuePresent('postgres', 'v', labels.attributeIds)}
        group by v.label_ci having min(v.id) = max(v.id)`
}
