import { expect, it } from 'vitest'
import { importStore } from '../../src/store/import-store.js'
import { overridingTx, runEngine } from '../helpers/engine-fixtures.js'
import { engineSource, objectByIdentity, type TypeSpec } from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

interface Change {
  objectId: number
  key: string
  before: Record<string, unknown[]> | null
  after: Record<string, unknown[]> | null
}

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

function host(missingObjects: Record<string, unknown>): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'Size', type: 'integer', locators: ['size'] },
      { name: 'Notes', type: 'text', locators: ['notes'] },
      {
        name: 'Owner',
        type: 'referenced_object',
        ref: 'person',
        locators: ['owner'],
        iql: 'Name = ${owner}',
      },
    ],
    options: { missingObjects, emptyValues: 'REMOVE' },
  }
}

describeEachDialect('import engine: change log', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  async function changeLog(executionId: string) {
    const rows = await services()
      .store.db.selectFrom('change_batch')
      .selectAll()
      .where('execution_id', '=', executionId)
      .orderBy('seq')
      .execute()
    return rows.map((r) => {
      if (r.operation === 'create-range') {
        const ranges = JSON.parse(r.changes) as [number, number][]
        const ids = ranges.flatMap(([first, last]) =>
          Array.from({ length: last - first + 1 }, (_, i) => first + i),
        )
        expect(r.count).toBe(ids.length)
        return { typeId: Number(r.object_type_id), operation: r.operation, changes: [] as Change[], ids }
      }
      const changes = JSON.parse(r.changes) as Change[]
      expect(r.count).toBe(changes.length)
      return { typeId: Number(r.object_type_id), operation: r.operation, changes, ids: [] as number[] }
    })
  }

  /** The ids of the objects created on one type, from the creation rows' id ranges. */
  function createdIds(log: Awaited<ReturnType<typeof changeLog>>, typeId: number) {
    return log
      .filter((b) => b.typeId === typeId && b.operation === 'create-range')
      .flatMap((b) => b.ids)
      .sort((x, y) => x - y)
  }

  /** All changes of one operation on one type, by object key. */
  function changesOf(log: Awaited<ReturnType<typeof changeLog>>, typeId: number, operation: string) {
    return Object.fromEntries(
      log
        .filter((b) => b.typeId === typeId && b.operation === operation)
        .flatMap((b) => b.changes)
        .map((c) => [c.key, c]),
    )
  }

  it('records created objects as id ranges, and each updated, deleted and re-linked one with its values before and after', async () => {
    const s = await engineSource(services(), ws(), [person, host({ policy: 'REMOVE' })])
    const [size, notes, serial, owner] = ['Size', 'Notes', 'Serial', 'Owner'].map((n) =>
      String(s.attributeId(`Host.${n}`)),
    )
    const hostType = s.typeId('Host')
    const first = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }],
        hosts: [
          { serial: 'A', size: 1, notes: 'n', owner: 'Ann' },
          { serial: 'B', size: 2, notes: 'n', owner: 'Ann' },
          { serial: 'C', size: 3 },
        ],
      },
    ])
    const [a, b, c] = await Promise.all(
      ['A', 'B', 'C'].map((id) => objectByIdentity(services(), hostType, id)),
    )
    const [ann, bob] = await Promise.all(
      ['Ann', 'Bob'].map((n) => objectByIdentity(services(), s.typeId('Person'), n)),
    )

    // A first load writes no copy of the objects: one creation row per type, its ids as ranges.
    const firstLog = await changeLog(first.id)
    expect(createdIds(firstLog, hostType)).toEqual([a!.id, b!.id, c!.id].sort((x, y) => x - y))
    expect(createdIds(firstLog, s.typeId('Person'))).toEqual([ann!.id, bob!.id].sort((x, y) => x - y))
    expect(firstLog.filter((r) => r.operation === 'create-range')).toHaveLength(2)
    expect(firstLog.some((r) => r.operation === 'create')).toBe(false)
    expect(
      (
        await services()
          .store.db.selectFrom('object')
          .select('attribute_values')
          .where('id', '=', a!.id)
          .executeTakeFirstOrThrow()
      ).attribute_values,
    ).toBe(JSON.stringify({ [serial!]: ['A'], [size!]: [1], [notes!]: ['n'] }))
    // The references the first load set on the objects it created are part of their creation: not logged again.
    expect(firstLog.map((r) => r.operation)).toEqual(['create-range', 'create-range'])

    const second = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }],
        hosts: [
          { serial: 'A', size: 1, notes: 'n', owner: 'Ann' },
          { serial: 'B', size: 20, owner: 'Bob' },
        ],
      },
    ])
    const log = await changeLog(second.id)
    // A is identical: nothing about it is logged.
    expect(log.flatMap((batch) => batch.changes).some((ch) => ch.objectId === a!.id)).toBe(false)
    expect(changesOf(log, hostType, 'update')).toEqual({
      [b!.key]: {
        objectId: b!.id,
        key: b!.key,
        before: { [size!]: [2], [notes!]: ['n'] },
        after: { [size!]: [20], [notes!]: [] },
      },
    })
    expect(changesOf(log, hostType, 'references')).toEqual({
      [b!.key]: {
        objectId: b!.id,
        key: b!.key,
        before: { [owner!]: [ann!.id] },
        after: { [owner!]: [bob!.id] },
      },
    })
    expect(changesOf(log, hostType, 'delete')).toEqual({
      [c!.key]: {
        objectId: c!.id,
        key: c!.key,
        before: { [serial!]: ['C'], [size!]: [3] },
        after: null,
        object: { label: 'C', identity: 'C' },
      },
    })
    expect(createdIds(log, hostType)).toEqual([])
    expect(changesOf(log, s.typeId('Person'), 'update')).toEqual({})
  })

  it('records a removed object’s whole before-image — values, reference targets, label, identity — from the one read of its row', async () => {
    const s = await engineSource(services(), ws(), [
      person,
      {
        ...host({ policy: 'REMOVE' }),
        attributes: [...host({}).attributes, { name: 'Tag', type: 'text', unique: true, locators: ['tag'] }],
      },
    ])
    const [size, notes, serial, owner, tag] = ['Size', 'Notes', 'Serial', 'Owner', 'Tag'].map((n) =>
      String(s.attributeId(`Host.${n}`)),
    )
    const hostType = s.typeId('Host')
    const people = [{ name: 'Ann' }, { name: 'Bob' }]
    await runEngine(services(), ws(), s.source.id, [
      {
        people,
        hosts: [
          { serial: 'A', size: 1, notes: 'n "quoted"', owner: 'Ann', tag: 't-a' },
          { serial: 'B', size: 2, owner: 'Bob', tag: 't-b' },
          { serial: 'C', size: 3 },
          { serial: 'D', size: 4 },
          { serial: 'E', size: 5 },
        ],
      },
    ])
    const [a, c] = await Promise.all(['A', 'C'].map((id) => objectByIdentity(services(), hostType, id)))
    const ann = await objectByIdentity(services(), s.typeId('Person'), 'Ann')
    // Two of five missing: the owned table's unseen objects. Their rows are read once, with their values
    // (ownedByIds), never again by id.
    const reads = { storedValues: 0 }
    const store = overridingTx(importStore(services().store), (tx) => ({
      storedValues: (ids: number[]) => {
        reads.storedValues += ids.length
        return tx.storedValues(ids)
      },
    }))
    const second = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          people,
          hosts: [
            { serial: 'B', size: 2, owner: 'Bob', tag: 't-b' },
            { serial: 'D', size: 4 },
            { serial: 'E', size: 5 },
          ],
        },
      ],
      { deps: { store } },
    )
    expect(reads.storedValues).toBe(0)
    expect(changesOf(await changeLog(second.id), hostType, 'delete')).toEqual({
      [a!.key]: {
        objectId: a!.id,
        key: a!.key,
        before: {
          [serial!]: ['A'],
          [size!]: [1],
          [notes!]: ['n "quoted"'],
          [tag!]: ['t-a'],
          [owner!]: [ann!.id],
        },
        after: null,
        object: { label: 'A', identity: 'A' },
      },
      [c!.key]: {
        objectId: c!.id,
        key: c!.key,
        before: { [serial!]: ['C'], [size!]: [3] },
        after: null,
        object: { label: 'C', identity: 'C' },
      },
    })
    // Their value-index keys (Tag is unique: it keeps index rows) went with them; B's stays.
    const tags = await services()
      .store.db.selectFrom('object_value')
      .select(['object_id', 'value_text'])
      .where('attribute_id', '=', Number(tag))
      .execute()
    expect(tags.map((r) => r.value_text)).toEqual(['t-b'])
  })

  it('writes an update that keeps the label without the label’s columns, and one that changes it with them', async () => {
    const s = await engineSource(services(), ws(), [person, host({ policy: 'IGNORE' })])
    const hostType = s.typeId('Host')
    await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [
          { serial: 'A', size: 1 },
          { serial: 'B', size: 2 },
        ],
      },
    ])
    const writes = { withLabel: [] as number[], keepingLabel: [] as number[] }
    const store = overridingTx(importStore(services().store), (tx) => ({
      updateObjects: (rows: unknown[][]) => {
        writes.withLabel.push(...rows.map((r) => Number(r[0])))
        return tx.updateObjects(rows)
      },
      updateObjectsKeepingLabel: (rows: unknown[][]) => {
        writes.keepingLabel.push(...rows.map((r) => Number(r[0])))
        return tx.updateObjectsKeepingLabel(rows)
      },
    }))
    // A's size changes (its label, the serial, stays); B is identical.
    const second = await runEngine(
      services(),
      ws(),
      s.source.id,
      [
        {
          hosts: [
            { serial: 'A', size: 10 },
            { serial: 'B', size: 2 },
          ],
        },
      ],
      { deps: { store } },
    )
    const a = await objectByIdentity(services(), hostType, 'A')
    expect(writes).toEqual({ withLabel: [], keepingLabel: [a!.id] })
    expect(changesOf(await changeLog(second.id), hostType, 'update')[a!.key]).toMatchObject({
      before: { [String(s.attributeId('Host.Size'))]: [1] },
      after: { [String(s.attributeId('Host.Size'))]: [10] },
    })
    const row = await services()
      .store.db.selectFrom('object')
      .select(['label', 'label_ci', 'attribute_values'])
      .where('id', '=', a!.id)
      .executeTakeFirstOrThrow()
    expect(row.label).toBe('A')
    expect(row.label_ci).toBe('a')
    expect(JSON.parse(row.attribute_values)[String(s.attributeId('Host.Size'))]).toEqual([10])
  })

  it('records missing-object updates with the attribute before and after', async () => {
    const s = await engineSource(services(), ws(), [
      person,
      host({ policy: 'UPDATE', attributeName: 'Notes', value: 'missing' }),
    ])
    await runEngine(services(), ws(), s.source.id, [
      { hosts: [{ serial: 'A', notes: 'here' }, { serial: 'B' }] },
    ])
    const second = await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'B' }] }])
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    const notes = String(s.attributeId('Host.Notes'))
    expect(changesOf(await changeLog(second.id), s.typeId('Host'), 'missing-update')).toEqual({
      [a.key]: { objectId: a.id, key: a.key, before: { [notes]: ['here'] }, after: { [notes]: ['missing'] } },
    })
  })

  it('writes the change log of a run in one statement, however many rows of 500 changes it makes', async () => {
    const s = await engineSource(services(), ws(), [person, host({ policy: 'IGNORE' })])
    const hosts = (owner: string) => Array.from({ length: 1200 }, (_, i) => ({ serial: `S${i}`, owner }))
    const people = [{ name: 'Ann' }, { name: 'Bob' }]
    await runEngine(services(), ws(), s.source.id, [{ people, hosts: hosts('Ann') }])
    let statements = 0
    const store = overridingTx(importStore(services().store), (tx) => ({
      insertChangeBatches: (rows) => {
        statements++
        return tx.insertChangeBatches(rows)
      },
    }))
    const second = await runEngine(services(), ws(), s.source.id, [{ people, hosts: hosts('Bob') }], {
      deps: { store },
    })
    const log = await changeLog(second.id)
    // Three rows of reference changes (500 + 500 + 200).
    expect(log.map((r) => r.operation)).toEqual(['references', 'references', 'references'])
    expect(Object.keys(changesOf(log, s.typeId('Host'), 'references'))).toHaveLength(1200)
    expect(statements).toBe(1)
  })

  it('writes nothing to the change log for a run that changes nothing', async () => {
    const s = await engineSource(services(), ws(), [person, host({ policy: 'IGNORE' })])
    const data = [{ people: [{ name: 'Ann' }], hosts: [{ serial: 'A', size: 1, owner: 'Ann' }] }]
    await runEngine(services(), ws(), s.source.id, data)
    const again = await runEngine(services(), ws(), s.source.id, data)
    expect(await changeLog(again.id)).toEqual([])
  })
})
