import { sql } from 'kysely'
import type { ImportStore, ImportTx } from '../engine/ports.js'
import type { Db, Store } from './create-store.js'
import type { BulkWriter } from './bulk.js'
import type { ReadRows } from './read-rows.js'
import { completeIndex } from './complete-index.js'
import { labelTargetsRepository } from './repositories/label-targets.repository.js'
import { provenanceRepository } from './repositories/provenance.repository.js'
import { uniqueLockRepository } from './repositories/unique-lock.repository.js'
import {
  CHANGE_BATCH,
  importWriteRepository as repo,
  IndexStage,
  OBJECT_HASH_UPDATE,
  OBJECT_INSERT,
  OBJECT_MISSING_UPDATE,
  OBJECT_SHARED_COLUMNS,
  OBJECT_PROVENANCE_UPDATE,
  OBJECT_UPDATE,
  OBJECT_UPDATE_KEEP_LABEL,
  PROBLEM,
  REF_STAGE,
  REFERENCE_INSERT,
  refStage,
  resolveSinglePg,
  resolveSinglePgCount,
  resolveSinglePgPays,
} from './repositories/import-write.repository.js'
import { ObjectCountDeltas } from './repositories/object-count.repository.js'
import { objectIntegrityRepository } from './repositories/object-integrity.repository.js'
import { idNumberRepository, numberOf as numberOfId } from './repositories/id-number.repository.js'

class Rollback extends Error {}

const TYPE_COLUMN = OBJECT_INSERT.findIndex((c) => c.name === 'object_type_id')
const WORKSPACE_COLUMN = OBJECT_INSERT.findIndex((c) => c.name === 'workspace_no')
const SOURCE_COLUMN = OBJECT_INSERT.findIndex((c) => c.name === 'import_source_no')

const TARGET_COLUMN = REFERENCE_INSERT.findIndex((c) => c.name === 'target_object_id')

/**
 * The object ids this transaction allocated, as ranges (one or a few per batch). No other transaction can insert
 * an object with one of them, so a reference to one needs no lock on its target: it is this run's own object.
 */
class OwnIds {
  readonly #ranges: [number, number][] = []

  add(ids: readonly number[]): void {
    for (let i = 0; i < ids.length;) {
      let j = i
      while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++
      this.#ranges.push([ids[i]!, ids[j]!])
      i = j + 1
    }
    this.#ranges.sort((a, b) => a[0] - b[0])
  }

  has(id: number): boolean {
    const r = this.#ranges
    let lo = 0
    let hi = r.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (id < r[mid]![0]) hi = mid - 1
      else if (id > r[mid]![1]) lo = mid + 1
      else return true
    }
    return false
  }

  /** The distinct targets of reference rows (REFERENCE_INSERT tuples) that are not among these ids. */
  foreignTargets(rows: readonly unknown[][]): number[] {
    const out = new Set<number>()
    for (const row of rows) {
      const t = Number(row[TARGET_COLUMN])
      if (!this.has(t)) out.add(t)
    }
    return [...out]
  }
}

/**
 * The engine's ImportStore over a Store: each execution's writes go through the dialect's BulkWriter (prepared
 * statements on SQLite, COPY and unnest on PostgreSQL) inside one transaction; the few queries that differ per
 * dialect branch inside importWriteRepository.
 */
export function importStore(store: Store): ImportStore {
  return {
    dialect: store.caps.dialect,
    transaction: async (work, { rollback }) => {
      try {
        await store.bulkTransaction(async ({ db, bulk, readRows }) => {
          const counts = new ObjectCountDeltas()
          await work(importTx(store, db, bulk, readRows, counts))
          // The per-type object counts change once, at the end: their rows are locked only until the commit.
          await counts.apply(db)
          if (rollback) throw new Rollback()
        })
      } catch (error) {
        if (!(error instanceof Rollback)) throw error
      }
    },
  }
}

