import { createHash } from 'node:crypto'
import type { Insertable, Selectable } from 'kysely'
import { numberOf } from './id-number.repository.js'
import type { Db } from '../create-store.js'
import type { PlanChangeTable, PlanTable } from '../tables.js'

export type PlanRow = Selectable<PlanTable>
export type PlanChangeRow = Selectable<PlanChangeTable>

export interface PlanChangeFilter {
  objectTypeId?: number
  operation?: string
}

/** Rows per insert statement (11 columns: well under SQLite's bound-parameter limit). */
const INSERT_ROWS = 200

const short = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

/**
 * The state stamp of an object: hashes of its label, its values and its references, joined with dots. Every write
 * to an object — through an import or the object API, to a value, its label or a reference — changes one of them,
 * whatever its timestamps say (two writes in one millisecond share an `updated_at`; `content_hash` is not rewritten
 * by reference changes nor by the object API).
 */
export function stampOf(label: string, values: string, references: string): string {
  return `${short(label)}.${short(values)}.${short(references)}`
}

/** Which parts of an object differ between two stamps, in words. */
export function stampDifference(before: string, now: string | undefined): string[] {
  if (now === undefined) return ['removed']
  const parts = ['label', 'values', 'references']
  const a = before.split('.')
  const b = now.split('.')
  return parts.filter((_, i) => a[i] !== b[i])
}

export const planRepository = {
  insert: async (db: Db, row: Insertable<PlanTable>): Promise<void> => {
    await db.insertInto('plan').values(row).execute()
  },

  insertChanges: async (db: Db, rows: Insertable<PlanChangeTable>[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += INSERT_ROWS)
      await db
        .insertInto('plan_change')
        .values(rows.slice(i, i + INSERT_ROWS))
        .execute()
  },

  find: (db: Db, executionId: string): Promise<PlanRow | undefined> =>
    db.selectFrom('plan').selectAll().where('execution_id', '=', executionId).executeTakeFirst(),

  changes: (
    db: Db,
    executionId: string,
    filter: PlanChangeFilter,
    startAt: number,
    maxResults: number,
  ): Promise<PlanChangeRow[]> => {
    let q = db.selectFrom('plan_change').selectAll().where('execution_id', '=', executionId)
    if (filter.objectTypeId !== undefined) q = q.where('object_type_id', '=', filter.objectTypeId)
    if (filter.operation !== undefined) q = q.where('operation', '=', filter.operation)
    return q.orderBy('seq').offset(startAt).limit(maxResults).execute()
  },

  countChanges: async (db: Db, executionId: string, filter: PlanChangeFilter): Promise<number> => {
    let q = db
      .selectFrom('plan_change')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('execution_id', '=', executionId)
    if (filter.objectTypeId !== undefined) q = q.where('object_type_id', '=', filter.objectTypeId)
    if (filter.operation !== undefined) q = q.where('operation', '=', filter.operation)
    const row = await q.executeTakeFirst()
    return Number(row?.n ?? 0)
  },

  /** The existing objects a plan touches, with their plan-time stamps, `limit` at a time after `afterId`. */
  touched: (db: Db, executionId: string, afterId: number, limit: number) =>
    db
      .selectFrom('plan_change')
      .select((eb) => [
        'object_id',
        eb.fn.min('object_type_id').as('object_type_id'),
        eb.fn.min('stamp').as('stamp'),
        eb.fn.min('object_key').as('object_key'),
        eb.fn.min('identity').as('identity'),
      ])
      .where('execution_id', '=', executionId)
      .where('object_id', 'is not', null)
      .where('object_id', '>', afterId)
      .groupBy('object_id')
      .orderBy('object_id')
      .limit(limit)
      .execute(),

  /** The creates of a plan, `limit` at a time after `afterSeq`. */
  creates: (db: Db, executionId: string, afterSeq: number, limit: number) =>
    db
      .selectFrom('plan_change')
      .select(['seq', 'object_type_id', 'identity'])
      .where('execution_id', '=', executionId)
      .where('operation', '=', 'create')
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute(),

  /** Objects of a source and type that hold one of `identities` now. */
  holders: (db: Db, importSourceId: string, objectTypeId: number, identities: string[]) =>
    identities.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('object')
          .select(['id', 'object_key', 'identity'])
          .where('import_source_no', '=', numberOf(importSourceId))
          .where('object_type_id', '=', objectTypeId)
          .where('identity', 'in', identities)
          .execute(),

  /** The current state stamps of objects (absent: the object is gone). */
  stamps: async (db: Db, ids: number[]): Promise<Map<number, string>> => {
    const out = new Map<number, string>()
    if (ids.length === 0) return out
    const objects = await db
      .selectFrom('object')
      .select(['id', 'label', 'attribute_values'])
      .where('id', 'in', ids)
      .execute()
    const refs = await db
      .selectFrom('object_reference')
      .select(['object_id', 'attribute_id', 'target_object_id'])
      .where('object_id', 'in', ids)
      .orderBy('object_id')
      .orderBy('attribute_id')
      .orderBy('position')
      .execute()
    const refText = new Map<number, string>()
    for (const r of refs)
      refText.set(r.object_id, `${refText.get(r.object_id) ?? ''}${r.attribute_id}:${r.target_object_id};`)
    for (const o of objects)
      out.set(Number(o.id), stampOf(o.label, o.attribute_values, refText.get(Number(o.id)) ?? ''))
    return out
  },

  markApplied: async (db: Db, executionId: string, appliedBy: string, now: string): Promise<boolean> => {
    const res = await db
      .updateTable('plan')
      .set({ status: 'applied', applied_execution_id: appliedBy, applied_at: now })
      .where('execution_id', '=', executionId)
      .where('status', '=', 'ready')
      .executeTakeFirst()
    return Number(res.numUpdatedRows) === 1
  },

  /** Plans past their expiry whose changes or input are still kept. */
  due: (db: Db, now: string, limit: number) =>
    db
      .selectFrom('plan')
      .select(['execution_id', 'input_path', 'status'])
      .where('expires_at', '<=', now)
      .where((eb) => eb.or([eb('status', '<>', 'expired'), eb('input_path', 'is not', null)]))
      .limit(limit)
      .execute(),

  /** Drops an expired plan's changes; the row stays (answering PLAN_EXPIRED), an applied plan stays `applied`. */
  expire: async (db: Db, executionId: string): Promise<void> => {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('plan_change').where('execution_id', '=', executionId).execute()
      await trx
        .updateTable('plan')
        .set((eb) => ({
          status: eb.case().when('status', '=', 'applied').then('applied').else('expired').end(),
          input_path: null,
        }))
        .where('execution_id', '=', executionId)
        .execute()
    })
  },
}
