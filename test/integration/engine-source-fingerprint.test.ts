import { expect, it, vi } from 'vitest'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineDocument,
  engineSource,
  markedIds,
  objectByIdentity,
  referenceTargets,
  storedObjects,
  storedProblems,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'
import type * as MapEntryModule from '../../src/engine/map-entry.js'

/** Every entry the engine maps, counted (the read + map stage calls mapEntry once per entry it maps). */
const maps = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/engine/map-entry.js', async (importOriginal) => {
  const original = await importOriginal<typeof MapEntryModule>()
  return {
    ...original,
    mapEntry: (...args: Parameters<typeof original.mapEntry>) => {
      maps.count++
      return original.mapEntry(...args)
    },
  }
})

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    { name: 'Model', type: 'text', locators: ['model'] },
  ],
}

const hosts = (n: number, change: Record<string, Record<string, unknown>> = {}) =>
  Array.from({ length: n }, (_, i) => ({ serial: `H${i}`, size: i, model: `M-${i % 3}`, ...change[`H${i}`] }))

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
  options: { missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' } },
}

const laptop: TypeSpec = {
  key: 'laptop',
  name: 'Laptop',
  selector: 'laptops',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
  ],
}

describeEachDialect(
  'import engine: re-imports skip mapping unchanged entries (source fingerprint)',
  (env) => {
    const services = () => env().booted.services
    const ws = () => env().workspaceId

    /** Runs the engine and answers its result with the entries it mapped. */
    async function run(sourceId: string, data: Record<string, unknown>[], extra = {}) {
      maps.count = 0
      const result = await runEngine(services(), ws(), sourceId, data, extra)
      return { result, mapped: maps.count }
    }

    it('an unchanged re-import maps no entry and leaves every object as it was', async () => {
      const s = await engineSource(services(), ws(), [host])
      const first = await run(s.source.id, [{ hosts: hosts(30) }])
      expect(first.mapped).toBe(30)
      const before = await storedObjects(services(), s.typeId('Host'))
      // The stored hash carries the fingerprint of the entry it was written from: `I:` + 22, `.` + 11 characters.
      for (const o of before) expect(o.contentHash).toMatch(/^I:[\w-]{22}\.[\w-]{11}$/)
      const again = await run(s.source.id, [{ hosts: hosts(30) }])
      expect(again.mapped).toBe(0)
      expect(counters(again.result, 'Host')).toEqual({
        ...ZERO_COUNTERS,
        entriesInSource: 30,
        objectsIdentical: 30,
      })
      expect(await storedObjects(services(), s.typeId('Host'))).toEqual(before)
      // Nothing reported either: the locators of skipped entries read values (no LOCATOR_READ_NOTHING).
      expect(await storedProblems(services(), again.result.id)).toEqual([])
    })

    it('a re-import maps and updates the entry changed in one attribute, and skips the others', async () => {
      const s = await engineSource(services(), ws(), [host])
      await run(s.source.id, [{ hosts: hosts(30) }])
      const changed = await run(s.source.id, [{ hosts: hosts(30, { H7: { model: 'New' } }) }])
      expect(changed.mapped).toBe(1)
      expect(counters(changed.result, 'Host')).toEqual({
        ...ZERO_COUNTERS,
        entriesInSource: 30,
        objectsUpdated: 1,
        objectsIdentical: 29,
      })
      const h7 = await objectByIdentity(services(), s.typeId('Host'), 'H7')
      expect(h7.values[String(s.attributeId('Host.Model'))]).toEqual(['New'])
      // The updated object carries the new entry's fingerprint: the next run skips it too.
      expect((await run(s.source.id, [{ hosts: hosts(30, { H7: { model: 'New' } }) }])).mapped).toBe(0)
    })

    it('a changed mapping maps every entry again, then the next re-import skips them all', async () => {
      const s = await engineSource(services(), ws(), [host])
      await run(s.source.id, [{ hosts: hosts(20) }])
      // The same attributes, mapped from the same fields, with a transformation that changes no value here.
      const doc = engineDocument(s.tag, [host]) as {
        mapping: { objectTypeMappings: { attributesMapping: Record<string, unknown>[] }[] }
      }
      doc.mapping.objectTypeMappings[0]!.attributesMapping[2]!.transformations = [{ type: 'trim' }]
      // runEngine leaves its execution rows PROCESSING: ended, so that the mapping may change.
      await services()
        .store.db.updateTable('execution')
        .set({ status: 'DONE' })
        .where('import_source_id', '=', s.source.id)
        .execute()
      await services().mappings.submit(ws(), s.source.id, 'PATCH', doc)
      const remapped = await run(s.source.id, [{ hosts: hosts(20) }])
      expect(remapped.mapped).toBe(20)
      expect(counters(remapped.result, 'Host')).toEqual({
        ...ZERO_COUNTERS,
        entriesInSource: 20,
        objectsIdentical: 20,
      })
      expect((await run(s.source.id, [{ hosts: hosts(20) }])).mapped).toBe(0)
    })

    it('an object edited through the object API is restored by the next re-import', async () => {
      const s = await engineSource(services(), ws(), [host])
      await run(s.source.id, [{ hosts: hosts(10) }])
      const h3 = await objectByIdentity(services(), s.typeId('Host'), 'H3')
      await services().objects.update(ws(), h3.id, [
        { attribute: s.attributeId('Host.Model'), values: ['Edited'] },
      ])
      const again = await run(s.source.id, [{ hosts: hosts(10) }])
      expect(again.mapped).toBe(1)
      expect(counters(again.result, 'Host')).toMatchObject({ objectsUpdated: 1, objectsIdentical: 9 })
      const restored = await objectByIdentity(services(), s.typeId('Host'), 'H3')
      expect(restored.values[String(s.attributeId('Host.Model'))]).toEqual(['M-0'])
      expect(restored.contentHash).toBe(h3.contentHash)
    })

    it('an entry that reports a problem is mapped and reports it on every re-import', async () => {
      const s = await engineSource(services(), ws(), [host])
      const data = [{ hosts: hosts(10, { H4: { size: 'four' } }) }]
      for (let i = 0; i < 3; i++) {
        const r = await run(s.source.id, data)
        expect(r.mapped).toBe(i === 0 ? 10 : 1)
        expect(counters(r.result, 'Host')).toMatchObject({ entriesWithProblems: 1 })
        expect((await storedProblems(services(), r.result.id)).map((p) => [p.code, p.location])).toEqual([
          ['INVALID_VALUE', 'hosts[4]'],
        ])
      }
    })

    it('a referrer marked dirty (an unresolved reference, a removed target) is mapped again and its references resolved', async () => {
      const s = await engineSource(services(), ws(), [person, laptop])
      const owner = s.attributeId('Laptop.Owner')
      const laptops = [
        { serial: 'L1', owner: 'Ann' },
        { serial: 'L2', owner: 'Bob' },
      ]
      const first = await run(s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
      expect((await storedProblems(services(), first.result.id)).map((p) => p.code)).toEqual([
        'UNRESOLVED_REFERENCE',
      ])
      // L2's reference did not resolve: it is mapped again (and reports it again); Ann and L1 are skipped.
      const again = await run(s.source.id, [{ people: [{ name: 'Ann' }], laptops }])
      expect(again.mapped).toBe(1)
      expect((await storedProblems(services(), again.result.id)).map((p) => p.code)).toEqual([
        'UNRESOLVED_REFERENCE',
      ])
      // Bob arrives: L2 is mapped again and links to him.
      const bob = await run(s.source.id, [{ people: [{ name: 'Ann' }, { name: 'Bob' }], laptops }])
      expect(bob.mapped).toBe(2)
      const l2 = await objectByIdentity(services(), s.typeId('Laptop'), 'L2')
      const bobObject = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
      expect(await referenceTargets(services(), l2.id, owner)).toEqual([bobObject.id])
      // Ann is removed as missing: L1, her referrer, is marked dirty, and the next run maps it again.
      await run(s.source.id, [{ people: [{ name: 'Bob' }], laptops }])
      const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
      expect(await markedIds(services())).toContain(l1.id)
      const after = await run(s.source.id, [{ people: [{ name: 'Ann' }, { name: 'Bob' }], laptops }])
      expect(after.mapped).toBe(2) // Ann (new again) and L1
      const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
      expect(await referenceTargets(services(), l1.id, owner)).toEqual([ann.id])
    })

    it('an unchanged entry whose object was counted missing is skipped and its missing counters reset', async () => {
      const s = await engineSource(services(), ws(), [
        { ...host, options: { missingObjects: { policy: 'IGNORE' } } },
      ])
      await run(s.source.id, [{ hosts: hosts(5) }])
      await run(s.source.id, [{ hosts: hosts(4) }])
      const missing = await objectByIdentity(services(), s.typeId('Host'), 'H4')
      expect(missing.missingRuns).toBe(1)
      const back = await run(s.source.id, [{ hosts: hosts(5) }])
      expect(back.mapped).toBe(0)
      expect(counters(back.result, 'Host')).toMatchObject({ objectsIdentical: 5, objectsUpdated: 0 })
      const reset = await objectByIdentity(services(), s.typeId('Host'), 'H4')
      expect(reset).toEqual({ ...missing, missingRuns: 0, missingSince: null })
    })

    it('a skipped entry still makes a later entry of its identity a duplicate, and a dry run skips as the run does', async () => {
      const s = await engineSource(services(), ws(), [host])
      await run(s.source.id, [{ hosts: hosts(6) }])
      const repeated = [
        { hosts: [...hosts(6), { serial: 'H2', size: 2, model: 'M-2' }, { serial: 'H5', size: 0 }] },
      ]
      const dry = await run(s.source.id, repeated, { dryRun: true })
      const real = await run(s.source.id, repeated)
      for (const r of [dry, real]) {
        expect(r.mapped).toBe(1) // the second H5 (another source value), found a duplicate after mapping
        expect(counters(r.result, 'Host')).toEqual({
          ...ZERO_COUNTERS,
          entriesInSource: 8,
          objectsIdentical: 6,
          duplicateEnries: 2,
        })
      }
    })
  },
)
