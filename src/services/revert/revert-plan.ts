/**
 * The first half of a revert: read the execution's change log, and find the objects that changed after it (the
 * conflicts). Used twice: by the request (a synchronous check answering 409) and inside the revert's transaction
 * (state may have changed in between).
 */
import { CREATE_RANGE } from '../../engine/change-log.js'
import type { RevertConflict } from '../../domain/execution/revert-errors.js'
import type { Db } from '../../store/create-store.js'
import { revertRepository as repo } from '../../store/repositories/revert.repository.js'

/** One logged change (engine/change-log.ts ChangeRecord, as stored). */
export interface LoggedChange {
  objectId: number
  key: string
  before: Record<string, unknown[]> | null
  after: Record<string, unknown[]> | null
  object?: { label: string; identity: string | null; inbound?: [number, number, number][] }
  label?: [string, string]
}

export interface RevertLog {
  /** Created objects per type, as id ranges. */
  created: Map<number, [number, number][]>
  /** Every other change, in log order. */
  changes: { typeId: number; operation: string; change: LoggedChange }[]
  typeIds: Set<number>
}

/** The execution being reverted, as the plan needs it. */
export interface RevertTarget {
  id: string
  workspaceId: string
  importSourceId: string
  appliedAt: string
}

export async function readLog(db: Db, executionId: string): Promise<RevertLog> {
  const log: RevertLog = { created: new Map(), changes: [], typeIds: new Set() }
  for (const row of await repo.changeBatches(db, executionId)) {
    const typeId = Number(row.object_type_id)
    log.typeIds.add(typeId)
    if (row.operation === CREATE_RANGE) {
      const list = log.created.get(typeId) ?? []
      list.push(...(JSON.parse(row.changes) as [number, number][]))
      log.created.set(typeId, list)
      continue
    }
    for (const change of JSON.parse(row.changes) as LoggedChange[])
      log.changes.push({ typeId, operation: row.operation, change })
  }
  return log
}

const inRanges = (ranges: [number, number][], id: number): boolean =>
  ranges.some(([first, last]) => id >= first && id <= last)

/**
 * The objects of the log that changed after the execution, by object id:
 * - a later execution (any but the execution's own revert chain: its reverts, their reverts…) logged a change of it;
 * - it was written after the chain's last commit (`updated_at`): the object API, which the change log does not see;
 * - it is gone (a change to restore on a deleted object), or a removed object came back (same id, or same identity).
 * Created objects deleted since are no conflict: reverting their creation has nothing left to do.
 */
