import { describe, expect, it } from 'vitest'
import { consumeChunk } from '../../../src/engine/read-map-stage.js'
import { newTypeResult } from '../../../src/engine/result.js'
import type { Run, TypeState, WriteContext } from '../../../src/engine/run-context.js'
import { IdBitmap, IdentityHashes } from '../../../src/engine/seen-sets.js'
import { DEFAULT_ENGINE_SETTINGS, type EntryProblem } from '../../../src/engine/engine-types.js'
import { attribute, plan } from './plan-builder.js'

/** One type's state and a run around it, with a transaction that only answers findOwned (counted). */
function setup() {
  const typePlan = plan(
    [{ attribute: attribute('Name', 'text', { label: true }), locators: ['name'], identity: true }],
    {
      selector: 'rows',
    },
  )
  const state: TypeState = {
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
  const problems: EntryProblem[] = []
  const run = {
    states: new Map([[typePlan.type.id, state]]),
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
  return { state, run, ctx, lookups }
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
