/**
 * Lenient coercion of source values (JSON, CSV strings, XLSX cells that may be Date objects, database rows) to the
 * canonical value of an attribute kind. It runs for every cell of an import, so it never throws for bad data (row
 * problems are data), compiles nothing per call and takes fast paths for values that already have the right type.
 * After the lenient step every value meets the same rules as an API write (schema/attribute-value.ts checkValue).
 */
import { checkString, checkValue, MAX_LENGTH } from '../schema/attribute-value.js'
import type { AttributeKind, CanonicalValue } from '../schema/types.js'
import { loneSurrogateAt, loneSurrogateReason } from '../unicode.js'
import {
  compileDateFormat,
  dateText,
  instantText,
  isCalendarDate,
  isValidZone,
  offsetAt,
  parseIsoParts,
  timeText,
  utcMillis,
  zonedInstant,
} from './simple-date-format.js'

export interface CoerceOptions {
  /** Java SimpleDateFormat pattern of date values; ISO 8601 (`YYYY-MM-DD`) when unset. */
  dateFormat?: string
  /** Java SimpleDateFormat pattern of date-time values; ISO 8601 when unset. */
  dateTimeFormat?: string
  /** IANA zone of wall-clock times without an offset and of the calendar day of Date objects; default UTC. */
  zone?: string
  /** Select options or known status names; a match returns their spelling, anything else is an unknown option. */
  allowedValues?: readonly string[]
}

/** `unknownOption` marks a select or status value outside allowedValues (for the IGNORE / ADD policies). */
export type CoerceResult =
  { ok: true; value: CanonicalValue } | { ok: false; reason: string; unknownOption?: true }

const NO_OPTIONS: CoerceOptions = {}
const EMPTY: CoerceResult = Object.freeze({ ok: false, reason: 'empty value' })
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const NON_SPACE = /\S/
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?$/
const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
  ['y', true],
  ['n', false],
  ['1', true],
  ['0', false],
])

const ok = (value: CanonicalValue): CoerceResult => ({ ok: true, value })
const fail = (reason: string): CoerceResult => ({ ok: false, reason })

