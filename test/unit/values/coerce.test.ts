import { afterEach, describe, expect, it, vi } from 'vitest'
import { coerceValue, isEmptyValue, splitMultiValues } from '../../../src/domain/mapping/coerce.js'
import type { CoerceOptions } from '../../../src/domain/mapping/coerce.js'
import { ATTRIBUTE_KINDS } from '../../../src/domain/schema/types.js'
import type { AttributeKind, CanonicalValue } from '../../../src/domain/schema/types.js'

const utc = (iso: string): Date => new Date(iso)
const BERLIN: CoerceOptions = { zone: 'Europe/Berlin' }
const MAKERS: CoerceOptions = { allowedValues: ['Dell', 'HP', 'Lenovo'] }

const GOOD: [AttributeKind, unknown, CanonicalValue, CoerceOptions?][] = [
  ['text', 'abc', 'abc'],
  ['text', '  padded cell  ', 'padded cell'],
  ['text', 42, '42'],
  ['text', 1.5, '1.5'],
  ['text', true, 'true'],
  ['text', 10n, '10'],
  ['text', utc('2024-05-01T00:00:00Z'), '2024-05-01'],
  ['text', utc('2024-05-01T10:30:00Z'), '2024-05-01T10:30:00.000Z'],
  ['textarea', 'line 1\nline 2', 'line 1\nline 2'],
  ['integer', 42, 42],
  ['integer', '42', 42],
  ['integer', ' +42 ', 42],
  ['integer', '12.0', 12],
  ['integer', '1e3', 1000],
  ['integer', '007', 7],
  ['integer', '-0', 0],
  ['integer', 7n, 7],
  ['double', 1.5, 1.5],
  ['double', '3.14', 3.14],
  ['double', '-.5', -0.5],
  ['double', '1.5E2', 150],
  ['double', ' 2 ', 2],
  ['double', 3n, 3],
  ['boolean', true, true],
  ['boolean', false, false],
  ['boolean', 'yes', true],
  ['boolean', 'No', false],
  ['boolean', 'Y', true],
  ['boolean', 'n', false],
  ['boolean', '1', true],
  ['boolean', '0', false],
  ['boolean', 1, true],
  ['boolean', 0, false],
  ['boolean', ' TRUE ', true],
  ['date', '2024-05-01', '2024-05-01'],
  ['date', '2024-05-01T23:30:00-05:00', '2024-05-01'],
  ['date', utc('2024-05-01T00:00:00Z'), '2024-05-01'],
  ['date', utc('2024-05-01T22:30:00Z'), '2024-05-02', BERLIN],
  ['date', '01/05/2024', '2024-05-01', { dateFormat: 'dd/MM/yyyy' }],
  ['date', '1/5/2024', '2024-05-01', { dateFormat: 'dd/MM/yyyy' }],
  ['date', '05-01-24', '2024-05-01', { dateFormat: 'MM-dd-yy' }],
  ['date', '01.05.2024', '2024-05-01', { dateFormat: 'dd.MM.yyyy', zone: 'Pacific/Kiritimati' }],
  ['date', 20240501, '2024-05-01', { dateFormat: 'yyyyMMdd' }],
  ['time', '9:05', '09:05:00'],
  ['time', '09:05:30', '09:05:30'],
  ['time', '10:00:00.250', '10:00:00'],
  ['time', '3:05 PM', '15:05:00'],
  ['time', '12:00 am', '00:00:00'],
  ['time', '12:30 p.m.', '12:30:00'],
  ['time', utc('1970-01-01T08:15:00Z'), '08:15:00'],
  ['time', utc('2024-05-01T08:15:00Z'), '10:15:00', BERLIN],
  ['date_time', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01 10:00:00', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01 10:00:00', '2024-05-01T08:00:00.000Z', BERLIN],
  ['date_time', '2024-01-15T10:00', '2024-01-15T09:00:00.000Z', BERLIN],
  ['date_time', '2024-05-01', '2024-05-01T00:00:00.000Z'],
  ['date_time', '2024-05-01', '2024-04-30T22:00:00.000Z', BERLIN],
  ['date_time', utc('2024-05-01T10:00:00.5Z'), '2024-05-01T10:00:00.500Z'],
  ['date_time', utc('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000Z', BERLIN],
  ['date_time', 202405011000, '2024-05-01T08:00:00.000Z', { dateTimeFormat: 'yyyyMMddHHmm', ...BERLIN }],
  [
    'date_time',
    '01.05.2024 10:00',
    '2024-05-01T08:00:00.000Z',
    { dateTimeFormat: 'dd.MM.yyyy HH:mm', ...BERLIN },
  ],
  ['url', ' https://example.com/x ', 'https://example.com/x'],
  ['email', 'Ops@Example.com', 'Ops@example.com'],
  ['select', 'dell', 'Dell', MAKERS],
  ['select', ' HP ', 'HP', MAKERS],
  ['select', 2024, '2024', { allowedValues: ['2024', '2025'] }],
  ['select', 'Anything', 'Anything'],
  ['status', 'active', 'Active', { allowedValues: ['Active', 'Retired'] }],
  ['ipaddress', ' 2001:DB8::1 ', '2001:db8::1'],
  ['ipaddress', '10.0.0.1', '10.0.0.1'],
  ['referenced_object', ' macOS Big Sur ', 'macOS Big Sur'],
  ['referenced_object', 17, '17'],
]

const BAD: [AttributeKind, unknown, string, CoerceOptions?][] = [
  ['text', { a: 1 }, 'an object cannot be a text value'],
  ['text', ['a'], 'an array cannot be a text value'],
  ['text', Number.NaN, 'a number cannot be a text value'],
  ['text', 'x'.repeat(256), 'longer than 255 characters'],
  ['textarea', 'x'.repeat(65_536), 'longer than 65535 characters'],
  ['integer', '12.5', 'not a whole number'],
  ['integer', 12.5, 'not a whole number'],
  ['integer', 'abc', 'not a number'],
  ['integer', '1,000', 'not a number'],
  ['integer', 'Infinity', 'not a number'],
  ['integer', true, 'a boolean is not a number'],
  ['integer', 2 ** 53, 'safe integer range'],
  ['integer', 2n ** 60n, 'safe integer range'],
  ['double', 'abc', 'not a number'],
  ['double', '1.2.3', 'not a number'],
  ['double', Number.NaN, 'not a finite number'],
  ['double', '1e400', 'not a finite number'],
  ['double', {}, 'an object is not a number'],
  ['boolean', 'maybe', 'not a boolean'],
  ['boolean', 'on', 'not a boolean'],
  ['boolean', 2, 'not a boolean'],
  ['date', '2023-02-29', 'not an ISO 8601 date'],
  ['date', '01/05/2024', 'not an ISO 8601 date'],
  ['date', 'yesterday', 'not an ISO 8601 date'],
  ['date', 45_000, 'a number is not a date'],
  ['date', 2024.5, 'a number is not a date', { dateFormat: 'yyyy' }],
  ['date', new Date(Number.NaN), 'an invalid Date'],
  ['date', '2024-05-01', 'not a date in the format dd/MM/yyyy', { dateFormat: 'dd/MM/yyyy' }],
  ['date', '31/02/2024', 'not a date in the format dd/MM/yyyy', { dateFormat: 'dd/MM/yyyy' }],
  ['date', '01/05/2024', 'unsupported pattern letter "k"', { dateFormat: 'dd/MM/kkkk' }],
  ['date', utc('2024-05-01T00:00:00Z'), 'unknown time zone "Mars/Base"', { zone: 'Mars/Base' }],
  ['time', '25:00', 'not a time of day'],
  ['time', '12:61', 'not a time of day'],
  ['time', '13:00 PM', 'hours with AM/PM run from 1 to 12'],
  ['time', 'noon', 'not a time of day'],
  ['time', 0.5, 'a number is not a time of day'],
  ['date_time', '2024-05-01T10:00:00', 'unknown time zone "Mars/Base"', { zone: 'Mars/Base' }],
  ['date_time', 'yesterday', 'not an ISO 8601 date-time'],
  ['date_time', '2024-02-30T10:00:00Z', 'not an ISO 8601 date-time'],
  ['date_time', 1_714_557_600_000, 'a number is not a date-time'],
  ['date_time', new Date(Number.NaN), 'an invalid Date'],
  ['date_time', '2024-05-01T10:00', 'not a date-time in the format', { dateTimeFormat: 'dd.MM.yyyy HH:mm' }],
  [
    'date_time',
    '1/1/2024',
    'dateTimeFormat "d/M/yyyy T" is not a usable pattern',
    { dateTimeFormat: 'd/M/yyyy T' },
  ],
  ['url', 'example.com', 'not an absolute URL'],
  ['email', 'ops@localhost', 'the domain has no dot'],
  ['select', {}, 'an object is not an option name'],
  ['status', 'Lost', 'not one of the allowed statuses: Active', { allowedValues: ['Active'] }],
  ['ipaddress', '999.1.1.1', 'not an IPv4 address'],
  ['referenced_object', {}, 'an object cannot be a referenced_object value'],
]

describe('coerceValue', () => {
  it('has good and bad cases for every one of the 14 kinds', () => {
    for (const kind of ATTRIBUTE_KINDS) {
      expect(
        GOOD.some(([k]) => k === kind),
        `good ${kind}`,
      ).toBe(true)
      expect(
        BAD.some(([k]) => k === kind),
        `bad ${kind}`,
      ).toBe(true)
    }
  })

  it.each(GOOD)('%s from %s → %j', (kind, raw, value, options) => {
    expect(coerceValue(kind, raw, options)).toStrictEqual({ ok: true, value })
  })

  it.each(BAD)('%s rejects %s', (kind, raw, reason, options) => {
    const result = coerceValue(kind, raw, options)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.reason).toContain(reason)
  })

  it.each(ATTRIBUTE_KINDS)('%s answers "empty value" for null, undefined and blank text', (kind) => {
    for (const raw of [null, undefined, '', '   ']) {
      expect(coerceValue(kind, raw)).toStrictEqual({ ok: false, reason: 'empty value' })
    }
  })

  it('marks select and status values outside allowedValues as unknown options', () => {
    expect(coerceValue('select', 'Apple', MAKERS)).toStrictEqual({
      ok: false,
      reason: 'not one of the allowed options: Dell, HP, Lenovo',
      unknownOption: true,
    })
    const lost = coerceValue('status', 'Lost', { allowedValues: ['Active'] })
    expect(lost).toMatchObject({ ok: false, unknownOption: true })
    expect(coerceValue('select', 'x'.repeat(256), MAKERS)).not.toHaveProperty('unknownOption')
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(['2024-07-01T12:00:00Z', '2025-01-15T12:00:00Z'])(
    'reads DST edges in Europe/Berlin (today %s)',
    (today) => {
      vi.useFakeTimers({ now: new Date(today), toFake: ['Date'] })
      // a skipped hour moves forward, a repeated hour takes standard time
      expect(coerceValue('date_time', '2024-03-31T02:30:00', BERLIN)).toStrictEqual({
        ok: true,
        value: '2024-03-31T01:30:00.000Z',
      })
      expect(coerceValue('date_time', '2024-10-27T02:30:00', BERLIN)).toStrictEqual({
        ok: true,
        value: '2024-10-27T01:30:00.000Z',
      })
      expect(coerceValue('date_time', '2024-10-27T01:30:00', BERLIN)).toStrictEqual({
        ok: true,
        value: '2024-10-26T23:30:00.000Z',
      })
    },
  )

  it('never throws, whatever the input', () => {
    const inputs: unknown[] = [
      Symbol('s'),
      () => 1,
      new Map(),
      Number.NEGATIVE_INFINITY,
      -0,
      new Date(8.64e15),
    ]
    for (const kind of ATTRIBUTE_KINDS) {
      for (const raw of inputs) expect(() => coerceValue(kind, raw, { dateFormat: 'yyyy' })).not.toThrow()
    }
  })
})

describe('isEmptyValue', () => {
  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    [' \t\n', true],
    [[], true],
    [[null, ''], true],
    ['0', false],
    [0, false],
    [false, false],
    [['x'], false],
    [{}, false],
  ])('%j → %s', (raw, empty) => {
    expect(isEmptyValue(raw)).toBe(empty)
  })
})

describe('splitMultiValues', () => {
  it.each([
    [null, []],
    [undefined, []],
    ['', []],
    ['  ', []],
    ['single', ['single']],
    [' kept as is ', [' kept as is ']],
    ['a||b||c', ['a', 'b', 'c']],
    [' a || b ||  || c||', ['a', 'b', 'c']],
    ['||', []],
    ['a|b', ['a|b']],
    [
      ['x', 'y'],
      ['x', 'y'],
    ],
    [
      ['x', null, '', '  ', 'y'],
      ['x', 'y'],
    ],
    [
      [1, 2],
      [1, 2],
    ],
    [['a||b'], ['a||b']],
    [42, [42]],
    [false, [false]],
  ])('%j → %j', (raw, values) => {
    expect(splitMultiValues(raw)).toStrictEqual(values)
  })
})