export async function findConflicts(
  db: Db,
  target: RevertTarget,
  log: RevertLog,
): Promise<Map<number, RevertConflict>> {
  const conflicts = new Map<number, RevertConflict>()
  const add = (c: RevertConflict): void => {
    if (!conflicts.has(c.objectId)) conflicts.set(c.objectId, c)
  }
  if (log.typeIds.size === 0) return conflicts

  // The revert chain: the execution, its reverts, theirs…; changes of these cancel out.
  const chain = new Set([target.id])
  let since = target.appliedAt
  for (let frontier = [target.id]; frontier.length > 0;) {
    const next = await repo.revertsOf(db, frontier)
    frontier = []
    for (const r of next) {
      if (chain.has(r.id)) continue
      chain.add(r.id)
      frontier.push(r.id)
      if (r.applied_at !== null && r.applied_at > since) since = r.applied_at
    }
  }

  // Objects the chain's reverts wrote: their `updated_at` may be as late as the chain's last commit. Any other
  // object written after the execution itself was written by someone else.
  const chainWrote = new Set<number>()
  const chainRanges: [number, number][] = []
  for (const id of chain) {
    if (id === target.id) continue
    const log = await readLog(db, id)
    for (const ranges of log.created.values()) chainRanges.push(...ranges)
    for (const c of log.changes) chainWrote.add(c.change.objectId)
  }
  const writtenAfter = (id: number, updatedAt: string): boolean =>
    updatedAt > (chainWrote.has(id) || inRanges(chainRanges, id) ? since : target.appliedAt)

  const touched = new Map<number, { typeId: number; key: string; operation: string }>()
  for (const { typeId, operation, change } of log.changes) {
    if (!touched.has(change.objectId)) touched.set(change.objectId, { typeId, key: change.key, operation })
  }
  const createdOf = (id: number): number | undefined => {
    for (const [typeId, ranges] of log.created) if (inRanges(ranges, id)) return typeId
    return undefined
  }

  // 1. Later executions' change logs.
  const later = await repo.laterBatches(
    db,
    target.workspaceId,
    target.appliedAt,
    [...chain],
    [...log.typeIds],
  )
  for (const row of later) {
    const why = `changed by execution ${row.execution_id} (${row.operation})`
    if (row.operation === CREATE_RANGE) {
      // A later execution re-created an object this one removed (a revert of a removal keeps the id).
      for (const [id, t] of touched) {
        if (t.operation === 'delete' && inRanges(JSON.parse(row.changes) as [number, number][], id))
          add({ objectId: id, key: t.key, objectTypeId: t.typeId, operation: t.operation, reason: why })
      }
      continue
    }
    for (const c of JSON.parse(row.changes) as LoggedChange[]) {
      const t = touched.get(c.objectId)
      if (t)
        add({ objectId: c.objectId, key: t.key, objectTypeId: t.typeId, operation: t.operation, reason: why })
      else if (row.operation !== 'delete') {
        // A created object a later execution removed is already as the revert wants it.
        const typeId = createdOf(c.objectId)
        if (typeId !== undefined)
          add({ objectId: c.objectId, key: c.key, objectTypeId: typeId, operation: 'create', reason: why })
      }
    }
  }

  // 2. Written after the execution by someone else than its revert chain: the object API (a later execution is
  // reported above already).
  const manual = 'changed after the execution (object API)'
  for (const [typeId, ranges] of log.created) {
    for (const [first, last] of ranges) {
      for (const r of await repo.changedInRange(db, first, last, target.appliedAt)) {
        if (!writtenAfter(Number(r.id), r.updated_at)) continue
        add({
          objectId: Number(r.id),
          key: r.object_key,
          objectTypeId: typeId,
          operation: 'create',
          reason: manual,
        })
      }
    }
  }
  // Created objects were checked by range above: only the others are read.
  const others = [...touched].filter(([id, t]) => t.operation === 'delete' || createdOf(id) === undefined)
  const existing = new Map(
    (
      await repo.objects(
        db,
        others.map(([id]) => id),
      )
    ).map((o) => [o.id, o]),
  )
  for (const [id, t] of others) {
    const o = existing.get(id)
    const base = { objectId: id, key: t.key, objectTypeId: t.typeId, operation: t.operation }
    if (t.operation === 'delete') {
      if (o) add({ ...base, reason: `exists again (${o.object_key})` })
      continue
    }
    if (!o) add({ ...base, reason: 'deleted after the execution' })
    else if (writtenAfter(id, o.updated_at)) add({ ...base, reason: manual })
  }

  // 3. Removed objects whose identity is owned again (a later import created a new object for it).
  const removed = new Map<number, { identity: string; id: number; key: string }[]>()
  for (const { typeId, operation, change } of log.changes) {
    if (operation !== 'delete' || !change.object?.identity) continue
    const list = removed.get(typeId) ?? []
    list.push({ identity: change.object.identity, id: change.objectId, key: change.key })
    removed.set(typeId, list)
  }
  for (const [typeId, list] of removed) {
    const owned = await repo.byIdentity(
      db,
      typeId,
      target.importSourceId,
      list.map((x) => x.identity),
    )
    const byIdentity = new Map(owned.map((o) => [o.identity, o]))
    for (const x of list) {
      const o = byIdentity.get(x.identity)
      if (o && o.id !== x.id)
        add({
          objectId: x.id,
          key: x.key,
          objectTypeId: typeId,
          operation: 'delete',
          reason: `its identity belongs to ${o.object_key}, created after the execution`,
        })
    }
  }
  return conflicts
}
