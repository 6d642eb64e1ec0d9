/**
 * The read + map stage: each chunk's entries, per mapped type, through selector → condition → map → AQL filter →
 * duplicate check into the type's batch; a full batch goes to the write stage (flushType).
 */
import { matchesAql } from '../domain/aql/evaluate-memory.js'
import type { AqlResolver as RecordResolver } from '../domain/aql/record.js'
import { breathe } from './breathe.js'
import { droppedEntryProblem } from './dropped-entries.js'
import type { DataChunk } from './engine-types.js'
import { entryIdentity, mapEntry, mappedWeight } from './map-entry.js'
import { OwnedTable } from './owned-table.js'
import { timed } from './result.js'
import type { Run, TypeState, WriteContext } from './run-context.js'
import { entriesForMapping, objectsRoot, type SelectorProblem } from './selector.js'
import { planSeed, sourceFingerprint } from './source-fingerprint.js'
import { writeSkippedHashes } from './type-writer.js'

export const BATCH = 5000
/**
 * Entries per batch on SQLite. A batch's mapped entries live until it is written: a batch no larger than the chunks
 * it is mapped from (file imports: FILE_BATCH_SIZE, 1,000) lets them die young — written before the connector parses
 * the next chunk. Measured in process (bench/read-map-only.ts, 200,000 rows, entries released once mapped): chunk
 * 1,000 / batch 1,000 promoted 27–32 MB where 5,000 / 2,000 promoted 30–120 MB with V8's 16 MB semi-spaces and ~245
 * MB with the server's 4 MB (docs/benchmarks.md, issue 11 tenth pass, mapgc2); the ninth pass (gcmap) measured a
 * first load at 1M at 1,000 as fast as at 2,000. PostgreSQL keeps 5,000: each batch costs it round trips and COPYs,
 * and 1,000 measured slower there.
 */
export const SQLITE_BATCH = 1000
/** Characters of mapped text per batch at most (wide text values would otherwise make a batch of 5,000 huge). */
const BATCH_TEXT_BUDGET = 8 * 1024 * 1024
const NO_RESOLVER: RecordResolver = { get: () => undefined, inbound: () => [], outbound: () => [] }
/**
 * Owned objects up to which the owned table is read before the type's first entry is mapped, so that entries are
 * skipped from the first on; above, the decide phase of the first batch reads it (and may decline to: owned-table.ts)
 * and entries are skipped from the second batch on.
 */
const EAGER_TABLE = BATCH
/** The entry's source fingerprint (source-fingerprint.ts): low and high words. */
const SOURCE = new Int32Array(2)

