import { PostgresAdapter, sql, type RawBuilder, type SqlBool } from 'kysely'
import type { Db, Store } from '../create-store.js'
import type {
  LabelTargets,
  OwnedDigest,
  OwnedMissing,
  OwnedObject,
  OwnedRow,
  StagedReference,
  StoredValues,
} from '../../engine/ports.js'
import type { BulkColumn, BulkWriter } from '../bulk.js'
import { objectIntegrityRepository } from './object-integrity.repository.js'
import { labelTargetGroupsPg, labelTargetJoinSqlite } from './label-targets.repository.js'
import { idOf, NUMBER_OF, numberOf } from './id-number.repository.js'
import type { ReadRows } from '../read-rows.js'

/** Queries of the import engine: lookups by identity, id allocation, and the column lists of its bulk writes. */

/**
 * The columns of an inserted object row: first those every object of one insert shares (ImportTx.insertObjects'
 * `shared` tuple, a group's prefix for the bulk writer), then each object's own.
 */
export const OBJECT_INSERT: readonly BulkColumn[] = [
  { name: 'workspace_no', pg: 'bigint' },
  { name: 'object_schema_id', pg: 'bigint' },
  { name: 'object_type_id', pg: 'bigint' },
  { name: 'import_source_no', pg: 'bigint' },
  { name: 'created_at', pg: 'text' },
  { name: 'updated_at', pg: 'text' },
  { name: 'origin_id', pg: 'bigint' },
  { name: 'id', pg: 'bigint' },
  { name: 'object_key', pg: 'text' },
  { name: 'label', pg: 'text' },
  { name: 'identity', pg: 'text' },
  { name: 'content_hash', pg: 'text' },
  { name: 'attribute_values', pg: 'text' },
  { name: 'label_ci', pg: 'text' },
]

/** How many of OBJECT_INSERT's columns are the shared ones. */
export const OBJECT_SHARED_COLUMNS = 7

export const OBJECT_UPDATE: readonly BulkColumn[] = [
  { name: 'id', pg: 'bigint' },
  { name: 'label', pg: 'text' },
  { name: 'content_hash', pg: 'text' },
  { name: 'attribute_values', pg: 'text' },
  { name: 'updated_at', pg: 'text' },
  { name: 'missing_since', pg: 'text' },
  { name: 'missing_runs', pg: 'integer' },
  { name: 'label_ci', pg: 'text' },
  { name: 'provenance', pg: 'text' },
]

/**
 * OBJECT_UPDATE without the label and its folded text, for an update that keeps the label: a column in the SET list
 * has its index entries rewritten even when its value is the same (SQLite: object_type_label_ci_idx, ~1.3–3 µs of CPU
 * per row; PostgreSQL compares the values for HOT and gains nothing, but loses nothing either).
 */
export const OBJECT_UPDATE_KEEP_LABEL: readonly BulkColumn[] = OBJECT_UPDATE.filter(
  (c) => c.name !== 'label' && c.name !== 'label_ci',
)

/** Provenance of objects whose references changed (0021). */
export const OBJECT_PROVENANCE_UPDATE: readonly BulkColumn[] = [
  { name: 'id', pg: 'bigint' },
  { name: 'provenance', pg: 'text' },
]

export const OBJECT_HASH_UPDATE: readonly BulkColumn[] = [
  { name: 'id', pg: 'bigint' },
  { name: 'content_hash', pg: 'text' },
  { name: 'missing_since', pg: 'text' },
  { name: 'missing_runs', pg: 'integer' },
]

export const OBJECT_MISSING_UPDATE: readonly BulkColumn[] = [
  { name: 'id', pg: 'bigint' },
  { name: 'missing_since', pg: 'text' },
  { name: 'missing_runs', pg: 'integer' },
]

export const VALUE_INDEX: readonly BulkColumn[] = [
  { name: 'attribute_id', pg: 'bigint' },
  { name: 'value_ci', pg: 'text' },
  { name: 'object_id', pg: 'bigint' },
  { name: 'position', pg: 'integer' },
  { name: 'value_text', pg: 'text' },
  { name: 'value_num', pg: 'double precision' },
]

export const VALUE_INDEX_KEY: readonly BulkColumn[] = VALUE_INDEX.slice(0, 3)

export const REFERENCE_INSERT: readonly BulkColumn[] = [
  { name: 'object_id', pg: 'bigint' },
  { name: 'attribute_id', pg: 'bigint' },
  { name: 'position', pg: 'integer' },
  { name: 'target_object_id', pg: 'bigint' },
]

export const CHANGE_BATCH: readonly BulkColumn[] = [
  { name: 'execution_id', pg: 'text' },
  { name: 'seq', pg: 'integer' },
  { name: 'object_type_id', pg: 'bigint' },
  { name: 'operation', pg: 'text' },
  { name: 'count', pg: 'integer' },
  { name: 'changes', pg: 'text' },
]

export const PROBLEM: readonly BulkColumn[] = [
  { name: 'execution_id', pg: 'text' },
  { name: 'seq', pg: 'integer' },
  { name: 'object_type_id', pg: 'bigint' },
  { name: 'location', pg: 'text' },
  { name: 'code', pg: 'text' },
  { name: 'message', pg: 'text' },
  { name: 'attribute', pg: 'text' },
  { name: 'value', pg: 'text' },
]

/** A value an entry brings for a unique attribute: `[folded value, the entry's identity]`. */
export type UniqueClaim = readonly [valueCi: string, identity: string]

/** An object holding a value of a unique attribute (owner null: the object row is gone). */
interface UniqueHolder {
  owner: number | null
  source: string | null
  identity: string | null
}

/** Whether `db` talks to PostgreSQL (the repository's functions that take no dialect ask the query executor). */
const isPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter

/**
 * Splits ids for `column in (…)` lists: on PostgreSQL one array parameter (`= any($1)`) of up to 10,000 ids per
 * statement (binding and planning 900 separate parameters cost more than probing their rows); SQLite binds at most
 * 900 values per statement.
 */
function idLists(db: Db, column: string, ids: readonly number[]): RawBuilder<SqlBool>[] {
  const out: RawBuilder<SqlBool>[] = []
  if (isPostgres(db)) {
    for (let i = 0; i < ids.length; i += 10_000)
      out.push(sql<SqlBool>`${sql.ref(column)} = any(${ids.slice(i, i + 10_000)}::bigint[])`)
  } else {
    for (let i = 0; i < ids.length; i += 900)
      out.push(sql<SqlBool>`${sql.ref(column)} in (${sql.join(ids.slice(i, i + 900))})`)
  }
  return out
}

/**
 * An object's content hash as decide reads it: with a `!` appended when the object is marked (object_mark, migration
 * 0031) — what the mark wrote into `content_hash` itself before. `o` is the object row.
 */
