import { expect, it } from 'vitest'
import { engineSettingsFrom } from '../../src/engine/engine-settings.js'
import { EntryProblemFailure } from '../../src/engine/map-entry.js'
import { runEngine } from '../helpers/engine-fixtures.js'
import {
  counters,
  engineSource,
  indexRowsOf,
  objectByIdentity,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { describeEachDialect } from '../helpers/test-env.js'

function hostType(options: Record<string, unknown> = {}, extra: TypeSpec['attributes'] = []): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'Notes', type: 'text', locators: ['notes'], indexed: true },
      { name: 'Size', type: 'integer', locators: ['size'] },
      ...extra,
    ],
    options,
  }
}

describeEachDialect('import engine: values', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('an empty value keeps the stored value under emptyValues IGNORE', async () => {
    const s = await engineSource(services(), ws(), [hostType({ emptyValues: 'IGNORE' })])
    await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', notes: 'keep me', size: 5 }] }])
    const second = await runEngine(services(), ws(), s.source.id, [
      { hosts: [{ serial: 'A', notes: '', size: 5 }] },
    ])
    expect(counters(second, 'Host')).toMatchObject({ objectsUpdated: 0, objectsIdentical: 1 })
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    expect(a.values[s.attributeId('Host.Notes')]).toEqual(['keep me'])
    expect(await indexRowsOf(services(), s.attributeId('Host.Notes'))).toEqual([[a.id, 'keep me']])
  })

  it('an empty value clears the stored value under emptyValues REMOVE, index row included', async () => {
    const s = await engineSource(services(), ws(), [hostType({ emptyValues: 'REMOVE' })])
    await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', notes: 'drop me', size: 5 }] }])
    const second = await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', size: 5 }] }])
    expect(counters(second, 'Host')).toMatchObject({ objectsUpdated: 1, objectsIdentical: 0 })
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    expect(a.values[s.attributeId('Host.Notes')]).toBeUndefined()
    expect(a.values[s.attributeId('Host.Size')]).toEqual([5])
    expect(await indexRowsOf(services(), s.attributeId('Host.Notes'))).toEqual([])
    const third = await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', size: 5 }] }])
    expect(counters(third, 'Host')).toMatchObject({ objectsUpdated: 0, objectsIdentical: 1 })
  })

  it('the source default decides when the mapping does not say', async () => {
    const s = await engineSource(services(), ws(), [hostType()], {
      settings: { defaultHandleEmptyValues: 'REMOVE' },
    })
    await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', notes: 'x' }] }])
    await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A' }] }])
    expect(
      (await objectByIdentity(services(), s.typeId('Host'), 'A')).values[s.attributeId('Host.Notes')],
    ).toBeUndefined()
  })

  it('an invalid value is skipped with a problem and never clears the stored value, even under REMOVE', async () => {
    const s = await engineSource(services(), ws(), [hostType({ emptyValues: 'REMOVE' })])
    await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', notes: 'n', size: 5 }] }])
    const second = await runEngine(services(), ws(), s.source.id, [
      { hosts: [{ serial: 'A', notes: 'n', size: 'five' }] },
    ])
    expect(counters(second, 'Host')).toMatchObject({ entriesWithProblems: 1, objectsUpdated: 0 })
    expect(second.problemCount).toBe(1)
    const problems = await storedProblems(services(), second.id)
    expect(problems.map((p) => [p.code, p.location, p.attribute, p.value])).toEqual([
      ['INVALID_VALUE', 'hosts[0]', 'Size', 'five'],
    ])
    expect(
      (await objectByIdentity(services(), s.typeId('Host'), 'A')).values[s.attributeId('Host.Size')],
    ).toEqual([5])
  })

  it('entryProblems SKIP_ENTRY leaves the whole entry out; FAIL fails the execution and writes nothing', async () => {
    const s = await engineSource(services(), ws(), [hostType()])
    const data = [
      {
        hosts: [
          { serial: 'A', size: 1 },
          { serial: 'B', size: 'two' },
          { serial: 'C', size: 3 },
        ],
      },
    ]
    const settings = engineSettingsFrom(s.source.settings)
    const skipped = await runEngine(services(), ws(), s.source.id, data, {
      settings: { ...settings, entryProblems: 'SKIP_ENTRY' },
    })
    expect(counters(skipped, 'Host')).toMatchObject({
      entriesInSource: 3,
      objectsCreated: 2,
      entriesWithProblems: 1,
    })
    expect((await storedObjects(services(), s.typeId('Host'))).map((o) => o.identity)).toEqual(['A', 'C'])

    const strict = await engineSource(services(), ws(), [hostType()])
    const failing = runEngine(services(), ws(), strict.source.id, data, {
      settings: { ...engineSettingsFrom(strict.source.settings), entryProblems: 'FAIL' },
    })
    await expect(failing).rejects.toBeInstanceOf(EntryProblemFailure)
    await expect(failing).rejects.toThrow('hosts[1]: Size: not a number')
    expect(await storedObjects(services(), strict.typeId('Host'))).toEqual([])
  })

  it('a non-array at the selector path is an INVALID_SELECTION problem and the other chunks still import', async () => {
    const s = await engineSource(services(), ws(), [hostType()])
    const result = await runEngine(services(), ws(), s.source.id, [
      { hosts: { serial: 'oops' } },
      { hosts: [{ serial: 'A' }, 'not an object'] },
    ])
    const problems = await storedProblems(services(), result.id)
    expect(
      problems
        .filter((p) => p.code !== 'LOCATOR_READ_NOTHING')
        .map((p) => [p.code, p.location, Number(p.object_type_id)]),
    ).toEqual([
      ['INVALID_SELECTION', 'hosts', s.typeId('Host')],
      ['INVALID_SELECTION', 'hosts[1]', s.typeId('Host')],
    ])
    expect(counters(result, 'Host')).toMatchObject({ entriesInSource: 1, objectsCreated: 1 })
  })

  it('unknown select options are dropped under unknownValues IGNORE and added to the attribute under ADD', async () => {
    for (const unknownValues of ['IGNORE', 'ADD'] as const) {
      const s = await engineSource(services(), ws(), [
        hostType({ unknownValues }, [{ name: 'Vendor', type: 'select', locators: ['vendor'] }]),
      ])
      const vendor = s.attribute('Host.Vendor')
      await services().schemas.updateAttribute(ws(), vendor.id, vendor.objectTypeId, {
        allowedValues: ['Dell', 'HP'],
      })
      const result = await runEngine(services(), ws(), s.source.id, [
        {
          hosts: [
            { serial: 'A', vendor: 'dell' },
            { serial: 'B', vendor: 'Acer' },
            { serial: 'C', vendor: 'ACER' },
          ],
        },
      ])
      // Notes and Size are mapped but absent from these entries: only those locators are reported.
      expect(
        (await storedProblems(services(), result.id)).map((p) => [p.code, p.attribute]),
        unknownValues,
      ).toEqual([
        ['LOCATOR_READ_NOTHING', 'Notes'],
        ['LOCATOR_READ_NOTHING', 'Size'],
      ])
      const values = (await storedObjects(services(), s.typeId('Host'))).map((o) => o.values[vendor.id])
      const [after] = await services()
        .schemas.attributesOfTypes([s.typeId('Host')])
        .then((all) => all.filter((a) => a.id === vendor.id))
      if (unknownValues === 'IGNORE') {
        expect(values).toEqual([['Dell'], undefined, undefined])
        expect(after!.allowedValues).toEqual(['Dell', 'HP'])
      } else {
        expect(values).toEqual([['Dell'], ['Acer'], ['Acer']])
        expect(after!.allowedValues).toEqual(['Dell', 'HP', 'Acer'])
      }
    }
  })

  it('unknown statuses are dropped under unknownValues IGNORE and created in the schema under ADD', async () => {
    for (const unknownValues of ['IGNORE', 'ADD'] as const) {
      const s = await engineSource(
        services(),
        ws(),
        [hostType({ unknownValues }, [{ name: 'State', type: 'status', locators: ['state'] }])],
        { statuses: [{ name: 'Running' }] },
      )
      await runEngine(services(), ws(), s.source.id, [
        {
          hosts: [
            { serial: 'A', state: 'running' },
            { serial: 'B', state: 'Scrapped' },
            { serial: 'C', state: 'SCRAPPED' },
          ],
        },
      ])
      const state = s.attributeId('Host.State')
      const values = (await storedObjects(services(), s.typeId('Host'))).map((o) => o.values[state])
      const statuses = (await services().schemas.listStatuses(ws(), s.schemaId)).map((x) => x.name)
      if (unknownValues === 'IGNORE') {
        expect(values).toEqual([['Running'], undefined, undefined])
        expect(statuses.filter((x) => x.toLowerCase() === 'scrapped')).toEqual([])
      } else {
        expect(values).toEqual([['Running'], ['Scrapped'], ['Scrapped']])
        expect(statuses.filter((x) => x.toLowerCase() === 'scrapped')).toEqual(['Scrapped'])
      }
    }
  })

  it('a status value is unknown when the schema has no status at all: dropped under IGNORE, created under ADD', async () => {
    for (const unknownValues of ['IGNORE', 'ADD'] as const) {
      const s = await engineSource(services(), ws(), [
        hostType({ unknownValues }, [{ name: 'State', type: 'status', locators: ['state'] }]),
      ])
      expect(await services().schemas.listStatuses(ws(), s.schemaId)).toEqual([])
      await runEngine(services(), ws(), s.source.id, [{ hosts: [{ serial: 'A', state: 'Whatever' }] }])
      const [a] = await storedObjects(services(), s.typeId('Host'))
      const statuses = (await services().schemas.listStatuses(ws(), s.schemaId)).map((x) => x.name)
      if (unknownValues === 'IGNORE') {
        expect(a!.values[s.attributeId('Host.State')]).toBeUndefined()
        expect(statuses).toEqual([])
      } else {
        expect(a!.values[s.attributeId('Host.State')]).toEqual(['Whatever'])
        expect(statuses).toEqual(['Whatever'])
      }
    }
  })

  it('joins several locators with the source concatenator, \\s standing for a space (quoted or not)', async () => {
    for (const [concatenator, expected] of [
      ['\\s', 'Mathias Edblom'],
      ['"\\s"', 'Mathias Edblom'],
      [' | ', 'Mathias | Edblom'],
    ] as const) {
      const s = await engineSource(
        services(),
        ws(),
        [hostType({}, [{ name: 'Full name', type: 'text', locators: ['first', 'last'] }])],
        { settings: { defaultConcatenator: concatenator } },
      )
      await runEngine(services(), ws(), s.source.id, [
        { hosts: [{ serial: 'A', first: 'Mathias', last: 'Edblom' }] },
      ])
      const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
      expect(a.values[s.attributeId('Host.Full name')], concatenator).toEqual([expected])
    }
  })

  it('reads dates and date-times with the source formats and zone', async () => {
    const s = await engineSource(
      services(),
      ws(),
      [
        hostType({}, [
          { name: 'Bought', type: 'date', locators: ['bought'] },
          { name: 'Seen', type: 'date_time', locators: ['seen'] },
        ]),
      ],
      { settings: { dateFormat: 'dd/MM/yyyy', dateTimeFormat: 'dd.MM.yyyy HH:mm', zone: 'Europe/Berlin' } },
    )
    const result = await runEngine(services(), ws(), s.source.id, [
      {
        hosts: [
          { serial: 'A', bought: '31/12/2024', seen: '01.07.2024 12:00' },
          { serial: 'B', bought: '2024-12-31' },
        ],
      },
    ])
    const a = await objectByIdentity(services(), s.typeId('Host'), 'A')
    expect(a.values[s.attributeId('Host.Bought')]).toEqual(['2024-12-31'])
    expect(a.values[s.attributeId('Host.Seen')]).toEqual(['2024-07-01T10:00:00.000Z'])
    expect(
      (await storedProblems(services(), result.id))
        .filter((p) => p.code !== 'LOCATOR_READ_NOTHING')
        .map((p) => [p.code, p.location, p.attribute]),
    ).toEqual([['INVALID_VALUE', 'hosts[1]', 'Bought']])
  })

  it('matchIdentifierIgnoreCase finds the stored object whatever the case of a later run', async () => {
    const folded = await engineSource(services(), ws(), [hostType({ matchIdentifierIgnoreCase: true })])
    await runEngine(services(), ws(), folded.source.id, [{ hosts: [{ serial: 'SN-Ab', size: 1 }] }])
    const again = await runEngine(services(), ws(), folded.source.id, [
      {
        hosts: [
          { serial: 'sn-ab', size: 1 },
          { serial: 'SN-AB', size: 2 },
        ],
      },
    ])
    expect(counters(again, 'Host')).toMatchObject({
      duplicateEnries: 1,
      objectsCreated: 0,
      objectsUpdated: 1,
    })
    const stored = await storedObjects(services(), folded.typeId('Host'))
    expect(stored.map((o) => [o.identity, o.label])).toEqual([['sn-ab', 'sn-ab']])

    const exact = await engineSource(services(), ws(), [hostType({ matchIdentifierIgnoreCase: false })])
    await runEngine(services(), ws(), exact.source.id, [{ hosts: [{ serial: 'SN-Ab' }] }])
    const second = await runEngine(services(), ws(), exact.source.id, [{ hosts: [{ serial: 'sn-ab' }] }])
    expect(counters(second, 'Host')).toMatchObject({ objectsCreated: 1 })
    expect((await storedObjects(services(), exact.typeId('Host'))).map((o) => o.identity)).toEqual([
      'SN-Ab',
      'sn-ab',
    ])
  })
})

describeEachDialect('import engine: problem locations', (env) => {
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  it('number entries across chunks as one concatenated array, so each location names one entry', async () => {
    const s = await engineSource(services(), ws(), [hostType()])
    const result = await runEngine(services(), ws(), s.source.id, [
      { hosts: [{ serial: 'A', size: 'x' }, { serial: 'B' }] },
      { other: [] },
      { hosts: [{ serial: 'C', size: 'y' }] },
      { hosts: { serial: 'not an array' } },
      { hosts: [{ serial: 'D', size: 'z' }] },
    ])
    expect((await storedProblems(services(), result.id)).map((p) => [p.code, p.location])).toEqual([
      ['INVALID_VALUE', 'hosts[0]'],
      ['INVALID_VALUE', 'hosts[2]'],
      ['INVALID_SELECTION', 'hosts'],
      ['INVALID_VALUE', 'hosts[3]'],
      // Notes is mapped but no entry has it.
      ['LOCATOR_READ_NOTHING', 'selector hosts'],
    ])
  })
})
