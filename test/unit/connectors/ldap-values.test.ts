import { describe, expect, it } from 'vitest'
import {
  generalizedTimeToIso,
  guidText,
  normalizeDn,
  renderValues,
  sidText,
} from '../../../src/connectors/ldap/ldap-values.js'

describe('LDAP values: binary attributes in their usual text forms', () => {
  it('renders an objectGUID as Windows shows it (the first three groups little-endian)', () => {
    expect(guidText(Buffer.from('4AQlP4lP0xGaDAMF6CwzAQ==', 'base64'))).toBe(
      '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    )
    expect(guidText(Buffer.alloc(15))).toBeNull()
  })

  it('renders an objectSid as S-1-5-21-…', () => {
    expect(sidText(Buffer.from('AQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAA==', 'base64'))).toBe(
      'S-1-5-21-1004336348-1177238915-682003330-1103',
    )
    // S-1-5-32-544 (BUILTIN\Administrators): two sub-authorities.
    expect(sidText(Buffer.from([1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0]))).toBe('S-1-5-32-544')
    expect(sidText(Buffer.from([1, 3, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0]))).toBeNull()
  })

  it('renders other binary values as base64, and a GUID that arrived as text from its bytes', () => {
    expect(renderValues('jpegPhoto', Buffer.from([0xff, 0xd8, 0xff]), 'binary')).toBe('/9j/')
    expect(renderValues('objectGUID', [Buffer.from('4AQlP4lP0xGaDAMF6CwzAQ==', 'base64')], 'guid')).toBe(
      '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    )
    expect(renderValues('objectguid', '0123456789:;<=>?', 'guid')).toBe(
      '33323130-3534-3736-3839-3a3b3c3d3e3f',
    )
  })
})

describe('LDAP values: generalized time', () => {
  it('coerces generalized time to ISO 8601 in UTC, with fractions and offsets', () => {
    expect(generalizedTimeToIso('20240115102030Z')).toBe('2024-01-15T10:20:30Z')
    expect(generalizedTimeToIso('20230601083000.5+0200')).toBe('2023-06-01T06:30:00.500Z')
    expect(generalizedTimeToIso('202401151020Z')).toBe('2024-01-15T10:20:00Z')
    expect(generalizedTimeToIso('2024011510-0130')).toBe('2024-01-15T11:30:00Z')
  })

  it('leaves digit strings without a zone and impossible dates alone', () => {
    expect(generalizedTimeToIso('20240115102030')).toBeNull()
    expect(generalizedTimeToIso('1001')).toBeNull()
    expect(generalizedTimeToIso('20241315102030Z')).toBeNull()
    expect(renderValues('employeeNumber', '20240115102030', 'text')).toBe('20240115102030')
  })
})

describe('LDAP values: DNs and multi-values', () => {
  it('normalizes DNs: attribute types lower-case, no spaces around separators, values and escapes kept', () => {
    expect(normalizeDn('CN=Alice Smith, OU=People,DC=Example , DC=org')).toBe(
      'cn=Alice Smith,ou=People,dc=Example,dc=org',
    )
    expect(normalizeDn('cn=Smith\\, John+uid=js,dc=x')).toBe('cn=Smith\\, John+uid=js,dc=x')
    expect(normalizeDn('cn=trailing\\ ,dc=x')).toBe('cn=trailing\\ ,dc=x')
  })

  it('answers several values as an array, list attributes always as arrays, DN attributes normalized', () => {
    expect(renderValues('mail', ['a@x.org', 'b@x.org'], 'text')).toEqual(['a@x.org', 'b@x.org'])
    expect(renderValues('mail', 'a@x.org', 'text')).toBe('a@x.org')
    expect(renderValues('memberOf', 'CN=Staff, OU=Groups,DC=x', 'dn')).toEqual(['cn=Staff,ou=Groups,dc=x'])
    expect(renderValues('manager', 'CN=Boss, DC=x', 'dn')).toBe('cn=Boss,dc=x')
    expect(renderValues('description', [], 'text')).toBeUndefined()
  })
})