const MARKED_HASH = `o.content_hash || case when exists (select 1 from object_mark m where m.object_id = o.id)
  then '!' else '' end as content_hash`

/** A row of ownedByIds as the driver returns it. */
export interface OwnedMissingRow {
  id: number | string
  identity: string | null
  object_key: string
  missing_since: string | null
  missing_runs: number | string
  /** With `withStored` (ownedByIdsStatements): the object's stored values and what else a removal's image needs. */
  attribute_values?: string
  label?: string
  origin_id?: number | string | null
  provenance?: string | null
}

/**
 * ownedByIds' statements: one primary-key probe per id, never a read of every object the source owns of the type.
 * With the type and source as plain conditions both planners chose the identity index (type, source, identity) and
 * read all the owned objects per statement: PostgreSQL with `id = any(array)` (100,000 ids of 100,000 objects: 600 ms
 * of server CPU against 130), SQLite with `id in (…)` — without statistics it takes two equalities on an index for
 * few rows —, 900 ids per statement over a million owned objects: ~5 s for the 50,000 objects a 10 % re-import
 * misses (docs/benchmarks.md, issue 11 seventh pass). As ownedRowsByIds: PostgreSQL probes through a lateral
 * subquery; SQLite takes the ids as one JSON text, the outer loop of a `cross join` (one rowid probe each).
 */
export function ownedByIdsStatements(
  db: Db,
  typeId: number,
  sourceId: string,
  ids: readonly number[],
  withStored = false,
): RawBuilder<OwnedMissingRow>[] {
  const statements: RawBuilder<OwnedMissingRow>[] = []
  // A removal's image (the stored values, label, origin and provenance) read with the row: the same page, where a
  // second statement by id (storedValues) fetched every removed object's row again.
  const stored = withStored ? sql`, o.attribute_values, o.label, o.origin_id, o.provenance` : sql``
  const storedX = withStored ? sql`, attribute_values, label, origin_id, provenance` : sql``
  for (let i = 0; i < ids.length; i += 10_000) {
    const chunk = ids.slice(i, i + 10_000)
    statements.push(
      isPostgres(db)
        ? // The type and source are tested outside the lateral subquery (OFFSET 0 keeps them out of it): with the
          // source's number a parameter of the statement (its subquery), the planner took the identity index for
          // (type, source) and filtered every owned object by id.
          sql<OwnedMissingRow>`select o.id, o.identity, o.object_key, o.missing_since, o.missing_runs${stored}
            from unnest(${chunk}::bigint[]) as k(id)
            cross join lateral (
              select id, identity, object_key, missing_since, missing_runs, object_type_id, import_source_no${storedX}
              from object x where x.id = k.id offset 0) o
            where o.object_type_id = ${typeId} and o.import_source_no = ${numberOf(sourceId)}`
        : sql<OwnedMissingRow>`select o.id, o.identity, o.object_key, o.missing_since, o.missing_runs${stored}
            from json_each(${JSON.stringify(chunk)}) as k cross join object o on o.id = k.value
            where o.object_type_id = ${typeId} and o.import_source_no = ${numberOf(sourceId)}`,
    )
  }
  return statements
}

/** A reference row as the driver returns it. */
export interface ReferenceRow {
  object_id: number | string
  attribute_id: number | string
  position: number
  target_object_id: number | string
}

/**
 * references' statements: the primary key (object_id, attribute_id, position) probed once per id. PostgreSQL's planner
 * chose, for `object_id = any(array) and attribute_id in (…)`, a bitmap scan of the (target, attribute) index on
 * the attribute alone, every reference of the attribute read and filtered: at a million references ~250 ms per
 * statement of 10,000 ids, 5–8 µs per entry of a 10 % re-import (docs/benchmarks.md, issue 11 tenth pass, post2).
 * As ownedByIds: PostgreSQL probes through a lateral subquery; SQLite keeps `object_id in (…)` (its planner takes the
 * primary key for it).
 */
export function referencesStatements(
  db: Db,
  ids: readonly number[],
  attributeIds: readonly number[],
): RawBuilder<ReferenceRow>[] {
  const statements: RawBuilder<ReferenceRow>[] = []
  if (attributeIds.length === 0) return statements
  if (isPostgres(db)) {
    for (let i = 0; i < ids.length; i += 10_000)
      statements.push(sql<ReferenceRow>`select r.object_id, r.attribute_id, r.position, r.target_object_id
        from unnest(${ids.slice(i, i + 10_000)}::bigint[]) as k(id)
        cross join lateral (
          select object_id, attribute_id, position, target_object_id from object_reference x
          where x.object_id = k.id and x.attribute_id = any(${[...attributeIds]}::bigint[])
          offset 0) r
        order by r.object_id, r.attribute_id, r.position`)
    return statements
  }
  for (let i = 0; i < ids.length; i += 900)
    statements.push(sql<ReferenceRow>`select object_id, attribute_id, position, target_object_id from object_reference
      where object_id in (${sql.join(ids.slice(i, i + 900))}) and attribute_id in (${sql.join([...attributeIds])})
      order by object_id, attribute_id, position`)
  return statements
}

