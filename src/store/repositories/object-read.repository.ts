import { CompiledQuery } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'
import type { Db, Store } from '../create-store.js'

/** One object as GET object/{id} reads it: its row, its references with their targets, and two catalog facts. */
export interface ObjectReadRow {
  id: number | string
  object_key: string
  label: string
  object_type_id: number | string
  object_schema_id: number | string
  import_source_id: string | null
  identity: string | null
  created_at: string
  updated_at: string
  attribute_values: string
  /** The workspace's catalog_version (null before its first catalog write). */
  catalog_version: number | string | null
  /** object_type_count of the object's type. */
  type_count: number | string | null
  /** One row per reference (ordered by attribute, position); all null when the object has none. */
  ref_attribute_id: number | string | null
  ref_target_id: number | string | null
  /** The reference's target, when it is an object of the same workspace. */
  target_key: string | null
  target_label: string | null
  target_type_id: number | string | null
}

const text = (p: (n: number) => string) => `
  select o.id, o.object_key, o.label, o.object_type_id, o.object_schema_id,
    (select n.id from id_number n where n.no = o.import_source_no) as import_source_id, o.identity,
    o.created_at, o.updated_at, o.attribute_values,
    (select v.version from catalog_version v where v.workspace_id = (select n.id from id_number n where n.no = o.workspace_no)) as catalog_version,
    (select c.n from object_type_count c where c.object_type_id = o.object_type_id) as type_count,
    r.attribute_id as ref_attribute_id, r.target_object_id as ref_target_id,
    t.object_key as target_key, t.label as target_label, t.object_type_id as target_type_id
  from object o
  left join object_reference r on r.object_id = o.id
  left join object t on t.id = r.target_object_id and t.workspace_no = o.workspace_no
  where o.id = ${p(1)} and o.workspace_no = (select n.no from id_number n where n.id = ${p(2)})
  order by r.attribute_id, r.position`

/** Compiled once per dialect: a point read needs no query builder. */
const STATEMENTS = {
  sqlite: text(() => '?'),
  postgres: text((n) => `$${n}`),
} as const

/** A row of the statement as an array (Store.readNow), in the order of its select list. */
const fromTuple = (r: unknown[]): ObjectReadRow =>
  ({
    id: r[0],
    object_key: r[1],
    label: r[2],
    object_type_id: r[3],
    object_schema_id: r[4],
    import_source_id: r[5],
    identity: r[6],
    created_at: r[7],
    updated_at: r[8],
    attribute_values: r[9],
    catalog_version: r[10],
    type_count: r[11],
    ref_attribute_id: r[12],
    ref_target_id: r[13],
    target_key: r[14],
    target_label: r[15],
    target_type_id: r[16],
  }) as ObjectReadRow

/** The object API's point reads: one statement per object. */
export const objectReadRepository = {
  /** objectWithReferences() at once (Store.readNow), or undefined when the rows must be read through the db. */
  objectWithReferencesNow: (
    store: Pick<Store, 'readNow' | 'caps'>,
    workspaceId: string,
    id: number,
  ): ObjectReadRow[] | undefined =>
    store.readNow(STATEMENTS[store.caps.dialect], [id, workspaceId])?.map(fromTuple),

  /** The object's rows (one per reference, at least one); empty when there is no such object in the workspace. */
  objectWithReferences: async (
    db: Db,
    caps: DialectCapabilities,
    workspaceId: string,
    id: number,
  ): Promise<ObjectReadRow[]> =>
    (await db.executeQuery(CompiledQuery.raw(STATEMENTS[caps.dialect], [id, workspaceId])))
      .rows as ObjectReadRow[],
}
