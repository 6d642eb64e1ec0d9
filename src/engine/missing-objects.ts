import { breathe } from './breathe.js'
import { guardActive, judge } from './delete-guard.js'
import { foldCase } from '../domain/aql/compare.js'
import { coerceValue } from '../domain/mapping/coerce.js'
import { valueText } from '../domain/schema/content-hash.js'
import { decodeValues, encodeValues } from '../domain/schema/stored-values.js'
import { keepsIndexRows } from '../domain/schema/indexed-attributes.js'
import type { AttributeDef, CanonicalValue } from '../domain/schema/types.js'
import { addIndexRows, removeIndexRows } from './index-rows.js'
import type { OwnedTable } from './owned-table.js'
import type { OwnedMissing, StoredValues, Tuple } from './ports.js'
import { timed } from './result.js'
import type { TypeState, WriteContext } from './run-context.js'

const PAGE = 5000
const DAY_MS = 86_400_000

/**
 * After every entry is written, before references: objects this source owns, of a mapped type, that this execution
 * did not see. Each one's missing run count and first-missed time are tracked; IGNORE only tracks, UPDATE sets an
 * attribute and REMOVE deletes — both only once the threshold (runs or days) is reached. A threshold of 0 or 1 run
 * acts at the first miss.
 */
export async function handleMissing(ctx: WriteContext, state: TypeState): Promise<void> {
  await timed(state.result, 'postFunctionTimeInMs', async () => {
    const { plan } = state
    const setting = plan.missing
    // A full read's owned table (owned-table.ts) lists the objects the source owned when the run began: those the
    // run did not see are the missing ones, and only their rows are read. Dropped here: nothing asks it after.
    const table = state.ownedTable ?? null
    state.ownedTable = null
    // A type of which no entry became an object (none received, or every one dropped: no identity, no label…) is
    // far more often a broken export or mapping than an emptied source: its objects are left alone (the result says
    // so) rather than all counted as missing.
    if (state.accepted === 0) {
      state.missingSkipped = true
      return
    }
    // The source owned no object of the type when the execution began: each one it owns now was created by this
    // execution, and seen. Paging through them all (the whole type on a first load) would find none missing.
    if (state.ownedAtStart === false) {
      state.guardCount = { owned: 0, toRemove: 0, toMark: 0 }
      return
    }
    const protectedObjects = await ctx.tx.findOwned(plan.type.id, ctx.importSourceId, [
      ...state.protectedIdentities,
    ])
    for (const o of protectedObjects) state.seenIds.add(o.id)
    let unseen = table ? unseenOf(table, state) : null
    let everySeen: number | null
    if (table && unseen) everySeen = unseen.length === 0 ? table.size + state.result.objectsCreated : null
    else everySeen = await ownedIfEverySeen(ctx, state)
    // Most of the type unseen (a small full read into a large type): reading every owned object in pages costs the
    // database less than probing each unseen one (docs/benchmarks.md, issue 11 seventh pass).
    if (table && unseen && unseen.length * 2 > table.size) unseen = null
    if (everySeen !== null) {
      // Nothing is missing (a first load, a re-import of the whole source): no owned object is read.
      state.guardCount = {
        owned: Math.max(0, everySeen - state.result.objectsCreated),
        toRemove: 0,
        toMark: 0,
      }
      return
    }
    const guard =
      guardActive(ctx.deleteGuard?.setting) && setting.policy !== 'IGNORE' ? ctx.deleteGuard! : null
    // Removals are counted exactly before any is done: over the guard, none of their work is done (the execution
    // is held and rolls back). A dry run does the work anyway: its plan lists the removals.
    if (guard && setting.policy === 'REMOVE' && !ctx.dryRun) {
      const count = unseen ? await countDueOf(ctx, state, table!.size, unseen) : await countDue(ctx, state)
      const counted = { ...count, toMark: 0, objectTypeId: plan.type.id, objectTypeName: plan.type.name }
      if (judge(guard, counted).over) {
        state.guardCount = { owned: count.owned, toRemove: count.toRemove, toMark: 0 }
        return
      }
    }
    let after = ''
    let owned = 0
    let next = 0
    for (;;) {
      await breathe()
      let missing: OwnedMissing[]
      if (unseen) {
        // The unseen objects in the table's (identity) order, a page at a time.
        if (next >= unseen.length) break
        missing = await missingRows(ctx, state, unseen.slice(next, next + PAGE), setting.policy === 'REMOVE')
        next += PAGE
      } else {
        const page = await ctx.tx.ownedPage(plan.type.id, ctx.importSourceId, after, PAGE)
        if (page.length === 0) break
        owned += page.length
        after = page[page.length - 1]!.identity
        missing = page.filter((o) => !state.seenIds.has(o.id))
      }
      if (missing.length === 0) continue
      const tracked = missing.map((o) => ({
        ...o,
        missing_runs: o.missing_runs + 1,
        missing_since: o.missing_since ?? ctx.now,
      }))
      const due = tracked.filter((o) => isDue(ctx, setting, o))
      if (setting.policy === 'REMOVE' && due.length) await remove(ctx, state, due)
      else if (setting.policy === 'UPDATE' && due.length) await update(ctx, state, due)
      const removed = setting.policy === 'REMOVE' ? new Set(due.map((o) => o.id)) : new Set<number>()
      await ctx.tx.updateMissing(
        tracked.filter((o) => !removed.has(o.id)).map((o) => [o.id, o.missing_since, o.missing_runs]),
      )
    }
    // What the type held before this execution: the pages were read before their own removals (keyset paging),
    // so `owned` is what the type holds after the writes; less the objects this execution created. The table holds
    // what it held.
    state.guardCount = {
      owned: unseen ? table!.size : Math.max(0, owned - state.result.objectsCreated),
      toRemove: state.result.objectsMissingDeleted,
      toMark: state.result.objectsMissingUpdated,
    }
  })
}

