import { expect, it } from 'vitest'
import type { ImportStore } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import {
  counters,
  engineSource,
  objectByIdentity,
  referenceTargets,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'
import type { Services } from '../../src/services/services.js'

/** The stored problems but LOCATOR_READ_NOTHING (entries here leave out a mapped key or two). */
async function entryProblems(services: Services, executionId: string) {
  return (await storedProblems(services, executionId)).filter((p) => p.code !== 'LOCATOR_READ_NOTHING')
}

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Team', type: 'text', locators: ['team'] },
  ],
  options: { missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' } },
}

const laptop: TypeSpec = {
  key: 'laptop',
  name: 'Laptop',
  selector: 'laptops',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
    {
      name: 'Team lead',
      type: 'referenced_object',
      ref: 'person',
      locators: ['team'],
      iql: 'Team = ${team}',
    },
  ],
}

/** The engine's store, counting the pages of staged references read and the set statements run. */
function countingStore(inner: ImportStore, seen: { pages: number; sets: number }, setStatement = true) {
  return overridingTx(inner, (tx) => ({
    refStagePage: (attributeId, afterSeq, limit, lastSeq) => {
      seen.pages++
      return tx.refStagePage(attributeId, afterSeq, limit, lastSeq)
    },
    resolveStagedSingle: async (...args) => {
      seen.sets++
      return setStatement ? tx.resolveStagedSingle(...args) : []
    },
  }))
}

