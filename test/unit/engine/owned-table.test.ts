import { describe, expect, it } from 'vitest'
import { decideBatch, entryHash } from '../../../src/engine/decide.js'
import type { MappedEntry } from '../../../src/engine/map-entry.js'
import {
  ASK,
  identityFingerprint,
  NOT_OWNED,
  OwnedTable,
  type Fingerprint,
} from '../../../src/engine/owned-table.js'
import type { OwnedObject, OwnedRow } from '../../../src/engine/ports.js'
import { newTypeResult } from '../../../src/engine/result.js'
import type { TypeState, WriteContext } from '../../../src/engine/run-context.js'
import { IdBitmap, IdentityHashes } from '../../../src/engine/seen-sets.js'
import { attribute, mapOne, plan } from './plan-builder.js'

const V2 = 'I:AbCdEfGhIjKlMnOpQrStUv'

describe('OwnedTable', () => {
  it('finds every owned identity across growth, and no other', () => {
    const table = new OwnedTable(16)
    for (let i = 0; i < 50_000; i++) table.add([i + 1, `serial-${i}`, V2, 0])
    table.seal()
    expect(table.size).toBe(50_000)
    for (let i = 0; i < 50_000; i += 997) expect(table.id(table.find(`serial-${i}`))).toBe(i + 1)
    for (let i = 50_000; i < 60_000; i++) expect(table.find(`serial-${i}`)).toBe(NOT_OWNED)
  })

  it('compares version 2 hashes exactly, and never answers for one it did not keep exactly', () => {
    const table = new OwnedTable()
    table.add([1, 'a', V2, 0])
    table.add([2, 'b', 'R:AbCdEfGhIjKlMnOpQrStUv', 3])
    table.add([3, 'c', `${V2}~`, 0])
    table.add([4, 'd', 'IabcdefghijklmnopqrstuvwxyzA', 0])
    table.add([5, 'e', null, 0])
    table.seal()
    const at = (identity: string) => table.find(identity)
    expect(table.sameHash(at('a'), V2)).toBe(true)
    // One character, the last one, the prefix: another hash.
    expect(table.sameHash(at('a'), 'I:AbCdEfGhIjKlMnOpQrStUw')).toBe(false)
    expect(table.sameHash(at('a'), 'I:BbCdEfGhIjKlMnOpQrStUv')).toBe(false)
    expect(table.sameHash(at('a'), 'R:AbCdEfGhIjKlMnOpQrStUv')).toBe(false)
    expect(table.sameHash(at('b'), 'R:AbCdEfGhIjKlMnOpQrStUv')).toBe(true)
    expect(table.missing(at('b'))).toBe(true)
    expect(table.missing(at('a'))).toBe(false)
    // Kept by precedence (`~`), version 1, none: the database answers (decide's compareStored).
    expect(table.sameHash(at('c'), `${V2}~`)).toBe(false)
    expect(table.sameHash(at('c'), V2)).toBe(false)
    expect(table.sameHash(at('d'), 'IabcdefghijklmnopqrstuvwxyzA')).toBe(false)
    expect(table.sameHash(at('e'), V2)).toBe(false)
  })

  it('answers ASK for a fingerprint two owned identities share', () => {
    const sameForAB: Fingerprint = (text, out) => {
      if (text === 'a' || text === 'b' || text === 'x') {
        out[0] = 1
        out[1] = 1
      } else identityFingerprint(text, out)
    }
    const table = new OwnedTable(16, sameForAB)
    table.add([1, 'a', V2, 0])
    table.add([2, 'b', V2, 0])
    table.add([3, 'c', V2, 0])
    table.seal()
    expect(table.find('a')).toBe(ASK)
    expect(table.find('b')).toBe(ASK)
    expect(table.find('x')).toBe(ASK)
    expect(table.id(table.find('c'))).toBe(3)
  })

  it('refuses an id beyond 2^32 (the run then asks the database)', () => {
    expect(new OwnedTable().add([2 ** 32, 'a', V2, 0])).toBe(false)
  })
})

/** A type of one identity attribute and one value, decided against an owned table and a counted database. */
function decideSetup(fingerprint: Fingerprint, owned: { id: number; name: string; size: number }[]) {
  const typePlan = plan([
    { attribute: attribute('Name', 'text', { label: true }), locators: ['name'], identity: true },
    { attribute: attribute('Size', 'integer'), locators: ['size'] },
  ])
  const entry = (name: string, size: number): MappedEntry => {
    const { outcome } = mapOne(typePlan, { name, size })
    if (outcome.kind !== 'mapped') throw new Error(outcome.kind)
    return outcome.mapped
  }
  const stored: OwnedObject[] = owned.map((o) => ({
    id: o.id,
    identity: o.name,
    content_hash: entryHash(typePlan, entry(o.name, o.size)),
    object_key: `K-${o.id}`,
    missing_runs: 0,
  }))
  const table = new OwnedTable(16, fingerprint)
  for (const o of stored) table.add([o.id, o.identity, o.content_hash, o.missing_runs])
  table.seal()
  const state = {
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
    ownedAtStart: true,
    ownedTable: table,
  } as TypeState
  const lookups: string[][] = []
  const idReads: number[][] = []
  const ctx = {
    importSourceId: 'source',
    wholeSource: true,
    tx: {
      findOwned: async (_type: number, _source: string, identities: string[]) => {
        lookups.push(identities)
        return stored.filter((o) => identities.includes(o.identity))
      },
      ownedRowsByIds: async (_type: number, _source: string, ids: number[]): Promise<OwnedRow[]> => {
        idReads.push(ids)
        return stored
          .filter((o) => ids.includes(o.id))
          .map((o) => ({ ...o, stored: { values: '{}', label: o.identity, origin: null, provenance: null } }))
      },
    },
  } as unknown as WriteContext
  return { state, ctx, lookups, idReads, entry }
}

