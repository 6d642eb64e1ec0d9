/**
 * Strict validation of attribute values written through the API or the repository service: already typed JSON
 * values (strings, numbers, booleans) are checked against the attribute kind and returned in the canonical stored
 * form documented on CanonicalValue. Lenient coercion of source data lives in domain/mapping/coerce.ts and reuses
 * checkValue() for the final word, so an imported value and an API value are held to the same rules.
 */
import { CardinalityError, InvalidAttributeValueError } from './attribute-errors.js'
import {
  dateText,
  instantText,
  isCalendarDate,
  parseIsoParts,
  timeText,
  utcMillis,
} from '../mapping/simple-date-format.js'
import type { AttributeDef, AttributeKind, CanonicalValue } from './types.js'
import { UNLIMITED } from './types.js'
import { loneSurrogateAt, loneSurrogateReason } from '../unicode.js'

/** Longest accepted value per string kind, in characters (Unicode code points). */
export const MAX_LENGTH = {
  text: 255,
  textarea: 65_535,
  select: 255,
  status: 255,
  url: 2048,
  email: 254,
} as const

export type ValueResult = { ok: true; value: CanonicalValue } | { ok: false; reason: string }

export interface ValueContext {
  /** Names of the statuses the attribute's schema can use (schema and global scope), in their spelling. */
  statuses?: readonly string[]
}

export type ValueAttribute = Pick<AttributeDef, 'name' | 'kind' | 'allowedValues'>
export type CardinalityAttribute = ValueAttribute &
  Pick<AttributeDef, 'minimumCardinality' | 'maximumCardinality'>

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/
const NON_SPACE = /\S/
const WHITESPACE = /\s/
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/
const EMAIL_LOCAL = /^[\w!#$%&'*+/=?^`{|}~\u0080-\uffff-]+(?:\.[\w!#$%&'*+/=?^`{|}~\u0080-\uffff-]+)*$/
const DOMAIN_LABEL = /^[a-z0-9\u0080-\uffff](?:[a-z0-9\u0080-\uffff-]{0,61}[a-z0-9\u0080-\uffff])?$/
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)
const HEX_GROUP = /^[0-9a-f]{1,4}$/i

const ok = (value: CanonicalValue): ValueResult => ({ ok: true, value })
const fail = (reason: string): ValueResult => ({ ok: false, reason })

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const expected = (what: string, value: unknown): ValueResult =>
  fail(`expected ${what}, got ${typeName(value)}`)

/** A non-blank string of at most `max` characters without NUL (PostgreSQL text cannot hold it). */
/**
 * Whether `value` has more than `max` code points, counted without copying it: a 50 MB cell spread into an array of
 * characters cost some 400 MB. A code point is one or two UTF-16 units.
 */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false
  if (value.length > 2 * max) return true
  let n = 0
  for (const _ of value) if (++n > max) return true
  return false
}

export function checkString(value: string, max: number): ValueResult {
  if (!NON_SPACE.test(value)) return fail('empty value; send no value to clear the attribute')
  if (longerThan(value, max)) return fail(`longer than ${max} characters`)
  const lone = loneSurrogateAt(value)
  if (lone !== -1) return fail(loneSurrogateReason(value, lone))
  if (value.includes('\u0000')) return fail('contains a NUL character')
  return ok(value)
}

const optionIndexes = new WeakMap<readonly string[], { length: number; byKey: Map<string, string> }>()

/** Case-insensitive lookup of allowed names; arrays are cached by identity, so replace them rather than mutate. */
function findOption(options: readonly string[], key: string): string | undefined {
  let index = optionIndexes.get(options)
  if (!index || index.length !== options.length) {
    const byKey = new Map<string, string>()
    for (const option of options) {
      const k = option.trim().toLowerCase()
      if (!byKey.has(k)) byKey.set(k, option)
    }
    index = { length: options.length, byKey }
    optionIndexes.set(options, index)
  }
  return index.byKey.get(key.toLowerCase())
}

function checkOption(kind: 'select' | 'status', value: unknown, allowed: readonly string[]): ValueResult {
  if (typeof value !== 'string') return expected('a string', value)
  const name = value.trim()
  const checked = checkString(name, MAX_LENGTH[kind])
  if (!checked.ok || allowed.length === 0) return checked
  const option = findOption(allowed, name)
  if (option !== undefined) return ok(option)
  const list = allowed.length <= 20 ? `: ${allowed.join(', ')}` : ` (${allowed.length} names)`
  return fail(`not one of the allowed ${kind === 'select' ? 'options' : 'statuses'}${list}`)
}

