import { describe, expect, it } from 'vitest'
import type { EngineSettings } from '../../../src/engine/engine-types.js'
import type { AttributeKind } from '../../../src/domain/schema/types.js'
import { ATTRIBUTE_KINDS } from '../../../src/domain/schema/types.js'
import { attribute, mapOne, mapped, plan } from './plan-builder.js'

/** Maps `{ id: 'x', v: raw }` onto a plan with one attribute of `kind` read from `v`. */
function coerceThroughMapping(
  kind: AttributeKind,
  raw: unknown,
  settings: Partial<EngineSettings> = {},
  extra: Parameters<typeof attribute>[2] = {},
  statusNames: readonly string[] = [],
) {
  const id = attribute('Id', 'text')
  const target = attribute('Value', kind, extra)
  const p = plan([
    { attribute: id, locators: ['id'], identity: true },
    { attribute: target, locators: ['v'] },
  ])
  const run = mapOne(p, { id: 'x', v: raw }, settings, statusNames)
  return { run, target }
}

const valueOf = (kind: AttributeKind, raw: unknown, settings: Partial<EngineSettings> = {}) => {
  const { run, target } = coerceThroughMapping(kind, raw, settings, {}, ['Running', 'Retired'])
  expect(run.problems).toEqual([])
  const m = mapped(run)
  return kind === 'referenced_object' ? m.references.get(target.id) : m.values.get(target.id)
}

describe('coercion through mapEntry, one case per attribute type', () => {
  const good: Record<AttributeKind, [unknown, unknown][]> = {
    text: [
      ['  Disk  ', 'Disk'],
      [12, '12'],
      [true, 'true'],
    ],
    textarea: [['line 1\nline 2', 'line 1\nline 2']],
    integer: [
      [42, 42],
      ['42', 42],
      [' -7 ', -7],
      ['4.0', 4],
    ],
    double: [
      [3.25, 3.25],
      ['3.25', 3.25],
      ['1e3', 1000],
    ],
    boolean: [
      [true, true],
      [false, false],
      ['true', true],
      ['FALSE', false],
      ['yes', true],
      ['No', false],
      ['1', true],
      ['0', false],
      [1, true],
      [0, false],
    ],
    date: [
      ['2024-12-31', '2024-12-31'],
      ['2024-12-31T10:00:00Z', '2024-12-31'],
    ],
    time: [
      ['19:05', '19:05:00'],
      ['7:05 PM', '19:05:00'],
    ],
    date_time: [
      ['2024-12-31T23:30:00+01:00', '2024-12-31T22:30:00.000Z'],
      ['2024-12-31T23:30:00Z', '2024-12-31T23:30:00.000Z'],
      ['2024-12-31T23:30:00', '2024-12-31T23:30:00.000Z'],
    ],
    url: [['https://example.com/a', 'https://example.com/a']],
    email: [['ops@example.com', 'ops@example.com']],
    select: [['anything', 'anything']],
    ipaddress: [
      ['10.0.0.1', '10.0.0.1'],
      ['2001:DB8::0001', '2001:db8::1'],
    ],
    referenced_object: [[' macOS Big Sur ', 'macOS Big Sur']],
    status: [
      ['Running', 'Running'],
      ['retired', 'Retired'],
    ],
  }

  it('covers all 14 attribute types', () => {
    expect(Object.keys(good).sort()).toEqual([...ATTRIBUTE_KINDS].sort())
    expect(ATTRIBUTE_KINDS).toHaveLength(14)
  })

  for (const kind of ATTRIBUTE_KINDS) {
    it.each(good[kind])(`${kind}: %j becomes %j`, (raw, expected) => {
      expect(valueOf(kind, raw)).toEqual([expected])
    })
  }

  const bad: [AttributeKind, unknown][] = [
    ['integer', 'forty-two'],
    ['integer', 42.5],
    ['double', 'x'],
    ['boolean', 'maybe'],
    ['boolean', 2],
    ['date', '31/12/2024'],
    ['date', '2024-02-30'],
    ['time', '25:00'],
    ['date_time', 'yesterday'],
    ['url', 'example.com'],
    ['email', 'nope'],
    ['ipaddress', '10.0.0.256'],
    ['text', { nested: true }],
  ]
  it.each(bad)(
    '%s: %j is an INVALID_VALUE problem naming the attribute, the entry and the value',
    (kind, raw) => {
      const { run, target } = coerceThroughMapping(kind, raw)
      expect(run.problems).toEqual([
        expect.objectContaining({
          code: 'INVALID_VALUE',
          location: 'items[0]',
          attribute: 'Value',
          objectTypeId: 10,
          value: String(raw),
        }),
      ])
      expect(run.problems[0]!.message).toMatch(/^Value: /)
      // SKIP_VALUE (the default): the entry is still mapped, without that value.
      expect(mapped(run).values.has(target.id)).toBe(false)
    },
  )
})

