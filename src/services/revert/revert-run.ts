/**
 * The second half of a revert, in one transaction of the ImportStore: re-check the conflicts, then write the
 * inverse of every logged change — re-create what the execution removed, restore what it updated (values, label,
 * missing-object updates) and re-linked, delete what it created — logging each write in the revert's own change log
 * (with before-images, and a create-range for what it re-creates) so that the revert is itself revertible.
 * Set-based: objects are read and written in batches, created objects are read by id range.
 */
import { foldCase } from '../../domain/aql/compare.js'
import { valueText } from '../../domain/schema/content-hash.js'
import { writeProvenance } from '../../domain/provenance/provenance-map.js'
import { decodeValues, encodeValues } from '../../domain/schema/stored-values.js'
import type { AttributeDef, CanonicalValue } from '../../domain/schema/types.js'
import {
  RevertConflictError,
  REVERT_CONFLICTS_LISTED,
  type RevertConflict,
} from '../../domain/execution/revert-errors.js'
import { ChangeLog } from '../../engine/change-log.js'
import type { EntryProblem } from '../../engine/engine-types.js'
import { addIndexRows, removeIndexRows } from '../../engine/index-rows.js'
import type { EngineCatalogPort, ImportStore, ImportTx, Tuple } from '../../engine/ports.js'
import {
  finishTimings,
  newTypeResult,
  summaryCounters,
  type ImportResult,
  type TypeResult,
} from '../../engine/result.js'
import { revertRepository as repo, type RevertObjectRow } from '../../store/repositories/revert.repository.js'
import {
  findConflicts,
  readLog,
  type LoggedChange,
  type RevertLog,
  type RevertTarget,
} from './revert-plan.js'

export interface RevertDeps {
  store: ImportStore
  catalog: EngineCatalogPort
  /** Test hook: called after each step of the writes (a throw rolls everything back). */
  afterStep?: (step: 'recreate' | 'restore' | 'references' | 'delete') => void | Promise<void>
}

export interface RevertInput {
  workspaceId: string
  importSourceId: string
  /** The revert execution's own id (its change log and problems). */
  executionId: string
  target: RevertTarget
  objectSchemaId: number
  /** Revert what is not in conflict and report the rest, instead of failing on the first conflict. */
  force: boolean
  now?: Date
}

export interface RevertSummary {
  revertsExecutionId: string
  force: boolean
  /** Objects the execution created, deleted by the revert. */
  objectsDeleted: number
  /** Objects the execution removed, created again with their id and key. */
  objectsRecreated: number
  /** Objects whose updated attributes (or missing-object update) were restored. */
  objectsRestored: number
  /** Objects whose references were restored. */
  referencesRestored: number
  /** Objects left alone because they changed after the execution (force). */
  conflictsSkipped: number
}

export type RevertResult = ImportResult & { revert: RevertSummary }

const PAGE = 2000