/** Maps one chunk into the types' batches; `flushType` writes a full batch (and checks for a cancel). */
export async function consumeChunk(
  run: Run,
  ctx: WriteContext,
  chunk: DataChunk,
  flushType: (state: TypeState) => Promise<void>,
): Promise<void> {
  const { problems, mapCtx } = run
  const releasable = run.input.releaseEntries === true ? releasableArrays(run, chunk) : null
  for (const state of run.states.values()) {
    const { plan, result } = state
    // Selecting the chunk's entries is part of reading (read = parse + select).
    const selectStart = performance.now()
    const selectorProblems: SelectorProblem[] = []
    const filter = run.filters.get(plan.type.id)
    const selected = entriesForMapping(
      chunk,
      plan.selector,
      plan.mapping.objectTypeExternalId,
      selectorProblems,
      run.rootOffsets,
      releasable?.get(state) ?? null,
    )
    // An entry whose source fingerprint its owned object carries is identical without being mapped. Not with a
    // selector filter: an AQL query may read the clock (now()).
    const fingerprints = filter === undefined
    const batchSize = ctx.tx.dialect === 'sqlite' ? SQLITE_BATCH : BATCH
    let mapStart = performance.now()
    result.readExternalDataTimeInMs += mapStart - selectStart
    if (fingerprints && !state.skipChecked && selected.length > 0) {
      await readTableEarly(ctx, state)
      mapStart = performance.now()
    }
    for (let i = 0; i < selected.length; i++) {
      // Taken out of the selection (and, when releasable, the chunk): held by this turn alone from here on.
      const entry = selected.take(i)
      result.entriesInSource++
      run.total++
      if (plan.condition && !plan.condition(entry)) {
        result.entriesFilteredByCondition++
        continue
      }
      mapCtx.statusNames = ctx.statusNames
      // With an owned table (a re-import) the fingerprint is made before mapping, to skip it; otherwise (a first
      // load) while mapping, from the values mapping reads.
      const table = fingerprints ? (state.ownedTable ?? null) : null
      const printed = table !== null && sourceFingerprint(plan, entry, mapCtx, SOURCE)
      if (printed) {
        const identity = entryIdentity(plan, entry, mapCtx)
        const at = identity === null ? -1 : table.find(identity)
        if (at >= 0 && table.sameSource(at, SOURCE[0]!, SOURCE[1]!)) {
          // Identical, as decide would find it after mapping (decide.ts): seen, counted, its missing counters reset.
          if (state.firstEntryKeys === undefined) state.firstEntryKeys = Object.keys(entry)
          const duplicate = mayBeDuplicate(state, identity!)
          if (duplicate && (duplicate === 'yes' || (await isEarlierDuplicate(ctx, state, identity!)))) {
            result.duplicateEnries++
            problems.push(
              droppedEntryProblem(plan, selected.location(i), { kind: 'duplicate', identity: identity! }),
            )
            continue
          }
          const id = table.id(at)
          state.seenIds.add(id)
          result.objectsIdentical++
          state.accepted++
          if (table.missing(at)) state.skippedHashes.push([id, table.storedHash(at), null, 0])
          if (++state.skippedSinceFlush >= BATCH) {
            result.mapExternalDataTimeInMs += performance.now() - mapStart
            await pauseAfterSkipped(run, ctx, state)
            mapStart = performance.now()
          }
          continue
        }
      }
      const low = SOURCE[0]!
      const high = SOURCE[1]!
      const before = problems.length
      const seed = fingerprints && table === null ? planSeed(plan, mapCtx) : null
      const outcome = mapEntry(plan, entry, selected.paths[i]!, mapCtx, seed, selected.indexes[i]!)
      if (outcome.kind === 'mapped') {
        const m = outcome.mapped
        // Stored with the object only when the entry mapped cleanly: one that reports a problem is mapped every time.
        if (problems.length > before || m.newOptions.size !== 0) m.sourceLow = m.sourceHigh = 0
        else if (printed) {
          m.sourceLow = low
          m.sourceHigh = high
        }
      }
      if (problems.length > before) result.entriesWithProblems++
      if (outcome.kind === 'emptyExternalId' || outcome.kind === 'emptyLabel') {
        if (outcome.kind === 'emptyExternalId') result.emptyExternalIdEntries++
        else result.emptyLabelEntries++
        problems.push(droppedEntryProblem(plan, selected.location(i), outcome))
      } else if (outcome.kind === 'skipped') result.entriesSkipped++
      if (state.firstEntryKeys === undefined) state.firstEntryKeys = Object.keys(entry)
      if ((outcome.kind === 'skipped' || outcome.kind === 'emptyLabel') && outcome.identity !== null) {
        state.protectedIdentities.add(outcome.identity)
      }
      if (outcome.kind !== 'mapped') continue
      const m = outcome.mapped
      if (filter) {
        const fStart = performance.now()
        const keep = matchesAql(
          filter,
          {
            id: 0,
            key: '',
            label: m.label,
            objectTypeId: plan.type.id,
            objectSchemaId: ctx.objectSchemaId,
            attributes: m.values,
            created: '',
            updated: '',
          },
          NO_RESOLVER,
        )
        const filterMs = performance.now() - fStart
        result.qlQueryFilteringTimeInMs += filterMs
        mapStart += filterMs // its own timer: not counted twice (map + filter) in executionTimeInMs
        if (!keep) {
          result.objectsFilteredWithQlQuery++
          continue
        }
      }
      // Most entries are answered without a query: awaited only then (an await per entry costs a promise and a
      // turn of the microtask queue each — measured 0.3–0.5 µs of every entry's map time).
      const duplicate = mayBeDuplicate(state, m.identity)
      if (duplicate && (duplicate === 'yes' || (await isEarlierDuplicate(ctx, state, m.identity)))) {
        result.duplicateEnries++
        problems.push(
          droppedEntryProblem(plan, selected.location(i), { kind: 'duplicate', identity: m.identity }),
        )
        continue
      }
      state.accepted++
      state.batch.push(m)
      state.batchWeight += mappedWeight(m)
      if (state.batch.length >= batchSize || state.batchWeight >= BATCH_TEXT_BUDGET) {
        result.mapExternalDataTimeInMs += performance.now() - mapStart
        await flushType(state)
        mapStart = performance.now()
      }
    }
    for (const sp of selectorProblems)
      problems.push({
        objectTypeId: plan.type.id,
        location: sp.location,
        code: 'INVALID_SELECTION',
        message: sp.message,
      })
    result.mapExternalDataTimeInMs += Math.max(0, performance.now() - mapStart)
  }
  // Locations count the elements of each root over all chunks (the chunks concatenated).
  const roots = [...run.states.values()].flatMap((s) => [
    s.plan.selector[0]!,
    objectsRoot(s.plan.mapping.objectTypeExternalId),
  ])
  for (const root of new Set(roots)) {
    const items = chunk[root]
    if (Array.isArray(items)) run.rootOffsets.set(root, (run.rootOffsets.get(root) ?? 0) + items.length)
  }
}

