/**
 * LDAP attribute values as entry values the engine reads. Pure: no I/O.
 * - objectGUID → `3f2504e0-4f89-11d3-9a0c-0305e82c3301` (the text form Windows shows: the first three groups
 *   little-endian), objectSid → `S-1-5-21-…`; any other binary attribute → base64.
 * - Generalized time (`20240115102030Z`, `20240115102030.5+0200`) → ISO 8601 in UTC (`2024-01-15T10:20:30Z`),
 *   which the engine coerces to date and date_time attributes.
 * - DNs (the entry's `dn`, and `member`, `memberOf`, `uniqueMember`, `manager`, …) in one normal form, so that a
 *   `memberOf` value equals the `dn` of the group it names and works as a reference lookup (`DN = ${memberOf}`).
 * - An attribute with several values → an array (multi-values); the attributes that hold lists by nature
 *   (`member`, `memberOf`, `objectClass`, …) are arrays even with one value, so a mapping never sees them change
 *   shape.
 */

/** The binary attributes rendered in their own text form. */
export const GUID_ATTRIBUTES = ['objectGUID'] as const
export const SID_ATTRIBUTES = ['objectSid'] as const

/** Attributes whose values are DNs (compared lower-case): normalized like `dn`. */
export const DN_ATTRIBUTES: ReadonlySet<string> = new Set(
  [
    'member',
    'memberOf',
    'uniqueMember',
    'manager',
    'directReports',
    'owner',
    'managedBy',
    'secretary',
    'seeAlso',
    'roleOccupant',
    'distinguishedName',
  ].map((a) => a.toLowerCase()),
)

/** Attributes that are lists by nature: always arrays. */
export const LIST_ATTRIBUTES: ReadonlySet<string> = new Set(
  ['member', 'memberOf', 'uniqueMember', 'memberUid', 'objectClass', 'directReports'].map((a) =>
    a.toLowerCase(),
  ),
)

/** The GUID text of 16 bytes in the Microsoft layout (Data1–Data3 little-endian); null for another length. */
export function guidText(bytes: Uint8Array): string | null {
  if (bytes.length !== 16) return null
  const hex = (indexes: number[]): string =>
    indexes.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('')
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-')
}

/** The SID text (`S-1-5-21-…`) of its binary form; null when the bytes are not a SID. */
export function sidText(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null
  const revision = bytes[0]!
  const count = bytes[1]!
  if (bytes.length !== 8 + 4 * count) return null
  // The identifier authority: 48 bits, big-endian.
  let authority = 0
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[i]!
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parts = [`S-${revision}`, String(authority)]
  for (let i = 0; i < count; i++) parts.push(String(view.getUint32(8 + 4 * i, true)))
  return parts.join('-')
}

const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/

/**
 * ISO 8601 (UTC) of a generalized time (RFC 4517 §3.3.13); null when the text is not one. Only values with a
 * zone (`Z` or an offset) count: a bare digit string is a number or a code, not a time.
 */
export function generalizedTimeToIso(text: string): string | null {
  const m = GENERALIZED_TIME.exec(text)
  if (!m) return null
  const [, y, mo, d, h, mi, s, fraction, zone] = m
  const minutes = mi ?? '00'
  const seconds = s ?? '00'
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0
  const offset = zone === 'Z' ? 'Z' : `${zone!.slice(0, 3)}:${zone!.length > 3 ? zone!.slice(3, 5) : '00'}`
  const date = new Date(
    `${y}-${mo}-${d}T${h}:${minutes}:${seconds}.${String(millis).padStart(3, '0')}${offset}`,
  )
  if (Number.isNaN(date.getTime())) return null
  // The fields must not roll over (20240231… is not a date).
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23) return null
  const iso = date.toISOString()
  return millis === 0 ? iso.replace('.000Z', 'Z') : iso
}

/**
 * A DN in the form Intake compares: attribute types lower-case, no spaces around `=`, `,` and `+`; values kept as
 * they are (escaped characters stay escaped). `CN=Alice Smith, OU=People,DC=Example` →
 * `cn=Alice Smith,ou=People,dc=Example`.
 */
export function normalizeDn(dn: string): string {
  let out = ''
  let i = 0
  const n = dn.length
  while (i < n) {
    // attribute type
    while (i < n && dn[i] === ' ') i++
    let type = ''
    while (i < n && dn[i] !== '=') type += dn[i++]
    if (i >= n) return dn.trim() // not a DN after all: as it came
    i++ // '='
    while (i < n && dn[i] === ' ') i++
    let value = ''
    let pendingSpaces = ''
    while (i < n && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') {
      const c = dn[i]!
      if (c === '\\' && i + 1 < n) {
        value += pendingSpaces + c + dn[i + 1]
        pendingSpaces = ''
        i += 2
      } else if (c === ' ') {
        pendingSpaces += c
        i++
      } else {
        value += pendingSpaces + c
        pendingSpaces = ''
        i++
      }
    }
    out += `${type.trim().toLowerCase()}=${value}`
    if (i < n) out += dn[i] === '+' ? '+' : ','
    i++
  }
  return out
}

export type LdapRawValue = string | Buffer
export type EntryValue = string | string[]

/** How to render the values of one attribute (decided once per attribute name). */
export type ValueKind = 'guid' | 'sid' | 'binary' | 'dn' | 'text'

/** The value kind of an attribute, by its name (case-insensitive) and the configured binary attributes. */
export function valueKindOf(name: string, binary: ReadonlySet<string>): ValueKind {
  const lower = name.toLowerCase()
  if (lower === 'objectguid') return 'guid'
  if (lower === 'objectsid') return 'sid'
  if (binary.has(lower) || /;binary$/.test(lower)) return 'binary'
  if (DN_ATTRIBUTES.has(lower)) return 'dn'
  return 'text'
}

function renderOne(value: LdapRawValue, kind: ValueKind): string {
  // ldapts decodes any value that is valid UTF-8 unless told the attribute is binary (its match is
  // case-sensitive): a GUID of such bytes arrives as text, and encoding it again gives the bytes back.
  if (typeof value === 'string' && kind !== 'dn' && kind !== 'text') value = Buffer.from(value, 'utf8')
  if (Buffer.isBuffer(value)) {
    if (kind === 'guid') return guidText(value) ?? value.toString('base64')
    if (kind === 'sid') return sidText(value) ?? value.toString('base64')
    // Bytes that are not UTF-8 text (ldapts hands those over as they are).
    return value.toString('base64')
  }
  if (kind === 'dn') return normalizeDn(value)
  return generalizedTimeToIso(value) ?? value
}

/**
 * One attribute's values as the entry holds them: no value → undefined (left out), one → a string (an array for
 * LIST_ATTRIBUTES), several → an array.
 */
export function renderValues(
  name: string,
  raw: LdapRawValue | LdapRawValue[],
  kind: ValueKind,
): EntryValue | undefined {
  const values = Array.isArray(raw) ? raw : [raw]
  if (values.length === 0) return undefined
  const rendered = values.map((v) => renderOne(v, kind))
  if (rendered.length === 1 && !LIST_ATTRIBUTES.has(name.toLowerCase())) return rendered[0]
  return rendered
}
