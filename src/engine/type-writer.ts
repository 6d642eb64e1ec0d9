import { foldCase } from '../domain/aql/compare.js'
import { contentHash } from '../domain/schema/content-hash.js'
import { decodeValues, encodeValues, pushIndexKeys, pushIndexTuples } from '../domain/schema/stored-values.js'
import type { AttributeDef, CanonicalValue } from '../domain/schema/types.js'
import type { ObjectSchemaService } from '../services/object-schema.service.js'
import type { BulkWriter } from '../store/bulk.js'
import type { Db, Store } from '../store/create-store.js'
import {
  importWriteRepository as repo,
  type IndexStage,
  OBJECT_HASH_UPDATE,
  OBJECT_INSERT,
  OBJECT_UPDATE,
} from '../store/repositories/import-write.repository.js'
import { objectSchemaRepository } from '../store/repositories/object-schema.repository.js'
import { RawJson, type ChangeLog } from './change-log.js'
import { parseSimpleReferenceQuery } from './reference-query.js'
import type { EntryProblem, EntryProblemPolicy } from './engine-types.js'
import type { MappedEntry } from './map-entry.js'
import { enforceUnique } from './unique-values.js'
import { timed, type TypeResult } from './result.js'
import type { TypePlan } from './type-plan.js'

export interface PendingReference {
  objectId: number
  objectKey: string
  typeId: number
  attributeId: number
  texts: string[]
  placeholders: ReadonlyMap<string, string[]>
  location: string
  created: boolean
}

export interface WriteContext {
  store: Store
  db: Db
  /** Set-based writers bound to the execution's transaction. */
  bulk: BulkWriter
  /** Where the value-index rows of this execution wait until they are moved in key order. */
  indexStage: IndexStage
  workspaceId: string
  importSourceId: string
  objectSchemaId: number
  schemaKey: string
  now: string
  dryRun: boolean
  log: ChangeLog
  pending: PendingReference[]
  schemas: ObjectSchemaService
  /** Status names of the schema; replaced (not mutated) when unknownValues ADD creates one. */
  statusNames: string[]
  /** Where the write stage reports entry problems (a unique value already held), and what they do. */
  problems: EntryProblem[]
  entryProblems: EntryProblemPolicy
}

export interface TypeState {
  plan: TypePlan
  result: TypeResult
  seenIdentities: Set<string>
  /** Identities of entries skipped for a problem: their objects are kept as seen, never treated as missing. */
  protectedIdentities: Set<string>
  /** Keys of the type's first entry: what a locator that read nothing is compared with. */
  firstEntryKeys?: string[]
  /** Set when the missing-objects pass was skipped because no entry of the type became an object. */
  missingSkipped?: boolean
  seenIds: Set<number>
  batch: MappedEntry[]
  /** Unique attribute id → folded value → identity of the entry of this execution that holds it. */
  uniqueHeld: Map<number, Map<string, string>>
  /** mappedWeight of the batch: a batch is also written once it holds BATCH_TEXT_BUDGET characters. */
  batchWeight: number
}

/** The hash an import stores: what this mapping contributes, so an unchanged entry is found without reading values. */
export function entryHash(plan: TypePlan, e: MappedEntry): string {
  let all: ReadonlyMap<number, readonly CanonicalValue[]> = e.values
  if (e.references.size > 0) {
    const merged = new Map<number, readonly CanonicalValue[]>(e.values)
    for (const [id, texts] of e.references) merged.set(id, texts)
    all = merged
  }
  return (plan.emptyValues === 'REMOVE' ? 'R' : 'I') + contentHash(all)
}

/** Decides and writes one batch of mapped entries of one type: create, update (changed attributes only), identical. */
export async function flushBatch(ctx: WriteContext, state: TypeState): Promise<void> {
  const batch0 = state.batch
  state.batch = []
  state.batchWeight = 0
  if (batch0.length === 0) return
  const batch = await enforceUnique(ctx, state, batch0)
  const { plan, result } = state
  await addNewOptions(ctx, plan, batch)

  const decided = await timed(result, 'decidingActionsTimeInMs', async () => {
    const hashes = batch.map((e) => entryHash(plan, e))
    const owned = await repo.findOwned(
      ctx.db,
      ctx.store.caps.dialect,
      plan.type.id,
      ctx.importSourceId,
      batch.map((e) => e.identity),
    )
    const byIdentity = new Map(owned.map((o) => [o.identity, o]))
    const creates: { e: MappedEntry; hash: string }[] = []
    const candidates: { e: MappedEntry; hash: string; id: number; key: string }[] = []
    const hashOnly: unknown[][] = []
    batch.forEach((e, i) => {
      const o = byIdentity.get(e.identity)
      const hash = hashes[i]!
      if (!o) return void creates.push({ e, hash })
      state.seenIds.add(o.id)
      if (o.content_hash === hash) {
        result.objectsIdentical++
        if (o.missing_runs > 0) hashOnly.push([o.id, hash, null, 0])
      } else candidates.push({ e, hash, id: o.id, key: o.object_key })
    })
    return { creates, candidates, hashOnly }
  })

  await timed(result, 'writeInsightDataTimeInMs', async () => {
    await writeCreates(ctx, state, decided.creates)
    await writeUpdates(ctx, state, decided.candidates, decided.hashOnly)
  })
}

