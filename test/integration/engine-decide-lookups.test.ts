import { expect, it } from 'vitest'
import type { ImportStore } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import {
  counters,
  engineSource,
  objectByIdentity,
  storedObjects,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'
import { BATCH, SQLITE_BATCH } from '../../src/engine/read-map-stage.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
  ],
}

/** 6,000 hosts, then the first 500 again (repeats of entries of the first batch of 5,000, in the second). */
const hosts = [
  ...Array.from({ length: 6000 }, (_, i) => ({ serial: `H${i}`, size: i })),
  ...Array.from({ length: 500 }, (_, i) => ({ serial: `H${i}`, size: -1 })),
]

/**
 * The engine's ImportStore, counting the identity lookups of the decide phase (more than one identity asked; the
 * identities of all of them in `asked`) and the pages of the owned table.
 */
function countingStore(
  inner: ImportStore,
  calls: { batchLookups: number; hasOwned: number; tablePages?: number; asked?: string[] },
): ImportStore {
  return overridingTx(inner, (tx) => ({
    hasOwned: (typeId, sourceId) => {
      calls.hasOwned++
      return tx.hasOwned(typeId, sourceId)
    },
    findOwned: (typeId, sourceId, identities) => {
      if (identities.length > 1) calls.batchLookups++
      calls.asked?.push(...identities)
      return tx.findOwned(typeId, sourceId, identities)
    },
    ownedDigestPage: (...args) => {
      if (calls.tablePages !== undefined) calls.tablePages++
      return tx.ownedDigestPage(...args)
    },
  }))
}

