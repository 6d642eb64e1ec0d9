import { expect, it } from 'vitest'
import type { ImportStore, ImportTx } from '../../src/engine/ports.js'
import { importStore } from '../../src/store/import-store.js'
import { engineSource, typeResult, type TypeSpec } from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

/** Every answer of the store arrives this much later (a store on a slow disk, or far away). */
const DELAY_MS = 15

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The engine's ImportStore with every asynchronous method of the transaction answering DELAY_MS later, and the
 * commit (what runs after the engine's work, in the store's transaction) too; `waits` counts the delays.
 */
function slowStore(inner: ImportStore, waits: { count: number }): ImportStore {
  const slow = (tx: ImportTx): ImportTx => {
    const out: Record<string, unknown> = { ...tx }
    for (const [name, member] of Object.entries(tx)) {
      if (typeof member !== 'function') continue
      out[name] = (...args: unknown[]) => {
        const answer: unknown = (member as (...a: unknown[]) => unknown).apply(tx, args)
        if (!(answer instanceof Promise)) return answer
        waits.count++
        return answer.then(async (value: unknown) => {
          await sleep(DELAY_MS)
          return value
        })
      }
    }
    return out as unknown as ImportTx
  }
  return {
    dialect: inner.dialect,
    transaction: (work, options) =>
      inner.transaction(async (tx) => {
        await work(slow(tx))
        waits.count++
        await sleep(DELAY_MS)
      }, options),
  }
}

const people: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [
    { name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] },
    { name: 'Badge', type: 'text', unique: true, locators: ['badge'] },
    { name: 'Age', type: 'integer', locators: ['age'] },
    {
      name: 'Manager',
      type: 'referenced_object',
      ref: 'person',
      locators: ['manager'],
      iql: 'Name = ${manager}',
    },
  ],
  options: { missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' } },
}

const entries = (names: string[]) => ({
  people: names.map((name, i) => ({
    name,
    // A repeated badge (a taken unique value) and a value that is not an integer: problems to store.
    badge: i === 1 ? 'B0' : `B${i}`,
    age: i === 2 ? 'old' : String(20 + i),
    manager: names[0],
  })),
})

describeEachDialect('import engine: the phases account for the whole execution', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('counts every wait on the store in a phase: unique check, writes, staged references, problems, missing objects, references, change log and commit', async () => {
    const s = await engineSource(services(), ws(), [people])
    for (const names of [
      ['Ann', 'Bob', 'Cid', 'Dee'],
      // A re-import: one unchanged, one changed, one gone (removed), one new.
      ['Ann', 'Bob', 'Eve', 'Dee'],
    ]) {
      const waits = { count: 0 }
      const store = slowStore(importStore(services().store), waits)
      const result = await runEngine(services(), ws(), s.source.id, [entries(names)], { deps: { store } })
      const r = typeResult(result, 'Person')
      expect(result.problemCount).toBeGreaterThan(0)
      expect(waits.count).toBeGreaterThan(10)
      // Each timer is rounded to whole milliseconds (six of them: at most 3 ms lost); a timer may fire up to 1 ms
      // early.
      expect(r.executionTimeInMs).toBeGreaterThanOrEqual(waits.count * (DELAY_MS - 1) - 3)
    }
  }, 60_000)
})
