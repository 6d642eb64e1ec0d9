/**
 * The decide phase: which entries of a batch create an object, which may update one, which are identical.
 *
 * The owned objects are found first and hashes compared; only the entries that create or may update an object are
 * then checked for unique values (unique-values.ts): an entry whose hash equals its object's holds exactly the values
 * the object already holds, and writes none. The check may drop values (DROP_VALUE) or entries (SKIP_ENTRY);
 * `settle` then hashes the entries it changed again, so that an entry whose values the same drop removed on the
 * earlier run compares equal to what that run stored.
 */
import { isVersion1ContentHash } from '../domain/schema/content-hash.js'
import { decodeValues } from '../domain/schema/stored-values.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import { entryContentHash, hasSource, version1ContentHash, type MappedEntry } from './map-entry.js'
import { NOT_OWNED, OwnedTable } from './owned-table.js'
import type { OwnedObject, OwnedRow, StoredValues, Tuple } from './ports.js'
import type { TypeState, WriteContext } from './run-context.js'
import type { TypePlan } from './type-plan.js'
import { hashPart, withSource } from './source-fingerprint.js'

export interface Decided {
  creates: { e: MappedEntry; hash: string }[]
  /**
   * Owned objects whose hash differs: their stored values are compared attribute by attribute. `owned` holds them
   * already when decide read the object by id (OwnedRow); the update phase reads the others'.
   */
  candidates: { e: MappedEntry; hash: string; id: number; key: string; owned: OwnedObject | OwnedRow }[]
  /** Identical objects whose missing counters must be reset (HashUpdate tuples). */
  hashOnly: Tuple[]
  /** The entries that create or may update an object, in batch order: what the unique check looks at. */
  writing: MappedEntry[]
}

/** The hash an import stores: what this mapping contributes, so an unchanged entry is found without reading values. */
export function entryHash(plan: TypePlan, e: MappedEntry): string {
  return entryContentHash(plan, e)
}

/**
 * The batch's identities among the objects the source owns, then a hash compare. A full read answers from the owned
 * table (owned-table.ts), read by the type's first batch: an entry it finds with the same hash is identical, one it
 * does not find creates, one it finds with another hash has its object read by the id the table holds (with the
 * values the update phase needs), and only the rest (not decidable from the table) are looked up by identity in one
 * batched query. Otherwise every identity is looked up.
 */
export async function decideBatch(
  ctx: WriteContext,
  state: TypeState,
  batch: MappedEntry[],
): Promise<Decided> {
  const { plan } = state
  const decided: Decided = { creates: [], candidates: [], hashOnly: [], writing: [] }
  // A first load into a type the source owns nothing of: every entry creates (repeats were dropped while mapping).
  state.ownedAtStart ??= await ctx.tx.hasOwned(plan.type.id, ctx.importSourceId)
  const others = ctx.provenance?.setting.matchObjectsOf ?? []
  if (!state.ownedAtStart && others.length === 0) {
    for (const e of batch) decided.creates.push({ e, hash: '' })
    decided.writing = batch
    return decided
  }
  if (state.ownedAtStart && ctx.wholeSource && state.ownedTable === undefined)
    state.ownedTable = await OwnedTable.read(
      ctx.tx,
      plan.type.id,
      ctx.importSourceId,
      ctx.inputEnded ? batch.length : null,
    )
  const table = state.ownedAtStart ? (state.ownedTable ?? null) : null
  // The entries left to decide, and the identities to look up among the source's objects.
  let rest = batch
  let ask = state.ownedAtStart ? batch.map((e) => e.identity) : []
  // Changed entries the table found, and their objects' ids: read by id (the primary key), not by identity.
  const changed: MappedEntry[] = []
  const changedIds: number[] = []
  if (table) {
    rest = []
    ask = []
    for (const e of batch) {
      const at = table.find(e.identity)
      if (at >= 0 && table.exact(at)) {
        const hash = entryHash(plan, e)
        if (table.sameHash(at, hash)) {
          const id = table.id(at)
          state.seenIds.add(id)
          state.result.objectsIdentical++
          // Its missing counters reset; and the entry's source fingerprint stored when the object has another (or
          // none: written before fingerprints, or under another mapping), so that the next import skips mapping it.
          if (table.missing(at) || (hasSource(e) && !table.sameSource(at, e.sourceLow, e.sourceHigh)))
            decided.hashOnly.push([id, withSource(hash, e.sourceLow, e.sourceHigh), null, 0])
          continue
        }
        changed.push(e)
        changedIds.push(table.id(at))
      } else if (at !== NOT_OWNED) {
        // ASK, or a stored hash the table did not keep exactly (version 1, `~`): by identity, no values read yet
        // (a version 1 hash is often identical all the same).
        ask.push(e.identity)
      }
      // NOT_OWNED creates (exact: owned-table.ts).
      rest.push(e)
    }
  }
  const byIdentity = new Map<string, OwnedObject | OwnedRow>()
  if (changedIds.length) {
    // One read of each changed object: decide's columns and the values the update phase compares (writeUpdates
    // reads no row of these again). The row is the entry's object only if its identity is the entry's — a
    // fingerprint is not proof (owned-table.ts); an entry whose row says otherwise, or that the source no longer
    // owns, is looked up by identity as before.
    const rows = new Map(
      (await ctx.tx.ownedRowsByIds(plan.type.id, ctx.importSourceId, changedIds)).map((r) => [r.id, r]),
    )
    for (let i = 0; i < changed.length; i++) {
      const e = changed[i]!
      const row = rows.get(changedIds[i]!)
      if (row !== undefined && row.identity === e.identity) byIdentity.set(e.identity, row)
      else ask.push(e.identity)
    }
  }
  if (ask.length)
    for (const o of await ctx.tx.findOwned(plan.type.id, ctx.importSourceId, ask))
      byIdentity.set(o.identity, o)
  // precedence.matchObjectsOf: identities this source owns no object of may match another source's (provenance.md).
  for (const other of others) await matchOthers(ctx, plan.type.id, other, rest, byIdentity)
  for (const e of rest) {
    const o = byIdentity.get(e.identity)
    if (!o) {
      decided.creates.push({ e, hash: '' })
      decided.writing.push(e)
      continue
    }
    state.seenIds.add(o.id)
    const hash = entryHash(plan, e)
    if (compareStored(state, decided, plan, o, e, hash)) continue
    decided.candidates.push({ e, hash, id: o.id, key: o.object_key, owned: o })
    decided.writing.push(e)
  }
  return decided
}

