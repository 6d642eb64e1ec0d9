/**
 * `unique` attributes: a value already held by another object of the type (stored, or given to an earlier entry of
 * this execution) is not written twice. It is an entry problem of that attribute, handled as the source's
 * entryProblems setting says (drop the value, drop the entry, or fail the execution).
 *
 * Only entries that create or may update an object are checked (decide.ts): an unchanged entry holds exactly the
 * values its object already holds and writes none of them. A map of this batch's values answers for the batch
 * itself; the database answers for stored objects and for earlier batches of the run — unless the run needs it for
 * neither:
 * - The run keeps a 64-bit hash of each value it kept (TextHashes, ~16 bytes a value) when the attribute had no
 *   value rows at the start of the run (a first load into an empty type, both databases) or when the store lets its
 *   index rows wait in the stage (ImportTx.stagesUniqueIndex, SQLite). While no value of a batch is among them, no
 *   earlier batch can hold one.
 * - With no value rows at the start, nothing else can hold a value either: the database is asked only about the
 *   values a batch may repeat (a duplicate in the source, or a rare hash collision), which it answers exactly.
 * - Staged rows are invisible to the database: the first batch that may repeat a value makes the attribute direct —
 *   its staged rows move into object_value, where the database then finds them — for the rest of the run.
 * - A value a changed entry's own object already holds (decide read the object's values by id) is not asked: keeping
 *   it writes nothing another object could conflict with (decision 0014), and a changed entry keeps most of its
 *   unique values. A duplicate stored before (decision 0011) is then reported when an entry gives the value to an
 *   object that does not hold it, not when an entry that keeps it changes.
 */
import { foldCase } from '../domain/aql/compare.js'
import { valueText } from '../domain/schema/content-hash.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import type { EntryProblem } from './engine-types.js'
import { EntryProblemFailure, entryLocation, setMappedValues, type MappedEntry } from './map-entry.js'
import type { TypeState, UniqueRunValues, WriteContext } from './run-context.js'
import { textHashesInto, TextHashes } from './seen-sets.js'
import type { TypePlan } from './type-plan.js'

/**
 * The values the object of an entry already holds, by attribute (what decide read of a changed entry's object), or
 * undefined when they were not read.
 */
export type HeldValues = (e: MappedEntry) => ReadonlyMap<number, readonly CanonicalValue[]> | undefined

const NOTHING_HELD: HeldValues = () => undefined

/** The unique attributes of a plan whose values are checked (references are checked as their targets). */
export function uniqueAttributes(plan: TypePlan): TypePlan['attributes'] {
  return plan.attributes.filter((a) => a.attribute.unique && a.attribute.kind !== 'referenced_object')
}

/**
 * Checks the unique values of the entries that create or may update an object (DROP_VALUE drops values in place);
 * answers the entries SKIP_ENTRY leaves out.
 */
