import { describe, expect, it } from 'vitest'
import { consumeChunk } from '../../../src/engine/read-map-stage.js'
import { newTypeResult } from '../../../src/engine/result.js'
import type { Run, TypeState, WriteContext } from '../../../src/engine/run-context.js'
import { IdBitmap, IdentityHashes } from '../../../src/engine/seen-sets.js'
import { DEFAULT_ENGINE_SETTINGS, type EntryProblem } from '../../../src/engine/engine-types.js'
import { entryLocation } from '../../../src/engine/map-entry.js'
import type { TypePlan } from '../../../src/engine/type-plan.js'
import { attribute, plan } from './plan-builder.js'

function namePlan(selector = 'rows'): TypePlan {
  return plan(
    [
      { attribute: attribute('Name', 'text', { label: true }), locators: ['name'], identity: true },
      { attribute: attribute('Size', 'integer'), locators: ['size'] },
    ],
    { selector },
  )
}

/** The same mapping for another type (its own id and external id). */
function otherType(p: TypePlan, id: number): TypePlan {
  return {
    ...p,
    type: { ...p.type, id, externalId: `type/${id}` },
    mapping: { ...p.mapping, objectTypeExternalId: `type/${id}` },
  }
}

function stateOf(typePlan: TypePlan): TypeState {
  return {
    plan: typePlan,
    result: newTypeResult(typePlan.type.id, typePlan.type.name),
    seenIdentities: new IdentityHashes(),
    batchIdentities: new Set(),
    accepted: 0,
    protectedIdentities: new Set(),
    seenIds: new IdBitmap(),
    uniqueValues: new Map(),
    batch: [],
    batchWeight: 0,
    skippedSinceFlush: 0,
    skippedHashes: [],
  }
}

/**
 * One type's state (or several types') and a run around them, with a transaction that only answers findOwned
 * (counted).
 */
function setup(options: { releaseEntries?: boolean; plans?: TypePlan[] } = {}) {
  const plans = options.plans ?? [namePlan()]
  const states = plans.map(stateOf)
  const state = states[0]!
  const problems: EntryProblem[] = []
  const run = {
    states: new Map(states.map((s) => [s.plan.type.id, s])),
    input: { releaseEntries: options.releaseEntries === true },
    filters: new Map(),
    problems,
    mapCtx: {
      settings: DEFAULT_ENGINE_SETTINGS,
      concatenator: '-',
      coerceOptions: {},
      statusNames: [],
      problems,
    },
    rootOffsets: new Map(),
    total: 0,
    written: 0,
  } as unknown as Run
  const lookups: string[][] = []
  const ctx = {
    statusNames: [],
    objectSchemaId: 1,
    importSourceId: 'source',
    tx: {
      findOwned: async (_type: number, _source: string, identities: string[]) => {
        lookups.push(identities)
        return identities.includes('a') ? [{ id: 7 }] : []
      },
    },
  } as unknown as WriteContext
  return { state, states, run, ctx, lookups }
}

describe('read + map stage: duplicates without a turn of the event loop per entry', () => {
  it('maps a chunk of new identities in one go: no query, no microtask turn per entry', async () => {
    const { state, run, ctx, lookups } = setup()
    const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `n${i}` }))
    let turns = 0
    const spin = (): void => {
      turns++
      if (turns < 10_000) queueMicrotask(spin)
    }
    queueMicrotask(spin)
    await consumeChunk(run, ctx, { rows }, async () => undefined)
    // An await per entry would have let the spinning microtask run about once per entry.
    expect(turns).toBeLessThan(10)
    expect(state.batch).toHaveLength(1000)
    expect(lookups).toEqual([])
  })

  it('drops a repeat within the batch without a query, and confirms one of an earlier batch by one lookup', async () => {
    const { state, run, ctx, lookups } = setup()
    const first = ['a', 'b', 'a', 'c', 'd', 'c', 'b'].map((name) => ({ name }))
    await consumeChunk(run, ctx, { rows: first }, async () => undefined)
    expect(state.result.duplicateEnries).toBe(3)
    expect(state.batch.map((m) => m.identity)).toEqual(['a', 'b', 'c', 'd'])
    expect(lookups).toEqual([])
    // The batch was written: 'a' became object 7, seen by this execution.
    state.batch = []
    state.batchIdentities.clear()
    state.seenIds.add(7)
    // 'c' was in that batch too but did not become an object (skipped): its lookup finds none, it is mapped again.
    await consumeChunk(
      run,
      ctx,
      { rows: [{ name: 'a' }, { name: 'c' }, { name: 'e' }] },
      async () => undefined,
    )
    expect(state.result.duplicateEnries).toBe(4)
    expect(lookups).toEqual([['a'], ['c']])
    expect(state.batch.map((m) => m.identity)).toEqual(['c', 'e'])
  })
})