/**
 * Per type: the chunk's top-level arrays whose elements its selection may release once mapped (EngineInput
 * releaseEntries) — those of its selector's root and its own root that no later type of the run selects from (a
 * tabular file hands every mapping the same rows, under each root). A type whose selector has more segments
 * releases nothing, and neither does any type before it that shares its root.
 */
function releasableArrays(run: Run, chunk: DataChunk): Map<TypeState, Set<unknown>> {
  const states = [...run.states.values()]
  const rootsOf = (s: TypeState) => [s.plan.selector[0]!, objectsRoot(s.plan.mapping.objectTypeExternalId)]
  const out = new Map<TypeState, Set<unknown>>()
  const later = new Set<unknown>()
  for (let i = states.length - 1; i >= 0; i--) {
    const s = states[i]!
    const mine = new Set<unknown>()
    for (const root of rootsOf(s)) {
      const items = chunk[root]
      if (Array.isArray(items) && !later.has(items)) mine.add(items)
    }
    out.set(s, mine)
    for (const root of rootsOf(s)) later.add(chunk[root])
  }
  return out
}

/**
 * Reads the owned table (owned-table.ts) before the type's first entry when the source owns few objects of it (a
 * small re-import skips entries from the first on); otherwise the decide phase of its first batch reads it.
 */
async function readTableEarly(ctx: WriteContext, state: TypeState): Promise<void> {
  state.skipChecked = true
  if (!ctx.wholeSource || state.ownedTable !== undefined) return
  const { plan, result } = state
  await timed(result, 'decidingActionsTimeInMs', async () => {
    state.ownedAtStart ??= await ctx.tx.hasOwned(plan.type.id, ctx.importSourceId)
    if (!state.ownedAtStart) return
    if ((await ctx.tx.countOwned(plan.type.id, ctx.importSourceId)) > EAGER_TABLE) return
    state.ownedTable = await OwnedTable.read(ctx.tx, plan.type.id, ctx.importSourceId, null)
  })
}

/**
 * The pause a written batch makes (flush-stage.ts), after every BATCH entries skipped: their missing counters and
 * the problems written, progress reported, the event loop let run.
 */
async function pauseAfterSkipped(run: Run, ctx: WriteContext, state: TypeState): Promise<void> {
  state.skippedSinceFlush = 0
  const { result } = state
  await writeSkippedHashes(ctx, state)
  await timed(result, 'writeInsightDataTimeInMs', () => ctx.log.problems(run.problems))
  run.input.onProgress?.({ phase: 'reading', entriesRead: run.total, objectsWritten: run.written })
  await timed(result, 'readExternalDataTimeInMs', breathe)
}

/**
 * Whether an entry of this execution already had the identity: one in the batch being filled ('yes'), or maybe one
 * of an earlier batch ('maybe': then its object exists and was marked seen — see isEarlierDuplicate). The identity
 * hashes of the run, which hold the batch's too, answer most entries (false) without looking at the batch, and
 * take the identity in the same probe (one hash per entry): only an identity whose hash was there already brings
 * batchIdentities up to date with the batch and asks it. A repeat leaves the hashes as they were (its hash was in).
 */
function mayBeDuplicate(state: TypeState, identity: string): 'yes' | 'maybe' | false {
  if (state.seenIdentities.addIfNew(identity)) return false
  // batchIdentities holds the identities of the batch's first entries (distinct: repeats never join a batch), in
  // order; the write stage empties both together.
  const known = state.batchIdentities
  for (let i = known.size; i < state.batch.length; i++) known.add(state.batch[i]!.identity)
  return known.has(identity) ? 'yes' : 'maybe'
}

/** Confirms a 'maybe' of mayBeDuplicate: a repeat, or rarely another identity with the same hash (one lookup). */
async function isEarlierDuplicate(ctx: WriteContext, state: TypeState, identity: string): Promise<boolean> {
  const owned = await ctx.tx.findOwned(state.plan.type.id, ctx.importSourceId, [identity])
  return owned.some((o) => state.seenIds.has(o.id))
}