function importTx(
  store: Store,
  db: Db,
  bulk: BulkWriter,
  readRows: ReadRows,
  counts: ObjectCountDeltas,
): ImportTx {
  const dialect = store.caps.dialect
  const index = new IndexStage(store, bulk)
  // The types this transaction holds a KEY SHARE lock on (object-integrity.repository.ts): one lock per type.
  const sharedTypes = new Set<number>()
  const ownIds = new OwnIds()
  // The numbers of the workspace and source ids this transaction wrote into objects (id_number, 0032): made in it,
  // so they are forgotten with it.
  const numbers = new Map<string, number>()
  const numberOf = async (id: string): Promise<number> => {
    let no = numbers.get(id)
    if (no === undefined) numbers.set(id, (no = await idNumberRepository.intern(db, id)))
    return no
  }
  return {
    db,
    dialect,
    hasOwned: (typeId, sourceId) => repo.hasOwned(db, typeId, sourceId),
    countOwned: (typeId, sourceId) => repo.countOwned(db, typeId, sourceId),
    findOwned: (typeId, sourceId, identities) =>
      repo.findOwned(readRows, dialect, typeId, sourceId, identities),
    ownedRowsByIds: (typeId, sourceId, ids) => repo.ownedRowsByIds(readRows, dialect, typeId, sourceId, ids),
    storedValues: (ids) => repo.storedValues(db, ids),
    valuesPage: (workspaceId, typeIds, afterId, limit) =>
      repo.valuesPage(db, workspaceId, typeIds, afterId, limit),
    allocateObjectIds: async (count) => {
      const ids = await repo.allocateObjectIds(store, db, count)
      if (dialect === 'postgres') ownIds.add(ids)
      return ids
    },
    insertObjects: async (shared, rows) => {
      if (rows.length === 0) return
      if (shared.length !== OBJECT_SHARED_COLUMNS) throw new Error('insertObjects: not the shared columns')
      const typeId = Number(shared[TYPE_COLUMN])
      if (dialect === 'postgres' && !sharedTypes.has(typeId)) {
        sharedTypes.add(typeId)
        await objectIntegrityRepository.shareTypes(db, [typeId])
      }
      const workspaceId = String(shared[WORKSPACE_COLUMN])
      counts.add(typeId, workspaceId, rows.length)
      // The engine's shared tuple names the workspace and source by id; the row holds their numbers.
      const prefix = [...shared]
      prefix[WORKSPACE_COLUMN] = await numberOf(workspaceId)
      const sourceId = shared[SOURCE_COLUMN]
      prefix[SOURCE_COLUMN] = sourceId === null ? null : await numberOf(String(sourceId))
      return bulk.insertGrouped(db, 'object', OBJECT_INSERT, [{ prefix, rows }])
    },
    updateObjects: (rows) => bulk.updateByKey(db, 'object', OBJECT_UPDATE, rows),
    updateObjectsKeepingLabel: (rows) => bulk.updateByKey(db, 'object', OBJECT_UPDATE_KEEP_LABEL, rows),
    updateHashes: (rows) => bulk.updateByKey(db, 'object', OBJECT_HASH_UPDATE, rows),
    updateMissing: (rows) => bulk.updateByKey(db, 'object', OBJECT_MISSING_UPDATE, rows),
    deleteObjects: async (ids) => {
      for (const r of await repo.deleteObjects(db, ids)) counts.add(r.typeId, r.workspaceId, -1)
    },
    indexBucket: (attributeId) => index.bucket(attributeId),
    stagesUniqueIndex: dialect === 'sqlite',
    indexDirect: (attributeId) => index.direct(db, attributeId),
    flushIndex: () => index.flush(db),
    applyIndex: (between) => index.apply(db, between),
    deleteIndexKeys: (keys) => index.remove(db, keys),
    hasIndexRows: (attributeId) => repo.hasIndexRows(db, attributeId),
    completeIndex: (attribute) => completeIndex(db, attribute),
    lockAttributes: async (unique, others) => {
      await uniqueLockRepository.lockAttributes(db, unique, others)
      return uniqueLockRepository.uniqueNow(db, [...unique, ...others])
    },
    valuesMatching: (attributeIds, folded) => repo.valuesMatching(db, dialect, attributeIds, folded),
    takenUniqueValues: (attributeId, sourceId, claims) =>
      repo.takenUniqueValues(db, dialect, attributeId, sourceId, claims),
    labelsMatching: (labels, folded) => labelTargetsRepository.matching(db, dialect, labels, folded),
    labelsLike: (labels, pattern, limit) => labelTargetsRepository.like(db, dialect, labels, pattern, limit),
    valuesLike: async (attributeIds, pattern, limit) =>
      (
        await db
          .selectFrom('object_value')
          .select(['object_id', 'value_text'])
          .where('attribute_id', 'in', attributeIds)
          .where(sql<boolean>`value_ci like ${pattern} escape '\\'`)
          .limit(limit)
          .execute()
      ).map((r) => ({ object_id: Number(r.object_id), value_text: r.value_text })),
    objectOwners: (ids) => repo.objectOwners(db, ids),
    objectsByKey: async (workspaceId, typeIds, keys) =>
      (
        await db
          .selectFrom('object')
          .select(['id', 'object_key'])
          // The workspace makes the (workspace, key) index usable: without it every object of the types is scanned.
          .where('workspace_no', '=', numberOfId(workspaceId))
          .where('object_type_id', 'in', typeIds)
          .where('object_key', 'in', keys)
          .execute()
      ).map((r) => ({ id: Number(r.id), object_key: r.object_key })),
    references: (ids, attributeIds) => repo.references(db, ids, attributeIds),
    referrers: (ids) => repo.referrers(db, ids),
    deleteReferences: (ids, attributeId) => repo.deleteReferences(db, ids, attributeId),
    insertReferences: async (rows) => {
      // The targets other transactions created stay until this one ends (KEY SHARE, as the foreign key held them).
      if (dialect === 'postgres')
        await objectIntegrityRepository.shareObjects(db, ownIds.foreignTargets(rows))
      return bulk.insert(db, 'object_reference', REFERENCE_INSERT, rows)
    },
    markDirty: (ids) => repo.markDirty(db, ids),
    clearMarks: (ids) => repo.clearMarks(db, ids),
    markedOwned: (typeId, sourceId) => repo.markedOwned(db, typeId, sourceId),
    markReferrersDirty: (ids) => repo.markReferrersDirty(db, ids),
    createRefStage: () => refStage.create(store, db),
    stageReferences: (rows) => bulk.insert(db, refStage.table, REF_STAGE, rows),
    refStageAttributes: () => refStage.attributes(db, dialect),
    refStagePage: (attributeId, afterSeq, limit, lastSeq) =>
      refStage.page(db, attributeId, afterSeq, limit, lastSeq),
    resolveStagedSingle: async (attributeId, targetAttributeIds, afterSeq, lastSeq, countOnly, labels) => {
      if (countOnly && dialect === 'sqlite')
        return refStage.resolveSingleCount(db, attributeId, targetAttributeIds, afterSeq, lastSeq, labels)
      if (dialect === 'postgres') {
        // Nothing linked: the engine leaves every row of the range to the pages.
        if (!(await resolveSinglePgPays(db, attributeId, targetAttributeIds, afterSeq, lastSeq)))
          return countOnly ? 0 : []
        // As insertReferences: the targets other transactions created stay until this one ends (KEY SHARE).
        // Taken after the insert, in the same transaction: a target deleted meanwhile fails the check and the
        // execution.
        if (countOnly) {
          const r = await resolveSinglePgCount(db, attributeId, targetAttributeIds, afterSeq, lastSeq, labels)
          await objectIntegrityRepository.shareObjects(
            db,
            r.targets.filter((t) => !ownIds.has(t)),
          )
          return r.count
        }
        const rows = await resolveSinglePg(db, attributeId, targetAttributeIds, afterSeq, lastSeq, labels)
        await objectIntegrityRepository.shareObjects(
          db,
          ownIds.foreignTargets(rows.map((r) => [r.object_id, attributeId, 0, r.target_object_id])),
        )
        return rows.map((r) => r.object_id)
      }
      const rows = await refStage.resolveSingle(
        db,
        attributeId,
        targetAttributeIds,
        afterSeq,
        lastSeq,
        labels,
      )
      return rows.map((r) => r.object_id)
    },
    ownedPage: (typeId, sourceId, after, limit) => repo.ownedPage(db, typeId, sourceId, after, limit),
    ownedDigestPage: (typeId, sourceId, after, limit) =>
      repo.ownedDigestPage(readRows, dialect, typeId, sourceId, after, limit),
    ownedByIds: (typeId, sourceId, ids, withStored) => repo.ownedByIds(db, typeId, sourceId, ids, withStored),
    createOrigin: (o) =>
      provenanceRepository.createOrigin(db, {
        workspace_id: o.workspaceId,
        import_source_id: o.importSourceId,
        execution_id: o.executionId,
        actor: null,
        created_at: o.createdAt,
      }),
    originWriters: (ids) => provenanceRepository.originWriters(db, ids),
    provenanceOf: (ids) => provenanceRepository.provenanceOf(db, ids),
    updateProvenance: (rows) => bulk.updateByKey(db, 'object', OBJECT_PROVENANCE_UPDATE, rows),
    insertChangeBatches: (rows) => bulk.insert(db, 'change_batch', CHANGE_BATCH, rows),
    insertProblems: (rows) => bulk.insert(db, 'execution_problem', PROBLEM, rows),
  }
}
