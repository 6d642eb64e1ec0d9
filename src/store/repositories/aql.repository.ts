import { sql } from 'kysely'
import type { BoundQuery } from '../../domain/aql/bound.js'
import type { DialectCapabilities } from '../capabilities.js'
import type { Db } from '../create-store.js'
import { compileOrder, DEFAULT_ORDER, orderJoinsKeys } from '../aql/compile-order.js'
import { compileQuery, driverProbes, type AqlPlan, type AqlScope } from '../aql/compile-query.js'
import { col } from '../aql/sql-fragments.js'
import { rowidScanPays, typesBound } from '../aql/scan-order.js'
import { WhereCompiler } from '../aql/compile-where.js'
import type { ObjectRow } from '../tables.js'
import { objectIdTexts } from './id-number.repository.js'

export interface CatalogRows {
  schemas: { id: number; name: string }[]
  types: { id: number; name: string; object_schema_id: number; parent_object_type_id: number | null }[]
  attributes: {
    id: number
    object_type_id: number
    name: string
    kind: string
    reference_object_type_id: number | null
  }[]
}

/** Compiled AQL over the object tables; never loads more than a page of objects. */
export const aqlRepository = {
  /** The schema as the AQL checker sees it: names, the type tree and each type's attributes. */
  catalogRows: async (db: Db, workspaceId: string): Promise<CatalogRows> => {
    const [schemas, types, attributes] = await Promise.all([
      db.selectFrom('object_schema').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute(),
      db
        .selectFrom('object_type')
        .select(['id', 'name', 'object_schema_id', 'parent_object_type_id'])
        .where('workspace_id', '=', workspaceId)
        .execute(),
      db
        .selectFrom('attribute')
        .select(['id', 'object_type_id', 'name', 'kind', 'reference_object_type_id'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('object_type_id')
        .orderBy('position')
        .execute(),
    ])
    return { schemas, types, attributes }
  },

  /**
   * Value attributes whose search-index rows are kept and complete, and (`label`) those answered from the object
   * row's label instead (domain/schema/indexed-attributes.ts).
   */
  indexedAttributeIds: async (db: Db, workspaceId: string): Promise<{ id: number; label: boolean }[]> => {
    const rows = await db
      .selectFrom('attribute')
      .select(['id', 'index_state'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '<>', 'referenced_object')
      .where((eb) =>
        eb.or([
          eb('index_state', '=', 'label'),
          eb.and([
            eb('index_state', '=', 'ready'),
            eb.or([eb('is_label', '=', 1), eb('is_unique', '=', 1), eb('indexed', '=', 1)]),
          ]),
        ]),
      )
      .execute()
    return rows.map((r) => ({ id: Number(r.id), label: r.index_state === 'label' }))
  },

  /**
   * Runs AQL statements as one unit. On PostgreSQL that is a transaction with JIT off: AQL's subqueries inflate
   * cost estimates past jit_above_cost, and compiling then takes longer than running the query.
   */
  session: async <T>(db: Db, caps: DialectCapabilities, fn: (db: Db) => Promise<T>): Promise<T> => {
    if (!caps.jitCompiles) return fn(db)
    if (db.isTransaction) {
      await sql`set local jit = off`.execute(db)
      return fn(db)
    }
    return db.transaction().execute(async (trx) => {
      await sql`set local jit = off`.execute(trx)
      return fn(trx)
    })
  },

  /**
   * Chooses the driver (see drivers.ts): the best-ranked candidate, or among several on the objects' own values
   * the one with the fewest ids, measured up to PROBE_LIMIT (ties keep the rank order).
   */
  plan: async (db: Db, scope: AqlScope, query: BoundQuery): Promise<AqlPlan> => {
    const { candidates, probes } = driverProbes(scope, query)
    if (probes.length === 0) return { driver: candidates[0] ?? null }
    let best: { index: number; n: number } | null = null
    for (const probe of probes) {
      const { rows } = await probe.statement.execute(db)
      const n = Number(rows[0]?.n ?? 0)
      if (best === null || n < best.n) best = { index: probe.index, n }
    }
    return { driver: best!.index }
  },

  /**
   * Whether a scan without a driver should read the table in rowid order (SQLite; scan-order.ts): the kept
   * per-type counts of the types the query is bounded to, against all object rows of the table.
   */
  rowidScan: async (db: Db, scope: AqlScope, query: BoundQuery): Promise<boolean> => {
    if (scope.caps.dialect !== 'sqlite') return false
    const bounds = typesBound(scope, query)
    if (bounds.length === 0) return false
    const types = [...new Set(bounds.flat())]
    const rows = await db
      .selectFrom('object_type_count')
      .select(['object_type_id', 'n'])
      .where('workspace_id', '=', scope.workspaceId)
      .where('object_type_id', 'in', types)
      .execute()
    const { rows: total } = await sql<{ n: number | string | null }>`
      select sum(n) as n from object_type_count`.execute(db)
    return rowidScanPays(
      bounds,
      new Map(rows.map((r) => [Number(r.object_type_id), Number(r.n)])),
      Number(total[0]?.n ?? 0),
    )
  },

  /** How many objects of the workspace match (with an id above `afterId`, when given). */
  count: async (
    db: Db,
    scope: AqlScope,
    query: BoundQuery,
    plan: AqlPlan,
    afterId?: number,
  ): Promise<number> => {
    const { o, from, where } = compileQuery(scope, query, plan)
    const after = afterId === undefined ? sql`` : sql` and ${col(o, 'id')} > ${afterId}`
    const { rows } = await sql<{
      total: number | string
    }>`select count(*) as total from ${from} where ${where}${after}`.execute(db)
    return Number(rows[0]?.total ?? 0)
  },

  /**
   * One page of the matching objects in the query's order (AQL's default: label, then id). The page's ids are
   * found first, from the columns the order and the tests need (an index scan where one serves), and only then
   * are the rows of those few objects read.
   */
  page: async (
    db: Db,
    scope: AqlScope,
    query: BoundQuery,
    plan: AqlPlan,
    page: { offset: number; limit: number },
  ): Promise<ObjectRow[]> => {
    const bound = query.orderBy ?? DEFAULT_ORDER
    // SQLite joins the derived table of text keys well (an automatic index on it) only from a plain scan.
    const { compiler, o, from, where } = compileQuery(
      scope,
      query,
      orderJoinsKeys(bound, (ids) =>
        ids.every((id) => scope.referenceAttributeIds.has(id) || scope.indexedAttributeIds.has(id)),
      )
        ? { driver: null }
        : plan,
    )
    const order = compileOrder(scope.caps, bound, o, compiler)
    const { rows: ids } = await sql<{ id: number }>`
      select ${col(o, 'id')} as id from ${from}${order.joins}
      where ${where}
      order by ${order.orderBy}
      limit ${page.limit} offset ${page.offset}`.execute(db)
    return rowsInOrder(
      db,
      ids.map((r) => Number(r.id)),
    )
  },

  /**
   * The matching objects in id order, in one pass that stops after `cap` + 1 of them. A query no index drives
   * scans its types' rows: when at most `cap` match, the total and the page come from this one scan (pageOfIds)
   * instead of two (count, then page); when more do, the count goes on from the last id read (count's
   * `afterId`), so that no row is read twice for the total.
   */
  matchingIds: async (db: Db, scope: AqlScope, query: BoundQuery, plan: AqlPlan, cap: number) => {
    const { o, from, where } = compileQuery(scope, query, plan)
    const { rows } = await sql<{ id: number | string }>`
      select ${col(o, 'id')} as id from ${from} where ${where}
      order by ${col(o, 'id')} limit ${cap + 1}`.execute(db)
    const ids = rows.map((r) => Number(r.id))
    return ids.length > cap
      ? { ids: null, upTo: ids[cap]!, read: ids.length }
      : { ids, upTo: null, read: ids.length }
  },

  /** One page, in the query's order, of the objects `ids` (matchingIds' answer): read by primary key. */
  pageOfIds: async (
    db: Db,
    scope: AqlScope,
    query: BoundQuery,
    ids: readonly number[],
    page: { offset: number; limit: number },
  ): Promise<ObjectRow[]> => {
    if (ids.length === 0 || page.offset >= ids.length) return []
    const o = 'o'
    const order = compileOrder(scope.caps, query.orderBy ?? DEFAULT_ORDER, o, new WhereCompiler(scope))
    const set =
      scope.caps.dialect === 'sqlite'
        ? sql`(select value from json_each(${JSON.stringify(ids)}))`
        : sql`(select unnest(cast(${ids} as bigint[])))`
    const { rows } = await sql<{ id: number | string }>`
      select ${col(o, 'id')} as id from object as ${sql.id(o)}${order.joins}
      where ${col(o, 'id')} in ${set}
      order by ${order.orderBy}
      limit ${page.limit} offset ${page.offset}`.execute(db)
    return rowsInOrder(
      db,
      rows.map((r) => Number(r.id)),
    )
  },
}

/** The object rows of `ids`, in that order. */
async function rowsInOrder(db: Db, ids: number[]): Promise<ObjectRow[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('object')
    .selectAll()
    .select(objectIdTexts())
    .where('id', 'in', ids)
    .execute()
  const position = new Map(ids.map((id, i) => [id, i]))
  return rows.sort((a, b) => position.get(Number(a.id))! - position.get(Number(b.id))!)
}