export async function enforceUnique(
  ctx: WriteContext,
  state: TypeState,
  batch: MappedEntry[],
  heldByObjects: HeldValues = NOTHING_HELD,
): Promise<Set<MappedEntry>> {
  const { plan } = state
  const skipped = new Set<MappedEntry>()
  const unique = uniqueAttributes(plan)
  if (unique.length === 0 || batch.length === 0) return skipped
  const withProblem = new Set<MappedEntry>()
  for (const { attribute } of unique) {
    const run = await runValues(ctx, state, attribute.id)
    const values = batchValues(batch, attribute.id, skipped)
    const takenByOthers = await storedConflicts(ctx, run, attribute.id, values, heldByObjects)
    const held = new BatchHolders(values)
    const { entries, lists, lows, highs } = values
    let at = 0
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!
      const list = lists[k]!
      // The values kept, made only once one is dropped (most entries drop none).
      let keep: CanonicalValue[] | null = null
      for (let j = 0; j < list.length; j++, at++) {
        const v = list[j]!
        const byOthers = takenByOthers.size > 0 && takenByOthers.has(claimKey(values.folded(at), e.identity))
        // A value new to the run's hashes is held by no entry of this batch: no map of the batch is needed.
        if (run.kept?.addHashes(lows[at]!, highs[at]!) === true && !byOthers) {
          keep?.push(v)
          held.add(at, e.identity)
          continue
        }
        const inBatch = held.holder(values.folded(at))
        // The entry's own object may hold it; any other object (stored, or written by an earlier batch) holds it.
        const taken = inBatch !== undefined ? inBatch !== e.identity : byOthers
        if (!taken) {
          keep?.push(v)
          held.add(at, e.identity)
          continue
        }
        const problem: EntryProblem = {
          objectTypeId: plan.type.id,
          location: entryLocation(e),
          code: 'UNIQUE_VALUE_TAKEN',
          message: `${attribute.name}: "${valueText(v)}" is unique and another object of ${plan.type.name} already has it; ${ctx.entryProblems === 'SKIP_ENTRY' ? 'the entry is skipped' : 'the value is dropped'}`,
          attribute: attribute.name,
          value: valueText(v).slice(0, 200),
        }
        if (ctx.entryProblems === 'FAIL') throw new EntryProblemFailure(problem)
        ctx.problems.push(problem)
        withProblem.add(e)
        if (ctx.entryProblems === 'SKIP_ENTRY') skipped.add(e)
        keep ??= list.slice(0, j)
      }
      // A dropped value is not an empty value: the stored one stays, whatever emptyValues says.
      if (keep) setMappedValues(e, attribute.id, keep)
    }
  }
  state.result.entriesWithProblems += withProblem.size
  if (skipped.size === 0) return skipped
  state.result.entriesSkipped += skipped.size
  state.accepted -= skipped.size
  for (const e of skipped) state.protectedIdentities.add(e.identity)
  return skipped
}

/**
 * What the run knows of an attribute's values, settled at its first batch: whether it had value rows when the run
 * began (checked once, before this run wrote any), and the hashes of the values the run kept when that is what
 * answers (no rows at the start, or rows waiting in the stage).
 */
async function runValues(ctx: WriteContext, state: TypeState, attributeId: number): Promise<UniqueRunValues> {
  const known = state.uniqueValues.get(attributeId)
  if (known) return known
  // Switched unique while the type held values: the check reads index rows the background build may not have
  // written yet, so this run completes them first (indexed-attributes.ts).
  const attribute = state.plan.attributes.find((a) => a.attribute.id === attributeId)?.attribute
  if (attribute !== undefined && attribute.indexState !== 'ready') await ctx.tx.completeIndex(attribute)
  const emptyAtStart = !(await ctx.tx.hasIndexRows(attributeId))
  // Elsewhere the attribute was made direct before the run's first batch (run-import.ts).
  const staged = ctx.tx.stagesUniqueIndex
  const values: UniqueRunValues = {
    emptyAtStart,
    staged,
    kept: emptyAtStart || staged ? new TextHashes() : null,
  }
  state.uniqueValues.set(attributeId, values)
  return values
}

const claimKey = (folded: string, identity: string): string => `${identity}\u0000${folded}`

/**
 * One attribute's values in a batch's entries (those not skipped), in entry and value order: `lists[k]` holds the
 * values of `entries[k]`, and value `at` (counted across the lists) has the two hashes TextHashes keeps of its folded
 * text (foldCase) in `lows[at]` and `highs[at]`: each value is folded and hashed once, however many questions are
 * asked about it (the run's hashes, the database, the batch's map).
 */
class BatchValues {
  readonly entries: MappedEntry[] = []
  readonly lists: CanonicalValue[][] = []
  /** The folded text of each value (foldCase of valueText). */
  readonly texts: string[] = []
  lows: Int32Array = EMPTY
  highs: Int32Array = EMPTY

  folded(at: number): string {
    return this.texts[at]!
  }
}

const EMPTY = new Int32Array(0)