export const importWriteRepository = {
  /** One index probe: whether the source owns any object of the type. */
  hasOwned: async (db: Db, typeId: number, sourceId: string): Promise<boolean> =>
    (await db
      .selectFrom('object')
      .select('id')
      .where('object_type_id', '=', typeId)
      .where('import_source_no', '=', numberOf(sourceId))
      .limit(1)
      .executeTakeFirst()) !== undefined,

  /** Counted from the identity index (type, source, identity) alone, without reading the rows. */
  countOwned: async (db: Db, typeId: number, sourceId: string): Promise<number> =>
    Number(
      (
        await db
          .selectFrom('object')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('object_type_id', '=', typeId)
          .where('import_source_no', '=', numberOf(sourceId))
          .executeTakeFirstOrThrow()
      ).n,
    ),

  /**
   * The objects the source owns of the type with one of the identities (each identity once or not at all, in no
   * particular order). One statement per 10,000 identities, rows as arrays (read-rows.ts) and only the columns
   * decide needs.
   */
  findOwned: async (
    rows: ReadRows,
    dialect: 'sqlite' | 'postgres',
    typeId: number,
    sourceId: string,
    identities: readonly string[],
  ): Promise<OwnedObject[]> => {
    const out: OwnedObject[] = []
    const step = 10_000
    for (let i = 0; i < identities.length; i += step) {
      const chunk = identities.slice(i, i + step)
      const found =
        dialect === 'postgres'
          ? // One index probe per identity. `identity = any(array)` let the planner scan every object of the type
            // and test each against the array (a million objects × 5,000 identities per batch); OFFSET 0 keeps the
            // lateral subquery from being flattened into that scan. Measured against `= any` (5× the server's CPU
            // time with enable_seqscan off), a join of the unnested array (the planner merged whole indexes),
            // identities COPYed to a temporary table and joined, the array sorted first, and a prepared statement
            // (its generic plan scanned the type per batch): docs/benchmarks.md, issue 11 sixth pass.
            await rows(
              `select o.id, o.identity, ${MARKED_HASH}, o.object_key, o.missing_runs
                from unnest($3::text[]) as k(identity)
                cross join lateral (
                  select id, identity, content_hash, object_key, missing_runs from object x
                  where x.object_type_id = $1 and x.import_source_no = ${NUMBER_OF('$2')} and x.identity = k.identity
                  offset 0) o`,
              [typeId, sourceId, chunk],
            )
          : // One JSON text parameter read by json_each (an `in` list binds at most 900 values); SQLite makes the
            // list an ephemeral index and probes the unique (type, source, identity) index once per identity.
            await rows(
              `select o.id, o.identity, ${MARKED_HASH}, o.object_key, o.missing_runs from object o
                where o.object_type_id = ? and o.import_source_no = ${NUMBER_OF('?')}
                  and o.identity in (select value from json_each(?))`,
              [typeId, sourceId, JSON.stringify(chunk)],
            )
      for (const r of found)
        out.push({
          id: Number(r[0]),
          identity: (r[1] as string | null) ?? '',
          content_hash: r[2] as string,
          object_key: r[3] as string,
          missing_runs: Number(r[4]),
        })
    }
    return out
  },

  /**
   * The objects of these ids that the source still owns of the type, with decide's columns and the stored values
   * the update phase compares (in no particular order): one primary-key probe per id, rows as arrays. PostgreSQL
   * probes each id through a lateral subquery, as ownedByIds does (with `id = any(array)` and the type and source the
   * planner may read every owned object of the type through the identity index instead).
   */
  ownedRowsByIds: async (
    rows: ReadRows,
    dialect: 'sqlite' | 'postgres',
    typeId: number,
    sourceId: string,
    ids: readonly number[],
  ): Promise<OwnedRow[]> => {
    const out: OwnedRow[] = []
    const step = 10_000
    for (let i = 0; i < ids.length; i += step) {
      const chunk = ids.slice(i, i + step)
      const found =
        dialect === 'postgres'
          ? await rows(
              `select o.id, o.identity, ${MARKED_HASH}, o.object_key, o.missing_runs,
                  o.attribute_values, o.label, o.origin_id, o.provenance
                from unnest($3::bigint[]) as k(id)
                cross join lateral (
                  select id, identity, content_hash, object_key, missing_runs,
                    attribute_values, label, origin_id, provenance, object_type_id, import_source_no from object x
                  where x.id = k.id offset 0) o
                where o.object_type_id = $1 and o.import_source_no = ${NUMBER_OF('$2')}`,
              [typeId, sourceId, chunk],
            )
          : // The ids as one JSON text parameter; `cross join` keeps them the outer loop (one rowid probe each): with
            // `id in (json_each)` and the type and source, SQLite read the type's owned objects through the identity
            // index instead (3.8–4.4 µs per entry of a 10 % re-import against ~2 for the identity lookup).
            await rows(
              `select o.id, o.identity, ${MARKED_HASH}, o.object_key, o.missing_runs,
                  o.attribute_values, o.label, o.origin_id, o.provenance
                from json_each(?) as k cross join object o on o.id = k.value
                where o.object_type_id = ? and o.import_source_no = ${NUMBER_OF('?')}`,
              [JSON.stringify(chunk), typeId, sourceId],
            )
      for (const r of found)
        out.push({
          id: Number(r[0]),
          identity: (r[1] as string | null) ?? '',
          content_hash: r[2] as string,
          object_key: r[3] as string,
          missing_runs: Number(r[4]),
          stored: {
            values: r[5] as string,
            label: r[6] as string,
            origin: r[7] === null ? null : Number(r[7]),
            provenance: r[8] as string | null,
          },
        })
    }
    return out
  },

  /** Identity and owning import source of objects, by id (who holds a unique value). */
  objectOwners: async (
    db: Db,
    ids: number[],
  ): Promise<{ id: number | string; identity: string | null; import_source_id: string | null }[]> => {
    const out: { id: number | string; identity: string | null; import_source_id: string | null }[] = []
    for (const list of idLists(db, 'id', ids))
      out.push(
        ...(await db
          .selectFrom('object')
          .select(['id', 'identity', idOf(sql.ref('import_source_no')).as('import_source_id')])
          .where(list)
          .execute()),
      )
    return out
  },

  /**
   * The uniqueness check of a batch: the indexes of the claims whose value another object holds in the attribute's
   * index rows — any object but the one this source owns with the claim's identity (the entry's own object), or a
   * value row whose object is gone. One statement for the whole list; only the taken claims come back, so that a
   * re-import on SQLite, whose values are held by their own objects, reads no rows (the holders were 5 columns per
   * value). SQLite reads the claims as one JSON text parameter through json_each (one index probe per value: `cross join`
   * keeps the list the outer loop, where a plain join let the planner scan every row of the attribute);
   * per-900-values `in` lists and a second query for the owners cost more in statements and in Kysely's
   * compilation than the probes themselves.
   */
  takenUniqueValues: async (
    db: Db,
    dialect: 'sqlite' | 'postgres',
    attributeId: number,
    sourceId: string,
    claims: readonly UniqueClaim[],
  ): Promise<number[]> => {
    if (claims.length === 0) return []
    if (dialect === 'sqlite')
      return (
        await sql<{ claim: number }>`select k.key as claim
          from json_each(${JSON.stringify(claims)}) as k
          cross join object_value v on v.attribute_id = ${attributeId} and v.value_ci = k.value ->> 0
          left join object o on o.id = v.object_id
          where o.id is null or o.import_source_no is not coalesce(${numberOf(sourceId)}, -1) or o.identity is not k.value ->> 1`.execute(
          db,
        )
      ).rows.map((r) => Number(r.claim))
    // PostgreSQL: the holders of each distinct value (one index probe per value, see valuesMatching; 10,000 values
    // per statement), compared with the claims here. Filtering in the statement (the claims' identities unnested
    // beside the values, the owner tested in the where clause) made an unchanged re-import's decide phase 3× slower
    // in the engine benchmark (100,000 objects).
    const folded = [...new Set(claims.map((c) => c[0]))]
    const holders = new Map<string, UniqueHolder[]>()
    for (let i = 0; i < folded.length; i += 10_000) {
      const r = await sql<{
        value_ci: string
        owner_id: number | string | null
        identity: string | null
        import_source_id: string | null
      }>`select v.value_ci, o.id as owner_id, o.identity, ${idOf(sql.ref('o.import_source_no'))} as import_source_id
        from unnest(${folded.slice(i, i + 10_000)}::text[]) as k(value_ci)
        cross join lateral (
          select object_id, value_ci from object_value x
          where x.attribute_id = ${attributeId} and x.value_ci = k.value_ci
          offset 0) v
        left join object o on o.id = v.object_id`.execute(db)
      for (const row of r.rows) {
        const holder = {
          owner: row.owner_id === null ? null : Number(row.owner_id),
          source: row.import_source_id,
          identity: row.identity,
        }
        const list = holders.get(row.value_ci)
        if (list) list.push(holder)
        else holders.set(row.value_ci, [holder])
      }
    }
    const out: number[] = []
    claims.forEach(([value, identity], i) => {
      // Taken unless every holder is the entry's own object (this source's, with the claim's identity).
      const others = holders
        .get(value)
        ?.some((h) => h.owner === null || h.source !== sourceId || h.identity !== identity)
      if (others) out.push(i)
    })
    return out
  },

  /** One index probe: whether any value-index row of the attribute exists. */
  hasIndexRows: async (db: Db, attributeId: number): Promise<boolean> =>
    (await db
      .selectFrom('object_value')
      .select('object_id')
      .where('attribute_id', '=', attributeId)
      .limit(1)
      .executeTakeFirst()) !== undefined,

  /** Value-index rows of the attributes whose folded value is one of `folded` (a reference lookup). */
  valuesMatching: async (
    db: Db,
    dialect: 'sqlite' | 'postgres',
    attributeIds: number[],
    folded: string[],
  ): Promise<{ object_id: number | string; value_ci: string; value_text: string }[]> => {
    if (dialect === 'sqlite') {
      return db
        .selectFrom('object_value')
        .select(['object_id', 'value_ci', 'value_text'])
        .where('attribute_id', 'in', attributeIds)
        .where('value_ci', 'in', folded)
        .execute()
    }
    // One index probe per value: with `value_ci in (…)` the planner scanned every row of the attribute and tested
    // each against the list. OFFSET 0 keeps the lateral subquery a per-value probe.
    return (
      await sql<{ object_id: string; value_ci: string; value_text: string }>`
        select v.object_id, v.value_ci, v.value_text from unnest(${folded}::text[]) as k(value_ci)
        cross join lateral (
          select object_id, value_ci, value_text from object_value x
          where x.attribute_id = any(${attributeIds}::bigint[]) and x.value_ci = k.value_ci
          offset 0) v`.execute(db)
    ).rows
  },

  valuesPage: async (
    db: Db,
    workspaceId: string,
    typeIds: number[],
    afterId: number,
    limit: number,
  ): Promise<{ id: number; attribute_values: string }[]> => {
    const rows = await db
      .selectFrom('object')
      .select(['id', 'attribute_values'])
      .where('workspace_no', '=', numberOf(workspaceId))
      .where('object_type_id', 'in', typeIds)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((r) => ({ id: Number(r.id), attribute_values: r.attribute_values }))
  },
  storedValues: async (db: Db, ids: number[]): Promise<Map<number, StoredValues>> => {
    const out = new Map<number, StoredValues>()
    for (const list of idLists(db, 'id', ids)) {
      const rows = await db
        .selectFrom('object')
        .select(['id', 'attribute_values', 'label', 'origin_id', 'provenance'])
        .where(list)
        .execute()
      for (const r of rows)
        out.set(Number(r.id), {
          values: r.attribute_values,
          label: r.label,
          origin: r.origin_id === null ? null : Number(r.origin_id),
          provenance: r.provenance,
        })
    }
    return out
  },

  /** The reference rows of `ids` through `attributeIds`, by object, attribute and position (referencesStatements). */
  references: async (db: Db, ids: number[], attributeIds: number[]) => {
    const out: { object_id: number; attribute_id: number; position: number; target_object_id: number }[] = []
    for (const statement of referencesStatements(db, ids, attributeIds)) {
      const { rows } = await statement.execute(db)
      for (const r of rows) {
        out.push({
          object_id: Number(r.object_id),
          attribute_id: Number(r.attribute_id),
          position: r.position,
          target_object_id: Number(r.target_object_id),
        })
      }
    }
    return out
  },

  /** Reference rows whose target is one of `ids` (from the (target, attribute) index). */
  referrers: async (db: Db, ids: number[]) => {
    const out: { object_id: number; attribute_id: number; position: number; target_object_id: number }[] = []
    for (const list of idLists(db, 'target_object_id', ids)) {
      const rows = await db
        .selectFrom('object_reference')
        .selectAll()
        .where(list)
        .orderBy('target_object_id')
        .orderBy('object_id')
        .orderBy('attribute_id')
        .orderBy('position')
        .execute()
      for (const r of rows)
        out.push({
          object_id: Number(r.object_id),
          attribute_id: Number(r.attribute_id),
          position: r.position,
          target_object_id: Number(r.target_object_id),
        })
    }
    return out
  },

  deleteReferences: async (db: Db, objectIds: number[], attributeId: number): Promise<void> => {
    for (const list of idLists(db, 'object_id', objectIds))
      await db.deleteFrom('object_reference').where('attribute_id', '=', attributeId).where(list).execute()
  },

  /** Marks objects that refer to any of `ids` as changed, so the next import re-resolves their references. */
  markReferrersDirty: async (db: Db, ids: number[]): Promise<void> => {
    for (const list of idLists(db, 'target_object_id', ids))
      await sql`insert into object_mark (object_id, object_type_id)
        select distinct r.object_id, o.object_type_id from object_reference r join object o on o.id = r.object_id
        where ${list} on conflict do nothing`.execute(db)
  },

  /**
   * Marks objects as changed (an unresolved reference, a removed target): the next import maps and resolves their
   * entries again. A row of object_mark each (migration 0031), read back as the `!` the mark once appended to
   * `content_hash` (markedHash): the object row itself is not written.
   */
  markDirty: async (db: Db, ids: number[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += 10_000) {
      const chunk = ids.slice(i, i + 10_000)
      if (isPostgres(db))
        await sql`insert into object_mark (object_id, object_type_id)
          select o.id, o.object_type_id from object o where o.id = any(${chunk}::bigint[])
          on conflict do nothing`.execute(db)
      else
        await sql`insert or ignore into object_mark (object_id, object_type_id)
          select o.id, o.object_type_id from object o
          where o.id in (select value from json_each(${JSON.stringify(chunk)}))`.execute(db)
    }
  },

  /** Deletes the marks of objects (their hash written again, or the objects removed). */
  clearMarks: async (db: Db, ids: readonly number[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += 10_000) {
      const chunk = ids.slice(i, i + 10_000)
      if (isPostgres(db))
        await sql`delete from object_mark where object_id = any(${chunk}::bigint[])`.execute(db)
      else
        await sql`delete from object_mark where object_id in (select value from json_each(${JSON.stringify(chunk)}))`.execute(
          db,
        )
    }
  },

  /**
   * The marked objects the source owns of the type (what OwnedTable reads as marked hashes): the type's marks
   * (object_mark_type_idx: not every mark in the database), each mark's object probed by id — the marks are the
   * outer loop (SQLite's `cross join`, PostgreSQL's lateral subquery), never the type's objects (a hash join over
   * every object of the type took 0.7 s of server CPU at a million).
   */
  markedOwned: async (db: Db, typeId: number, sourceId: string): Promise<number[]> =>
    (isPostgres(db)
      ? (
          await sql<{ object_id: number | string }>`select m.object_id from object_mark m
            cross join lateral (select 1 from object o where o.id = m.object_id
              and o.import_source_no = ${numberOf(sourceId)} offset 0) o
            where m.object_type_id = ${typeId}`.execute(db)
        ).rows
      : (
          await sql<{ object_id: number | string }>`select m.object_id from object_mark m
            cross join object o on o.id = m.object_id
            where m.object_type_id = ${typeId} and o.import_source_no = ${numberOf(sourceId)}`.execute(db)
        ).rows
    ).map((r) => Number(r.object_id)),

  /**
   * Deletes objects with their references (both directions); answers the type and workspace of each deleted one
   * (for object_type_count).
   */
  deleteObjects: async (db: Db, ids: number[]): Promise<{ typeId: number; workspaceId: string }[]> => {
    const deleted: { typeId: number; workspaceId: string }[] = []
    for (const list of idLists(db, 'id', ids)) {
      const rows = await db
        .deleteFrom('object')
        .where(list)
        .returning(['object_type_id', idOf(sql.ref('workspace_no')).as('workspace_id')])
        .execute()
      for (const r of rows)
        deleted.push({ typeId: Number(r.object_type_id), workspaceId: String(r.workspace_id) })
    }
    await objectIntegrityRepository.deleteReferencesOfObjects(db, ids)
    await importWriteRepository.clearMarks(db, ids)
    return deleted
  },

  /**
   * Owned objects of a type after identity `after`, for the missing-objects pass (keyset pages in identity order,
   * read from the (type, source, identity) index — the one index the identity lookups must be able to count on).
   */
  ownedPage: async (db: Db, typeId: number, sourceId: string, after: string, limit: number) =>
    (
      await db
        .selectFrom('object')
        .select(['id', 'identity', 'object_key', 'missing_since', 'missing_runs'])
        .where('object_type_id', '=', typeId)
        .where('import_source_no', '=', numberOf(sourceId))
        .where('identity', '>', after)
        .orderBy('identity')
        .limit(limit)
        .execute()
    ).map((r) => ({
      id: Number(r.id),
      identity: r.identity ?? '',
      object_key: r.object_key,
      missing_since: r.missing_since,
      missing_runs: Number(r.missing_runs),
    })),

  /**
   * One page of what the source owns of the type, for the owned table of a full read (engine/owned-table.ts): rows
   * `[id, identity, content_hash, missing_runs]` as arrays (read-rows.ts), after identity `after` in identity order —
   * keyset pages over the (type, source, identity) index, as ownedPage reads them, so that the missing-objects pass
   * meets the objects in the same order.
   */
  ownedDigestPage: async (
    rows: ReadRows,
    dialect: 'sqlite' | 'postgres',
    typeId: number,
    sourceId: string,
    after: string,
    limit: number,
  ): Promise<OwnedDigest[]> =>
    (await rows(
      dialect === 'postgres'
        ? `select id, identity, content_hash, missing_runs from object
            where object_type_id = $1 and import_source_no = ${NUMBER_OF('$2')} and identity > $3
            order by identity limit $4`
        : `select id, identity, content_hash, missing_runs from object
            where object_type_id = ? and import_source_no = ${NUMBER_OF('?')} and identity > ?
            order by identity limit ?`,
      [typeId, sourceId, after, limit],
    )) as OwnedDigest[],

  /**
   * ownedPage's rows of the given objects that the source still owns of the type (in no particular order), each
   * read by its primary key (ownedByIdsStatements).
   */
  ownedByIds: async (
    db: Db,
    typeId: number,
    sourceId: string,
    ids: number[],
    withStored = false,
  ): Promise<OwnedMissing[]> => {
    const out: OwnedMissing[] = []
    const statements = ownedByIdsStatements(db, typeId, sourceId, ids, withStored)
    for (const statement of statements)
      for (const r of (await statement.execute(db)).rows) {
        const row: OwnedMissing = {
          id: Number(r.id),
          identity: r.identity ?? '',
          object_key: r.object_key,
          missing_since: r.missing_since,
          missing_runs: Number(r.missing_runs),
        }
        if (withStored)
          row.stored = {
            values: r.attribute_values!,
            label: r.label!,
            origin: r.origin_id === null || r.origin_id === undefined ? null : Number(r.origin_id),
            provenance: r.provenance ?? null,
          }
        out.push(row)
      }
    return out
  },

  /**
   * Reserves `count` object ids. SQLite: the caller's transaction already holds the write lock (it reserved object
   * keys first), so the next ids are max(sequence, max id) + 1… PostgreSQL: nextval of the identity sequence.
   */
  allocateObjectIds: async (store: Store, db: Db, count: number): Promise<number[]> => {
    if (count === 0) return []
    if (store.caps.dialect === 'sqlite') {
      const r = await sql<{ m: number }>`select max(
          coalesce((select seq from sqlite_sequence where name = 'object'), 0),
          coalesce((select max(id) from object), 0)) as m`.execute(db)
      const first = Number(r.rows[0]?.m ?? 0) + 1
      return Array.from({ length: count }, (_, i) => first + i)
    }
    // The sequence is looked up once per store and passed as a regclass constant: `nextval(pg_get_serial_sequence(…))`
    // looked its name up in the catalog for every id (~8 µs each). The ids come back as one comma-separated text
    // instead of one result row per id.
    const seq = await objectIdSequence(store, db)
    const r = await sql<{ ids: string }>`select string_agg(nextval(${seq}::regclass)::text, ',') as ids
      from generate_series(1, ${count})`.execute(db)
    return r.rows[0]!.ids.split(',').map(Number)
  },
}

