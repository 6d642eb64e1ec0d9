import { expect, it } from 'vitest'
import { contentHash, isVersion1ContentHash } from '../../src/domain/schema/content-hash.js'
import type { CanonicalValue } from '../../src/domain/schema/types.js'
import type { ImportStore } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import {
  counters,
  engineSource,
  storedObjects,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    { name: 'Note', type: 'text', locators: ['note'] },
  ],
}

const hosts = Array.from({ length: 40 }, (_, i) => ({
  serial: `H${i}`,
  size: i * 1_000_000_007,
  note: i % 3 === 0 ? `ünï "${i}"\tcödé` : '',
}))

/** The engine's ImportStore, counting the stored values it reads and the hashes it rewrites. */
function countingStore(
  inner: ImportStore,
  calls: { valuesRead: number; hashesWritten: number },
): ImportStore {
  return overridingTx(inner, (tx) => ({
    storedValues: (ids) => {
      calls.valuesRead += ids.length
      return tx.storedValues(ids)
    },
    // Decide's read by id brings the stored values too.
    ownedRowsByIds: (typeId, sourceId, ids) => {
      calls.valuesRead += ids.length
      return tx.ownedRowsByIds(typeId, sourceId, ids)
    },
    updateHashes: (rows) => {
      calls.hashesWritten += rows.length
      return tx.updateHashes(rows)
    },
  }))
}

describeEachDialect('import engine: content hashes stored by earlier versions', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('an object whose stored hash is of version 1 is identical without reading its values, and gets version 2 once', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts }])
    // What an import before version 2 stored: the policy letter and the SHA-1 of the values' JSON text.
    const db = services().store.db
    for (const o of await storedObjects(services(), s.typeId('Host'))) {
      const values = new Map<number, CanonicalValue[]>(
        Object.entries(o.values).map(([id, list]) => [Number(id), list as CanonicalValue[]]),
      )
      const version1 = `I${contentHash(values)}`
      expect(isVersion1ContentHash(version1)).toBe(true)
      await db.updateTable('object').set({ content_hash: version1 }).where('id', '=', o.id).execute()
    }

    const calls = { valuesRead: 0, hashesWritten: 0 }
    const store = countingStore(importStore(services().store), calls)
    const upgraded = await runEngine(services(), ws(), s.source.id, [{ hosts }], { deps: { store } })
    expect(counters(upgraded, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 40,
      objectsIdentical: 40,
    })
    expect(calls).toEqual({ valuesRead: 0, hashesWritten: 40 })
    const stored = await storedObjects(services(), s.typeId('Host'))
    expect(stored.filter((o) => isVersion1ContentHash(o.contentHash))).toEqual([])

    calls.hashesWritten = 0
    const again = await runEngine(services(), ws(), s.source.id, [{ hosts }], { deps: { store } })
    expect(counters(again, 'Host')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 40, objectsIdentical: 40 })
    expect(calls).toEqual({ valuesRead: 0, hashesWritten: 0 })
    expect(await storedObjects(services(), s.typeId('Host'))).toEqual(stored)
  }, 60_000)

  it('an object whose stored version 1 hash differs is compared value by value, as before', async () => {
    const s = await engineSource(services(), ws(), [host])
    await runEngine(services(), ws(), s.source.id, [{ hosts }])
    const db = services().store.db
    await db
      .updateTable('object')
      .set({ content_hash: `I${'A'.repeat(27)}` })
      .where('object_type_id', '=', s.typeId('Host'))
      .execute()
    const changed = hosts.map((h, i) => (i < 10 ? { ...h, size: -1 } : h))
    const calls = { valuesRead: 0, hashesWritten: 0 }
    const store = countingStore(importStore(services().store), calls)
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts: changed }], { deps: { store } })
    expect(counters(result, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 40,
      objectsUpdated: 10,
      objectsIdentical: 30,
    })
    expect(calls).toEqual({ valuesRead: 40, hashesWritten: 30 })
  }, 60_000)
})