describe('read + map stage: each source entry released once mapped (EngineInput releaseEntries)', () => {
  const chunkRows = () => [
    { name: 'a', size: '1' },
    'not an entry',
    { name: 'b', size: 'big' },
    { name: '', size: '3' },
    { name: 'a', size: '4' },
    { name: 'c', size: '5' },
  ]
  /** What a run made of two chunks: its batch (identity and location), counters and problems. */
  const shared = namePlan()
  async function mapTwoChunks(releaseEntries: boolean) {
    const { state, run, ctx } = setup({ releaseEntries, plans: [shared] })
    const first = chunkRows()
    const second = [{ name: 'd', size: 'x' }, { name: 'e' }]
    await consumeChunk(run, ctx, { rows: first }, async () => undefined)
    await consumeChunk(run, ctx, { rows: second }, async () => undefined)
    return {
      chunks: [first, second],
      batch: state.batch.map((m) => [m.identity, entryLocation(m), m.hash]),
      // The counters (not the timers).
      result: Object.entries(state.result).filter(([k]) => !k.endsWith('TimeInMs')),
      problems: run.problems.map((p) => [p.location, p.code]),
    }
  }

  it('empties the chunk array entry by entry, and maps, counts and locates as without', async () => {
    const kept = await mapTwoChunks(false)
    const released = await mapTwoChunks(true)
    expect(released.batch).toEqual(kept.batch)
    expect(released.result).toEqual(kept.result)
    expect(released.problems).toEqual(kept.problems)
    // Locations count the elements of the root over both chunks; a non-object element is a problem, never released.
    expect(released.problems).toEqual([
      ['rows[2]', 'INVALID_VALUE'],
      ['rows[3]', 'EMPTY_EXTERNAL_ID'],
      ['rows[4]', 'DUPLICATE_ENTRY'],
      ['rows[1]', 'INVALID_SELECTION'],
      ['rows[6]', 'INVALID_VALUE'],
    ])
    expect(released.batch.map((b) => b[1])).toEqual(['rows[0]', 'rows[2]', 'rows[5]', 'rows[6]', 'rows[7]'])
    expect(kept.chunks[0]).toEqual(chunkRows())
    expect(released.chunks[0]).toEqual([
      undefined,
      'not an entry',
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect(released.chunks[1]).toEqual([undefined, undefined])
  })

  it('leaves rows that a later type of the run selects to that type, which releases them', async () => {
    const p = namePlan()
    const { states, run, ctx } = setup({ releaseEntries: true, plans: [p, otherType(p, 2)] })
    const rows = chunkRows()
    // A tabular file hands every mapping the same rows, under each root: here both types select `rows`.
    await consumeChunk(run, ctx, { rows }, async () => undefined)
    for (const s of states) expect(s.batch.map((m) => m.identity)).toEqual(['a', 'b', 'c'])
    expect(rows.filter((r) => r !== undefined)).toEqual(['not an entry'])
  })

  it('the same array under two roots is released by the last type that selects either', async () => {
    const rows = chunkRows()
    const { states, run, ctx } = setup({
      releaseEntries: true,
      plans: [namePlan('left'), otherType(namePlan('right'), 2)],
    })
    await consumeChunk(run, ctx, { left: rows, right: rows }, async () => undefined)
    for (const s of states) expect(s.batch.map((m) => m.identity)).toEqual(['a', 'b', 'c'])
    expect(rows.filter((r) => r !== undefined)).toEqual(['not an entry'])
  })

  it('releases nothing under a selector of several segments', async () => {
    const { state, run, ctx } = setup({ releaseEntries: true, plans: [namePlan('racks.rows')] })
    const racks = [{ rows: chunkRows() }]
    await consumeChunk(run, ctx, { racks }, async () => undefined)
    expect(state.batch.map((m) => [m.identity, entryLocation(m)])).toEqual([
      ['a', 'racks[0].rows[0]'],
      ['b', 'racks[0].rows[2]'],
      ['c', 'racks[0].rows[5]'],
    ])
    expect(racks).toEqual([{ rows: chunkRows() }])
  })
})