const sequences = new WeakMap<Store, string>()

/** The name of the sequence behind object.id (PostgreSQL), asked once per store. */
async function objectIdSequence(store: Store, db: Db): Promise<string> {
  let name = sequences.get(store)
  if (name === undefined) {
    const r = await sql<{ seq: string }>`select pg_get_serial_sequence('object', 'id') as seq`.execute(db)
    name = r.rows[0]!.seq
    sequences.set(store, name)
  }
  return name
}

/**
 * The value-index rows an execution adds, per dialect:
 *
 * - SQLite: staged in temporary tables without indexes and moved into object_value at the end in key order
 *   (inserting in key order turns millions of random b-tree inserts into appends). One table per attribute keeps
 *   each move (and its sort) to one attribute's rows, so that between moves the engine can let the event loop run
 *   (better-sqlite3 blocks the process while a statement runs). Removed rows are deleted at once. Measured and
 *   not kept (docs/benchmarks.md, issue 11 seventh pass round 2; CPU per object of three index rows at 1,000,000,
 *   stage 4.0–4.4): each batch's rows sorted straight into object_value as on PostgreSQL (9.6: once the table
 *   outgrows the page cache a batch's sorted keys still land on separate leaf pages; 6.3 holding 8 batches), one
 *   stage table for every attribute (5.0), a stage keyed like object_value (the move needs no sort but the stage's
 *   inserts turn random), one JSON text per batch read back through jsonb_each (4.9–5.0).
 * - PostgreSQL: no stage. Each flush writes the batch's rows straight into object_value with one COPY, each
 *   attribute's rows sorted by key (consecutive inserts then descend to neighbouring leaf pages); removed rows are
 *   deleted at once. Staging them in a temporary table and moving it in one sorted statement cost the server more:
 *   the stage's COPY and sort on top of inserts that still descend the whole b-tree, as the values of one attribute
 *   land between the other attributes' (docs/benchmarks.md, issue 11 seventh pass: 8.5 against 6.3 µs of backend CPU
 *   per object of three index rows at 100,000 objects, 10.7 against 8.1 at 1,000,000).
 */