/**
 * The number of objects of the type the source owns, when this execution saw every one of them; else null (some
 * are missing: the pages tell which). The seen ids are the source's own objects of the type (created, matched by
 * identity, kept for a problem) unless precedence.matchObjectsOf let the execution match another source's: then
 * their number says nothing and null is the answer.
 */
async function ownedIfEverySeen(ctx: WriteContext, state: TypeState): Promise<number | null> {
  if ((ctx.provenance?.setting.matchObjectsOf ?? []).length > 0) return null
  const owned = await ctx.tx.countOwned(state.plan.type.id, ctx.importSourceId)
  return owned === state.seenIds.size ? owned : null
}

/** The ids of the table's objects this run did not see, in the table's order. */
function unseenOf(table: OwnedTable, state: TypeState): number[] {
  const out: number[] = []
  for (let e = 0; e < table.size; e++) {
    const id = table.id(e)
    if (!state.seenIds.has(id)) out.push(id)
  }
  return out
}

/**
 * The rows of unseen objects the source still owns, in the order of `ids`; `withStored`: with their stored values
 * (a REMOVE policy: what removing them needs, read in the same probe by primary key).
 */
async function missingRows(
  ctx: WriteContext,
  state: TypeState,
  ids: number[],
  withStored: boolean,
): Promise<OwnedMissing[]> {
  const rows = new Map<number, OwnedMissing>()
  for (const r of await ctx.tx.ownedByIds(state.plan.type.id, ctx.importSourceId, ids, withStored))
    rows.set(r.id, r)
  const out: OwnedMissing[] = []
  for (const id of ids) {
    const r = rows.get(id)
    if (r) out.push(r)
  }
  return out
}

/** countDue from the owned table: only the unseen objects' rows are read. */
async function countDueOf(
  ctx: WriteContext,
  state: TypeState,
  owned: number,
  unseen: number[],
): Promise<{ owned: number; toRemove: number }> {
  let toRemove = 0
  for (let i = 0; i < unseen.length; i += PAGE) {
    await breathe()
    for (const o of await ctx.tx.ownedByIds(
      state.plan.type.id,
      ctx.importSourceId,
      unseen.slice(i, i + PAGE),
    )) {
      const advanced = { missing_runs: o.missing_runs + 1, missing_since: o.missing_since ?? ctx.now }
      if (isDue(ctx, state.plan.missing, advanced)) toRemove++
    }
  }
  return { owned, toRemove }
}

