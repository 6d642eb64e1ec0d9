/** The write phase of one batch: creates, updates of changed attributes only, and the references they carry. */
import { foldCase } from '../domain/aql/compare.js'
import { encodeValues } from '../domain/schema/stored-values.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import { decideBatch, heldValuesOf, settle, storedValueMap, type Decided } from './decide.js'
import { addIndexRows, CreatedIndexRows, removeIndexRows } from './index-rows.js'
import { entryLocation, type MappedEntry } from './map-entry.js'
import type { StoredValues, Tuple } from './ports.js'
import { parseSimpleReferenceQuery, type SimpleReferenceQuery } from './reference-query.js'
import { timed } from './result.js'
import { SlotMap, storedValuesJson } from './slot-map.js'
import type { TypeState, WriteContext } from './run-context.js'
import { addNewOptions } from './schema-options.js'
import type { TypePlan } from './type-plan.js'
import { enforceUnique } from './unique-values.js'
import { withSource } from './source-fingerprint.js'

export { entryHash } from './decide.js'

/** Decides and writes one batch of mapped entries of one type: create, update (changed attributes only), identical. */
export async function flushBatch(ctx: WriteContext, state: TypeState): Promise<void> {
  const batch0 = state.batch
  state.batch = []
  state.batchWeight = 0
  state.batchIdentities.clear()
  await writeSkippedHashes(ctx, state)
  if (batch0.length === 0) return
  const { plan, result } = state
  // Checking unique values decides which values may be written: it counts as deciding. New options are schema
  // writes: writing.
  const found = await timed(result, 'decidingActionsTimeInMs', () => decideBatch(ctx, state, batch0))
  const skipped = await timed(result, 'decidingActionsTimeInMs', () =>
    enforceUnique(ctx, state, found.writing, heldValuesOf(found)),
  )
  await timed(result, 'writeInsightDataTimeInMs', () =>
    addNewOptions(ctx, plan, skipped.size ? found.writing.filter((e) => !skipped.has(e)) : found.writing),
  )
  const decided = await timed(result, 'decidingActionsTimeInMs', async () => settle(state, found, skipped))
  await timed(result, 'writeInsightDataTimeInMs', async () => {
    await writeCreates(ctx, state, decided.creates)
    await writeUpdates(ctx, state, decided.candidates, decided.hashOnly)
  })
}

/**
 * The missing counters of owned objects whose entries were identical without being mapped (read-map-stage.ts),
 * reset as decide resets an identical entry's: written with the next batch.
 */
export async function writeSkippedHashes(ctx: WriteContext, state: TypeState): Promise<void> {
  if (state.skippedHashes.length === 0) return
  const rows = state.skippedHashes
  state.skippedHashes = []
  await timed(state.result, 'writeInsightDataTimeInMs', () => ctx.tx.updateHashes(rows))
}

async function writeCreates(
  ctx: WriteContext,
  state: TypeState,
  creates: { e: MappedEntry; hash: string }[],
): Promise<void> {
  if (creates.length === 0) return
  const { plan, result } = state
  const firstSeq = await ctx.catalog.reserveObjectNumbers(ctx.objectSchemaId, creates.length)
  const ids = await ctx.tx.allocateObjectIds(creates.length)
  // The attributes whose index rows are kept: each entry's values are read for those only. Going through every value
  // of every entry (10 per row of the benchmark, 3 of them indexed) cost 1.1 µs more per entry (docs/benchmarks.md).
  const indexRows = new CreatedIndexRows(ctx.tx, plan.allAttributes.values())
  const rows: Tuple[] = []
  for (let i = 0; i < creates.length; i++) {
    const { e, hash } = creates[i]!
    const id = ids[i]!
    const key = `${ctx.schemaKey}-${firstSeq + i}`
    state.seenIds.add(id)
    const encoded =
      e.values instanceof SlotMap ? storedValuesJson(e.values) : encodeValues(e.values, () => false)
    const labelCi = foldCase(e.label)
    rows.push([id, key, e.label, e.identity, withSource(hash, e.sourceLow, e.sourceHigh), encoded, labelCi])
    indexRows.add(id, e.values, e.label, labelCi)
    queueReferences(ctx, plan, e, id, key, true)
    if (ctx.planning)
      await ctx.log.recordCreate(plan.type.id, id, () => ({
        operation: 'create',
        objectKey: key,
        identity: e.identity,
        differences: named(plan, e.values, null),
      }))
  }
  // Without a plan the batch's ids are logged in one call: an await per object cost a promise and a turn each.
  if (!ctx.planning) await ctx.log.recordCreates(plan.type.id, ids)
  result.objectsCreated += creates.length
  await ctx.tx.insertObjects(
    [
      ctx.workspaceId,
      ctx.objectSchemaId,
      plan.type.id,
      ctx.importSourceId,
      ctx.now,
      ctx.now,
      ctx.provenance?.origin ?? null,
    ],
    rows,
  )
  await ctx.tx.flushIndex()
}