export async function runRevert(deps: RevertDeps, input: RevertInput): Promise<RevertResult> {
  const started = new Date()
  const now = (input.now ?? started).toISOString()
  const catalog = await deps.catalog.load(input.workspaceId, input.objectSchemaId)
  const attributes = new Map<number, AttributeDef>()
  for (const list of catalog.attributesByType.values()) for (const a of list) attributes.set(a.id, a)
  const types = new Map(catalog.types.map((t) => [t.id, t]))
  const results = new Map<number, TypeResult>()
  const resultOf = (typeId: number): TypeResult => {
    let r = results.get(typeId)
    if (!r) results.set(typeId, (r = newTypeResult(typeId, types.get(typeId)?.name ?? String(typeId))))
    return r
  }
  const summary: RevertSummary = {
    revertsExecutionId: input.target.id,
    force: input.force,
    objectsDeleted: 0,
    objectsRecreated: 0,
    objectsRestored: 0,
    referencesRestored: 0,
    conflictsSkipped: 0,
  }
  const problems: EntryProblem[] = []
  let changeLog: ChangeLog | undefined

  await deps.store.transaction(
    async (tx) => {
      const log = await readLog(tx.db, input.target.id)
      const conflicts = await findConflicts(tx.db, input.target, log)
      if (conflicts.size > 0 && !input.force) {
        throw RevertConflictError({
          executionId: input.target.id,
          total: conflicts.size,
          conflicts: [...conflicts.values()].slice(0, REVERT_CONFLICTS_LISTED),
        })
      }
      for (const c of conflicts.values()) {
        problems.push({
          objectTypeId: c.objectTypeId,
          location: c.key,
          code: 'REVERT_CONFLICT',
          message: `${c.key} (${c.operation}) was not reverted: ${c.reason}`,
        })
        resultOf(c.objectTypeId).entriesSkipped++
      }
      summary.conflictsSkipped = conflicts.size
      // No stage for index rows: every write goes straight into object_value.
      await tx.applyIndex(async () => undefined)
      // The revert is a writer of its own (docs/provenance.md): what it re-creates or restores names it.
      const origin = await tx.createOrigin({
        workspaceId: input.workspaceId,
        importSourceId: input.importSourceId,
        executionId: input.executionId,
        createdAt: now,
      })
      const w: Writer = {
        tx,
        origin,
        log: (changeLog = new ChangeLog(tx, input.executionId, 0)),
        input,
        now,
        hash: (id) => `revert:${input.executionId}:${id}`,
        attributes,
        schemaOf: (typeId) => types.get(typeId)?.objectSchemaId ?? input.objectSchemaId,
        resultOf,
        problems,
        summary,
      }
      const keep = (c: { change: LoggedChange }) => !conflicts.has(c.change.objectId)
      const of = (...ops: string[]) => log.changes.filter((c) => ops.includes(c.operation) && keep(c))
      await recreate(w, of('delete'))
      await deps.afterStep?.('recreate')
      await restoreValues(w, of('update', 'missing-update'))
      await deps.afterStep?.('restore')
      await restoreReferences(w, of('references'), log)
      await deps.afterStep?.('references')
      await deleteCreated(w, log, conflicts)
      await deps.afterStep?.('delete')
      await w.log.problems(problems)
      await w.log.flush()
    },
    { rollback: false },
  )

  const objectTypeResultMap: Record<string, TypeResult> = {}
  for (const [typeId, r] of results) {
    finishTimings(r)
    objectTypeResultMap[String(typeId)] = r
  }
  return {
    type: 'IMPORT',
    id: input.executionId,
    started: started.toISOString(),
    ended: new Date().toISOString(),
    objectSchemaId: input.objectSchemaId,
    result: 'OK',
    status: 'FINISHED',
    infoMessage:
      `Revert of execution ${input.target.id}: ${summary.objectsDeleted} deleted, ${summary.objectsRecreated} ` +
      `re-created, ${summary.objectsRestored} restored, ${summary.referencesRestored} with references restored` +
      (summary.conflictsSkipped ? `, ${summary.conflictsSkipped} skipped (changed after the execution)` : ''),
    jobId: input.executionId,
    importSourceId: input.importSourceId,
    populatedObjectTypes: [...results.values()].map((r) => r.objectTypeName),
    onlyExecutedForObjectTypes: [],
    objectTypeResultMap,
    ...summaryCounters(objectTypeResultMap),
    errorMessages: null,
    totalNumberEntriesInImport: 0,
    dryRun: false,
    problemCount: changeLog?.problemCount ?? 0,
    revert: summary,
  }
}

interface Writer {
  tx: ImportTx
  /** The revert's write_origin id. */
  origin: number
  log: ChangeLog
  input: RevertInput
  now: string
  /** The content hash of an object a revert wrote: never an entry's, so the next import compares its values. */
  hash: (id: number) => string
  attributes: Map<number, AttributeDef>
  schemaOf: (typeId: number) => number
  resultOf: (typeId: number) => TypeResult
  problems: EntryProblem[]
  summary: RevertSummary
}

type Logged = { typeId: number; operation: string; change: LoggedChange }

const isReference = (a: AttributeDef | undefined): boolean => a?.kind === 'referenced_object'

/** Ids among `ids` that exist. */
async function existing(tx: ImportTx, ids: Iterable<number>): Promise<Set<number>> {
  const list = [...new Set(ids)]
  return new Set((await tx.objectOwners(list)).map((o) => Number(o.id)))
}