/** Whether a missing object (its counters already advanced by this run) reached the threshold. */
function isDue(
  ctx: WriteContext,
  setting: TypeState['plan']['missing'],
  o: { missing_since: string; missing_runs: number },
): boolean {
  return setting.thresholdType === 'DAYS'
    ? Date.parse(ctx.now) - Date.parse(o.missing_since) >= setting.threshold * DAY_MS
    : o.missing_runs >= Math.max(1, setting.threshold)
}

/** The guard's count before any work: the objects the type held before the run, and how many are due now. */
async function countDue(ctx: WriteContext, state: TypeState): Promise<{ owned: number; toRemove: number }> {
  let after = ''
  let owned = 0
  let toRemove = 0
  for (;;) {
    await breathe()
    const page = await ctx.tx.ownedPage(state.plan.type.id, ctx.importSourceId, after, PAGE)
    if (page.length === 0) break
    owned += page.length
    after = page[page.length - 1]!.identity
    for (const o of page) {
      if (state.seenIds.has(o.id)) continue
      const advanced = { missing_runs: o.missing_runs + 1, missing_since: o.missing_since ?? ctx.now }
      if (isDue(ctx, state.plan.missing, advanced)) toRemove++
    }
  }
  return { owned: Math.max(0, owned - state.result.objectsCreated), toRemove }
}

/**
 * Removes due missing objects, set-based: their rows, value-index keys and references in a few statements per page,
 * and each one's full before-image (values, reference targets, label, identity, inbound references: enough to put it
 * back when the execution is reverted) written from the row's stored values text as it is — spliced with its
 * reference targets, not decoded into values and serialised again. Only the attributes that keep index rows are read
 * out of it (their keys are deleted).
 */
async function remove(
  ctx: WriteContext,
  state: TypeState,
  due: { id: number; object_key: string; identity: string; stored?: StoredValues }[],
): Promise<void> {
  const ids = due.map((o) => o.id)
  // The stored values came with the rows (missingRows); the owned pages' rows (ownedPage) carry none.
  const unread = due.filter((o) => o.stored === undefined).map((o) => o.id)
  const stored = unread.length ? await ctx.tx.storedValues(unread) : new Map<number, StoredValues>()
  const refAttributes: number[] = []
  const indexed: AttributeDef[] = []
  for (const a of state.plan.allAttributes.values()) {
    if (a.kind === 'referenced_object') refAttributes.push(a.id)
    else if (keepsIndexRows(a)) indexed.push(a)
  }
  const targets = new Map<number, Record<string, number[]>>()
  for (const r of refAttributes.length ? await ctx.tx.references(ids, refAttributes) : []) {
    let own = targets.get(r.object_id)
    if (!own) targets.set(r.object_id, (own = {}))
    ;(own[r.attribute_id] ??= []).push(r.target_object_id)
  }
  // The references other objects have to them go with them (the foreign key's cascade): kept for a revert.
  const inbound = new Map<number, [number, number, number][]>()
  const referring = new Set<number>()
  for (const r of await ctx.tx.referrers(ids)) {
    let list = inbound.get(r.target_object_id)
    if (!list) inbound.set(r.target_object_id, (list = []))
    list.push([r.object_id, r.attribute_id, r.position])
    referring.add(r.object_id)
  }
  const keys: Tuple[] = []
  for (const o of due) {
    const row = o.stored ?? stored.get(o.id)!
    if (indexed.length) {
      const values = JSON.parse(row.values) as Record<string, CanonicalValue[] | undefined>
      for (const attr of indexed) {
        const vals = values[attr.id]
        if (vals) removeIndexRows(keys, attr, o.id, vals)
      }
    }
    await ctx.log.recordJson(
      state.plan.type.id,
      'delete',
      {
        objectId: o.id,
        key: o.object_key,
        before: beforeImage(row.values, targets.get(o.id)),
        after: null,
        object: {
          label: row.label,
          identity: o.identity,
          ...(inbound.has(o.id) ? { inbound: inbound.get(o.id)! } : {}),
        },
      },
      ctx.planning
        ? () => ({
            operation: 'delete',
            objectKey: o.object_key,
            identity: null,
            differences: {},
          })
        : undefined,
    )
  }
  // The objects that referred to them are marked changed (the next import re-reads their entries): they are the
  // referrers just read, marked by id. markReferrersDirty searched object_reference for them again (`update … where
  // id in (subquery)`): ~4 µs more of PostgreSQL's CPU per removal (docs/benchmarks.md, issue 11 seventh pass,
  // round 2).
  if (referring.size) await ctx.tx.markDirty([...referring].sort((a, b) => a - b))
  await ctx.tx.deleteIndexKeys(keys)
  await ctx.tx.deleteObjects(ids)
  state.result.objectsMissingDeleted += ids.length
}

