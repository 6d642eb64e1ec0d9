import { describe, expect, it } from 'vitest'
import { InvalidAttributeValueError } from '../../../src/domain/schema/attribute-errors.js'
import { validateValue } from '../../../src/domain/schema/attribute-value.js'
import { ATTRIBUTE_KINDS } from '../../../src/domain/schema/types.js'
import type { AttributeKind, CanonicalValue } from '../../../src/domain/schema/types.js'
import { attribute, thrown } from './value-fixtures.js'

const GOOD: [AttributeKind, unknown, CanonicalValue][] = [
  ['text', 'hello', 'hello'],
  ['text', '  kept as written ', '  kept as written '],
  ['text', 'ü'.repeat(255), 'ü'.repeat(255)],
  ['text', '😀'.repeat(255), '😀'.repeat(255)], // 510 UTF-16 units, 255 characters
  ['textarea', 'line 1\nline 2', 'line 1\nline 2'],
  ['textarea', 'x'.repeat(65_535), 'x'.repeat(65_535)],
  ['integer', 42, 42],
  ['integer', -7, -7],
  ['integer', '123', 123],
  ['integer', ' +15 ', 15],
  ['integer', '-0', 0],
  ['integer', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ['integer', '-9007199254740991', -9007199254740991],
  ['double', 1.5, 1.5],
  ['double', '3.14', 3.14],
  ['double', '1e-3', 0.001],
  ['double', '.5', 0.5],
  ['double', '-2.', -2],
  ['double', 7, 7],
  ['boolean', true, true],
  ['boolean', false, false],
  ['boolean', 'true', true],
  ['boolean', ' FALSE ', false],
  ['date', '2024-02-29', '2024-02-29'],
  ['date', '2000-02-29', '2000-02-29'],
  ['date', '0001-01-01', '0001-01-01'],
  ['date', ' 2023-12-31 ', '2023-12-31'],
  ['time', '09:30', '09:30:00'],
  ['time', '23:59:59', '23:59:59'],
  ['time', '00:00', '00:00:00'],
  ['date_time', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01T10:00Z', '2024-05-01T10:00:00.000Z'],
  ['date_time', '2024-05-01 10:00:00.5-0130', '2024-05-01T11:30:00.500Z'],
  ['date_time', '2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00.000Z'],
  ['date_time', '2024-05-01t10:00:00.123456789z', '2024-05-01T10:00:00.123Z'],
  ['url', 'https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
  ['url', 'http://localhost:8080', 'http://localhost:8080'],
  ['url', 'ftp://files.example.com/pub', 'ftp://files.example.com/pub'],
  ['url', 'mailto:ops@example.com', 'mailto:ops@example.com'],
  ['url', 'file:///etc/hosts', 'file:///etc/hosts'],
  ['url', 'ssh://git@example.com/repo.git', 'ssh://git@example.com/repo.git'],
  ['url', ' urn:isbn:0451450523 ', 'urn:isbn:0451450523'],
  ['email', 'ops@example.com', 'ops@example.com'],
  ['email', 'First.Last+tag@Sub.Example.CO.uk', 'First.Last+tag@sub.example.co.uk'],
  ['email', "o'brien@example.ie", "o'brien@example.ie"],
  ['email', 'root@[192.0.2.1]', 'root@[192.0.2.1]'],
  ['select', 'Dell', 'Dell'],
  ['select', 'lenovo', 'Lenovo'],
  ['select', ' hp ', 'HP'],
  ['ipaddress', '192.168.0.1', '192.168.0.1'],
  ['ipaddress', '0.0.0.0', '0.0.0.0'],
  ['ipaddress', '255.255.255.255', '255.255.255.255'],
  ['ipaddress', '2001:DB8::1', '2001:db8::1'],
  ['ipaddress', '::1', '::1'],
  ['ipaddress', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ['status', 'active', 'Active'],
  ['status', 'Retired', 'Retired'],
  ['referenced_object', 42, 42],
  ['referenced_object', '17', 17],
]

const BAD: [AttributeKind, unknown, string][] = [
  ['text', '', 'empty value'],
  ['text', '   ', 'empty value'],
  ['text', 'x'.repeat(256), 'longer than 255 characters'],
  // Both databases would store U+FFFD instead, and the stored value would not equal the one written (issue 13).
  ['text', 'HD-\ud800-a', 'lone UTF-16 surrogate (U+D800) at character 4'],
  ['textarea', '\udc00', 'lone UTF-16 surrogate (U+DC00) at character 1'],
  ['select', 'Dell\ud83d', 'lone UTF-16 surrogate'],
  ['text', 12, 'expected a string, got a number'],
  ['text', null, 'expected a string, got null'],
  ['text', 'a\u0000b', 'NUL'],
  ['textarea', 'x'.repeat(65_536), 'longer than 65535 characters'],
  ['textarea', true, 'expected a string'],
  ['integer', 1.5, 'not a whole number'],
  ['integer', 'abc', 'not an integer'],
  ['integer', '1.0', 'not an integer'],
  ['integer', '1e3', 'not an integer'],
  ['integer', 2 ** 53, 'safe integer range'],
  ['integer', '9007199254740993', 'safe integer range'],
  ['integer', Number.NaN, 'not a finite number'],
  ['integer', true, 'expected a number, got a boolean'],
  ['integer', '', 'not an integer'],
  ['double', 'abc', 'not a number'],
  ['double', '1,5', 'not a number'],
  ['double', 'Infinity', 'not a number'],
  ['double', Number.POSITIVE_INFINITY, 'not a finite number'],
  ['double', '1e400', 'not a finite number'],
  ['double', false, 'expected a number'],
  ['boolean', 1, 'not a boolean'],
  ['boolean', 'yes', 'not a boolean'],
  ['boolean', 'y', 'not a boolean'],
  ['boolean', null, 'not a boolean'],
  ['date', '2023-02-29', 'not a calendar date'],
  ['date', '2023-02-30', 'not a calendar date'],
  ['date', '2024-04-31', 'not a calendar date'],
  ['date', '2024-13-01', 'not a calendar date'],
  ['date', '0000-01-01', 'not a calendar date'],
  ['date', '2024-5-1', 'not a date YYYY-MM-DD'],
  ['date', '2024-05-01T00:00:00Z', 'not a date YYYY-MM-DD'],
  ['date', 20240501, 'expected a string'],
  ['time', '24:00', 'not a time of day'],
  ['time', '12:60', 'not a time of day'],
  ['time', '12:00:60', 'not a time of day'],
  ['time', '9:30', 'not a time of day'],
  ['time', '12:00:00.5', 'not a time of day'],
  ['date_time', '2024-05-01', 'a date without a time'],
  ['date_time', '2024-05-01T10:00:00', 'no time zone offset'],
  ['date_time', '2024-02-30T00:00:00Z', 'not an ISO 8601 date-time'],
  ['date_time', '2024-05-01T25:00:00Z', 'not an ISO 8601 date-time'],
  ['date_time', '2024-05-01T10:00:00+19:00', 'not an ISO 8601 date-time'],
  ['date_time', 'yesterday', 'not an ISO 8601 date-time'],
  ['date_time', '0001-01-01T00:30:00+01:00', 'outside the years 0001–9999'],
  ['date_time', 1714557600000, 'expected a string'],
  ['url', 'example.com', 'not an absolute URL'],
  ['url', 'www.example.com/path', 'not an absolute URL'],
  ['url', 'localhost:8080', 'not an absolute URL'],
  ['url', 'http:example.com', 'not an absolute URL'],
  ['url', '/relative/path', 'not an absolute URL'],
  ['url', 'mailto:', 'not an absolute URL'],
  ['url', 'http://', 'not a valid URL'],
  ['url', 'custom://', 'no host'],
  ['url', 'https://exa mple.com', 'contains whitespace'],
  ['url', `https://example.com/${'a'.repeat(2048)}`, 'longer than 2048 characters'],
  ['email', 'no-at-sign', 'not an address local@domain'],
  ['email', '@example.com', 'not an address local@domain'],
  ['email', 'ops@', 'not an address local@domain'],
  ['email', 'ops@localhost', 'the domain has no dot'],
  ['email', 'two words@example.com', 'local part'],
  ['email', 'a..b@example.com', 'local part'],
  ['email', '.a@example.com', 'local part'],
  ['email', 'ops@exa_mple.com', 'not a valid domain'],
  ['email', 'ops@-example.com', 'not a valid domain'],
  ['email', 'ops@example.com.', 'not a valid domain'],
  ['email', 'ops@example.123', 'not a valid domain'],
  ['email', 'root@[300.1.1.1]', 'address literal'],
  ['select', 'Apple', 'not one of the allowed options: Dell, HP, Lenovo'],
  ['select', '', 'empty value'],
  ['select', 3, 'expected a string'],
  ['ipaddress', '256.1.1.1', 'not an IPv4 address'],
  ['ipaddress', '1.2.3', 'not an IPv4 address'],
  ['ipaddress', '01.2.3.4', 'no leading zeros'],
  ['ipaddress', '1.2.3.4.5', 'not an IPv4 address'],
  ['ipaddress', '2001:db8::1::2', 'IPv6'],
  ['ipaddress', '1:2:3:4:5:6:7:8:9', 'IPv6'],
  ['ipaddress', '12345::', 'IPv6'],
  ['ipaddress', 'gggg::1', 'IPv6'],
  ['ipaddress', 'fe80::1%eth0', 'IPv6'],
  ['ipaddress', '1.2.3.4::', 'IPv6'],
  ['ipaddress', '10.0.0.0/8', 'IPv6'],
  ['ipaddress', 3232235521, 'expected a string'],
  ['status', 'Lost', 'not one of the allowed statuses: Active, Retired'],
  ['status', 7, 'expected a string'],
  ['referenced_object', 0, 'positive integer'],
  ['referenced_object', -3, 'positive integer'],
  ['referenced_object', 1.5, 'not a whole number'],
  ['referenced_object', 'OBJ-1', 'not an integer'],
  ['referenced_object', null, 'expected a number'],
]

describe('validateValue', () => {
  it('has good and bad cases for every one of the 14 kinds', () => {
    expect(ATTRIBUTE_KINDS).toHaveLength(14)
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

  it.each(GOOD)('%s accepts %j', (kind, value, canonical) => {
    expect(validateValue(attribute(kind), value)).toStrictEqual(canonical)
  })

  it.each(BAD)('%s rejects %j', (kind, value, reason) => {
    const attr = attribute(kind)
    const error = thrown(() => validateValue(attr, value))
    expect(InvalidAttributeValueError.is(error)).toBe(true)
    expect(error.code).toBe('INVALID_ATTRIBUTE_VALUE')
    expect(error.status).toBe(400)
    expect(error.details).toMatchObject({ attribute: attr.name, type: kind })
    expect(error.details['reason']).toContain(reason)
    expect(error.message).toContain(`Attribute "${attr.name}" (${kind})`)
    const shown = typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value
    expect(error.message).toContain(`${JSON.stringify(shown)}:`)
  })

  it('stores -0 as 0 and keeps numbers as numbers', () => {
    expect(Object.is(validateValue(attribute('double'), -0), 0)).toBe(true)
    expect(Object.is(validateValue(attribute('integer'), -0), 0)).toBe(true)
  })

  it('names objects and arrays by their type instead of dumping them', () => {
    const error = thrown(() => validateValue(attribute('text'), { nested: true }))
    expect(error.message).toContain('"an object"')
    expect(error.details['reason']).toBe('expected a string, got an object')
    expect(thrown(() => validateValue(attribute('integer'), [1])).details['reason']).toContain('an array')
  })

  it('accepts any non-empty name for a select without options', () => {
    expect(validateValue(attribute('select', { allowedValues: [] }), ' Anything ')).toBe('Anything')
    expect(() => validateValue(attribute('select', { allowedValues: [] }), ' ')).toThrow(/empty value/)
  })
})
