import { expect, it } from 'vitest'
import { importStore } from '../../src/store/import-store.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
  ],
  options: { missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' } },
}

/** Identities COPY's text format escapes (tab, newline, carriage return, backslash, `\N`) or spells in several bytes. */
const AWKWARD = [
  'tab\there',
  'new\nline',
  'cr\rret',
  'back\\slash',
  '\\N',
  'N',
  'é-ü-€-𝄞',
  'plain',
  "o'quote",
  'sp ace',
]

describeEachDialect('import engine: the owned table’s read', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('finds every owned object again, whatever its identity’s characters (PostgreSQL: one COPY TO, unescaped)', async () => {
    const s = await engineSource(services(), ws(), [host])
    // Many more objects than a COPY chunk holds, so that rows and multi-byte characters straddle chunk boundaries.
    const filler = Array.from(
      { length: 3000 },
      (_, i) => `${'€'.repeat(i % 7)}filler-${i}-${'x'.repeat(i % 40)}`,
    )
    const serials = [...AWKWARD, ...filler]
    const hosts = serials.map((serial, i) => ({ serial, size: i }))
    const first = await runEngine(services(), ws(), s.source.id, [{ hosts }])
    expect(counters(first, 'Host')).toMatchObject({
      objectsCreated: serials.length,
    })
    const reads = { digests: 0 }
    const store = overridingTx(importStore(services().store), (tx) => ({
      ownedDigests: tx.ownedDigests
        ? (...args) => {
            reads.digests++
            return tx.ownedDigests!(...args)
          }
        : undefined,
    }))
    // Every entry again, one changed and the last awkward one gone: decided from the owned table alone.
    const again = hosts
      .filter((h) => h.serial !== 'plain')
      .map((h) => (h.serial === 'N' ? { ...h, size: -1 } : h))
    const result = await runEngine(services(), ws(), s.source.id, [{ hosts: again }], { deps: { store } })
    expect(counters(result, 'Host')).toMatchObject({
      objectsCreated: 0,
      objectsUpdated: 1,
      objectsIdentical: serials.length - 2,
      objectsMissingDeleted: 1,
    })
    expect(reads.digests).toBe(env().dialect === 'postgres' ? 1 : 0)
    const stored = (await storedObjects(services(), s.typeId('Host'))).map((o) => o.identity).sort()
    expect(stored).toEqual(serials.filter((x) => x !== 'plain').sort())
  }, 90_000)
})
