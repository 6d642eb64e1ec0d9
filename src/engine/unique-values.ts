/**
 * `unique` attributes: a value already held by another object of the type (stored, or given to an earlier entry of
 * this execution) is not written twice. It is an entry problem of that attribute, handled as the source's
 * entryProblems setting says (drop the value, drop the entry, or fail the execution).
 *
 * The database answers for stored objects and for every earlier batch of the run, and a map of this batch's values
 * answers for the batch itself. Where the store lets the index rows of unique attributes wait in the stage
 * (ImportTx.stagesUniqueIndex, SQLite), the run keeps a hash of each value it kept (TextHashes, ~16 bytes a value):
 * while no value of a batch is among them, no earlier batch can hold one, and object_value (stored objects) answers
 * alone. The first batch that repeats one (a duplicate in the source, or a rare hash collision) makes the attribute
 * direct — its staged rows move into object_value, where the database then finds them — for the rest of the run.
 */
import { foldCase } from '../domain/aql/compare.js'
import { valueText } from '../domain/schema/content-hash.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import type { EntryProblem } from './engine-types.js'
import { EntryProblemFailure, setMappedValues, type MappedEntry } from './map-entry.js'
import type { TypeState, WriteContext } from './run-context.js'
import type { TypePlan } from './type-plan.js'

/** The unique attributes of a plan whose values are checked (references are checked as their targets). */
export function uniqueAttributes(plan: TypePlan): TypePlan['attributes'] {
  return plan.attributes.filter((a) => a.attribute.unique && a.attribute.kind !== 'referenced_object')
}

/** Answers the entries of the batch that are still to be written (SKIP_ENTRY leaves some out). */
export async function enforceUnique(
  ctx: WriteContext,
  state: TypeState,
  batch: MappedEntry[],
): Promise<MappedEntry[]> {
  const { plan } = state
  const unique = uniqueAttributes(plan)
  if (unique.length === 0) return batch
  const skipped = new Set<MappedEntry>()
  const withProblem = new Set<MappedEntry>()
  for (const { attribute } of unique) {
    /** Folded value → identity of the entry of this batch that holds it. */
    const held = new Map<string, string>()
    const takenByOthers = await storedConflicts(ctx, state, attribute.id, batch)
    // Read after storedConflicts, which may have made the attribute direct.
    const staged = state.uniqueStaged.get(attribute.id)
    for (const e of batch) {
      const values = e.values.get(attribute.id)
      if (!values || skipped.has(e)) continue
      const keep: CanonicalValue[] = []
      for (const v of values) {
        const folded = foldCase(valueText(v))
        const inBatch = held.get(folded)
        const taken =
          inBatch !== undefined
            ? inBatch !== e.identity
            : // The entry's own object may hold it; any other object (stored, or written by an earlier batch) holds it.
              takenByOthers.has(claimKey(folded, e.identity))
        if (!taken) {
          keep.push(v)
          held.set(folded, e.identity)
          staged?.add(folded)
          continue
        }
        const problem: EntryProblem = {
          objectTypeId: plan.type.id,
          location: e.location,
          code: 'UNIQUE_VALUE_TAKEN',
          message: `${attribute.name}: "${valueText(v)}" is unique and another object of ${plan.type.name} already has it; ${ctx.entryProblems === 'SKIP_ENTRY' ? 'the entry is skipped' : 'the value is dropped'}`,
          attribute: attribute.name,
          value: valueText(v).slice(0, 200),
        }
        if (ctx.entryProblems === 'FAIL') throw new EntryProblemFailure(problem)
        ctx.problems.push(problem)
        withProblem.add(e)
        if (ctx.entryProblems === 'SKIP_ENTRY') skipped.add(e)
      }
      // A dropped value is not an empty value: the stored one stays, whatever emptyValues says.
      if (keep.length === values.length) continue
      setMappedValues(e, attribute.id, keep)
    }
  }
  state.result.entriesWithProblems += withProblem.size
  if (skipped.size === 0) return batch
  state.result.entriesSkipped += skipped.size
  state.accepted -= skipped.size
  for (const e of skipped) state.protectedIdentities.add(e.identity)
  return batch.filter((e) => !skipped.has(e))
}

const claimKey = (folded: string, identity: string): string => `${identity}\u0000${folded}`

/**
 * The batch's values of one attribute that an object other than the entry's own holds (stored, or written by an
 * earlier batch), as claimKeys: one statement per batch, which answers only those. Objects of earlier batches of
 * the run are found once the attribute's index rows are direct.
 */
async function storedConflicts(
  ctx: WriteContext,
  state: TypeState,
  attributeId: number,
  batch: MappedEntry[],
): Promise<Set<string>> {
  const claims = new Map<string, readonly [string, string]>()
  for (const e of batch) {
    const values = e.values.get(attributeId)
    if (!values) continue
    for (const v of values) {
      const folded = foldCase(valueText(v))
      const key = claimKey(folded, e.identity)
      if (!claims.has(key)) claims.set(key, [folded, e.identity])
    }
  }
  await directWhenRepeated(ctx, state, attributeId, claims.values())
  const list = [...claims.values()]
  const taken = new Set<string>()
  for (const i of await ctx.tx.takenUniqueValues(attributeId, ctx.importSourceId, list)) {
    const [folded, identity] = list[i]!
    taken.add(claimKey(folded, identity))
  }
  return taken
}

/**
 * An attribute whose index rows wait in the stage becomes direct as soon as a batch may repeat a value the run
 * kept: the earlier batch's object holding it must be found in object_value.
 */
async function directWhenRepeated(
  ctx: WriteContext,
  state: TypeState,
  attributeId: number,
  claims: Iterable<readonly [string, string]>,
): Promise<void> {
  const staged = state.uniqueStaged.get(attributeId)
  if (!staged) return
  for (const [folded] of claims) {
    if (!staged.mayHave(folded)) continue
    await ctx.tx.indexDirect(attributeId)
    state.uniqueStaged.delete(attributeId)
    return
  }
}