/**
 * A removal's before-image as JSON text: the stored values (`{"<attributeId>": [values…]}`, encodeValues) with the
 * reference targets' members after them — what `{...decodeValues(values), ...targets}` serialises to, parsed (a
 * member named twice parses to its last value, as the spread keeps the targets'). A stored text that is not a plain
 * object is decoded and serialised instead.
 */
export function beforeImage(values: string, targets: Record<string, number[]> | undefined): string {
  const text = values.trim()
  if (!text.startsWith('{') || !text.endsWith('}')) return JSON.stringify({ ...JSON.parse(text), ...targets })
  if (targets === undefined) return text
  const refs = JSON.stringify(targets)
  if (refs === '{}') return text
  const inner = text.slice(1, -1).trim()
  return inner === '' ? refs : `{${inner},${refs.slice(1)}`
}

async function update(
  ctx: WriteContext,
  state: TypeState,
  due: { id: number; object_key: string; missing_since: string; missing_runs: number }[],
): Promise<void> {
  const setting = state.plan.missing
  const attr = [...state.plan.allAttributes.values()].find(
    (a) =>
      a.externalId === setting.attributeExternalId ||
      a.name.toLowerCase() === (setting.attributeName ?? '').toLowerCase(),
  )
  if (!attr || setting.value === null) return
  const coerced = coerceValue(
    attr.kind,
    setting.value,
    attr.kind === 'select' ? { allowedValues: attr.allowedValues } : {},
  )
  if (!coerced.ok) return
  const stored = await ctx.tx.storedValues(due.map((o) => o.id))
  const updates: Tuple[] = []
  const removeKeys: Tuple[] = []
  for (const o of due) {
    const s = stored.get(o.id)!
    const values = decodeValues(s.values)
    const prev = values.get(attr.id) ?? []
    if (prev.length === 1 && prev[0] === coerced.value) continue
    values.set(attr.id, [coerced.value])
    // The label is the label attribute's first value (what AQL reads for it when it keeps no index rows).
    const label = attr.label ? valueText(coerced.value) : s.label
    updates.push([
      o.id,
      label,
      `missing:${o.id}`,
      encodeValues(values, () => false),
      ctx.now,
      o.missing_since,
      o.missing_runs,
      foldCase(label),
      ctx.provenance ? ctx.provenance.written(s, [attr.id]) : s.provenance,
    ])
    removeIndexRows(removeKeys, attr, o.id, prev)
    addIndexRows(ctx.tx, attr, o.id, [coerced.value])
    state.result.objectsMissingUpdated++
    await ctx.log.record(
      state.plan.type.id,
      'missing-update',
      {
        objectId: o.id,
        key: o.object_key,
        before: { [attr.id]: prev },
        after: { [attr.id]: [coerced.value] },
      },
      ctx.planning
        ? () => ({
            operation: 'missing-update',
            objectKey: o.object_key,
            identity: null,
            differences: { [attr.name]: { before: prev, after: [coerced.value] } },
          })
        : undefined,
    )
  }
  await ctx.tx.updateObjects(updates)
  await ctx.tx.deleteIndexKeys(removeKeys)
  await ctx.tx.flushIndex()
}