async function writeCreates(
  ctx: WriteContext,
  state: TypeState,
  creates: { e: MappedEntry; hash: string }[],
): Promise<void> {
  if (creates.length === 0) return
  const { plan, result } = state
  const firstSeq = await ctx.schemas.reserveObjectNumbers(ctx.objectSchemaId, creates.length)
  const ids = await repo.allocateObjectIds(ctx.store, ctx.db, creates.length)
  const rows: unknown[][] = []
  for (let i = 0; i < creates.length; i++) {
    const { e, hash } = creates[i]!
    const id = ids[i]!
    const key = `${ctx.schemaKey}-${firstSeq + i}`
    state.seenIds.add(id)
    const encoded = encodeValues(e.values, () => false)
    rows.push([
      id,
      ctx.workspaceId,
      ctx.objectSchemaId,
      plan.type.id,
      key,
      e.label,
      e.identity,
      ctx.importSourceId,
      hash,
      encoded,
      ctx.now,
      ctx.now,
      foldCase(e.label),
    ])
    for (const [attrId, vals] of e.values)
      pushIndexTuples(ctx.indexStage.bucket(attrId), id, plan.allAttributes.get(attrId)!, vals)
    queueReferences(ctx, plan, e, id, key, true)
    await ctx.log.record(
      ctx.db,
      plan.type.id,
      'create',
      { objectId: id, key, before: null, after: new RawJson(encoded) },
      ctx.dryRun
        ? () => ({
            operation: 'create',
            objectKey: key,
            identity: e.identity,
            differences: named(plan, e.values, null),
          })
        : undefined,
    )
  }
  result.objectsCreated += creates.length
  await ctx.bulk.insert(ctx.db, 'object', OBJECT_INSERT, rows)
  await ctx.indexStage.flush(ctx.db)
}

async function writeUpdates(
  ctx: WriteContext,
  state: TypeState,
  candidates: { e: MappedEntry; hash: string; id: number; key: string }[],
  hashOnly: unknown[][],
): Promise<void> {
  const { plan, result } = state
  const stored = candidates.length
    ? await repo.storedValues(
        ctx.db,
        candidates.map((c) => c.id),
      )
    : new Map()
  const updates: unknown[][] = []
  const removeIndex: unknown[][] = []
  const labelMapped =
    plan.labelAttribute !== null && plan.attributes.some((a) => a.attribute.id === plan.labelAttribute!.id)
  for (const c of candidates) {
    const s = stored.get(c.id)!
    const before = decodeValues(s.values)
    const after = new Map(before)
    const changed: number[] = []
    for (const a of plan.attributes) {
      const attr = a.attribute
      if (attr.kind === 'referenced_object') continue
      let next = c.e.values.get(attr.id)
      if (!next) {
        if (!(c.e.empty.has(attr.id) && plan.emptyValues === 'REMOVE')) continue
        next = []
      }
      const prev = before.get(attr.id) ?? []
      if (sameValues(prev, next)) continue
      changed.push(attr.id)
      if (next.length) after.set(attr.id, next)
      else after.delete(attr.id)
      pushIndexKeys(removeIndex, c.id, attr.id, prev)
      pushIndexTuples(ctx.indexStage.bucket(attr.id), c.id, attr, next)
    }
    const label = labelMapped ? c.e.label : s.label
    queueReferences(ctx, plan, c.e, c.id, c.key, false)
    if (changed.length === 0 && label === s.label) {
      hashOnly.push([c.id, c.hash, null, 0])
      result.objectsIdentical++
      continue
    }
    result.objectsUpdated++
    updates.push([c.id, label, c.hash, encodeValues(after, () => false), ctx.now, null, 0, foldCase(label)])
    const beforeChanged = Object.fromEntries(changed.map((id) => [id, before.get(id) ?? []]))
    const afterChanged = Object.fromEntries(changed.map((id) => [id, after.get(id) ?? []]))
    await ctx.log.record(
      ctx.db,
      plan.type.id,
      'update',
      { objectId: c.id, key: c.key, before: beforeChanged, after: afterChanged },
      ctx.dryRun
        ? () => ({
            operation: 'update',
            objectKey: c.key,
            identity: c.e.identity,
            differences: named(plan, new Map(changed.map((id) => [id, after.get(id) ?? []])), before),
          })
        : undefined,
    )
  }
  await ctx.bulk.updateByKey(ctx.db, 'object', OBJECT_UPDATE, updates)
  await ctx.bulk.updateByKey(ctx.db, 'object', OBJECT_HASH_UPDATE, hashOnly)
  await ctx.indexStage.remove(ctx.db, removeIndex)
  await ctx.indexStage.flush(ctx.db)
}