/**
 * After the unique check and new options: drops the entries the check skipped, hashes the creates, and hashes again
 * the candidates whose values changed since (a dropped value, an option's spelling) — one that now equals its
 * stored object is identical.
 */
export function settle(state: TypeState, decided: Decided, skipped: ReadonlySet<MappedEntry>): Decided {
  const { plan } = state
  const out: Decided = { creates: [], candidates: [], hashOnly: decided.hashOnly, writing: [] }
  // The creates are decided's own, hashed in place (their hash was left empty until now).
  if (skipped.size === 0) out.creates = decided.creates
  else for (const c of decided.creates) if (!skipped.has(c.e)) out.creates.push(c)
  for (const c of out.creates) c.hash = entryHash(plan, c.e)
  for (const c of decided.candidates) {
    if (skipped.has(c.e)) continue
    if (c.e.hash !== null) {
      out.candidates.push(c)
      continue
    }
    const hash = entryHash(plan, c.e)
    if (!compareStored(state, out, plan, c.owned, c.e, hash)) out.candidates.push({ ...c, hash })
  }
  return out
}

/** Decoded stored values, kept for the object's row: decoded once for the unique check and the update phase. */
const decoded = new WeakMap<StoredValues, Map<number, CanonicalValue[]>>()

/** An object's stored values by attribute (object.attribute_values), decoded once per row read. */
export function storedValueMap(s: StoredValues): Map<number, CanonicalValue[]> {
  let values = decoded.get(s)
  if (values === undefined) decoded.set(s, (values = decodeValues(s.values)))
  return values
}

/**
 * What the objects of the batch's candidates hold, for the unique check: the stored values of the candidates decide
 * read by id (OwnedRow), by entry; undefined for an entry whose object's values were not read (they are asked).
 */
export function heldValuesOf(
  decided: Decided,
): (e: MappedEntry) => ReadonlyMap<number, readonly CanonicalValue[]> | undefined {
  const rows = new Map<MappedEntry, StoredValues>()
  for (const c of decided.candidates) if ('stored' in c.owned) rows.set(c.e, c.owned.stored)
  if (rows.size === 0) return () => undefined
  return (e) => {
    const s = rows.get(e)
    return s === undefined ? undefined : storedValueMap(s)
  }
}

/** Whether the entry is identical to its stored object (counted, and its missing counters reset when set). */
function compareStored(
  state: TypeState,
  decided: Decided,
  plan: TypePlan,
  o: OwnedObject,
  e: MappedEntry,
  hash: string,
): boolean {
  // The stored hash without the source fingerprint it may carry (source-fingerprint.ts).
  if (hashPart(o.content_hash) === hash) {
    state.result.objectsIdentical++
    const stored = withSource(hash, e.sourceLow, e.sourceHigh)
    if (o.missing_runs > 0 || stored !== o.content_hash) decided.hashOnly.push([o.id, stored, null, 0])
    return true
  }
  if (isVersion1ContentHash(o.content_hash) && o.content_hash === version1ContentHash(plan, e)) {
    // Stored by an import before hash version 2: unchanged all the same. Its hash is brought to version 2 once,
    // so that the next import finds it equal without this second hash.
    state.result.objectsIdentical++
    decided.hashOnly.push([o.id, withSource(hash, e.sourceLow, e.sourceHigh), null, 0])
    return true
  }
  return false
}

async function matchOthers(
  ctx: WriteContext,
  typeId: number,
  sourceId: string,
  batch: MappedEntry[],
  byIdentity: Map<string, OwnedObject | OwnedRow>,
): Promise<void> {
  const wanted = batch.filter((e) => !byIdentity.has(e.identity)).map((e) => e.identity)
  if (wanted.length === 0 || sourceId === ctx.importSourceId) return
  for (const o of await ctx.tx.findOwned(typeId, sourceId, wanted))
    if (!byIdentity.has(o.identity)) byIdentity.set(o.identity, o)
}
