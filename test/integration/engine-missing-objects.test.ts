import { expect, it } from 'vitest'
import type { ImportTx } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  indexRowsOf,
  markedIds,
  objectByIdentity,
  referenceTargets,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

function hosts(missingObjects?: Record<string, unknown>): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'State', type: 'text', locators: ['state'], indexed: true },
    ],
    ...(missingObjects ? { options: { missingObjects } } : {}),
  }
}

const entries = (...serials: string[]) => [{ hosts: serials.map((serial) => ({ serial, state: 'Seen' })) }]
const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n, 6))

describeEachDialect('import engine: missing objects', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  async function setup(missingObjects?: Record<string, unknown>) {
    const s = await engineSource(services(), ws(), [hosts(missingObjects)])
    const run = (serials: string[], now?: Date) =>
      runEngine(services(), ws(), s.source.id, entries(...serials), now ? { now } : {})
    const objects = async () =>
      Object.fromEntries(
        (await storedObjects(services(), s.typeId('Host'))).map((o) => [
          o.identity,
          { runs: o.missingRuns, since: o.missingSince, state: o.values[s.attributeId('Host.State')]?.[0] },
        ]),
      )
    return { s, run, objects }
  }

  it('reads no owned object’s row when the execution saw every one, and the missing ones’ rows alone when one is missing', async () => {
    const { s, objects } = await setup({ policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' })
    const reads = { pages: 0, rows: [] as number[] }
    const store = overridingTx(importStore(services().store), (tx) => ({
      ownedPage: (...args: Parameters<ImportTx['ownedPage']>) => {
        reads.pages++
        return tx.ownedPage(...args)
      },
      ownedByIds: (...args: Parameters<ImportTx['ownedByIds']>) => {
        reads.rows.push(...args[2])
        return tx.ownedByIds(...args)
      },
    }))
    const run = async (serials: string[], partialRead = false) => {
      reads.pages = 0
      reads.rows = []
      const result = await runEngine(services(), ws(), s.source.id, entries(...serials), {
        deps: { store },
        partialRead,
      })
      return { result, reads: { ...reads } }
    }
    // A first load, then a re-import of every entry (in another order): nothing is read.
    expect((await run(['A', 'B', 'C', 'D'])).reads).toEqual({ pages: 0, rows: [] })
    expect((await run(['D', 'C', 'B', 'A'])).reads).toEqual({ pages: 0, rows: [] })
    // Two missing: their rows alone are read (from the owned table of the full read), and they are removed.
    const [c, d] = [
      await objectByIdentity(services(), s.typeId('Host'), 'C'),
      await objectByIdentity(services(), s.typeId('Host'), 'D'),
    ]
    const missed = await run(['A', 'B'])
    expect(missed.reads).toEqual({ pages: 0, rows: [c.id, d.id] })
    expect(counters(missed.result, 'Host')).toMatchObject({ objectsIdentical: 2, objectsMissingDeleted: 2 })
    expect(Object.keys(await objects()).sort()).toEqual(['A', 'B'])
    // A partial read has no missing objects: nothing is read.
    expect((await run(['A'], true)).reads).toEqual({ pages: 0, rows: [] })
    // Most of the type missing (4 of 5): the owned objects are paged through instead, and removed all the same.
    await run(['A', 'B', 'C', 'D', 'E'])
    const most = await run(['A'])
    expect(most.reads.pages).toBeGreaterThan(0)
    expect(most.reads.rows).toEqual([])
    expect(counters(most.result, 'Host')).toMatchObject({ objectsIdentical: 1, objectsMissingDeleted: 4 })
    expect(Object.keys(await objects())).toEqual(['A'])
  })

  it('IGNORE (the default) only tracks how long an object has been missing', async () => {
    const { run, objects } = await setup()
    await run(['A', 'B'], day(0))
    const second = await run(['A'], day(1))
    expect(counters(second, 'Host')).toMatchObject({ objectsMissingUpdated: 0, objectsMissingDeleted: 0 })
    await run(['A'], day(2))
    expect(await objects()).toEqual({
      A: { runs: 0, since: null, state: 'Seen' },
      B: { runs: 2, since: day(1).toISOString(), state: 'Seen' },
    })
  })

  it('REMOVE with a threshold of 0 or 1 run deletes at the first miss, with its index rows', async () => {
    for (const threshold of [0, 1]) {
      const { s, run, objects } = await setup({ policy: 'REMOVE', threshold, thresholdType: 'RUNS' })
      await run(['A', 'B', 'C'])
      const b = await objectByIdentity(services(), s.typeId('Host'), 'B')
      const second = await run(['A'])
      expect(counters(second, 'Host'), `threshold ${threshold}`).toMatchObject({
        objectsIdentical: 1,
        objectsMissingDeleted: 2,
      })
      expect(Object.keys(await objects())).toEqual(['A'])
      // State is flagged indexed (Serial, a single-valued text label, keeps no rows: its object's label answers).
      const rows = await indexRowsOf(services(), s.attributeId('Host.State'))
      expect(rows.map(([id]) => id)).not.toContain(b.id)
      expect(rows).toHaveLength(1)
    }
  })

  it('REMOVE after 3 runs counts the runs, and a reappearing object starts again from zero', async () => {
    const { run, objects } = await setup({ policy: 'REMOVE', threshold: 3, thresholdType: 'RUNS' })
    await run(['A', 'B'])
    await run(['A'])
    await run(['A'])
    expect((await objects()).B).toMatchObject({ runs: 2 })
    const back = await run(['A', 'B'])
    expect(counters(back, 'Host')).toMatchObject({ objectsIdentical: 2, objectsMissingDeleted: 0 })
    expect((await objects()).B).toEqual({ runs: 0, since: null, state: 'Seen' })
    for (const expected of [1, 2]) {
      const r = await run(['A'])
      expect(counters(r, 'Host').objectsMissingDeleted).toBe(0)
      expect((await objects()).B).toMatchObject({ runs: expected })
    }
    const last = await run(['A'])
    expect(counters(last, 'Host').objectsMissingDeleted).toBe(1)
    expect(Object.keys(await objects())).toEqual(['A'])
  })

  it('UPDATE sets the attribute once the run threshold is reached, and counts each object once', async () => {
    const { s, run, objects } = await setup({
      policy: 'UPDATE',
      attributeName: 'State',
      value: 'Not found',
      threshold: 2,
      thresholdType: 'RUNS',
    })
    await run(['A', 'B', 'C'])
    const r2 = await run(['A', 'B'])
    expect(counters(r2, 'Host').objectsMissingUpdated).toBe(0)
    expect((await objects()).C).toMatchObject({ runs: 1, state: 'Seen' })
    const r3 = await run(['A'])
    expect(counters(r3, 'Host').objectsMissingUpdated).toBe(1)
    expect(await objects()).toMatchObject({
      A: { runs: 0, state: 'Seen' },
      B: { runs: 1, state: 'Seen' },
      C: { runs: 2, state: 'Not found' },
    })
    const r4 = await run(['A'])
    expect(counters(r4, 'Host')).toMatchObject({ objectsMissingUpdated: 1, objectsMissingDeleted: 0 })
    expect(await objects()).toMatchObject({
      B: { runs: 2, state: 'Not found' },
      C: { runs: 3, state: 'Not found' },
    })
    const c = await objectByIdentity(services(), s.typeId('Host'), 'C')
    expect(
      (await indexRowsOf(services(), s.attributeId('Host.State')))
        .filter(([id]) => id === c.id)
        .map(([, v]) => v),
    ).toEqual(['Not found'])
  })

  it('UPDATE of the label attribute writes the label too, which AQL reads for it', async () => {
    const { s, run } = await setup({ policy: 'UPDATE', attributeName: 'Serial', value: 'Gone' })
    await run(['A', 'B'])
    await run(['A'])
    const b = await objectByIdentity(services(), s.typeId('Host'), 'B')
    const stored = await services()
      .store.db.selectFrom('object')
      .select(['label', 'label_ci'])
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ label: 'Gone', label_ci: 'gone' })
    const found = await services().aql.search(ws(), 'objectType = Host AND Serial = "gone"', {
      startAt: 0,
      maxResults: 10,
    })
    expect(found.values.map((o) => Number(o.id))).toEqual([b.id])
  })

  it('an UPDATEd object that comes back gets its source values again', async () => {
    const { run, objects } = await setup({ policy: 'UPDATE', attributeName: 'State', value: 'Not found' })
    await run(['A', 'B'])
    await run(['A'])
    expect((await objects()).B).toMatchObject({ state: 'Not found' })
    const back = await run(['A', 'B'])
    expect(counters(back, 'Host')).toMatchObject({ objectsUpdated: 1, objectsIdentical: 1 })
    expect((await objects()).B).toEqual({ runs: 0, since: null, state: 'Seen' })
  })

  it('DAYS counts from the first run that missed the object, using the execution time', async () => {
    const { run, objects } = await setup({ policy: 'REMOVE', threshold: 2, thresholdType: 'DAYS' })
    await run(['A', 'B'], day(0))
    await run(['A'], day(1))
    expect((await objects()).B).toEqual({ runs: 1, since: day(1).toISOString(), state: 'Seen' })
    const sameDayAgain = await run(['A'], new Date(day(2).getTime() + 3_600_000))
    expect(counters(sameDayAgain, 'Host').objectsMissingDeleted).toBe(0)
    expect((await objects()).B).toMatchObject({ runs: 2, since: day(1).toISOString() })
    const due = await run(['A'], day(3))
    expect(counters(due, 'Host').objectsMissingDeleted).toBe(1)
    expect(Object.keys(await objects())).toEqual(['A'])
  })

  it('DAYS with a threshold of 0 acts at the first miss; a reappearance resets the first-missed time', async () => {
    const later = await setup({
      policy: 'UPDATE',
      attributeName: 'State',
      value: 'Gone',
      threshold: 5,
      thresholdType: 'DAYS',
    })
    await later.run(['A', 'B'], day(0))
    await later.run(['A'], day(1))
    await later.run(['A', 'B'], day(2))
    expect((await later.objects()).B).toEqual({ runs: 0, since: null, state: 'Seen' })
    await later.run(['A'], day(4))
    const notYet = await later.run(['A'], day(8))
    expect(counters(notYet, 'Host').objectsMissingUpdated).toBe(0)
    const now = await later.run(['A'], day(9))
    expect(counters(now, 'Host').objectsMissingUpdated).toBe(1)

    const zero = await setup({ policy: 'REMOVE', threshold: 0, thresholdType: 'DAYS' })
    await zero.run(['A', 'B'], day(0))
    const first = await zero.run(['A'], day(0))
    expect(counters(first, 'Host').objectsMissingDeleted).toBe(1)
  })

  it('objects the source does not own (created through the API) are never missing', async () => {
    const { s, run } = await setup({ policy: 'REMOVE' })
    const manual = await services().objects.create(ws(), {
      objectTypeId: s.typeId('Host'),
      attributes: [{ attribute: s.attributeId('Host.Serial'), values: ['MANUAL'] }],
    })
    await run(['A'])
    const result = await run(['B'])
    expect(counters(result, 'Host')).toMatchObject({ objectsCreated: 1, objectsMissingDeleted: 1 })
    const left = await storedObjects(services(), s.typeId('Host'))
    expect(left.map((o) => o.label).sort()).toEqual(['B', 'MANUAL'])
    expect(left.find((o) => o.label === 'MANUAL')!.id).toBe(manual.id)
  })

  it('removing a referenced object unlinks its referrers, which look for the target again on the next run', async () => {
    const person: TypeSpec = {
      key: 'person',
      name: 'Person',
      selector: 'people',
      attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
      options: { missingObjects: { policy: 'REMOVE' } },
    }
    const laptop: TypeSpec = {
      key: 'laptop',
      name: 'Laptop',
      selector: 'laptops',
      attributes: [
        { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
        {
          name: 'Owner',
          type: 'referenced_object',
          ref: 'person',
          locators: ['owner'],
          iql: 'Name = ${owner}',
        },
      ],
    }
    const s = await engineSource(services(), ws(), [person, laptop])
    const laptops = [{ serial: 'L1', owner: 'Ann' }]
    await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Ann' }, { name: 'Bob' }], laptops }])
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const owner = s.attributeId('Laptop.Owner')
    expect(await referenceTargets(services(), l1.id, owner)).toHaveLength(1)

    const gone = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Bob' }], laptops }])
    expect(counters(gone, 'Person').objectsMissingDeleted).toBe(1)
    expect(await referenceTargets(services(), l1.id, owner)).toEqual([])

    const next = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Bob' }], laptops }])
    expect((await storedProblems(services(), next.id)).map((p) => [p.code, p.location])).toEqual([
      ['UNRESOLVED_REFERENCE', 'laptops[0]'],
    ])
    const back = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann' }, { name: 'Bob' }], laptops },
    ])
    expect(counters(back, 'Laptop').objectsWithUpdatedReferences).toBe(1)
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    expect(await referenceTargets(services(), l1.id, owner)).toEqual([ann.id])

    // An entry of this run that names an object this same run removes is unresolved now, not silently unlinked.
    const fresh = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Bob' }], laptops: [...laptops, { serial: 'L2', owner: 'Ann' }] },
    ])
    expect((await storedProblems(services(), fresh.id)).map((p) => [p.code, p.location])).toEqual([
      ['UNRESOLVED_REFERENCE', 'laptops[1]'],
    ])
    expect(counters(fresh, 'Laptop')).toMatchObject({ objectsCreated: 1, objectsWithUpdatedReferences: 0 })
  })

  it('a removal marks the objects that referred to it changed by id, from the referrers it read for the change log', async () => {
    const person: TypeSpec = {
      key: 'person',
      name: 'Person',
      selector: 'people',
      attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
      options: { missingObjects: { policy: 'REMOVE' } },
    }
    const laptop: TypeSpec = {
      key: 'laptop',
      name: 'Laptop',
      selector: 'laptops',
      attributes: [
        { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
        {
          name: 'Owner',
          type: 'referenced_object',
          ref: 'person',
          locators: ['owner'],
          iql: 'Name = ${owner}',
        },
      ],
    }
    const s = await engineSource(services(), ws(), [person, laptop])
    const laptops = [
      { serial: 'L1', owner: 'Ann' },
      { serial: 'L2', owner: 'Bob' },
      { serial: 'L3', owner: 'Ann' },
    ]
    const people = [{ name: 'Ann' }, { name: 'Bob' }, { name: 'Cid' }]
    await runEngine(services(), ws(), s.source.id, [{ people, laptops }])
    const calls = { searched: 0, marked: [] as number[] }
    const store = overridingTx(importStore(services().store), (tx) => ({
      markReferrersDirty: (ids: number[]) => {
        calls.searched++
        return tx.markReferrersDirty(ids)
      },
      markDirty: (ids: number[]) => {
        calls.marked.push(...ids)
        return tx.markDirty(ids)
      },
    }))
    // Ann and Cid go: the laptops that referred to Ann (L1, L3) are marked, by id; Cid had no referrer.
    const gone = await runEngine(services(), ws(), s.source.id, [{ people: [{ name: 'Bob' }], laptops }], {
      deps: { store },
    })
    expect(counters(gone, 'Person').objectsMissingDeleted).toBe(2)
    const laptopsNow = await storedObjects(services(), s.typeId('Laptop'))
    const id = (serial: string) => laptopsNow.find((o) => o.identity === serial)!.id
    expect(calls.searched).toBe(0)
    expect(calls.marked.sort((a, b) => a - b)).toEqual([id('L1'), id('L3')].sort((a, b) => a - b))
    const marked = new Set(await markedIds(services()))
    const dirty = laptopsNow.filter((o) => marked.has(o.id)).map((o) => o.identity)
    expect(dirty.sort()).toEqual(['L1', 'L3'])
  })

  it('never treats the object of an entry skipped for a problem as missing, even under REMOVE', async () => {
    const spec: TypeSpec = {
      key: 'host',
      name: 'Host',
      selector: 'hosts',
      attributes: [
        { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
        { name: 'Cores', type: 'integer', locators: ['cores'], min: 1 },
      ],
      options: { missingObjects: { policy: 'REMOVE' } },
    }
    const s = await engineSource(services(), ws(), [spec])
    await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [
          { serial: 'A', cores: 4 },
          { serial: 'B', cores: 2 },
        ],
      },
    ])
    const second = await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [
          { serial: 'A', cores: 4 },
          { serial: 'B', cores: 'many' },
        ],
      },
    ])
    expect(counters(second, 'Host')).toMatchObject({ objectsMissingDeleted: 0, objectsIdentical: 1 })
    expect((await storedObjects(services(), s.typeId('Host'))).map((o) => o.identity).sort()).toEqual([
      'A',
      'B',
    ])
  })

  it('leaves the objects of a type that received no entry at all alone, and says so', async () => {
    const { run, objects } = await setup({ policy: 'REMOVE' })
    await run(['A', 'B'])
    const empty = await run([])
    expect(counters(empty, 'Host')).toMatchObject({ entriesInSource: 0, objectsMissingDeleted: 0 })
    expect(empty.infoMessage).toBe('No data to import')
    expect(Object.keys(await objects()).sort()).toEqual(['A', 'B'])
  })
})