function batchValues(
  batch: MappedEntry[],
  attributeId: number,
  skipped: ReadonlySet<MappedEntry>,
): BatchValues {
  const out = new BatchValues()
  let count = 0
  for (const e of batch) {
    const values = e.values.get(attributeId)
    if (!values || values.length === 0 || skipped.has(e)) continue
    out.entries.push(e)
    out.lists.push(values)
    count += values.length
  }
  const lows = (out.lows = new Int32Array(count))
  const highs = (out.highs = new Int32Array(count))
  const texts = out.texts
  for (const list of out.lists)
    for (const v of list) {
      const folded = foldCase(typeof v === 'string' ? v : String(v))
      textHashesInto(folded, lows, highs, texts.length)
      texts.push(folded)
    }
  return out
}

/**
 * The values the entries of one batch kept, with the entry holding each: a list of positions while nobody asks,
 * made a map of folded texts by the first question (a value the run's hashes may already hold, or any value when
 * the run keeps no hashes).
 */
class BatchHolders {
  readonly #values: BatchValues
  readonly #list: (number | string)[] = []
  #map: Map<string, string> | null = null

  constructor(values: BatchValues) {
    this.#values = values
  }

  add(at: number, identity: string): void {
    if (this.#map) this.#map.set(this.#values.folded(at), identity)
    else this.#list.push(at, identity)
  }

  holder(folded: string): string | undefined {
    if (!this.#map) {
      this.#map = new Map()
      for (let i = 0; i < this.#list.length; i += 2)
        this.#map.set(this.#values.folded(this.#list[i] as number), this.#list[i + 1] as string)
    }
    return this.#map.get(folded)
  }
}

/**
 * The batch's values of one attribute that an object other than the entry's own holds (stored, or written by an
 * earlier batch), as claimKeys: at most one statement per batch, which answers only those.
 */
async function storedConflicts(
  ctx: WriteContext,
  run: UniqueRunValues,
  attributeId: number,
  values: BatchValues,
  held: HeldValues,
): Promise<Set<string>> {
  const claims = new Map<string, readonly [string, string]>()
  let repeats = false
  let at = 0
  const { entries, lists, lows, highs } = values
  const own = run.emptyAtStart ? null : ownValues(attributeId, values, held)
  for (let k = 0; k < entries.length; k++) {
    const identity = entries[k]!.identity
    for (let i = lists[k]!.length; i > 0; i--, at++) {
      const repeated = run.kept?.mayHaveHashes(lows[at]!, highs[at]!) ?? true
      repeats ||= repeated
      // With no value rows at the start, only a value the run may already have kept can be held by another object.
      if (run.emptyAtStart && !repeated) continue
      // A value the entry's own object already holds: the entry adds nothing another object could conflict with.
      if (own?.[at] === 1) continue
      const f = values.folded(at)
      const key = claimKey(f, identity)
      if (!claims.has(key)) claims.set(key, [f, identity])
    }
  }
  const taken = new Set<string>()
  if (run.staged && repeats) {
    // An earlier batch's object holding the value must be found in object_value.
    await ctx.tx.indexDirect(attributeId)
    run.staged = false
    if (!run.emptyAtStart) run.kept = null
  }
  if (claims.size === 0) return taken
  const list = [...claims.values()]
  for (const i of await ctx.tx.takenUniqueValues(attributeId, ctx.importSourceId, list)) {
    const [folded, identity] = list[i]!
    taken.add(claimKey(folded, identity))
  }
  return taken
}

/**
 * Which of the batch's values (1 at their position) the entry's own object already holds, among its stored values
 * decide read: keeping a value adds nothing for another object to conflict with, so it is not asked (decision 0014).
 * Null when no value of the batch is one.
 */
function ownValues(attributeId: number, values: BatchValues, held: HeldValues): Uint8Array | null {
  let own: Uint8Array | null = null
  let at = 0
  const { entries, lists } = values
  for (let k = 0; k < entries.length; k++) {
    const n = lists[k]!.length
    const stored = held(entries[k]!)?.get(attributeId)
    if (stored !== undefined && stored.length > 0)
      for (let i = 0; i < n; i++) {
        const f = values.folded(at + i)
        for (const v of stored)
          if (foldCase(typeof v === 'string' ? v : String(v)) === f) {
            ;(own ??= new Uint8Array(values.texts.length))[at + i] = 1
            break
          }
      }
    at += n
  }
  return own
}