describe('dates and date-times with the source formats', () => {
  it('read dates with dateFormat in SimpleDateFormat style', () => {
    expect(valueOf('date', '31/12/2024', { dateFormat: 'dd/MM/yyyy' })).toEqual(['2024-12-31'])
    expect(valueOf('date', '5. Mar 2024', { dateFormat: 'd. MMM yyyy' })).toEqual(['2024-03-05'])
  })

  it('read date-times with dateTimeFormat, in UTC unless a zone is set', () => {
    const format = { dateTimeFormat: 'dd.MM.yyyy HH:mm' }
    expect(valueOf('date_time', '31.12.2024 23:30', format)).toEqual(['2024-12-31T23:30:00.000Z'])
    expect(valueOf('date_time', '31.12.2024 23:30', { ...format, zone: 'Europe/Berlin' })).toEqual([
      '2024-12-31T22:30:00.000Z',
    ])
  })

  it('reject ISO text once a format is set: the format is the contract', () => {
    const { run } = coerceThroughMapping('date', '2024-12-31', { dateFormat: 'dd/MM/yyyy' })
    expect(run.problems.map((p) => [p.code, p.message])).toEqual([
      ['INVALID_VALUE', 'Value: not a date in the format dd/MM/yyyy'],
    ])
  })

  it('do not apply dateFormat to date-times or dateTimeFormat to dates', () => {
    const settings = { dateFormat: 'dd/MM/yyyy', dateTimeFormat: 'dd.MM.yyyy HH:mm' }
    expect(valueOf('date', '01/02/2024', settings)).toEqual(['2024-02-01'])
    expect(valueOf('date_time', '01.02.2024 08:00', settings)).toEqual(['2024-02-01T08:00:00.000Z'])
  })

  it('read ISO 8601 when no format is set', () => {
    expect(valueOf('date', '2024-02-01')).toEqual(['2024-02-01'])
    expect(valueOf('date_time', '2024-02-01T08:00:00.5Z')).toEqual(['2024-02-01T08:00:00.500Z'])
  })
})

describe('select and status values', () => {
  const options = { allowedValues: ['Dell', 'Lenovo'] }

  it('take the spelling of the known option, whatever the case of the source', () => {
    const { run, target } = coerceThroughMapping('select', 'dell', {}, options)
    expect(mapped(run).values.get(target.id)).toEqual(['Dell'])
    expect(mapped(run).newOptions.size).toBe(0)
  })

  it('drop an unknown option without a problem when unknownValues is IGNORE', () => {
    const { run, target } = coerceThroughMapping('select', 'Acer', {}, options)
    expect(run.problems).toEqual([])
    expect(mapped(run).values.has(target.id)).toBe(false)
    expect(mapped(run).empty.has(target.id)).toBe(true)
  })

  it('keep an unknown option and ask for it to be created when unknownValues is ADD', () => {
    const id = attribute('Id', 'text')
    const vendor = attribute('Vendor', 'select', options)
    const p = plan(
      [
        { attribute: id, locators: ['id'], identity: true },
        { attribute: vendor, locators: ['v'] },
      ],
      { unknownValues: 'ADD' },
    )
    const run = mapOne(p, { id: 'x', v: ' Acer ' })
    expect(run.problems).toEqual([])
    expect(mapped(run).values.get(vendor.id)).toEqual(['Acer'])
    expect(mapped(run).newOptions.get(vendor.id)).toEqual(['Acer'])
  })

  it('check status values against the schema statuses, limited to the attribute typeValues', () => {
    const statuses = ['Running', 'Retired', 'Broken']
    const ok = coerceThroughMapping(
      'status',
      'running',
      {},
      { allowedValues: ['Running', 'Retired'] },
      statuses,
    )
    expect(mapped(ok.run).values.get(ok.target.id)).toEqual(['Running'])
    // Broken exists in the schema but is not one of this attribute's typeValues.
    const outside = coerceThroughMapping(
      'status',
      'Broken',
      {},
      { allowedValues: ['Running', 'Retired'] },
      statuses,
    )
    expect(mapped(outside.run).values.has(outside.target.id)).toBe(false)
    // Without typeValues any status of the schema is allowed, and only those.
    const any = coerceThroughMapping('status', 'broken', {}, {}, statuses)
    expect(mapped(any.run).values.get(any.target.id)).toEqual(['Broken'])
    const unknown = coerceThroughMapping('status', 'Lost', {}, {}, statuses)
    expect(mapped(unknown.run).values.has(unknown.target.id)).toBe(false)
  })

  it('with no status in the schema, every status value is unknown (dropped, or kept for creation under ADD)', () => {
    const ignored = coerceThroughMapping('status', 'Running', {}, {}, [])
    expect(ignored.run.problems).toEqual([])
    expect(mapped(ignored.run).values.has(ignored.target.id)).toBe(false)
    const id = attribute('Id', 'text')
    const state = attribute('State', 'status')
    const p = plan(
      [
        { attribute: id, locators: ['id'], identity: true },
        { attribute: state, locators: ['v'] },
      ],
      { unknownValues: 'ADD' },
    )
    const added = mapOne(p, { id: 'x', v: 'Running' }, {}, [])
    expect(mapped(added).values.get(state.id)).toEqual(['Running'])
    expect(mapped(added).newOptions.get(state.id)).toEqual(['Running'])
  })
})