const NO_PLACEHOLDERS: ReadonlyMap<string, string[]> = new Map()

/**
 * Remembers the references of a written object for the second pass. For simple queries only the lookup texts are
 * kept (a few bytes per entry); general queries keep the entry's placeholder values.
 */
function queueReferences(
  ctx: WriteContext,
  plan: TypePlan,
  e: MappedEntry,
  objectId: number,
  objectKey: string,
  created: boolean,
): void {
  for (const a of plan.attributes) {
    if (a.attribute.kind !== 'referenced_object') continue
    const own = e.references.get(a.attribute.id)
    if (!own && !(e.empty.has(a.attribute.id) && plan.emptyValues === 'REMOVE' && !created)) continue
    const simple = a.referenceQuery === null ? null : parseSimpleReferenceQuery(a.referenceQuery)
    const texts = simple && own ? (e.placeholders.get(simple.placeholder) ?? own) : (own ?? [])
    ctx.pending.push({
      objectId,
      objectKey,
      typeId: plan.type.id,
      attributeId: a.attribute.id,
      texts,
      placeholders: a.referenceQuery === null || simple ? NO_PLACEHOLDERS : e.placeholders,
      location: e.location,
      created,
    })
  }
}

/** unknownValues ADD: new select options and statuses become part of the schema before values use them. */
async function addNewOptions(ctx: WriteContext, plan: TypePlan, batch: MappedEntry[]): Promise<void> {
  const wanted = new Map<number, Set<string>>()
  for (const e of batch)
    for (const [id, names] of e.newOptions)
      for (const n of names) (wanted.get(id) ?? wanted.set(id, new Set()).get(id)!).add(n)
  for (const [attrId, names] of wanted) {
    const attr = plan.allAttributes.get(attrId)!
    // One spelling per option, case-insensitively: the existing one, else the first this batch brought.
    const spelling = new Map<string, string>()
    for (const v of attr.kind === 'status' ? ctx.statusNames : attr.allowedValues)
      if (!spelling.has(v.toLowerCase())) spelling.set(v.toLowerCase(), v)
    const fresh: string[] = []
    for (const n of names) {
      if (spelling.has(n.toLowerCase())) continue
      spelling.set(n.toLowerCase(), n)
      fresh.push(n)
    }
    for (const e of batch) {
      const vals = e.values.get(attrId)
      if (vals)
        e.values.set(attrId, [
          ...new Set(vals.map((v) => (typeof v === 'string' ? (spelling.get(v.toLowerCase()) ?? v) : v))),
        ])
    }
    if (fresh.length === 0) continue
    if (attr.kind === 'select') {
      const allowedValues = [...attr.allowedValues, ...fresh]
      await ctx.schemas.updateAttribute(ctx.workspaceId, attr.id, attr.objectTypeId, { allowedValues })
      replaceAttribute(plan, { ...attr, allowedValues })
    } else {
      // Names were checked while mapping (STATUS_NAME_PATTERN) and against the known statuses above: the rows are
      // written as they are, not through the API's request validation, which would fail the whole execution.
      for (const name of fresh) {
        await objectSchemaRepository.insertStatus(ctx.db, {
          workspace_id: ctx.workspaceId,
          object_schema_id: ctx.objectSchemaId,
          name,
          description: '',
          category: 'active',
        })
      }
      ctx.statusNames = [...ctx.statusNames, ...fresh]
    }
  }
}

function replaceAttribute(plan: TypePlan, next: AttributeDef): void {
  plan.allAttributes.set(next.id, next)
  for (const a of plan.attributes) if (a.attribute.id === next.id) a.attribute = next
}

function sameValues(a: readonly CanonicalValue[], b: readonly CanonicalValue[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function named(
  plan: TypePlan,
  after: ReadonlyMap<number, readonly CanonicalValue[]>,
  before: ReadonlyMap<number, readonly CanonicalValue[]> | null,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {}
  for (const [id, vals] of after) {
    const name = plan.allAttributes.get(id)?.name ?? String(id)
    out[name] = { before: before ? (before.get(id) ?? []) : null, after: vals }
  }
  return out
}
