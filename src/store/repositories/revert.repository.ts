import { sql, type SqlBool } from 'kysely'
import type { Db } from '../create-store.js'
import { numberOf, objectIdTexts } from './id-number.repository.js'

/** A full object row as a revert reads it (what deleting it must log, what restoring it must keep). */
export interface RevertObjectRow {
  id: number
  object_type_id: number
  object_key: string
  label: string
  identity: string | null
  import_source_id: string | null
  attribute_values: string
  updated_at: string
  missing_since: string | null
  missing_runs: number
  /** Provenance (0021): the object's write origin and the attributes another origin wrote. */
  origin_id: number | null
  provenance: string | null
}

const ID_LIST = 900

const toRow = (r: Record<string, unknown>): RevertObjectRow => ({
  id: Number(r.id),
  object_type_id: Number(r.object_type_id),
  object_key: String(r.object_key),
  label: String(r.label),
  identity: (r.identity as string | null) ?? null,
  import_source_id: (r.import_source_id as string | null) ?? null,
  attribute_values: String(r.attribute_values),
  updated_at: String(r.updated_at),
  missing_since: (r.missing_since as string | null) ?? null,
  missing_runs: Number(r.missing_runs),
  origin_id: r.origin_id === null || r.origin_id === undefined ? null : Number(r.origin_id),
  provenance: (r.provenance as string | null) ?? null,
})

const COLUMNS = [
  'id',
  'object_type_id',
  'object_key',
  'label',
  'identity',
  'attribute_values',
  'updated_at',
  'missing_since',
  'missing_runs',
  'origin_id',
  'provenance',
] as const

/** The reads of a revert: the change log of executions, later changes, objects by id and id range. Queries only. */
export const revertRepository = {
  /** The change-log rows of one execution, in order. */
  changeBatches: (db: Db, executionId: string) =>
    db
      .selectFrom('change_batch')
      .select(['seq', 'object_type_id', 'operation', 'changes'])
      .where('execution_id', '=', executionId)
      .orderBy('seq')
      .execute(),

  /** Executions that revert one of `ids`. */
  revertsOf: (db: Db, ids: string[]) =>
    db
      .selectFrom('execution')
      .select(['id', 'applied_at'])
      .where('reverts_execution_id', 'in', ids)
      .execute(),

  /**
   * Change-log rows on the types of the workspace's executions applied after `since` (dry runs excluded, and the
   * executions `exclude`): what changed the objects later.
   */
  laterBatches: (db: Db, workspaceId: string, since: string, exclude: string[], typeIds: number[]) =>
    db
      .selectFrom('change_batch')
      .innerJoin('execution', 'execution.id', 'change_batch.execution_id')
      .select(['change_batch.execution_id', 'change_batch.operation', 'change_batch.changes'])
      .where('execution.workspace_id', '=', workspaceId)
      .where('execution.applied_at', '>', since)
      .where('execution.dry_run', '=', 0)
      .where('execution.id', 'not in', exclude)
      .where('change_batch.object_type_id', 'in', typeIds)
      .orderBy('execution.applied_at')
      .orderBy('change_batch.seq')
      .execute(),

  /** Objects among `ids` (any workspace: ids are global), full rows. */
  objects: async (db: Db, ids: number[]): Promise<RevertObjectRow[]> => {
    const out: RevertObjectRow[] = []
    for (let i = 0; i < ids.length; i += ID_LIST) {
      const rows = await db
        .selectFrom('object')
        .select([...COLUMNS, objectIdTexts()[1]])
        .where('id', 'in', ids.slice(i, i + ID_LIST))
        .execute()
      out.push(...rows.map((r) => toRow(r as unknown as Record<string, unknown>)))
    }
    return out
  },

  /** Objects with ids in [first, last] after `afterId`, in id order, at most `limit`. */
  objectsInRange: async (
    db: Db,
    first: number,
    last: number,
    afterId: number,
    limit: number,
  ): Promise<RevertObjectRow[]> =>
    (
      await db
        .selectFrom('object')
        .select([...COLUMNS, objectIdTexts()[1]])
        .where('id', '>=', Math.max(first, afterId + 1))
        .where('id', '<=', last)
        .orderBy('id')
        .limit(limit)
        .execute()
    ).map((r) => toRow(r as unknown as Record<string, unknown>)),

  /** Objects with ids in [first, last] written after `since` (one range scan of the primary key). */
  changedInRange: (db: Db, first: number, last: number, since: string) =>
    db
      .selectFrom('object')
      .select(['id', 'object_key', 'object_type_id', 'updated_at'])
      .where('id', '>=', first)
      .where('id', '<=', last)
      .where(sql<SqlBool>`updated_at > ${since}`)
      .execute(),

  /** Owned objects of a type with one of the identities. */
  byIdentity: async (db: Db, typeId: number, sourceId: string, identities: string[]) => {
    const out: { id: number; identity: string; object_key: string }[] = []
    for (let i = 0; i < identities.length; i += ID_LIST) {
      const rows = await db
        .selectFrom('object')
        .select(['id', 'identity', 'object_key'])
        .where('object_type_id', '=', typeId)
        .where('import_source_no', '=', numberOf(sourceId))
        .where('identity', 'in', identities.slice(i, i + ID_LIST))
        .execute()
      for (const r of rows)
        out.push({ id: Number(r.id), identity: r.identity ?? '', object_key: r.object_key })
    }
    return out
  },

  /** Marks the execution as reverted by `revertId` (in the revert's transaction). */
  markReverted: async (db: Db, executionId: string, revertId: string): Promise<void> => {
    await db.updateTable('execution').set({ reverted_by: revertId }).where('id', '=', executionId).execute()
  },
}