/** Objects the execution removed: their rows, values, index rows, outbound and inbound references come back. */
async function recreate(w: Writer, removed: Logged[]): Promise<void> {
  if (removed.length === 0) return
  const { tx } = w
  const outbound: { id: number; attributeId: number; targets: number[]; typeId: number; key: string }[] = []
  for (let i = 0; i < removed.length; i += PAGE) {
    /** The page's rows by type: a type's objects share their schema, type, source, times and origin. */
    const rows = new Map<number, Tuple[]>()
    for (const { typeId, change } of removed.slice(i, i + PAGE)) {
      const values = new Map<number, CanonicalValue[]>()
      for (const [attrId, list] of Object.entries(change.before ?? {})) {
        const attr = w.attributes.get(Number(attrId))
        if (!attr) {
          w.problems.push({
            objectTypeId: typeId,
            location: change.key,
            code: 'REVERT_ATTRIBUTE_GONE',
            message: `${change.key}: attribute ${attrId} no longer exists; its values were not restored`,
          })
          continue
        }
        if (isReference(attr))
          outbound.push({
            id: change.objectId,
            attributeId: attr.id,
            targets: list as number[],
            typeId,
            key: change.key,
          })
        else {
          values.set(attr.id, list as CanonicalValue[])
          addIndexRows(tx, attr, change.objectId, list as CanonicalValue[])
        }
      }
      const label = change.object?.label ?? change.key
      let ofType = rows.get(typeId)
      if (!ofType) rows.set(typeId, (ofType = []))
      ofType.push([
        change.objectId,
        change.key,
        label,
        change.object?.identity ?? null,
        w.hash(change.objectId),
        encodeValues(values, () => false),
        foldCase(label),
      ])
      await w.log.recordCreate(typeId, change.objectId)
      w.resultOf(typeId).objectsCreated++
      w.summary.objectsRecreated++
    }
    for (const [typeId, ofType] of rows)
      await tx.insertObjects(
        [w.input.workspaceId, w.schemaOf(typeId), typeId, w.input.importSourceId, w.now, w.now, w.origin],
        ofType,
      )
    await tx.flushIndex()
  }

  // Outbound references to objects that still exist (or were just re-created).
  const targets = await existing(
    tx,
    outbound.flatMap((o) => o.targets),
  )
  const refRows: Tuple[] = []
  for (const o of outbound) {
    const kept = o.targets.filter((t) => targets.has(t))
    if (kept.length < o.targets.length) goneTargets(w, o.typeId, o.key, o.attributeId, o.targets, kept)
    kept.forEach((t, i) => refRows.push([o.id, o.attributeId, i, t]))
  }
  await tx.insertReferences(refRows)

  // Inbound references: each referrer that still exists gets its reference back where the slot is free.
  const inbound = removed.flatMap(({ change }) =>
    (change.object?.inbound ?? []).map(([referrer, attributeId, position]) => ({
      referrer,
      attributeId,
      position,
      target: change.objectId,
    })),
  )
  if (inbound.length === 0) return
  const referrers = await existing(
    tx,
    inbound.map((r) => r.referrer),
  )
  const attrIds = [...new Set(inbound.map((r) => r.attributeId))]
  const taken = new Set<string>()
  for (const r of await tx.references([...referrers], attrIds)) {
    taken.add(`${r.object_id}:${r.attribute_id}:${r.position}`)
    taken.add(`${r.object_id}:${r.attribute_id}>${r.target_object_id}`)
  }
  const inRows: Tuple[] = []
  for (const r of inbound) {
    if (!referrers.has(r.referrer)) continue
    const slot = `${r.referrer}:${r.attributeId}:${r.position}`
    const same = `${r.referrer}:${r.attributeId}>${r.target}`
    if (taken.has(slot) || taken.has(same)) continue
    taken.add(slot).add(same)
    inRows.push([r.referrer, r.attributeId, r.position, r.target])
  }
  await tx.insertReferences(inRows)
}

function goneTargets(
  w: Writer,
  typeId: number,
  key: string,
  attributeId: number,
  wanted: number[],
  kept: number[],
): void {
  const gone = wanted.filter((t) => !kept.includes(t))
  w.problems.push({
    objectTypeId: typeId,
    location: key,
    code: 'REVERT_REFERENCE_GONE',
    message: `${key}: ${w.attributes.get(attributeId)?.name ?? attributeId}: the referenced object(s) ${gone.join(', ')} no longer exist`,
    attribute: w.attributes.get(attributeId)?.name ?? String(attributeId),
  })
}