describeEachDialect('import engine: references resolved in one statement', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('a first load whose references each match one object reads no page of the reference stage', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    const seen = { pages: 0, sets: 0 }
    const store = countingStore(importStore(services().store), seen)
    const result = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          people: [
            { name: 'Ann', team: 'Red' },
            { name: 'Bob', team: 'Blue' },
          ],
          laptops: [
            { serial: 'L1', owner: 'ann', team: 'blue' },
            { serial: 'L2', owner: 'Bob' },
          ],
        },
      ],
      { deps: { store } },
    )
    // One set statement per attribute (SQLite: per range of 20,000 seqs; PostgreSQL: the whole stage).
    expect(seen).toEqual({ pages: 0, sets: 2 })
    expect((await entryProblems(services(), result.id)).map((p) => p.code)).toEqual([])
    expect(counters(result, 'Laptop')).toMatchObject({ objectsCreated: 2, objectsWithUpdatedReferences: 2 })
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const l2 = await objectByIdentity(services(), s.typeId('Laptop'), 'L2')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([ann.id])
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Team lead'))).toEqual([bob.id])
    expect(await referenceTargets(services(), l2.id, s.attributeId('Laptop.Owner'))).toEqual([bob.id])
    expect(await referenceTargets(services(), l2.id, s.attributeId('Laptop.Team lead'))).toEqual([])
  })

  it('a run adding a few referrers to a larger target type links them through the pages on PostgreSQL, whose set statement would group every target value', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    const people = Array.from({ length: 6 }, (_, i) => ({ name: `P${i}`, team: `T${i}` }))
    await runEngine(services(), ws(), s.source.id, [{ people }])
    const seen = { pages: 0, sets: 0 }
    const store = countingStore(importStore(services().store), seen)
    const result = await runEngine(
      services(),
      ws(),
      s.source.id,
      [{ people, laptops: [{ serial: 'L1', owner: 'p1', team: 't2' }] }],
      { deps: { store } },
    )
    // SQLite's statement looks each staged text up in the value index: it pays for any size of run.
    expect(seen.sets).toBe(2)
    if (env().dialect === 'sqlite') expect(seen.pages).toBe(0)
    else expect(seen.pages).toBeGreaterThan(0)
    expect((await entryProblems(services(), result.id)).map((p) => p.code)).toEqual([])
    expect(counters(result, 'Laptop')).toMatchObject({ objectsCreated: 1, objectsWithUpdatedReferences: 1 })
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const p1 = await objectByIdentity(services(), s.typeId('Person'), 'P1')
    const p2 = await objectByIdentity(services(), s.typeId('Person'), 'P2')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([p1.id])
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Team lead'))).toEqual([p2.id])
  })

  it('a label answered from the object row links only objects holding it: not one whose key is its label', async () => {
    const s = await engineSource(services(), ws(), [person, laptop])
    // A person without a Name (its key as label) and one whose Name is that key in lower case.
    const keyed = await services().objects.create(ws(), { objectTypeId: s.typeId('Person'), attributes: [] })
    const named = await services().objects.create(ws(), {
      objectTypeId: s.typeId('Person'),
      attributes: [{ attribute: 'Name', values: ['Ann'] }],
    })
    expect(keyed.label).toBe(keyed.objectKey)
    const seen = { pages: 0, sets: 0 }
    const store = countingStore(importStore(services().store), seen)
    await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          laptops: [
            { serial: 'L1', owner: keyed.objectKey },
            { serial: 'L2', owner: 'ANN' },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(seen.sets).toBeGreaterThan(0)
    const l1 = await objectByIdentity(services(), s.typeId('Laptop'), 'L1')
    const l2 = await objectByIdentity(services(), s.typeId('Laptop'), 'L2')
    expect(await referenceTargets(services(), l1.id, s.attributeId('Laptop.Owner'))).toEqual([])
    expect(await referenceTargets(services(), l2.id, s.attributeId('Laptop.Owner'))).toEqual([named.id])
  })

  /**
   * The same entries imported twice into fresh sources, once with the set statement and once with every row left to
   * the pages: the links, the counters and the problems (in entry order, with their locations) are the same.
   */
  it('the set statement and the pages together link, count and report as the pages alone', async () => {
    const run = async (setStatement: boolean) => {
      const s = await engineSource(services(), ws(), [person, laptop])
      const people = [
        { name: 'Ann', team: 'Red' },
        { name: 'Bob', team: 'Red' },
        { name: 'Cy', team: 'Blue' },
        { name: 'Dee' },
      ]
      // Dee is removed by the second run, before its references are resolved.
      await runEngine(services(), ws(), s.source.id, [{ people }])
      const seen = { pages: 0, sets: 0 }
      const store = countingStore(importStore(services().store), seen, setStatement)
      const result = await runEngine(
        services(),
        ws(),
        s.source.id,
        [
          {
            people: people.slice(0, 3),
            laptops: [
              { serial: 'L1', owner: 'ann', team: 'blue' },
              { serial: 'L2', owner: 'Zed', team: 'Red' },
              { serial: 'L3', owner: 'Dee', team: 'BLUE' },
              { serial: 'L4', owner: 'Cy' },
            ],
          },
        ],
        { deps: { store } },
      )
      const id = async (type: string, identity: string) =>
        (await objectByIdentity(services(), s.typeId(type), identity)).id
      const links: Record<string, string[]> = {}
      const names = new Map<number, string>()
      for (const n of ['Ann', 'Bob', 'Cy']) names.set(await id('Person', n), n)
      for (const serial of ['L1', 'L2', 'L3', 'L4']) {
        const laptopId = await id('Laptop', serial)
        for (const attribute of ['Owner', 'Team lead']) {
          const targets = await referenceTargets(services(), laptopId, s.attributeId(`Laptop.${attribute}`))
          links[`${serial}.${attribute}`] = targets.map((t) => names.get(t) ?? String(t))
        }
      }
      const problems = (await entryProblems(services(), result.id)).map((p) => [
        p.code,
        p.location,
        p.attribute,
        p.value,
        p.message,
      ])
      return { seen, links, problems, counters: counters(result, 'Laptop') }
    }
    const withSet = await run(true)
    const pagesOnly = await run(false)
    expect(withSet.seen.pages).toBeGreaterThan(0)
    expect(withSet.links).toEqual({
      'L1.Owner': ['Ann'],
      'L1.Team lead': ['Cy'],
      'L2.Owner': [],
      'L2.Team lead': [],
      'L3.Owner': [],
      'L3.Team lead': ['Cy'],
      'L4.Owner': ['Cy'],
      'L4.Team lead': [],
    })
    expect(withSet.problems.map((p) => p.slice(0, 4))).toEqual([
      ['UNRESOLVED_REFERENCE', 'laptops[1]', 'Owner', 'Zed'],
      ['UNRESOLVED_REFERENCE', 'laptops[2]', 'Owner', 'Dee'],
      ['AMBIGUOUS_REFERENCE', 'laptops[1]', 'Team lead', 'Red'],
    ])
    expect(withSet.counters).toMatchObject({ objectsCreated: 4, objectsWithUpdatedReferences: 3 })
    expect(pagesOnly.links).toEqual(withSet.links)
    expect(pagesOnly.problems).toEqual(withSet.problems)
    expect(pagesOnly.counters).toEqual(withSet.counters)
  })
})