function describe(raw: unknown): string {
  if (raw instanceof Date) return 'a Date'
  if (Array.isArray(raw)) return 'an array'
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`
}

/** True for null, undefined, blank strings and arrays holding only such values. */
export function isEmptyValue(raw: unknown): boolean {
  if (raw === null || raw === undefined) return true
  if (typeof raw === 'string') return !NON_SPACE.test(raw)
  return Array.isArray(raw) && raw.every(isEmptyValue)
}

/**
 * The values of a possibly multi-valued source field: an array's non-empty elements; a string split on `||`
 * (the CSV multi-value separator), trimmed, empties dropped; nothing for null, undefined or a blank string.
 */
export function splitMultiValues(raw: unknown): unknown[] {
  if (raw === null || raw === undefined) return []
  if (typeof raw === 'string') {
    if (!raw.includes('||')) return NON_SPACE.test(raw) ? [raw] : []
    return raw
      .split('||')
      .map((part) => part.trim())
      .filter((part) => part !== '')
  }
  if (Array.isArray(raw)) return raw.filter((element) => !isEmptyValue(element))
  return [raw]
}

/** Text of a scalar: strings trimmed, numbers and booleans by String(); null for anything else. */
function scalarText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim()
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null
  if (typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw)
  return null
}

function coerceNumber(kind: 'integer' | 'double', raw: unknown): CoerceResult {
  if (typeof raw === 'number') {
    if (kind === 'integer' ? Number.isSafeInteger(raw) : Number.isFinite(raw)) return ok(raw === 0 ? 0 : raw)
    return checkValue(kind, raw)
  }
  if (typeof raw === 'string') {
    const text = raw.trim()
    if (text === '') return EMPTY
    return NUMERIC.test(text) ? checkValue(kind, Number(text)) : fail('not a number')
  }
  if (typeof raw === 'bigint') return checkValue(kind, Number(raw))
  return fail(`${describe(raw)} is not a number`)
}

function coerceBoolean(raw: unknown): CoerceResult {
  if (typeof raw === 'boolean') return ok(raw)
  if (raw === 1 || raw === 0) return ok(raw === 1)
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : null
  if (text === '') return EMPTY
  const value = text === null ? undefined : BOOLEAN_WORDS.get(text)
  return value === undefined ? fail('not a boolean (true/false, yes/no, y/n, 1/0)') : ok(value)
}

/** A Date's wall-clock fields in `zone`, as a Date whose UTC fields are those fields; or a reason. */
function wallClock(date: Date, zone: string): Date | string {
  const ms = date.getTime()
  if (Number.isNaN(ms)) return 'an invalid Date'
  if (zone === 'UTC') return date
  const offset = offsetAt(ms, zone)
  return Number.isNaN(offset) ? `unknown time zone "${zone}"` : new Date(ms + offset * 60_000)
}

/** Text to parse as a date: a trimmed string, or the digits of an integer when a format is set (`yyyyMMdd`). */
function temporalText(raw: unknown, format: string | undefined): string | null {
  if (typeof raw === 'string') return raw.trim()
  return format && typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : null
}

/** Canonical text of an instant; NaN comes from an invalid Date or an unknown zone. */
function instant(ms: number, zone: string): CoerceResult {
  if (Number.isNaN(ms)) return fail(isValidZone(zone) ? 'an invalid Date' : `unknown time zone "${zone}"`)
  const text = instantText(ms)
  return text === null ? fail('outside the years 0001–9999') : ok(text)
}

function patternFailure(option: string, pattern: string, reason: string): CoerceResult {
  return fail(`${option} "${pattern}" is not a usable pattern: ${reason}`)
}

function coerceDate(raw: unknown, options: CoerceOptions): CoerceResult {
  if (raw instanceof Date) {
    const wall = wallClock(raw, options.zone ?? 'UTC')
    if (typeof wall === 'string') return fail(wall)
    const year = wall.getUTCFullYear()
    if (year < 1 || year > 9999) return fail('outside the years 0001–9999')
    return ok(dateText(year, wall.getUTCMonth() + 1, wall.getUTCDate()))
  }
  const text = temporalText(raw, options.dateFormat)
  if (text === null) return fail(`${describe(raw)} is not a date`)
  if (text === '') return EMPTY
  if (options.dateFormat) {
    const format = compileDateFormat(options.dateFormat)
    if (!format.ok) return patternFailure('dateFormat', options.dateFormat, format.reason)
    const date = format.parseDate(text)
    return date === null ? fail(`not a date in the format ${options.dateFormat}`) : ok(date)
  }
  const p = parseIsoParts(text)
  return p
    ? ok(dateText(p.year, p.month, p.day))
    : fail('not an ISO 8601 date YYYY-MM-DD (or set dateFormat)')
}

function coerceDateTime(raw: unknown, options: CoerceOptions): CoerceResult {
  const zone = options.zone ?? 'UTC'
  if (raw instanceof Date) return instant(raw.getTime(), zone)
  const text = temporalText(raw, options.dateTimeFormat)
  if (text === null) return fail(`${describe(raw)} is not a date-time`)
  if (text === '') return EMPTY
  if (!isValidZone(zone)) return fail(`unknown time zone "${zone}"`)
  if (options.dateTimeFormat) {
    const format = compileDateFormat(options.dateTimeFormat)
    if (!format.ok) return patternFailure('dateTimeFormat', options.dateTimeFormat, format.reason)
    const date = format.parse(text, zone)
    if (date === null) return fail(`not a date-time in the format ${options.dateTimeFormat}`)
    return instant(date.getTime(), zone)
  }
  const p = parseIsoParts(text)
  if (!p) return fail('not an ISO 8601 date-time (or set dateTimeFormat)')
  const wall = utcMillis(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond)
  return instant(p.offsetMinutes === null ? zonedInstant(wall, zone) : wall - p.offsetMinutes * 60_000, zone)
}

function coerceTime(raw: unknown, options: CoerceOptions): CoerceResult {
  if (raw instanceof Date) {
    const wall = wallClock(raw, options.zone ?? 'UTC')
    if (typeof wall === 'string') return fail(wall)
    return ok(timeText(wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()))
  }
  if (typeof raw !== 'string') return fail(`${describe(raw)} is not a time of day`)
  const text = raw.trim()
  if (text === '') return EMPTY
  const m = TIME.exec(text)
  if (!m) return fail('not a time of day HH:mm[:ss] (optionally with AM/PM)')
  let hour = Number(m[1])
  const [minute, second, meridiem] = [Number(m[2]), Number(m[3] ?? 0), m[4]?.toLowerCase()]
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return fail('hours with AM/PM run from 1 to 12')
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0)
  }
  return hour > 23 || minute > 59 || second > 59
    ? fail('not a time of day')
    : ok(timeText(hour, minute, second))
}

function coerceOption(
  kind: 'select' | 'status',
  raw: unknown,
  allowed: readonly string[] = [],
): CoerceResult {
  const text = scalarText(raw)
  if (text === null) return fail(`${describe(raw)} is not an option name`)
  if (text === '') return EMPTY
  const any = checkValue(kind, text)
  if (!any.ok || allowed.length === 0) return any
  const known = checkValue(kind, text, allowed)
  return known.ok ? known : { ok: false, reason: known.reason, unknownOption: true }
}

/**
 * Coerces one source value to `kind`. Empty values (see isEmptyValue) answer `{ ok: false, reason: 'empty value' }`;
 * callers apply their empty-value policy before coercing. A referenced_object value is the lookup text that the
 * engine substitutes into objectMappingIQL, not an object id.
 */
export function coerceValue(
  kind: AttributeKind,
  raw: unknown,
  options: CoerceOptions = NO_OPTIONS,
): CoerceResult {
  if (raw === null || raw === undefined) return EMPTY
  if (typeof raw === 'string') {
    // Stored as U+FFFD by either database, such a value would no longer equal itself on the next import.
    const at = loneSurrogateAt(raw)
    if (at !== -1) return fail(loneSurrogateReason(raw, at))
  }
  switch (kind) {
    case 'integer':
    case 'double':
      return coerceNumber(kind, raw)
    case 'boolean':
      return coerceBoolean(raw)
    case 'date':
      return coerceDate(raw, options)
    case 'date_time':
      return coerceDateTime(raw, options)
    case 'time':
      return coerceTime(raw, options)
    case 'select':
    case 'status':
      return coerceOption(kind, raw, options.allowedValues)
    default: {
      let text = scalarText(raw)
      if (text === null && raw instanceof Date && !Number.isNaN(raw.getTime())) {
        // A date cell in a text column: its ISO form, the date alone when it is UTC midnight (a date-only cell).
        text = raw.toISOString()
        if (text.endsWith('T00:00:00.000Z')) text = text.slice(0, 10)
      }
      if (text === null) return fail(`${describe(raw)} cannot be a ${kind} value`)
      if (text === '') return EMPTY
      if (kind === 'referenced_object') return checkString(text, MAX_LENGTH.textarea)
      return checkValue(kind, text)
    }
  }
}

/**
 * coerceValue's answer for a source string in the plain shape of its kind — the shape nearly every cell of a clean
 * import has: no padding, ASCII where the kind's rules differ for other text, nothing to canonicalise — found by one
 * scan of its characters, without the result objects, regular expressions and copies of the general path.
 * Undefined for any other string: then coerceValue decides (a value it rejects is never answered here). Each kind's
 * shape is one whose canonical form is the string itself (or its number), so the answer equals
 * `coerceValue(kind, text, options).value` whenever that is ok (test/unit/values/coerce-plain.test.ts compares the
 * two over generated strings).
 */
export function coercePlainString(
  kind: AttributeKind,
  text: string,
  options: CoerceOptions,
): CanonicalValue | undefined {
  switch (kind) {
    case 'text':
      return isPlainText(text, MAX_LENGTH.text) ? text : undefined
    case 'textarea':
      return isPlainText(text, MAX_LENGTH.textarea) ? text : undefined
    case 'integer':
    case 'double':
      // Up to 15 digits: always a safe integer, and Number() of them is what either path computes — here added up
      // digit by digit, exact below 2^53 at every step (Number() of a string that is no array index is a call
      // into the runtime's string-to-double conversion).
      return text.length <= 15 && isDigits(text, 0, text.length)
        ? digitsValue(text, 0, text.length)
        : undefined
    case 'date':
      return options.dateFormat === undefined && isPlainIsoDate(text) ? text : undefined
    case 'email':
      return isPlainEmail(text) ? text : undefined
    case 'ipaddress':
      return isPlainIpv4(text) ? text : undefined
    default:
      return undefined
  }
}

/** A printable ASCII character other than space: never trimmed away, the same in every case-insensitive check. */
function isVisibleAscii(c: number): boolean {
  return c > 0x20 && c < 0x7f
}

/**
 * Text that coerces to itself: at most `max` UTF-16 units (so at most `max` code points), starting and ending with a
 * visible ASCII character (nothing to trim, not blank), without NUL or any surrogate (a lone one is refused; a pair
 * takes the general path, which counts code points).
 */
function isPlainText(text: string, max: number): boolean {
  const n = text.length
  if (n === 0 || n > max || !isVisibleAscii(text.charCodeAt(0)) || !isVisibleAscii(text.charCodeAt(n - 1)))
    return false
  for (let i = 1; i < n - 1; i++) {
    const c = text.charCodeAt(i)
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) return false
  }
  return true
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

/** Whether text[from, to) is one or more ASCII digits. */
function isDigits(text: string, from: number, to: number): boolean {
  if (to <= from) return false
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false
  return true
}

/** `YYYY-MM-DD` of a calendar day: what parseIsoParts reads and dateText writes back unchanged. */
function isPlainIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return false
  if (!isDigits(text, 0, 4) || !isDigits(text, 5, 7) || !isDigits(text, 8, 10)) return false
  const year = digitsValue(text, 0, 4)
  return isCalendarDate(year, digitsValue(text, 5, 7), digitsValue(text, 8, 10))
}

/** The number written by the ASCII digits text[from, to). */
function digitsValue(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 0x30
  return n
}

/** The ASCII characters of an email local part besides the dot (attribute-value.ts EMAIL_LOCAL), by code. */
const EMAIL_LOCAL_ASCII = new Uint8Array(128)
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_!#$%&'*+/=?^`{|}~-")
  EMAIL_LOCAL_ASCII[c.charCodeAt(0)] = 1

function isEmailLocalCharacter(c: number): boolean {
  return c < 128 && EMAIL_LOCAL_ASCII[c] === 1
}

/**
 * An ASCII address `local@domain` that checkEmail accepts as written: a local part of dot-separated runs of its
 * characters (at most 64), a lower-case domain (checkEmail lower-cases it) of at least two labels of letters, digits
 * and inner dashes (1 to 63 each), the last not all digits; at most 254 characters in all.
 */
function isPlainEmail(text: string): boolean {
  const n = text.length
  const at = text.lastIndexOf('@')
  if (n > MAX_LENGTH.email || at < 1 || at > 64 || at === n - 1) return false
  let previous = 0x2e // a dot before the first character: a leading dot is refused like a doubled one
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2e) {
      if (previous === 0x2e) return false
    } else if (!isEmailLocalCharacter(c)) return false
    previous = c
  }
  if (previous === 0x2e) return false
  let labels = 0
  let start = at + 1
  for (let i = at + 1; i <= n; i++) {
    const c = i === n ? 0x2e : text.charCodeAt(i)
    if (c !== 0x2e) {
      if (!((c >= 0x61 && c <= 0x7a) || isDigit(c) || c === 0x2d)) return false
      continue
    }
    const length = i - start
    if (length < 1 || length > 63 || text.charCodeAt(start) === 0x2d || text.charCodeAt(i - 1) === 0x2d)
      return false
    labels++
    if (i === n && isDigits(text, start, i)) return false
    start = i + 1
  }
  return labels >= 2
}

/** Dotted IPv4 as attribute-value.ts IPV4 reads it: four numbers 0–255 without leading zeros. */
function isPlainIpv4(text: string): boolean {
  const n = text.length
  if (n < 7 || n > 15) return false
  let groups = 0
  let start = 0
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 0x2e : text.charCodeAt(i)
    if (c !== 0x2e) {
      if (!isDigit(c)) return false
      continue
    }
    const length = i - start
    if (length < 1 || length > 3 || (length > 1 && text.charCodeAt(start) === 0x30)) return false
    if (digitsValue(text, start, i) > 255) return false
    groups++
    start = i + 1
  }
  return groups === 4
}