export class IndexStage {
  readonly #tables = new Map<number, string>()
  readonly #buckets = new Map<number, unknown[][]>()
  readonly #direct = new Set<number>()
  /** Once the stage is applied (the missing-objects and later passes), rows go straight into object_value. */
  #applied = false

  constructor(
    private readonly store: Store,
    private readonly bulk: BulkWriter,
  ) {}

  /** The rows waiting to be staged for one attribute: (value_ci, object_id, position, value_text | null, value_num). */
  bucket(attributeId: number): unknown[][] {
    let rows = this.#buckets.get(attributeId)
    if (!rows) this.#buckets.set(attributeId, (rows = []))
    return rows
  }

  /**
   * From now on the attribute's rows go straight into object_value at each flush, not through a stage table: what a
   * later batch of the execution must find there (the values of unique attributes). On SQLite the rows it staged
   * before are moved into object_value first, in key order; on PostgreSQL every attribute is direct.
   */
  async direct(db: Db, attributeId: number): Promise<void> {
    if (this.#direct.has(attributeId)) return
    this.#direct.add(attributeId)
    const name = this.#tables.get(attributeId)
    if (name === undefined) return
    await this.#move(db, attributeId, name)
  }

  /**
   * Removes value-index rows by key (attribute_id, value_ci, object_id), at once: what this execution stages on
   * SQLite is its own new rows, moved after every removal.
   */
  async remove(db: Db, keys: readonly unknown[][]): Promise<void> {
    if (keys.length === 0) return
    // In key order, as the inserts (flush): consecutive deletes then walk the b-tree forward instead of landing on
    // random pages. The keys come object by object (an attribute's values next to the next attribute's), a removed
    // object's three at three places of the index (docs/benchmarks.md, issue 11 tenth pass, post2).
    return this.bulk.deleteByKeys(db, 'object_value', VALUE_INDEX_KEY, [...keys].sort(byValueKey))
  }

  /** Writes the waiting rows into the stage tables (object_value for direct attributes and once applied). */
  async flush(db: Db): Promise<void> {
    if (this.store.caps.dialect === 'postgres') return this.#flushPostgres(db)
    for (const [id, rows] of this.#buckets) {
      if (rows.length === 0) continue
      if (this.#direct.has(id) || this.#applied) {
        // value_text in place (the rows are dropped below); the attribute is the group's leading value.
        for (const r of rows) r[3] ??= r[0]
        // In key order: consecutive inserts then walk the b-tree forward instead of landing on random pages
        // (about a third less CPU per row at 600,000 rows with a 16 MiB cache). Code-unit order is close enough
        // to SQLite's byte order for that; nothing depends on the order the rows go in.
        rows.sort(byIndexKey)
        await this.bulk.insertGrouped(db, 'object_value', VALUE_INDEX, [{ prefix: [id], rows }])
      } else await this.bulk.insert(db, await this.#table(db, id), STAGED_VALUE, rows)
      rows.length = 0
    }
  }

  /** Moves the staged rows into object_value, one attribute at a time in ascending order, calling `between`. */
  async apply(db: Db, between: () => Promise<void>): Promise<void> {
    await this.flush(db)
    this.#applied = true
    for (const id of [...this.#tables.keys()].sort((a, b) => a - b)) {
      await this.#move(db, id, this.#tables.get(id)!)
      await between()
    }
  }

  /** SQLite: moves one attribute's stage table into object_value in key order, and drops it. */
  async #move(db: Db, attributeId: number, name: string): Promise<void> {
    const table = sql.table(name)
    // `or fail`, like the bulk writer's inserts (bulk.ts): no statement journal of the pages it changes.
    await sql`insert or fail into object_value (attribute_id, value_ci, object_id, position, value_text, value_num)
      select ${sql.lit(attributeId)}, value_ci, object_id, position, coalesce(value_text, value_ci), value_num
      from ${table} order by value_ci, object_id, position`.execute(db)
    await sql`drop table ${table}`.execute(db)
    this.#tables.delete(attributeId)
  }

  /**
   * PostgreSQL: the waiting rows of every attribute straight into object_value, one COPY for the batch, in key order
   * (the attributes ascending, each one's rows sorted as SQLite's direct rows are).
   */
  async #flushPostgres(db: Db): Promise<void> {
    const groups: { prefix: unknown[]; rows: unknown[][] }[] = []
    for (const id of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      const rows = this.#buckets.get(id)!
      if (rows.length === 0) continue
      // value_text in place (the rows are dropped below); the attribute is the group's leading value.
      for (const r of rows) r[3] ??= r[0]
      rows.sort(byIndexKey)
      groups.push({ prefix: [id], rows })
    }
    if (groups.length === 0) return
    await this.bulk.insertGrouped(db, 'object_value', VALUE_INDEX, groups)
    for (const g of groups) g.rows.length = 0
  }

  async #table(db: Db, attributeId: number): Promise<string> {
    let name = this.#tables.get(attributeId)
    if (name) return name
    name = `engine_index_stage_${attributeId}`
    const columns = `value_ci text, object_id bigint, position integer, value_text text, value_num ${this.store.caps.doubleType}`
    // Temporary tables belong to the connection: one left by an execution that failed is emptied first.
    await sql.raw(`create temp table if not exists ${name} (${columns})`).execute(db)
    await sql.raw(`delete from ${name}`).execute(db)
    this.#tables.set(attributeId, name)
    return name
  }
}