/** Updates and missing-object updates: the changed attributes (and label) back to their before-image. */
async function restoreValues(w: Writer, changed: Logged[]): Promise<void> {
  const { tx } = w
  for (let i = 0; i < changed.length; i += PAGE) {
    const page = changed.slice(i, i + PAGE)
    const stored = new Map(
      (
        await repo.objects(
          tx.db,
          page.map((c) => c.change.objectId),
        )
      ).map((o) => [o.id, o]),
    )
    const updates: Tuple[] = []
    const removeKeys: Tuple[] = []
    for (const { typeId, operation, change } of page) {
      const s = stored.get(change.objectId)
      if (!s) continue
      const values = decodeValues(s.attribute_values)
      const current: Record<string, unknown[]> = {}
      const restored: number[] = []
      let labelFromValues: string | null = null
      for (const [attrId, list] of Object.entries(change.before ?? {})) {
        const attr = w.attributes.get(Number(attrId))
        if (!attr) continue
        restored.push(attr.id)
        const restore = list as CanonicalValue[]
        const now = values.get(attr.id) ?? []
        current[attrId] = now
        if (restore.length) values.set(attr.id, restore)
        else values.delete(attr.id)
        removeIndexRows(removeKeys, attr, s.id, now)
        addIndexRows(tx, attr, s.id, restore)
        if (attr.label && restore[0] !== undefined) labelFromValues = valueText(restore[0])
      }
      // Logged label changes name the label before; older logs only have the label attribute's values.
      const label = change.label?.[0] ?? labelFromValues ?? s.label
      updates.push([
        s.id,
        label,
        w.hash(s.id),
        encodeValues(values, () => false),
        w.now,
        s.missing_since,
        s.missing_runs,
        foldCase(label),
        writeProvenance(s.provenance, s.origin_id, restored, w.origin),
      ])
      await w.log.record(typeId, operation as 'update' | 'missing-update', {
        objectId: s.id,
        key: s.object_key,
        before: current,
        after: change.before ?? {},
        ...(label === s.label ? {} : { label: [s.label, label] as [string, string] }),
      })
      if (operation === 'update') w.resultOf(typeId).objectsUpdated++
      else w.resultOf(typeId).objectsMissingUpdated++
      w.summary.objectsRestored++
    }
    await tx.updateObjects(updates)
    await tx.deleteIndexKeys(removeKeys)
    await tx.flushIndex()
  }
}

/** Reference changes of objects the execution did not create: each attribute back to its targets before. */
async function restoreReferences(w: Writer, relinked: Logged[], log: RevertLog): Promise<void> {
  const { tx } = w
  const created = (id: number): boolean =>
    [...log.created.values()].some((ranges) => ranges.some(([a, b]) => id >= a && id <= b))
  const todo = relinked.filter((c) => !created(c.change.objectId))
  for (let i = 0; i < todo.length; i += PAGE) {
    const page = todo.slice(i, i + PAGE)
    const alive = await existing(
      tx,
      page.map((c) => c.change.objectId),
    )
    const wantedTargets = page.flatMap((c) => Object.values(c.change.before ?? {}).flat() as number[])
    const targets = await existing(tx, wantedTargets)
    const byAttribute = new Map<number, { ids: number[]; rows: Tuple[] }>()
    const counted = new Set<number>()
    const attributeIds = [...new Set(page.flatMap((c) => Object.keys(c.change.before ?? {}).map(Number)))]
    const currentTargets = new Map<string, number[]>()
    for (const r of attributeIds.length ? await tx.references([...alive], attributeIds) : []) {
      const k = `${r.object_id}:${r.attribute_id}`
      currentTargets.set(k, [...(currentTargets.get(k) ?? []), r.target_object_id])
    }
    for (const { typeId, change } of page) {
      if (!alive.has(change.objectId)) continue
      for (const [attrId, list] of Object.entries(change.before ?? {})) {
        const attributeId = Number(attrId)
        const wanted = list as number[]
        const kept = wanted.filter((t) => targets.has(t))
        if (kept.length < wanted.length) goneTargets(w, typeId, change.key, attributeId, wanted, kept)
        const group = byAttribute.get(attributeId) ?? { ids: [], rows: [] }
        group.ids.push(change.objectId)
        kept.forEach((t, p) => group.rows.push([change.objectId, attributeId, p, t]))
        byAttribute.set(attributeId, group)
        const current = currentTargets.get(`${change.objectId}:${attributeId}`) ?? []
        await w.log.record(typeId, 'references', {
          objectId: change.objectId,
          key: change.key,
          before: { [attrId]: current },
          after: { [attrId]: kept },
        })
      }
      if (!counted.has(change.objectId)) {
        counted.add(change.objectId)
        w.resultOf(typeId).objectsWithUpdatedReferences++
        w.summary.referencesRestored++
      }
    }
    for (const [attributeId, group] of byAttribute) {
      await tx.deleteReferences(group.ids, attributeId)
      await tx.insertReferences(group.rows)
    }
    // The restored reference attributes name the revert as their writer.
    const restoredAttributes = new Map<number, number[]>()
    for (const [attributeId, group] of byAttribute)
      for (const id of group.ids)
        restoredAttributes.set(id, [...(restoredAttributes.get(id) ?? []), attributeId])
    const stored = await tx.provenanceOf([...restoredAttributes.keys()])
    await tx.updateProvenance(
      [...restoredAttributes].map(([id, attributeIds]) => {
        const s = stored.get(id)
        return [id, writeProvenance(s?.provenance, s?.origin ?? null, attributeIds, w.origin)]
      }),
    )
    // The next import compares these objects again (and so re-resolves their references).
    await tx.markDirty([...counted])
  }
}

