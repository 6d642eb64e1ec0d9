import { beforeAll, expect, it } from 'vitest'
import { ImportCancelled } from '../../src/engine/run-import.js'
import type { EngineProgress } from '../../src/engine/engine-types.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import { counters, engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { repositorySnapshot, rowCounts } from '../helpers/engine-snapshot.js'
import { describeEachDialect } from '../helpers/test-env.js'

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
    { name: 'State', type: 'status', locators: ['state'] },
  ],
  options: { missingObjects: { policy: 'REMOVE' }, unknownValues: 'ADD' },
}

/** n hosts; `variant` changes the size of every third host and the owner of every fifth. */
function hostEntries(n: number, variant = 0) {
  return Array.from({ length: n }, (_, i) => ({
    serial: `H-${String(i).padStart(5, '0')}`,
    size: i % 3 === 0 ? i + variant : i,
    owner: i % 5 === 0 && variant ? 'Bob' : 'Ann',
    state: variant ? 'Brand new state' : 'Running',
  }))
}

describeEachDialect('import engine: atomicity and cancel', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  let s: Awaited<ReturnType<typeof engineSource>>
  const people = [{ name: 'Ann' }, { name: 'Bob' }]

  beforeAll(async () => {
    s = await engineSource(services(), ws(), [person, host], { statuses: [{ name: 'Running' }] })
    // Existing objects, values, references, change log and problems that a failed run must leave untouched.
    const first = await runEngine(services(), ws(), s.source.id, [
      { people, hosts: [...hostEntries(300), { serial: 'BAD', size: 'x', owner: 'Nobody' }] },
    ])
    expect(counters(first, 'Host').objectsCreated).toBe(301)
    expect(first.problemCount).toBe(2)
  })

  /**
   * The next run's data, in two chunks: 300 changed hosts and 5,200 new ones (more than one write batch, whatever
   * the engine's batch size up to 5,500); BAD goes missing (REMOVE).
   */
  const TOTAL = 5500
  const changedRun = () => [
    { people, hosts: hostEntries(TOTAL / 2, 7) },
    { hosts: hostEntries(TOTAL, 7).slice(TOTAL / 2) },
  ]

  it('a failure in the middle of the write phase leaves every table exactly as before', async () => {
    const before = await repositorySnapshot(services())
    const counts = await rowCounts(services())
    const calls: number[] = []
    const progress: EngineProgress[] = []
    const failing = runEngine(services(), ws(), s.source.id, changedRun(), {
      onProgress: (p) => progress.push(p),
      deps: {
        afterBatch: (written) => {
          calls.push(written)
          throw new Error('disk full')
        },
      },
    })
    await expect(failing).rejects.toThrow('disk full')
    // The failure came after the first written batch, with entries still to read and write.
    expect(calls).toHaveLength(1)
    expect(calls[0]).toBeGreaterThan(0)
    expect(progress).toHaveLength(1)
    expect(progress[0]!.entriesRead, 'the write batch must be smaller than the run').toBeLessThan(TOTAL)
    expect(await repositorySnapshot(services())).toEqual(before)
    expect(await rowCounts(services())).toEqual({ ...counts, execution: counts.execution! + 1 })
  })

  it('the next object key after a failed run is the one it would have had: reserved keys are rolled back', async () => {
    const seqOf = (key: string) => Number(key.split('-').pop())
    const existing = [
      ...(await storedObjects(services(), s.typeId('Host'))),
      ...(await storedObjects(services(), s.typeId('Person'))),
    ]
    const highest = Math.max(...existing.map((o) => seqOf(o.key)))
    await expect(
      runEngine(services(), ws(), s.source.id, changedRun(), {
        deps: {
          afterBatch: () => {
            throw new Error('crash')
          },
        },
      }),
    ).rejects.toThrow('crash')
    // The first run's data again plus one new person: only Cy is created.
    const next = await runEngine(services(), ws(), s.source.id, [
      {
        people: [...people, { name: 'Cy' }],
        hosts: [...hostEntries(300), { serial: 'BAD', size: 'x', owner: 'Nobody' }],
      },
    ])
    expect(counters(next, 'Person').objectsCreated).toBe(1)
    expect(counters(next, 'Host')).toMatchObject({ objectsCreated: 0, objectsMissingDeleted: 0 })
    const cy = (await storedObjects(services(), s.typeId('Person'))).find((o) => o.label === 'Cy')!
    expect(seqOf(cy.key)).toBe(highest + 1)
    expect(cy.key.split('-')[0]).toBe(existing[0]!.key.split('-')[0])
  })

  it('a cancel from onProgress after the first batch ends in ImportCancelled with nothing written', async () => {
    const before = await repositorySnapshot(services())
    const controller = new AbortController()
    const phases: EngineProgress[] = []
    const cancelled = runEngine(services(), ws(), s.source.id, changedRun(), {
      signal: controller.signal,
      onProgress: (p) => {
        phases.push(p)
        controller.abort()
      },
    })
    await expect(cancelled).rejects.toBeInstanceOf(ImportCancelled)
    // one report, after the first written batch, long before the last entry
    expect(phases).toHaveLength(1)
    expect(phases[0]).toMatchObject({ phase: 'reading' })
    expect(phases[0]!.objectsWritten).toBeGreaterThan(0)
    expect(phases[0]!.entriesRead).toBeLessThan(TOTAL)
    expect(await repositorySnapshot(services())).toEqual(before)
  })

  it('a cancel from afterBatch, or one arriving during the reference pass, writes nothing either', async () => {
    const before = await repositorySnapshot(services())
    const fromBatch = new AbortController()
    await expect(
      runEngine(services(), ws(), s.source.id, changedRun(), {
        signal: fromBatch.signal,
        deps: { afterBatch: () => fromBatch.abort() },
      }),
    ).rejects.toBeInstanceOf(ImportCancelled)
    expect(await repositorySnapshot(services())).toEqual(before)

    const late = new AbortController()
    await expect(
      runEngine(services(), ws(), s.source.id, changedRun(), {
        signal: late.signal,
        onProgress: (p) => {
          if (p.phase === 'references') late.abort()
        },
      }),
    ).rejects.toBeInstanceOf(ImportCancelled)
    expect(await repositorySnapshot(services())).toEqual(before)
  })

  it('an object row the database refuses fails the run with that refusal, and nothing is written', async () => {
    // Keys are numbered from the schema's counter: set back to 1, the run's first new object takes a key that an
    // existing object holds. The run fails with the refusal itself (on PostgreSQL a refused COPY aborts the
    // transaction: any later statement would fail with "current transaction is aborted" instead).
    const db = services().store.db
    const { next_object_seq: seq } = await db
      .selectFrom('object_schema')
      .select('next_object_seq')
      .where('id', '=', s.schemaId)
      .executeTakeFirstOrThrow()
    await db.updateTable('object_schema').set({ next_object_seq: 1 }).where('id', '=', s.schemaId).execute()
    try {
      const before = await repositorySnapshot(services())
      const counts = await rowCounts(services())
      const failing = runEngine(services(), ws(), s.source.id, changedRun())
      await expect(failing).rejects.toThrow(/object_key/)
      await expect(failing).rejects.not.toThrow(/aborted/)
      expect(await repositorySnapshot(services())).toEqual(before)
      expect(await rowCounts(services())).toEqual({ ...counts, execution: counts.execution! + 1 })
    } finally {
      await db
        .updateTable('object_schema')
        .set({ next_object_seq: seq })
        .where('id', '=', s.schemaId)
        .execute()
    }
  })

  it('a signal aborted before the start reads nothing', async () => {
    const before = await repositorySnapshot(services())
    let pulled = 0
    async function* data() {
      pulled++
      yield { people }
    }
    await expect(
      runEngine(services(), ws(), s.source.id, data(), { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(ImportCancelled)
    expect(pulled).toBeLessThanOrEqual(1)
    expect(await repositorySnapshot(services())).toEqual(before)
  })

  it('after all that, the same run succeeds and does what the failed ones would have done', async () => {
    const result = await runEngine(services(), ws(), s.source.id, changedRun())
    expect(counters(result, 'Host')).toMatchObject({
      entriesInSource: TOTAL,
      objectsCreated: 5200,
      objectsUpdated: 300,
      objectsMissingDeleted: 1,
      // 60 existing hosts move from Ann to Bob; the 5,200 new ones get their first link
      objectsWithUpdatedReferences: 5260,
    })
    const statuses = (await services().schemas.listStatuses(ws(), s.schemaId)).map((x) => x.name)
    expect(statuses).toContain('Brand new state')
  })
})
