import { beforeAll, expect, it } from 'vitest'
import { fixture, runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  objectByIdentity,
  storedObjects,
  typeResult,
  ZERO_COUNTERS,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { sourceWithMapping } from '../helpers/engine-fixtures.js'
import { describeEachDialect } from '../helpers/test-env.js'

const TIMINGS = [
  'readExternalDataTimeInMs',
  'mapExternalDataTimeInMs',
  'qlQueryFilteringTimeInMs',
  'decidingActionsTimeInMs',
  'writeInsightDataTimeInMs',
  'postFunctionTimeInMs',
  'executionTimeInMs',
] as const

const people: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

const hosts: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Name', type: 'text', label: true, locators: ['name'] },
    { name: 'Serial', type: 'text', identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    { name: 'Owner', type: 'referenced_object', ref: 'person', locators: ['owner'], iql: 'Name = ${owner}' },
  ],
  options: { selectorQlQuery: 'Size >= 10' },
}

describeEachDialect('import engine: objectTypeResultMap counters', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  beforeAll(async () => {
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      await services().schemas.createStatus(ws(), { objectSchemaId: null, name, category: 'active' })
    }
  })

  it('counts each skipped entry under its own counter and creates the rest (first duplicate wins)', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }],
        hosts: [
          { serial: 'A', name: 'Alpha', size: 50, owner: 'Ann' },
          { serial: 'B', name: 'Beta', size: 60 },
          { serial: 'A', name: 'Alpha again', size: 70 },
          { serial: '', name: 'No id', size: 50 },
          { name: 'No id either', size: 50 },
          { serial: 'C', name: '', size: 50 },
          { serial: 'D', name: 'Delta', size: 5 },
        ],
      },
    ])
    expect(counters(result, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 7,
      emptyExternalIdEntries: 2,
      duplicateEnries: 1,
      objectsFilteredWithQlQuery: 1,
      emptyLabelEntries: 1,
      objectsCreated: 2,
      objectsWithUpdatedReferences: 1,
    })
    expect(counters(result, 'Person')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 2, objectsCreated: 2 })
    expect(result.totalNumberEntriesInImport).toBe(9)
    const stored = await storedObjects(services(), s.typeId('Host'))
    expect(stored.map((o) => [o.identity, o.label])).toEqual([
      ['A', 'Alpha'],
      ['B', 'Beta'],
    ])
    expect(stored[0]!.values[s.attributeId('Host.Size')]).toEqual([50])
  })

  it('a duplicate is counted once it passed the filter; a filtered first occurrence does not hide a later one', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [
          { serial: 'A', name: 'small', size: 1 },
          { serial: 'A', name: 'big', size: 100 },
          { serial: 'A', name: 'bigger', size: 200 },
        ],
      },
    ])
    expect(counters(result, 'Host')).toMatchObject({
      entriesInSource: 3,
      objectsFilteredWithQlQuery: 1,
      duplicateEnries: 1,
      objectsCreated: 1,
    })
    expect((await storedObjects(services(), s.typeId('Host')))[0]!.label).toBe('big')
  })

  it('a second run counts identical, updated and created objects, and references that changed', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const first = [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }],
        hosts: [
          { serial: 'A', name: 'Alpha', size: 50, owner: 'Ann' },
          { serial: 'B', name: 'Beta', size: 60, owner: 'Ann' },
          { serial: 'C', name: 'Gamma', size: 70, owner: 'Bob' },
        ],
      },
    ]
    await runEngine(services(), ws(), s.source.id, first)
    const second = await runEngine(services(), ws(), s.source.id, [
      {
        people: [{ name: 'Ann' }, { name: 'Bob' }],
        hosts: [
          { serial: 'A', name: 'Alpha', size: 50, owner: 'Ann' },
          { serial: 'B', name: 'Beta', size: 61, owner: 'Ann' },
          { serial: 'C', name: 'Gamma', size: 70, owner: 'Ann' },
          { serial: 'E', name: 'Epsilon', size: 80 },
        ],
      },
    ])
    expect(counters(second, 'Host')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 4,
      objectsIdentical: 2,
      objectsUpdated: 1,
      objectsCreated: 1,
      objectsWithUpdatedReferences: 1,
    })
    expect(counters(second, 'Person')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 2, objectsIdentical: 2 })
    expect(
      (await objectByIdentity(services(), s.typeId('Host'), 'B')).values[s.attributeId('Host.Size')],
    ).toEqual([61])
  })

  it('answers the progressResult fields with every timing as a number ≥ 0 and the execution time as their sum', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const result = await runEngine(services(), ws(), s.source.id, [
      { people: [{ name: 'Ann' }], hosts: [{ serial: 'A', name: 'Alpha', size: 50, owner: 'Ann' }] },
      { hosts: [{ serial: 'B', name: 'Beta', size: 60 }] },
    ])
    expect(result).toMatchObject({
      type: 'IMPORT',
      status: 'FINISHED',
      result: 'OK',
      objectSchemaId: s.schemaId,
      importSourceId: s.source.id,
      jobId: result.id,
      errorMessages: null,
      infoMessage: null,
      totalNumberEntriesInImport: 3,
      dryRun: false,
      problemCount: 0,
      onlyExecutedForObjectTypes: [],
    })
    expect(result.populatedObjectTypes.sort()).toEqual(['Host', 'Person'])
    expect(Object.keys(result.objectTypeResultMap).sort()).toEqual(
      [String(s.typeId('Host')), String(s.typeId('Person'))].sort(),
    )
    for (const name of ['Host', 'Person']) {
      const r = typeResult(result, name)
      expect(r).toMatchObject({
        id: null,
        objectTypeName: name,
        objectTypeId: s.typeId(name),
        errorMessages: null,
      })
      for (const field of TIMINGS) {
        expect(typeof r[field], field).toBe('number')
        expect(Number.isInteger(r[field]), field).toBe(true)
        expect(r[field], field).toBeGreaterThanOrEqual(0)
      }
      expect(r.executionTimeInMs).toBe(
        r.readExternalDataTimeInMs +
          r.mapExternalDataTimeInMs +
          r.qlQueryFilteringTimeInMs +
          r.decidingActionsTimeInMs +
          r.writeInsightDataTimeInMs +
          r.postFunctionTimeInMs,
      )
    }
    expect(Date.parse(result.ended)).toBeGreaterThanOrEqual(Date.parse(result.started))
  })

  it('an execution without entries says "No data to import" and populates no type', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const result = await runEngine(services(), ws(), s.source.id, [{ unrelated: [{ a: 1 }] }])
    expect(result.infoMessage).toBe('No data to import')
    expect(result.totalNumberEntriesInImport).toBe(0)
    expect(result.populatedObjectTypes).toEqual([])
    expect(counters(result, 'Host')).toEqual(ZERO_COUNTERS)
  })

  it('counts entries over every chunk of the execution', async () => {
    const s = await engineSource(services(), ws(), [people, hosts])
    const result = await runEngine(services(), ws(), s.source.id, [
      { hosts: [{ serial: 'A', name: 'a', size: 10 }] },
      { hosts: [{ serial: 'B', name: 'b', size: 10 }] },
      { hosts: [{ serial: 'A', name: 'a2', size: 10 }], people: [{ name: 'Ann' }] },
    ])
    expect(counters(result, 'Host')).toMatchObject({
      entriesInSource: 3,
      duplicateEnries: 1,
      objectsCreated: 2,
    })
    expect(result.totalNumberEntriesInImport).toBe(4)
  })

  it('the seed example: hard drives and their files, then identical, then an update of one label', async () => {
    const source = await sourceWithMapping(services(), ws(), fixture('mapping/seed-put.json'))
    const data = {
      hardDrives: [
        {
          id: 'Hard drive ID',
          label: 'Hard drive label',
          status: 'New Status',
          files: [
            { path: '/file/path', size: 123456 },
            { path: '/file/other', size: '42' },
          ],
        },
        { id: 'Second drive', label: 'Spare', files: [{ path: '/spare/readme', size: 1 }] },
      ],
    }
    const first = await runEngine(services(), ws(), source.id, [data])
    expect(counters(first, 'Hard Drive')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 2, objectsCreated: 2 })
    expect(counters(first, 'File')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 3, objectsCreated: 3 })
    expect(first.totalNumberEntriesInImport).toBe(5)
    expect(first.problemCount).toBe(0)

    const types = await services().schemas.listTypes(ws(), source.objectSchemaId!)
    const drive = types.find((t) => t.name === 'Hard Drive')!
    const file = types.find((t) => t.name === 'File')!
    const attrs = await services().schemas.attributesOfTypes([drive.id, file.id])
    const attr = (name: string) => attrs.find((a) => a.name === name)!.id
    const drives = await storedObjects(services(), drive.id)
    expect(
      drives.map((d) => [d.label, d.values[attr('Disk Label')], d.values[attr('HardDriveStatus')]]),
    ).toEqual([
      ['Hard drive ID', ['Hard drive label'], ['New Status']],
      ['Second drive', ['Spare'], undefined],
    ])
    const files = await storedObjects(services(), file.id)
    expect(files.map((f) => [f.label, f.values[attr('Size')]])).toEqual([
      ['/file/path', [123456]],
      ['/file/other', [42]],
      ['/spare/readme', [1]],
    ])
    expect(drives[0]!.key).toMatch(/^DAT-\d+$/)

    const again = await runEngine(services(), ws(), source.id, [data])
    expect(counters(again, 'Hard Drive')).toEqual({
      ...ZERO_COUNTERS,
      entriesInSource: 2,
      objectsIdentical: 2,
    })
    expect(counters(again, 'File')).toEqual({ ...ZERO_COUNTERS, entriesInSource: 3, objectsIdentical: 3 })

    const changed = structuredClone(data)
    changed.hardDrives[1]!.label = 'Spare (renamed)'
    const third = await runEngine(services(), ws(), source.id, [changed])
    expect(counters(third, 'Hard Drive')).toMatchObject({ objectsUpdated: 1, objectsIdentical: 1 })
    expect(counters(third, 'File')).toMatchObject({ objectsIdentical: 3 })
    const after = await storedObjects(services(), drive.id)
    expect(after[1]!.values[attr('Disk Label')]).toEqual(['Spare (renamed)'])
    expect(after.map((d) => d.key)).toEqual(drives.map((d) => d.key))
  })
})