describeEachDialect('import engine: the decide phase’s lookups', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('a first load into an empty type looks no identity up, and still drops repeats of earlier batches', async () => {
    const s = await engineSource(services(), ws(), [host])
    const calls = { batchLookups: 0, hasOwned: 0 }
    const store = countingStore(importStore(services().store), calls)
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts }], { deps: { store } })
    expect(counters(result, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 6500,
      objectsCreated: 6000,
      duplicateEnries: 500,
    })
    expect(calls).toEqual({ batchLookups: 0, hasOwned: 1 })
    const stored = await storedObjects(services(), s.typeId('Host'))
    expect(stored).toHaveLength(6000)
    // The first occurrence wins.
    const size = String(s.attributeId('Host.Size'))
    expect(stored.find((o) => o.identity === 'H5')!.values[size]).toEqual([5])
  }, 90_000)

  it('a first load into an empty type reads no owned object back for the missing-objects pass; a re-import reads what the source owns once, and the missing one’s row', async () => {
    const s = await engineSource(services(), ws(), [
      { ...host, options: { missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' } } },
    ])
    const reads = { pages: 0, tablePages: 0, byIds: [] as number[][] }
    const store = overridingTx(importStore(services().store), (tx) => ({
      ownedPage: (...args) => {
        reads.pages++
        return tx.ownedPage(...args)
      },
      ownedDigestPage: (...args) => {
        reads.tablePages++
        return tx.ownedDigestPage(...args)
      },
      ownedByIds: (typeId, sourceId, ids, withStored) => {
        reads.byIds.push(ids)
        return tx.ownedByIds(typeId, sourceId, ids, withStored)
      },
    }))
    const first = await runEngine(services(), ws(), s.source.id, [{ hosts }], { deps: { store } })
    expect(counters(first, 'Host')).toMatchObject({ objectsCreated: 6000, objectsMissingDeleted: 0 })
    expect(reads).toEqual({ pages: 0, tablePages: 0, byIds: [] })
    // The next run owns objects from the start: it reads them once (the owned table), and the row of the one no
    // longer sent alone, which it removes.
    const h0 = await objectByIdentity(services(), s.typeId('Host'), 'H0')
    const again = await runEngine(services(), ws(), s.source.id, [{ hosts: hosts.slice(1, 6000) }], {
      deps: { store },
    })
    expect(counters(again, 'Host')).toMatchObject({ objectsIdentical: 5999, objectsMissingDeleted: 1 })
    expect(reads).toEqual({ pages: 0, tablePages: 1, byIds: [[h0.id]] })
    expect(await storedObjects(services(), s.typeId('Host'))).toHaveLength(5999)
  }, 90_000)

  it('a re-import reads what the source owns once and looks no identity up when every object is identical', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts }])
    const calls = { batchLookups: 0, hasOwned: 0, tablePages: 0 }
    const store = countingStore(importStore(services().store), calls)
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts }], { deps: { store } })
    expect(counters(result, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 6500,
      objectsIdentical: 6000,
      duplicateEnries: 500,
    })
    expect(calls).toEqual({ batchLookups: 0, hasOwned: 1, tablePages: 1 })
  }, 90_000)

  it('a re-import reads the objects of changed entries once, by id, and looks no identity up', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts: hosts.slice(0, 6000) }])
    const calls = { batchLookups: 0, hasOwned: 0, tablePages: 0, asked: [] as string[] }
    const reads = { byIds: [] as number[], storedValues: 0 }
    const store = overridingTx(countingStore(importStore(services().store), calls), (tx) => ({
      ownedRowsByIds: (typeId, sourceId, ids) => {
        reads.byIds.push(...ids)
        return tx.ownedRowsByIds(typeId, sourceId, ids)
      },
      storedValues: (ids) => {
        reads.storedValues += ids.length
        return tx.storedValues(ids)
      },
    }))
    const changed = hosts.slice(0, 6000).map((h, i) => (i % 1000 === 3 ? { ...h, size: -5 } : h))
    changed.push({ serial: 'NEW1', size: 1 }, { serial: 'NEW2', size: 2 })
    const before = await storedObjects(services(), s.typeId('Host'))
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts: changed }], { deps: { store } })
    expect(counters(result, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 6002,
      objectsIdentical: 5994,
      objectsUpdated: 6,
      objectsCreated: 2,
    })
    expect(calls.asked).toEqual([])
    expect(calls.tablePages).toBe(1)
    const changedIds = ['H3', 'H1003', 'H2003', 'H3003', 'H4003', 'H5003'].map(
      (identity) => before.find((o) => o.identity === identity)!.id,
    )
    expect(reads.byIds.sort((a, b) => a - b)).toEqual(changedIds.sort((a, b) => a - b))
    // The update phase compares the values decide read: no second read of the changed objects.
    expect(reads.storedValues).toBe(0)
    const stored = await storedObjects(services(), s.typeId('Host'))
    expect(stored.find((o) => o.identity === 'H3003')!.values[String(s.attributeId('Host.Size'))]).toEqual([
      -5,
    ])
  }, 90_000)

  it('a full read of one small batch into a larger type looks its identities up instead of reading the owned table', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts: hosts.slice(0, 6000) }])
    const calls = { batchLookups: 0, hasOwned: 0, tablePages: 0 }
    const store = countingStore(importStore(services().store), calls)
    const few = await runEngine(services(), ws(), s.source.id, [{ hosts: hosts.slice(0, 10) }], {
      deps: { store },
    })
    expect(counters(few, 'Host')).toMatchObject({ objectsIdentical: 10, objectsCreated: 0 })
    expect(calls).toEqual({ batchLookups: 1, hasOwned: 1, tablePages: 0 })
    // Half the type and more in one batch: the table is read.
    const half = await runEngine(services(), ws(), s.source.id, [{ hosts: hosts.slice(0, 3000) }], {
      deps: { store },
    })
    expect(counters(half, 'Host')).toMatchObject({ objectsIdentical: 3000, objectsCreated: 0 })
    expect(calls).toEqual({ batchLookups: 1, hasOwned: 2, tablePages: 1 })
  }, 90_000)

  it('a partial read reads no owned table: each batch is looked up', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts }])
    const calls = { batchLookups: 0, hasOwned: 0, tablePages: 0 }
    const store = countingStore(importStore(services().store), calls)
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts }], {
      deps: { store },
      partialRead: true,
    })
    expect(counters(result, 'Host')).toMatchObject({ objectsIdentical: 6000, duplicateEnries: 500 })
    // 6,000 distinct entries in the dialect's batches (read-map-stage.ts: 1,000 on SQLite, 5,000 on PostgreSQL).
    const batchLookups = Math.ceil(6000 / (env().dialect === 'sqlite' ? SQLITE_BATCH : BATCH))
    expect(calls).toEqual({ batchLookups, hasOwned: 1, tablePages: 0 })
  }, 90_000)

  it('finds owned objects by identities with quotes, array and JSON syntax, unicode and 255 characters, each once when asked twice', async () => {
    const odd = [
      `it's`,
      '"quoted"',
      'back\\slash\\',
      '{brace,comma}',
      '[1,2]',
      'NULL',
      'inner  spaces',
      'tab\tand\nline',
      'Ünïcödé ÄÖÜ',
      '😀 日本',
      'x'.repeat(255),
    ]
    const rows = odd.map((serial, i) => ({ serial, size: i }))
    const s = await engineSource(services(), ws(), [host])
    const first = await runEngine(services(), ws(), s.source.id, [{ hosts: rows }])
    expect(counters(first, 'Host')).toMatchObject({ objectsCreated: odd.length })
    // Unchanged: each identity found, so identical; one size changed: that object updated, none created.
    const again = await runEngine(services(), ws(), s.source.id, [
      { hosts: rows.map((r, i) => (i === 3 ? { ...r, size: 99 } : r)) },
    ])
    expect(counters(again, 'Host')).toMatchObject({
      objectsIdentical: odd.length - 1,
      objectsUpdated: 1,
      objectsCreated: 0,
    })
    // Asked directly, with every identity twice and one the source does not own.
    let found: { identity: string }[] = []
    await importStore(services().store).transaction(
      async (tx) => {
        found = await tx.findOwned(s.typeId('Host'), s.source.id, [...odd, ...odd, 'not there'])
      },
      { rollback: true },
    )
    expect(new Set(found.map((o) => o.identity))).toEqual(new Set(odd))
    const stored = await storedObjects(services(), s.typeId('Host'))
    expect(new Set(stored.map((o) => o.identity))).toEqual(new Set(odd))
  }, 90_000)
})