function checkNumber(kind: 'integer' | 'double' | 'referenced_object', value: unknown): ValueResult {
  let n: number
  if (typeof value === 'number') n = value
  else if (typeof value === 'string') {
    const text = value.trim()
    if (!(kind === 'double' ? DECIMAL : INTEGER).test(text))
      return fail(`not ${kind === 'double' ? 'a' : 'an integer'} number`)
    n = Number(text)
  } else return expected('a number', value)
  if (!Number.isFinite(n)) return fail('not a finite number')
  if (kind === 'double') return ok(n === 0 ? 0 : n)
  if (!Number.isInteger(n)) return fail('not a whole number')
  if (!Number.isSafeInteger(n)) return fail('outside the safe integer range ±9007199254740991')
  if (kind === 'referenced_object' && n < 1) return fail('an object id is a positive integer')
  return ok(n === 0 ? 0 : n)
}

function checkTemporal(kind: 'date' | 'time' | 'date_time', value: unknown): ValueResult {
  if (typeof value !== 'string') return expected('a string', value)
  const text = value.trim()
  if (kind === 'time') {
    const m = TIME.exec(text)
    const [h, mi, s] = m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [99, 0, 0]
    return h > 23 || mi > 59 || s > 59 ? fail('not a time of day HH:mm or HH:mm:ss') : ok(timeText(h, mi, s))
  }
  if (kind === 'date') {
    const m = DATE.exec(text)
    if (!m) return fail('not a date YYYY-MM-DD')
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    return isCalendarDate(y, mo, d) ? ok(dateText(y, mo, d)) : fail('not a calendar date')
  }
  const p = parseIsoParts(text)
  if (!p) return fail('not an ISO 8601 date-time such as 2024-05-01T10:00:00Z')
  if (!p.hasTime) return fail('a date without a time; write e.g. 2024-05-01T00:00:00Z')
  if (p.offsetMinutes === null) return fail('no time zone offset; add Z or ±HH:mm')
  const ms =
    utcMillis(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond) - p.offsetMinutes * 60_000
  const canonical = instantText(ms)
  return canonical === null ? fail('outside the years 0001–9999') : ok(canonical)
}

/** Schemes written without `//authority`; every other scheme needs `scheme://…` (so `localhost:8080` is no URL). */
const OPAQUE_SCHEMES = new Set('mailto tel urn news data sms geo magnet sip sips xmpp'.split(' '))

function checkUrl(text: string): ValueResult {
  const checked = checkString(text, MAX_LENGTH.url)
  if (!checked.ok) return checked
  if (WHITESPACE.test(text)) return fail('contains whitespace')
  const scheme = URL_SCHEME.exec(text)?.[1]?.toLowerCase()
  const rest = scheme === undefined ? '' : text.slice(scheme.length + 1)
  const hierarchical = rest.startsWith('//')
  if (scheme === undefined || (!hierarchical && !(OPAQUE_SCHEMES.has(scheme) && rest !== ''))) {
    return fail('not an absolute URL with a scheme such as https://')
  }
  let url: URL
  try {
    url = new globalThis.URL(text)
  } catch {
    return fail('not a valid URL')
  }
  if (hierarchical && url.host === '' && scheme !== 'file') return fail('no host after //')
  return checked
}

function checkEmail(text: string): ValueResult {
  const checked = checkString(text, MAX_LENGTH.email)
  if (!checked.ok) return checked
  const at = text.lastIndexOf('@')
  if (at < 1 || at === text.length - 1) return fail('not an address local@domain')
  const local = text.slice(0, at)
  const domain = text.slice(at + 1).toLowerCase()
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return fail('not a valid local part before the @')
  if (domain.startsWith('[') && domain.endsWith(']')) {
    const literal = domain.slice(1, -1)
    const valid = literal.startsWith('ipv6:') ? parseIpv6(literal.slice(5)) !== null : IPV4.test(literal)
    return valid ? ok(`${local}@${domain}`) : fail('not a valid address literal after the @')
  }
  const labels = domain.split('.')
  if (labels.length < 2) return fail('the domain has no dot, as in example.com')
  if (!labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return fail('not a valid domain after the @')
  }
  return ok(`${local}@${domain}`)
}

/** Eight 16-bit groups, or null. Accepts `::` once and a dotted IPv4 tail; zone ids (`%eth0`) are not addresses. */
function parseIpv6(text: string): number[] | null {
  const halves = text.split('::')
  if (text.length > 45 || halves.length > 2) return null
  const groups: number[][] = []
  for (const [h, half] of halves.entries()) {
    const parts = half === '' ? [] : half.split(':')
    const out: number[] = []
    for (const [i, part] of parts.entries()) {
      if (HEX_GROUP.test(part)) out.push(parseInt(part, 16))
      else if (h === halves.length - 1 && i === parts.length - 1 && IPV4.test(part)) {
        const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number)
        out.push(a * 256 + b, c * 256 + d)
      } else return null
    }
    groups.push(out)
  }
  const [head = [], tail] = groups
  if (tail === undefined) return head.length === 8 ? head : null
  const fill = 8 - head.length - tail.length
  return fill >= 1 ? [...head, ...new Array<number>(fill).fill(0), ...tail] : null
}

/** RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of two or more zero groups as `::`. */
function formatIpv6(g: number[]): string {
  if (g[5] === 0xffff && g.slice(0, 5).every((x) => x === 0)) {
    return `::ffff:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`
  }
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8;) {
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLength) [best, bestLength] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = g.map((x) => x.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`
}

function checkIpAddress(text: string): ValueResult {
  if (IPV4.test(text)) return ok(text)
  const groups = text.includes(':') ? parseIpv6(text) : null
  if (groups) return ok(formatIpv6(groups))
  return fail('not an IPv4 address (four numbers 0–255, no leading zeros) or an IPv6 address')
}

/** The non-throwing core of validateValue. `allowed` are the select options or status names (empty = any). */
export function checkValue(
  kind: AttributeKind,
  value: unknown,
  allowed: readonly string[] = [],
): ValueResult {
  switch (kind) {
    case 'text':
    case 'textarea':
      return typeof value === 'string' ? checkString(value, MAX_LENGTH[kind]) : expected('a string', value)
    case 'integer':
    case 'double':
    case 'referenced_object':
      return checkNumber(kind, value)
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value)
      const text = typeof value === 'string' ? value.trim().toLowerCase() : ''
      return text === 'true' ? ok(true) : text === 'false' ? ok(false) : fail('not a boolean true or false')
    }
    case 'date':
    case 'time':
    case 'date_time':
      return checkTemporal(kind, value)
    case 'url':
      return typeof value === 'string' ? checkUrl(value.trim()) : expected('a string', value)
    case 'email':
      return typeof value === 'string' ? checkEmail(value.trim()) : expected('a string', value)
    case 'ipaddress':
      return typeof value === 'string' ? checkIpAddress(value.trim()) : expected('a string', value)
    case 'select':
    case 'status':
      return checkOption(kind, value, allowed)
  }
}

/** A short, JSON-safe rendering of a rejected value for error details (long strings are cut at 100 characters). */
function preview(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}…` : value
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value
  if (value === undefined) return 'undefined'
  return typeName(value)
}

function invalid(attr: ValueAttribute, value: unknown, reason: string): Error {
  return InvalidAttributeValueError({ attribute: attr.name, type: attr.kind, value: preview(value), reason })
}

/** Validates one value for `attr`; throws InvalidAttributeValueError naming the attribute, the value and why. */
export function validateValue(attr: ValueAttribute, value: unknown, ctx: ValueContext = {}): CanonicalValue {
  if (attr.kind === 'status' && ctx.statuses) {
    // The known statuses give the spelling; a non-empty allowedValues narrows them for this attribute.
    if (ctx.statuses.length === 0) throw invalid(attr, value, 'no statuses are defined')
    const known = checkOption('status', value, ctx.statuses)
    if (!known.ok) throw invalid(attr, value, known.reason)
    const name = String(known.value)
    if (!attr.allowedValues.length || findOption(attr.allowedValues, name)) return name
    throw invalid(attr, value, `status ${name} is not allowed for this attribute`)
  }
  const result = checkValue(attr.kind, value, attr.allowedValues)
  if (!result.ok) throw invalid(attr, value, result.reason)
  return result.value
}

/**
 * Validates every value and the attribute's cardinality (-1 = unlimited). Values equal after canonicalisation
 * count once: the result is the distinct canonical values in their first order.
 */
export function validateValues(
  attr: CardinalityAttribute,
  values: readonly unknown[],
  ctx: ValueContext = {},
): CanonicalValue[] {
  const seen = new Set<CanonicalValue>()
  for (const value of values) seen.add(validateValue(attr, value, ctx))
  const count = seen.size
  const min = attr.minimumCardinality
  const max = attr.maximumCardinality
  if (count < min || (max !== UNLIMITED && count > max)) {
    throw CardinalityError({ attribute: attr.name, min, max, count })
  }
  return [...seen]
}

/**
 * The number the store indexes for range queries: the value for integer/double, 0/1 for boolean, epoch ms of UTC
 * midnight for date, epoch ms for date_time, seconds since midnight for time; null for every other kind.
 */
export function sortKey(kind: AttributeKind, canonical: CanonicalValue): number | null {
  switch (kind) {
    case 'integer':
    case 'double':
      return typeof canonical === 'number' ? canonical : null
    case 'boolean':
      return typeof canonical === 'boolean' ? Number(canonical) : null
    case 'date': {
      const m = typeof canonical === 'string' ? DATE.exec(canonical) : null
      return m ? utcMillis(Number(m[1]), Number(m[2]), Number(m[3])) : null
    }
    case 'date_time': {
      const ms = typeof canonical === 'string' ? Date.parse(canonical) : NaN
      return Number.isNaN(ms) ? null : ms
    }
    case 'time': {
      const m = typeof canonical === 'string' ? TIME.exec(canonical) : null
      return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : null
    }
    default:
      return null
  }
}