/** Orders staged value-index tuples (value_ci, object_id, position, …) by their object_value key. */
/** Orders value-index keys (attribute_id, value_ci, object_id) as the primary key does. */
function byValueKey(a: unknown[], b: unknown[]): number {
  const d = (a[0] as number) - (b[0] as number)
  if (d !== 0) return d
  const x = a[1] as string
  const y = b[1] as string
  if (x !== y) return x < y ? -1 : 1
  return (a[2] as number) - (b[2] as number)
}

function byIndexKey(a: unknown[], b: unknown[]): number {
  const x = a[0] as string
  const y = b[0] as string
  if (x !== y) return x < y ? -1 : 1
  return (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)
}

/** The columns of a staged value-index row (the attribute is the stage table's). */
const STAGED_VALUE: readonly BulkColumn[] = VALUE_INDEX.slice(1)

export const REF_STAGE: readonly BulkColumn[] = [
  { name: 'seq', pg: 'bigint' },
  { name: 'attribute_id', pg: 'bigint' },
  { name: 'object_id', pg: 'bigint' },
  { name: 'object_key', pg: 'text' },
  { name: 'type_id', pg: 'bigint' },
  { name: 'created', pg: 'integer' },
  { name: 'texts', pg: 'text' },
  { name: 'placeholders', pg: 'text' },
  { name: 'location', pg: 'text' },
  { name: 'text_ci', pg: 'text' },
]