/** Objects the execution created: deleted, each logged with its whole before-image (a revert of the revert). */
async function deleteCreated(
  w: Writer,
  log: RevertLog,
  conflicts: ReadonlyMap<number, RevertConflict>,
): Promise<void> {
  const { tx } = w
  // Whether the revert deletes the object: its referrers need no marking.
  const deleted = (id: number): boolean =>
    !conflicts.has(id) && [...log.created.values()].some((r) => r.some(([a, b]) => id >= a && id <= b))
  for (const [typeId, ranges] of log.created) {
    const refAttributes = [...w.attributes.values()]
      .filter((a) => a.objectTypeId === typeId && isReference(a))
      .map((a) => a.id)
    for (const [first, last] of ranges) {
      let after = first - 1
      for (;;) {
        const rows = await repo.objectsInRange(tx.db, first, last, after, PAGE)
        if (rows.length === 0) break
        after = rows[rows.length - 1]!.id
        const doomed = rows.filter((r) => !conflicts.has(r.id))
        if (doomed.length) await deletePage(w, typeId, doomed, refAttributes, deleted)
      }
    }
  }
}

async function deletePage(
  w: Writer,
  typeId: number,
  rows: RevertObjectRow[],
  refAttributes: number[],
  deleted: (id: number) => boolean,
): Promise<void> {
  const { tx } = w
  const ids = rows.map((r) => r.id)
  const outbound = new Map<number, Record<string, number[]>>()
  for (const r of refAttributes.length ? await tx.references(ids, refAttributes) : []) {
    const own = outbound.get(r.object_id) ?? {}
    ;(own[r.attribute_id] ??= []).push(r.target_object_id)
    outbound.set(r.object_id, own)
  }
  const inbound = new Map<number, [number, number, number][]>()
  for (const r of await tx.referrers(ids)) {
    const list = inbound.get(r.target_object_id) ?? []
    list.push([r.object_id, r.attribute_id, r.position])
    inbound.set(r.target_object_id, list)
  }
  const keys: Tuple[] = []
  for (const r of rows) {
    const values = decodeValues(r.attribute_values)
    for (const [attrId, list] of values) {
      const attr = w.attributes.get(attrId)
      if (attr) removeIndexRows(keys, attr, r.id, list)
    }
    await w.log.record(typeId, 'delete', {
      objectId: r.id,
      key: r.object_key,
      before: { ...Object.fromEntries(values), ...outbound.get(r.id) },
      after: null,
      object: {
        label: r.label,
        identity: r.identity,
        ...(inbound.has(r.id) ? { inbound: inbound.get(r.id)! } : {}),
      },
    })
  }
  // Objects that keep referring to them (their references go with them) compare their entry again next import.
  const referrers = new Set<number>()
  for (const list of inbound.values())
    for (const [referrer] of list) if (!deleted(referrer)) referrers.add(referrer)
  if (referrers.size) await tx.markDirty([...referrers])
  await tx.deleteIndexKeys(keys)
  await tx.deleteObjects(ids)
  w.resultOf(typeId).objectsMissingDeleted += ids.length
  w.summary.objectsDeleted += ids.length
}
