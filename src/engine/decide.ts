/** The decide phase: which entries of a batch create an object, which may update one, which are identical. */
import { isVersion1ContentHash } from '../domain/schema/content-hash.js'
import { entryContentHash, version1ContentHash, type MappedEntry } from './map-entry.js'
import type { OwnedObject, Tuple } from './ports.js'
import type { TypeState, WriteContext } from './run-context.js'
import type { TypePlan } from './type-plan.js'

export interface Decided {
  creates: { e: MappedEntry; hash: string }[]
  /** Owned objects whose hash differs: their stored values are compared attribute by attribute. */
  candidates: { e: MappedEntry; hash: string; id: number; key: string }[]
  /** Identical objects whose missing counters must be reset (HashUpdate tuples). */
  hashOnly: Tuple[]
}

/** The hash an import stores: what this mapping contributes, so an unchanged entry is found without reading values. */
export function entryHash(plan: TypePlan, e: MappedEntry): string {
  return entryContentHash(plan, e)
}

/** One batched lookup of the batch's identities among the objects the source owns, then a hash compare. */
export async function decideBatch(
  ctx: WriteContext,
  state: TypeState,
  batch: MappedEntry[],
): Promise<Decided> {
  const { plan, result } = state
  const hashes = batch.map((e) => entryHash(plan, e))
  const decided: Decided = { creates: [], candidates: [], hashOnly: [] }
  // A first load into a type the source owns nothing of: every entry creates (repeats were dropped while mapping).
  state.ownedAtStart ??= await ctx.tx.hasOwned(plan.type.id, ctx.importSourceId)
  const others = ctx.provenance?.setting.matchObjectsOf ?? []
  if (!state.ownedAtStart && others.length === 0) {
    batch.forEach((e, i) => decided.creates.push({ e, hash: hashes[i]! }))
    return decided
  }
  const owned = state.ownedAtStart
    ? await ctx.tx.findOwned(
        plan.type.id,
        ctx.importSourceId,
        batch.map((e) => e.identity),
      )
    : []
  const byIdentity = new Map(owned.map((o) => [o.identity, o]))
  // precedence.matchObjectsOf: identities this source owns no object of may match another source's (provenance.md).
  for (const other of others) await matchOthers(ctx, plan.type.id, other, batch, byIdentity)
  batch.forEach((e, i) => {
    const o = byIdentity.get(e.identity)
    const hash = hashes[i]!
    if (!o) return void decided.creates.push({ e, hash })
    state.seenIds.add(o.id)
    if (o.content_hash === hash) {
      result.objectsIdentical++
      if (o.missing_runs > 0) decided.hashOnly.push([o.id, hash, null, 0])
    } else if (isVersion1ContentHash(o.content_hash) && o.content_hash === version1ContentHash(plan, e)) {
      // Stored by an import before hash version 2: unchanged all the same. Its hash is brought to version 2 once,
      // so that the next import finds it equal without this second hash.
      result.objectsIdentical++
      decided.hashOnly.push([o.id, hash, null, 0])
    } else decided.candidates.push({ e, hash, id: o.id, key: o.object_key })
  })
  return decided
}

async function matchOthers(
  ctx: WriteContext,
  typeId: number,
  sourceId: string,
  batch: MappedEntry[],
  byIdentity: Map<string, OwnedObject>,
): Promise<void> {
  const wanted = batch.filter((e) => !byIdentity.has(e.identity)).map((e) => e.identity)
  if (wanted.length === 0 || sourceId === ctx.importSourceId) return
  for (const o of await ctx.tx.findOwned(typeId, sourceId, wanted))
    if (!byIdentity.has(o.identity)) byIdentity.set(o.identity, o)
}