/**
 * The statement of one page of the reference stage (a test pins its plan: along (attribute_id, seq), no sort).
 * `lastSeq`: a range resolveSingle went through — the page ends there and leaves out the rows it wrote references
 * for (an object created by the execution has no reference of the attribute but the one resolveSingle gave it).
 */
export function refStagePageQuery(attributeId: number, afterSeq: number, limit: number, lastSeq?: number) {
  // OFFSET keeps the test a probe of object_reference's key per row: without it PostgreSQL hashed every reference
  // row of the attribute, again for each page.
  const resolved =
    lastSeq === undefined
      ? sql``
      : sql`and seq <= ${lastSeq} and not (s.created = 1 and s.text_ci is not null and exists (select 1
          from object_reference r where r.object_id = s.object_id and r.attribute_id = ${attributeId}
          limit 1 offset 0))`
  // A slim row on SQLite (stagePending) leaves the key out: it is the created object's, read from it.
  return sql<StagedReference>`select seq, attribute_id, object_id, coalesce(object_key, (select o.object_key
    from object o where o.id = s.object_id)) as object_key, type_id, created, texts, placeholders, location,
    text_ci from engine_ref_stage s where attribute_id = ${attributeId} and seq > ${afterSeq}
    ${resolved} order by seq limit ${limit}`
}

/**
 * References wait for the second pass in a temporary table, not in memory: a million entries with a parent link
 * would otherwise hold a million objects on the heap until every object exists.
 */
export const refStage = {
  table: 'engine_ref_stage',
  create: async (store: Store, db: Db): Promise<void> => {
    // text_ci: the folded text of a reference with one text, compared with object_value.value_ci (COLLATE "C" on
    // PostgreSQL, so the stage's column is too: the join then probes the value index).
    const columns = `seq bigint, attribute_id bigint, object_id bigint, object_key text, type_id bigint, created integer, texts text, placeholders text, location text, text_ci text${store.caps.textCollateC ? ' collate "C"' : ''}`
    if (store.caps.dialect === 'sqlite') {
      await sql.raw(`create temp table if not exists engine_ref_stage (${columns})`).execute(db)
      await sql.raw('delete from engine_ref_stage').execute(db)
    } else {
      await sql
        .raw(`create temp table if not exists engine_ref_stage (${columns}) on commit drop`)
        .execute(db)
    }
    // The second pass reads the stage in pages of (attribute, seq): without this index every page would scan the
    // whole stage, and a million references would cost a hundred full scans.
    await sql
      .raw('create index if not exists engine_ref_stage_seq on engine_ref_stage (attribute_id, seq)')
      .execute(db)
  },
  /**
   * The staged attributes, read once before the pages. On PostgreSQL the stage is analyzed first: autovacuum never
   * sees a temporary table, and without statistics the planner answered each page by a bitmap scan and a sort of
   * every row still after it — 100 pages of a million references read ~50 million rows (0.9 s a page against 3 ms
   * with the index scan the statistics make it choose).
   */
  attributes: async (db: Db, dialect: 'sqlite' | 'postgres'): Promise<number[]> => {
    if (dialect === 'postgres') await sql`analyze engine_ref_stage (attribute_id, seq)`.execute(db)
    const r = await sql<{
      a: number
    }>`select distinct attribute_id as a from engine_ref_stage order by 1`.execute(db)
    return r.rows.map((x) => Number(x.a))
  },
  page: async (
    db: Db,
    attributeId: number,
    afterSeq: number,
    limit: number,
    lastSeq?: number,
  ): Promise<StagedReference[]> => {
    const r = await refStagePageQuery(attributeId, afterSeq, limit, lastSeq).execute(db)
    // Converted in place (PostgreSQL answers bigints as strings): a page holds 10,000 rows.
    for (const x of r.rows) {
      x.seq = Number(x.seq)
      x.attribute_id = Number(x.attribute_id)
      x.object_id = Number(x.object_id)
      x.type_id = Number(x.type_id)
      x.created = Number(x.created)
    }
    return r.rows
  },
  /**
   * SQLite: set-based resolution of the attribute's staged references that need no comparison with stored
   * references: those of objects this execution created, with one text, matching exactly one object through the
   * value index of `targetAttributeIds` (folded equality, as the lookup of `Name = ${x}`), among the rows of seq in
   * (afterSeq, lastSeq]. One statement writes their reference rows (position 0) and answers them; every other staged
   * row is left to the pages. PostgreSQL's is resolveSinglePg.
   */
  resolveSingle: async (
    db: Db,
    attributeId: number,
    targetAttributeIds: readonly number[],
    afterSeq: number,
    lastSeq: number,
    labels?: LabelTargets,
  ): Promise<{ object_id: number; target_object_id: number }[]> => {
    const r = await sql<{ object_id: number | string; target_object_id: number | string }>`
      ${resolveSingleInsert(attributeId, targetAttributeIds, afterSeq, lastSeq, labels)}
      returning object_id, target_object_id`.execute(db)
    return r.rows.map((x) => ({
      object_id: Number(x.object_id),
      target_object_id: Number(x.target_object_id),
    }))
  },
  /**
   * SQLite: resolveSingle answering only how many rows it wrote. Without `returning`, SQLite hands no row back to
   * JavaScript: ~0.8 µs CPU less per reference at 1,000,000 (docs/benchmarks.md, issue 11 ninth pass, sqlpost).
   */
  resolveSingleCount: async (
    db: Db,
    attributeId: number,
    targetAttributeIds: readonly number[],
    afterSeq: number,
    lastSeq: number,
    labels?: LabelTargets,
  ): Promise<number> => {
    const r = await resolveSingleInsert(attributeId, targetAttributeIds, afterSeq, lastSeq, labels).execute(
      db,
    )
    return Number(r.numAffectedRows ?? 0)
  },
}

