import { beforeEach, expect, it } from 'vitest'
import type { ImportStore } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import {
  counters,
  engineSource,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const tagged: TypeSpec = {
  key: 'tagged',
  name: 'Tagged',
  selector: 'items',
  attributes: [
    { name: 'Serial', type: 'text', identity: true, label: true, locators: ['serial'] },
    { name: 'Tag', type: 'text', unique: true, max: -1, locators: ['tag'] },
    { name: 'Note', type: 'text', locators: ['note'] },
  ],
}

interface Asked {
  /** The folded values of every claim the unique check asked the database about. */
  claims: string[]
}

/** The engine's store, recording what the unique check asks the database. */
function askingStore(inner: ImportStore, asked: Asked): ImportStore {
  return overridingTx(inner, (tx) => ({
    takenUniqueValues: (attributeId, sourceId, claims) => {
      asked.claims.push(...claims.map((c) => c[0]))
      return tx.takenUniqueValues(attributeId, sourceId, claims)
    },
  }))
}

describeEachDialect('unique values: what a changed entry’s own object already holds', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  let s: Awaited<ReturnType<typeof engineSource>>
  let asked: Asked
  let store: ImportStore

  beforeEach(async () => {
    s = await engineSource(services(), ws(), [tagged])
    const first = await runEngine(services(), ws(), s.source.id, [
      {
        items: [
          { serial: 'A', tag: ['a1', 'a2'], note: 'a' },
          { serial: 'B', tag: 'b1', note: 'b' },
          { serial: 'C', tag: 'c1', note: 'c' },
        ],
      },
    ])
    expect(counters(first, 'Tagged')).toMatchObject({ objectsCreated: 3, entriesWithProblems: 0 })
    asked = { claims: [] }
    store = askingStore(importStore(services().store), asked)
  })

  const problemsOf = async (executionId: string) =>
    (await storedProblems(services(), executionId)).map((p) => [p.location, p.code, p.attribute, p.value])
  const tags = async () =>
    Object.fromEntries(
      (await storedObjects(services(), s.typeId('Tagged'))).map((o) => [
        o.identity,
        o.values[String(s.attributeId('Tagged.Tag'))] ?? [],
      ]),
    )

  it('a changed entry that keeps its unique values is not reported, and only the values new to its object are asked', async () => {
    const again = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          items: [
            // A keeps a2 (in another case) and takes a3 for a1; B keeps b1; C is unchanged; D is new.
            { serial: 'A', tag: ['A2', 'a3'], note: 'a' },
            { serial: 'B', tag: 'b1', note: 'b, changed' },
            { serial: 'C', tag: 'c1', note: 'c' },
            { serial: 'D', tag: 'd1', note: 'd' },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(counters(again, 'Tagged')).toMatchObject({
      objectsCreated: 1,
      objectsUpdated: 2,
      objectsIdentical: 1,
      entriesWithProblems: 0,
    })
    expect(await problemsOf(again.id)).toEqual([])
    expect(asked.claims.sort()).toEqual(['a3', 'd1'])
    expect(await tags()).toEqual({ A: ['A2', 'a3'], B: ['b1'], C: ['c1'], D: ['d1'] })
  })

  it('a changed entry that takes another object’s unique value is reported, and keeps its own', async () => {
    const again = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          items: [
            { serial: 'A', tag: ['a1', 'a2'], note: 'a' },
            { serial: 'B', tag: ['b1', 'C1'], note: 'b' },
            { serial: 'C', tag: 'c1', note: 'c' },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(await problemsOf(again.id)).toEqual([['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'C1']])
    expect(asked.claims).toEqual(['c1'])
    expect(await tags()).toEqual({ A: ['a1', 'a2'], B: ['b1'], C: ['c1'] })
  })

  it('two changed entries of one batch swapping their unique values are both reported, and both keep theirs', async () => {
    const again = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          items: [
            { serial: 'A', tag: ['a1', 'a2'], note: 'a' },
            { serial: 'B', tag: 'c1', note: 'b' },
            { serial: 'C', tag: 'b1', note: 'c' },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(await problemsOf(again.id)).toEqual([
      ['items[1]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'c1'],
      ['items[2]', 'UNIQUE_VALUE_TAKEN', 'Tag', 'b1'],
    ])
    expect(await tags()).toEqual({ A: ['a1', 'a2'], B: ['b1'], C: ['c1'] })
  })

  it('an unchanged re-import asks nothing', async () => {
    await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          items: [
            { serial: 'A', tag: ['a1', 'a2'], note: 'a' },
            { serial: 'B', tag: 'b1', note: 'b' },
            { serial: 'C', tag: 'c1', note: 'c' },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(asked).toEqual({ claims: [] })
  })
})