async function writeUpdates(
  ctx: WriteContext,
  state: TypeState,
  candidates: Decided['candidates'],
  hashOnly: Tuple[],
): Promise<void> {
  const { plan, result } = state
  // Decide read the values of the objects it found in the owned table (OwnedRow); the others' are read here.
  const unread = candidates.filter((c) => !('stored' in c.owned)).map((c) => c.id)
  const stored = unread.length ? await ctx.tx.storedValues(unread) : new Map<number, StoredValues>()
  for (const c of candidates) if ('stored' in c.owned) stored.set(c.id, c.owned.stored)
  await ctx.provenance?.load(stored.values())
  const updates: Tuple[] = []
  // Updates that keep the label: written without it, so that its index entries are not rewritten (ports.ts).
  const keepingLabel: Tuple[] = []
  const removeIndex: Tuple[] = []
  const labelMapped =
    plan.labelAttribute !== null && plan.attributes.some((a) => a.attribute.id === plan.labelAttribute!.id)
  for (const c of candidates) {
    const s = stored.get(c.id)!
    const before = storedValueMap(s)
    const after = new Map(before)
    const changed: number[] = []
    let kept = false
    let labelKept = false
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
      if (ctx.provenance && !ctx.provenance.allows(plan.type.id, plan.type.name, attr, s, c.key)) {
        kept = true
        if (attr.id === plan.labelAttribute?.id) labelKept = true
        continue
      }
      changed.push(attr.id)
      if (next.length) after.set(attr.id, next)
      else after.delete(attr.id)
      removeIndexRows(removeIndex, attr, c.id, prev)
      addIndexRows(ctx.tx, attr, c.id, next)
    }
    const label = labelMapped && !labelKept ? c.e.label : s.label
    // Values kept by precedence: the next run compares this object again instead of trusting the hash.
    // The source fingerprint only with a hash the next run may trust (source-fingerprint.ts).
    const hash = kept ? `${c.hash}~` : withSource(c.hash, c.e.sourceLow, c.e.sourceHigh)
    queueReferences(ctx, plan, c.e, c.id, c.key, false)
    if (changed.length === 0 && label === s.label) {
      hashOnly.push([c.id, hash, null, 0])
      result.objectsIdentical++
      continue
    }
    result.objectsUpdated++
    const values = encodeValues(after, () => false)
    const provenance = ctx.provenance ? ctx.provenance.written(s, changed) : s.provenance
    if (label === s.label) keepingLabel.push([c.id, hash, values, ctx.now, null, 0, provenance])
    else updates.push([c.id, label, hash, values, ctx.now, null, 0, foldCase(label), provenance])
    const beforeChanged = Object.fromEntries(changed.map((id) => [id, before.get(id) ?? []]))
    const afterChanged = Object.fromEntries(changed.map((id) => [id, after.get(id) ?? []]))
    await ctx.log.record(
      plan.type.id,
      'update',
      {
        objectId: c.id,
        key: c.key,
        before: beforeChanged,
        after: afterChanged,
        ...(label === s.label ? {} : { label: [s.label, label] as [string, string] }),
      },
      ctx.planning
        ? () => ({
            operation: 'update',
            objectKey: c.key,
            identity: c.e.identity,
            differences: named(plan, new Map(changed.map((id) => [id, after.get(id) ?? []])), before),
          })
        : undefined,
    )
  }
  if (updates.length) await ctx.tx.updateObjects(updates)
  if (keepingLabel.length) await ctx.tx.updateObjectsKeepingLabel(keepingLabel)
  await ctx.tx.updateHashes(hashOnly)
  // A marked object (its hash read with a `!`: object_mark, or a mark of the hash itself from before migration 0031)
  // has its hash written again now: as that write once overwrote the `!`, its mark goes.
  const marked: number[] = []
  for (const c of candidates) if (c.owned.content_hash.endsWith('!')) marked.push(c.id)
  if (marked.length) await ctx.tx.clearMarks(marked)
  await ctx.tx.deleteIndexKeys(removeIndex)
  await ctx.tx.flushIndex()
}

const NO_PLACEHOLDERS: ReadonlyMap<string, string[]> = new Map()

/** A plan's reference attributes with their simple queries (parsed once per plan, not once per entry). */
const referencesOfPlan = new WeakMap<
  TypePlan,
  { a: TypePlan['attributes'][number]; simple: SimpleReferenceQuery | null }[]
>()

function referenceAttributes(plan: TypePlan) {
  let refs = referencesOfPlan.get(plan)
  if (!refs) {
    refs = plan.attributes
      .filter((a) => a.attribute.kind === 'referenced_object')
      .map((a) => ({
        a,
        simple: a.referenceQuery === null ? null : parseSimpleReferenceQuery(a.referenceQuery),
      }))
    referencesOfPlan.set(plan, refs)
  }
  return refs
}

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
  let location: string | undefined
  for (const { a, simple } of referenceAttributes(plan)) {
    const own = e.references.get(a.attribute.id)
    if (!own && !(e.empty.has(a.attribute.id) && plan.emptyValues === 'REMOVE' && !created)) continue
    const texts = simple && own ? (e.placeholders.get(simple.placeholder) ?? own) : (own ?? [])
    ctx.pending.push({
      objectId,
      objectKey,
      typeId: plan.type.id,
      attributeId: a.attribute.id,
      texts,
      placeholders: a.referenceQuery === null || simple ? NO_PLACEHOLDERS : e.placeholders,
      location: (location ??= entryLocation(e)),
      created,
    })
  }
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