describe('decide from the owned table', () => {
  it('decides unchanged entries and new identities without a lookup, and reads the changed ones by id with their values', async () => {
    const { state, ctx, lookups, idReads, entry } = decideSetup(identityFingerprint, [
      { id: 7, name: 'a', size: 1 },
      { id: 8, name: 'b', size: 2 },
    ])
    const decided = await decideBatch(ctx, state, [entry('a', 1), entry('b', 3), entry('new', 4)])
    expect(lookups).toEqual([])
    expect(idReads).toEqual([[8]])
    expect(state.result.objectsIdentical).toBe(1)
    expect(decided.creates.map((c) => c.e.identity)).toEqual(['new'])
    expect(decided.candidates.map((c) => [c.e.identity, c.id, c.key])).toEqual([['b', 8, 'K-8']])
    // The update phase reads no row of it again: decide's read holds its stored values.
    expect('stored' in decided.candidates[0]!.owned).toBe(true)
    expect([7, 8].map((id) => state.seenIds.has(id))).toEqual([true, true])
  })

  it('never takes an entry for the object of another identity whose fingerprint it shares', async () => {
    // Every identity has the same fingerprint: 'b' finds the entry of 'a' in the table.
    const collide: Fingerprint = (_text, out) => {
      out[0] = 5
      out[1] = 5
    }
    const { state, ctx, lookups, idReads, entry } = decideSetup(collide, [{ id: 7, name: 'a', size: 1 }])
    const decided = await decideBatch(ctx, state, [entry('a', 1), entry('b', 1), entry('c', 2)])
    // Their hashes differ from that of 'a' (the identity is among the hashed values): the row of 'a' is read by
    // its id, says another identity, and the database answers by identity — it owns neither.
    expect(idReads).toEqual([[7, 7]])
    expect(lookups).toEqual([['b', 'c']])
    expect(state.result.objectsIdentical).toBe(1)
    expect(decided.creates.map((c) => c.e.identity)).toEqual(['b', 'c'])
    expect(decided.candidates).toEqual([])
    expect(state.seenIds.has(7)).toBe(true)
  })

  it('looks an entry up by identity when the object the table holds for it is no longer the source’s', async () => {
    const { state, ctx, lookups, idReads, entry } = decideSetup(identityFingerprint, [
      { id: 7, name: 'a', size: 1 },
      { id: 8, name: 'b', size: 2 },
    ])
    // Object 8 went (another transaction) and 'b' is now object 9's identity: the read by id finds no row.
    const tx = ctx.tx as unknown as Record<string, unknown>
    tx.ownedRowsByIds = async (_type: number, _source: string, ids: number[]) => {
      idReads.push(ids)
      return []
    }
    tx.findOwned = async (_type: number, _source: string, identities: string[]) => {
      lookups.push(identities)
      return [
        {
          id: 9,
          identity: 'b',
          content_hash: 'I:AbCdEfGhIjKlMnOpQrStUv',
          object_key: 'K-9',
          missing_runs: 0,
        },
      ]
    }
    const decided = await decideBatch(ctx, state, [entry('a', 1), entry('b', 3)])
    expect(idReads).toEqual([[8]])
    expect(lookups).toEqual([['b']])
    expect(decided.creates).toEqual([])
    expect(decided.candidates.map((c) => [c.e.identity, c.id, c.key])).toEqual([['b', 9, 'K-9']])
  })

  it('asks the database for identities whose fingerprint two owned objects share', async () => {
    const collide: Fingerprint = (_text, out) => {
      out[0] = 5
      out[1] = 5
    }
    const { state, ctx, lookups, entry } = decideSetup(collide, [
      { id: 7, name: 'a', size: 1 },
      { id: 9, name: 'c', size: 3 },
    ])
    const decided = await decideBatch(ctx, state, [entry('a', 1), entry('c', 5), entry('x', 1)])
    expect(lookups).toEqual([['a', 'c', 'x']])
    expect(state.result.objectsIdentical).toBe(1)
    expect(decided.candidates.map((c) => [c.e.identity, c.id])).toEqual([['c', 9]])
    expect(decided.creates.map((c) => c.e.identity)).toEqual(['x'])
    expect([7, 9].map((id) => state.seenIds.has(id))).toEqual([true, true])
  })
})