/**
 * PostgreSQL: whether resolveSinglePg pays for the staged rows of (afterSeq, lastSeq]. Its grouping reads every value of
 * the target attributes, whatever the stage holds; so it runs only when the rows it would link are at least as many as
 * the objects the target types held when the run began (object_type_count changes at the commit): a first load, or
 * referrers loaded into a type no larger than they are. Otherwise the pages resolve the rows, by lookup, at the cost of
 * the run's own size — a re-import adding a few referrers to a million targets does not group the million.
 */
export async function resolveSinglePgPays(
  db: Db,
  attributeId: number,
  targetAttributeIds: readonly number[],
  afterSeq: number,
  lastSeq: number,
): Promise<boolean> {
  const r = await sql<{ staged: string; targets: string }>`select
      (select count(*) from engine_ref_stage s where s.attribute_id = ${attributeId} and s.seq > ${afterSeq}
        and s.seq <= ${lastSeq} and s.created = 1 and s.text_ci is not null) as staged,
      (select coalesce(sum(c.n), 0) from object_type_count c where c.object_type_id in (select a.object_type_id
        from attribute a where a.id = any(${[...targetAttributeIds]}::bigint[]))) as targets`.execute(db)
  const row = r.rows[0]!
  return Number(row.staged) >= Number(row.targets)
}

/**
 * PostgreSQL's resolveSingle, over the whole stage in one statement (references.ts): the targets' values are
 * grouped first (one row per folded value that exactly one object holds), then hash-joined to the stage — no
 * grouping of the stage's rows, and the value index read once. Answers the rows it wrote.
 */
export function resolveSinglePg(
  db: Db,
  attributeId: number,
  targetAttributeIds: readonly number[],
  afterSeq: number,
  lastSeq: number,
  labels?: LabelTargets,
): Promise<{ object_id: number; target_object_id: number }[]> {
  return withSetWorkMem(db, async () => {
    const r = await sql<{ object_id: string; target_object_id: string }>`${resolveSinglePgInsert(
      attributeId,
      targetAttributeIds,
      afterSeq,
      lastSeq,
      labels,
    )} returning object_id, target_object_id`.execute(db)
    return r.rows.map((x) => ({
      object_id: Number(x.object_id),
      target_object_id: Number(x.target_object_id),
    }))
  })
}

/** resolveSinglePg answering how many rows it wrote and their distinct targets (for the KEY SHARE locks). */
export function resolveSinglePgCount(
  db: Db,
  attributeId: number,
  targetAttributeIds: readonly number[],
  afterSeq: number,
  lastSeq: number,
  labels?: LabelTargets,
): Promise<{ count: number; targets: number[] }> {
  return withSetWorkMem(db, async () => {
    const insert = resolveSinglePgInsert(attributeId, targetAttributeIds, afterSeq, lastSeq, labels)
    const r = await sql<{ n: string; targets: string[] | null }>`with ins as (${insert}
      returning target_object_id) select (select count(*) from ins) as n,
      (select array_agg(distinct target_object_id) from ins) as targets`.execute(db)
    const row = r.rows[0]!
    return { count: Number(row.n), targets: (row.targets ?? []).map(Number) }
  })
}

function resolveSinglePgInsert(
  attributeId: number,
  targetAttributeIds: readonly number[],
  afterSeq: number,
  lastSeq: number,
  labels?: LabelTargets,
): RawBuilder<unknown> {
  // Targets answered from their labels: grouped from object.label_ci instead (label-targets.repository.ts).
  const groups = labels
    ? labelTargetGroupsPg(labels)
    : sql`select v.value_ci, min(v.object_id) as id from object_value v
        where v.attribute_id = any(${[...targetAttributeIds]}::bigint[])
        group by v.value_ci having min(v.object_id) = max(v.object_id)`
  return sql`insert into object_reference (object_id, attribute_id, position, target_object_id)
      select s.object_id, ${attributeId}, 0, t.id from engine_ref_stage s
      join (${groups}) t on t.value_ci = s.text_ci
      where s.attribute_id = ${attributeId} and s.seq > ${afterSeq} and s.seq <= ${lastSeq}
        and s.created = 1 and s.text_ci is not null`
}

/**
 * Runs `work` with work_mem at 64 MB, then puts it back (transaction-local): the hash of a million targets' values
 * stays in memory instead of spilling in batches.
 */
async function withSetWorkMem<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const before = await sql<{ w: string }>`select current_setting('work_mem') as w`.execute(db)
  await sql`select set_config('work_mem', '64MB', true)`.execute(db)
  try {
    return await work()
  } finally {
    await sql`select set_config('work_mem', ${before.rows[0]!.w}, true)`.execute(db)
  }
}

/**
 * The insert of SQLite's resolveSingle: a reference row per staged row of (afterSeq, lastSeq] that matches one
 * object. min = max: one object matches, however many of its values do (what count(distinct) says, without a sort).
 * seq is unique: grouped by it alone, SQLite groups along the (attribute_id, seq) index it reads the stage by instead
 * of sorting the range in a temporary B-tree (its object_id is the group's one row's).
 */
function resolveSingleInsert(
  attributeId: number,
  targetAttributeIds: readonly number[],
  afterSeq: number,
  lastSeq: number,
  labels?: LabelTargets,
): RawBuilder<unknown> {
  // Targets answered from their labels: joined through object's (workspace, type, label_ci) index instead
  // (label-targets.repository.ts), the target being v.id.
  const [join, target] = labels
    ? [labelTargetJoinSqlite(labels), sql`v.id`]
    : [
        sql`join object_value v on v.attribute_id in (${sql.join(targetAttributeIds)}) and v.value_ci = s.text_ci`,
        sql`v.object_id`,
      ]
  return sql`insert into object_reference (object_id, attribute_id, position, target_object_id)
      select s.object_id, ${attributeId}, 0, min(${target}) from engine_ref_stage s
      ${join}
      where s.attribute_id = ${attributeId} and s.seq > ${afterSeq} and s.seq <= ${lastSeq}
        and s.created = 1 and s.text_ci is not null
      group by s.seq having min(${target}) = max(${target})`
}
