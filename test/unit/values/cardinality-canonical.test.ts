import { describe, expect, it } from 'vitest'
import { CardinalityError, InvalidAttributeValueError } from '../../../src/domain/schema/attribute-errors.js'
import {
  checkValue,
  sortKey,
  validateValue,
  validateValues,
} from '../../../src/domain/schema/attribute-value.js'
import type { AttributeKind, CanonicalValue } from '../../../src/domain/schema/types.js'
import { attribute, thrown } from './value-fixtures.js'

describe('validateValues cardinality', () => {
  const cases: [min: number, max: number, count: number, accepted: boolean][] = [
    [0, 1, 0, true],
    [0, 1, 1, true],
    [0, 1, 2, false],
    [1, 1, 0, false],
    [1, 1, 1, true],
    [1, 1, 2, false],
    [1, -1, 0, false],
    [1, -1, 1, true],
    [1, -1, 50, true],
    [2, 3, 1, false],
    [2, 3, 2, true],
    [2, 3, 3, true],
    [2, 3, 4, false],
  ]
  it.each(cases)('%i..%i with %i values → accepted %s', (min, max, count, accepted) => {
    const attr = attribute('integer', { minimumCardinality: min, maximumCardinality: max })
    const values = Array.from({ length: count }, (_, i) => String(i + 1))
    if (accepted) {
      expect(validateValues(attr, values)).toStrictEqual(values.map(Number))
      return
    }
    const error = thrown(() => validateValues(attr, values))
    expect(CardinalityError.is(error)).toBe(true)
    expect(error.code).toBe('CARDINALITY_VIOLATION')
    expect(error.details).toStrictEqual({ attribute: 'Disk integer', min, max, count })
    expect(error.message).toBe(
      `Attribute "Disk integer" takes ${min} to ${max === -1 ? 'unlimited' : max} values, got ${count}`,
    )
  })

  it('reports a bad value before counting, naming that value', () => {
    const attr = attribute('integer', { minimumCardinality: 1, maximumCardinality: 1 })
    const error = thrown(() => validateValues(attr, ['1', 'x', '3']))
    expect(InvalidAttributeValueError.is(error)).toBe(true)
    expect(error.details['value']).toBe('x')
  })

  it('counts values that are equal once canonical only once, keeping the first order', () => {
    const attr = attribute('select', { minimumCardinality: 0, maximumCardinality: 2 })
    expect(validateValues(attr, ['hp', 'Dell', 'HP', ' dell '])).toStrictEqual(['HP', 'Dell'])
    const addresses = attribute('ipaddress', { maximumCardinality: 1 })
    expect(validateValues(addresses, ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'])).toStrictEqual(['2001:db8::1'])
  })
})

describe('canonical forms', () => {
  const cases: [AttributeKind, string, CanonicalValue][] = [
    ['ipaddress', '2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['ipaddress', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['ipaddress', '2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['ipaddress', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not compressed
    ['ipaddress', '2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['ipaddress', '1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['ipaddress', '0:0:0:0:0:0:0:0', '::'],
    ['ipaddress', '1::', '1::'],
    ['ipaddress', 'FE80::0:0:ABCD', 'fe80::abcd'],
    ['ipaddress', '::FFFF:C000:0201', '::ffff:192.0.2.1'], // IPv4-mapped keeps the dotted tail (RFC 5952 §5)
    ['ipaddress', '64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['ipaddress', '::1.2.3.4', '::102:304'],
    ['date_time', '2024-03-31T03:30:00+02:00', '2024-03-31T01:30:00.000Z'],
    ['date_time', '2024-05-01T00:15:00+05:45', '2024-04-30T18:30:00.000Z'],
    ['date_time', '2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.100Z'],
    ['date_time', '2024-05-01T10:00:00,25+00', '2024-05-01T10:00:00.250Z'],
    ['date_time', '0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['date_time', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['select', 'LENOVO', 'Lenovo'],
    ['email', 'Ops@Example.COM', 'Ops@example.com'],
    ['time', '07:05', '07:05:00'],
  ]
  it.each(cases)('%s %s → %s', (kind, input, canonical) => {
    expect(validateValue(attribute(kind), input)).toBe(canonical)
  })

  it('checkValue is the non-throwing core', () => {
    expect(checkValue('integer', '12')).toStrictEqual({ ok: true, value: 12 })
    expect(checkValue('integer', '12.5')).toStrictEqual({ ok: false, reason: 'not an integer number' })
    expect(checkValue('select', 'hp', ['Dell', 'HP'])).toStrictEqual({ ok: true, value: 'HP' })
  })
})

describe('status values', () => {
  const statuses = ['Active', 'In Repair', 'Retired']

  it('takes the spelling of the known statuses', () => {
    const attr = attribute('status', { allowedValues: [] })
    expect(validateValue(attr, 'in repair', { statuses })).toBe('In Repair')
  })

  it('rejects an unknown status naming the attribute and the value', () => {
    const error = thrown(() =>
      validateValue(attribute('status', { allowedValues: [] }), 'Lost', { statuses }),
    )
    expect(error.code).toBe('INVALID_ATTRIBUTE_VALUE')
    expect(error.message).toBe(
      'Attribute "Disk status" (status) cannot take "Lost": not one of the allowed statuses: Active, In Repair, Retired',
    )
  })

  it('narrows the known statuses to the attribute allowedValues', () => {
    const attr = attribute('status', { allowedValues: ['active', 'Retired'] })
    expect(validateValue(attr, 'ACTIVE', { statuses })).toBe('Active')
    const error = thrown(() => validateValue(attr, 'in repair', { statuses }))
    expect(error.details['reason']).toBe('status In Repair is not allowed for this attribute')
  })

  it('says so when no status exists at all', () => {
    const error = thrown(() => validateValue(attribute('status'), 'Active', { statuses: [] }))
    expect(error.details['reason']).toBe('no statuses are defined')
  })

  it('without statuses in the context, checks allowedValues only', () => {
    expect(validateValue(attribute('status'), 'retired')).toBe('Retired')
    expect(validateValue(attribute('status', { allowedValues: [] }), 'Anything')).toBe('Anything')
  })
})

describe('sortKey', () => {
  const cases: [AttributeKind, CanonicalValue, number | null][] = [
    ['integer', 42, 42],
    ['integer', -7, -7],
    ['double', 2.5, 2.5],
    ['boolean', true, 1],
    ['boolean', false, 0],
    ['date', '2024-05-01', Date.UTC(2024, 4, 1)],
    ['date', '1969-12-31', -86_400_000],
    ['date', '0050-03-01', new Date('0050-03-01T00:00:00Z').getTime()],
    ['date_time', '2024-05-01T10:00:00.123Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['date_time', '1970-01-01T00:00:00.000Z', 0],
    ['time', '00:00:00', 0],
    ['time', '01:02:03', 3723],
    ['time', '23:59:59', 86_399],
    ['text', 'hello', null],
    ['textarea', 'hello', null],
    ['url', 'https://example.com', null],
    ['email', 'a@example.com', null],
    ['select', 'Dell', null],
    ['status', 'Active', null],
    ['ipaddress', '10.0.0.1', null],
    ['referenced_object', 12, null],
    ['integer', 'not a number', null],
    ['date', 'garbage', null],
  ]
  it.each(cases)('%s %j → %j', (kind, canonical, key) => {
    expect(sortKey(kind, canonical)).toBe(key)
  })

  it('orders dates and date-times like their text', () => {
    const dates = ['2024-01-02', '0999-12-31', '2023-12-31', '2024-01-01']
    const byKey = [...dates].sort((a, b) => sortKey('date', a)! - sortKey('date', b)!)
    expect(byKey).toStrictEqual([...dates].sort())
  })
})
