/**
 * Date text for imports and values: Java SimpleDateFormat patterns (the `dateFormat` / `dateTimeFormat` of an
 * import source) translated once into luxon format parsers, plus the ISO 8601 calendar helpers that the strict
 * validation (schema/attribute-value.ts) and the lenient coercion (mapping/coerce.ts) share.
 */
import { DateTime, IANAZone } from 'luxon'

// ---- ISO 8601 and calendar helpers ------------------------------------------------------------

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/
/** 400 Gregorian years in ms: shifting by it keeps Date.UTC away from its 0–99 → 1900–1999 year mapping. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000
export const MIN_INSTANT_MS = -62_135_596_800_000 // 0001-01-01T00:00:00.000Z
export const MAX_INSTANT_MS = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)
}

/** Epoch milliseconds of a UTC wall-clock time, correct for the years 1–99 too. */
export function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(y + 400, mo - 1, d, h, mi, s, ms) - FOUR_CENTURIES_MS
}

/** Canonical date_time text (`YYYY-MM-DDTHH:mm:ss.SSSZ`) of an instant, or null outside the years 0001–9999. */
export function instantText(ms: number): string | null {
  return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS
    ? new Date(ms).toISOString()
    : null
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))
export const dateText = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`
export const timeText = (h: number, m: number, s: number): string => `${pad2(h)}:${pad2(m)}:${pad2(s)}`

export interface IsoParts {
  year: number
  month: number
  day: number
  /** False for a date without a time. */
  hasTime: boolean
  hour: number
  minute: number
  second: number
  millisecond: number
  /** Minutes east of UTC; null when the text carries no offset. */
  offsetMinutes: number | null
}

/**
 * Parses ISO 8601 / RFC 3339 text: `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:mm[:ss[.fff]]`,
 * optionally by `Z` or `±HH[:mm]`. Fractions beyond milliseconds are truncated. Null for anything else, an
 * impossible date or time, or an offset beyond ±18:00.
 */
export function parseIsoParts(text: string): IsoParts | null {
  const m = ISO_DATE_TIME.exec(text)
  if (!m) return null
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null
  const millisecond = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  let offsetMinutes: number | null = m[8] === undefined ? null : 0
  if (m[9] !== undefined) {
    offsetMinutes = Number(m[10]) * 60 + Number(m[11] ?? 0)
    if (offsetMinutes > 18 * 60 || Number(m[11] ?? 0) > 59) return null
    if (m[9] === '-') offsetMinutes = -offsetMinutes
  }
  return { year, month, day, hasTime: m[4] !== undefined, hour, minute, second, millisecond, offsetMinutes }
}

// ---- zones ----------------------------------------------------------------------------------

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const MAX_CACHED = 100_000
/** Remembered parse answers per format: enough for every day of 50 years. */
const MAX_MEMO = 20_000
/** Per zone: offset in minutes by epoch hour, for hours without a transition; null marks an unknown zone. */
const hourOffsets = new Map<string, Map<number, number> | null>()

/** True for an IANA zone name luxon (and so the runtime's Intl) knows, such as `Europe/Berlin` or `UTC`. */
export function isValidZone(zone: string): boolean {
  let hours = hourOffsets.get(zone)
  if (hours === undefined) {
    hours = IANAZone.isValidZone(zone) ? new Map() : null
    hourOffsets.set(zone, hours)
  }
  return hours !== null
}

/** Offset of `zone` from UTC in minutes at an instant; NaN for an unknown zone. Cached per hour of time. */
export function offsetAt(ms: number, zone: string): number {
  const hours = isValidZone(zone) ? hourOffsets.get(zone) : null
  if (!hours) return NaN
  const hour = Math.floor(ms / HOUR_MS)
  const cached = hours.get(hour)
  if (cached !== undefined) return cached
  const tz = IANAZone.create(zone)
  const start = tz.offset(hour * HOUR_MS)
  if (start !== tz.offset(hour * HOUR_MS + HOUR_MS - 1)) return tz.offset(ms) // a transition inside this hour
  if (hours.size >= MAX_CACHED) hours.clear()
  hours.set(hour, start)
  return start
}

/**
 * The instant of a wall-clock time in `zone`; `wall` is the epoch ms of the same fields read as UTC. NaN for an
 * unknown zone. Deterministic (luxon guesses from today's offset): a time skipped by a DST gap moves forward by
 * the gap, a repeated time takes the offset after the transition (after a fall-back, standard time).
 */
export function zonedInstant(wall: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return wall
  const before = offsetAt(wall - DAY_MS, zone)
  const after = offsetAt(wall + DAY_MS, zone)
  if (before === after || offsetAt(wall - after * 60_000, zone) === after) return wall - after * 60_000
  return wall - before * 60_000
}

// ---- Java SimpleDateFormat → luxon ------------------------------------------------------------

export interface CompiledDateFormat {
  readonly pattern: string
  /** The luxon format the pattern was translated to. */
  readonly luxonFormat: string
  /** The instant the text names: an offset or zone in the text wins, else wall-clock time in `zone` (UTC). */
  parse(text: string, zone?: string): Date | null
  /** The calendar date written in the text as `YYYY-MM-DD`, without any zone conversion. */
  parseDate(text: string): string | null
}

export type DateFormatResult = ({ ok: true } & CompiledDateFormat) | { ok: false; reason: string }

type Token = { literal: string } | { letter: string; count: number }

const YEAR_PREFIX = "yyyy'|'"
const NUMERIC_LETTERS = new Set(['y', 'M', 'L', 'd', 'H', 'h', 'm', 's', 'S'])

/**
 * One Java letter run → a luxon token. `abutting` is true when a numeric field follows without a separator: then
 * the field keeps its fixed width, otherwise (as in Java) `dd` also reads `5` and `MM` also reads `3`.
 * `yy` keeps luxon's fixed two-digit pivot (00–60 → 2000–2060, 61–99 → 1961–1999) instead of Java's moving window.
 */
function luxonToken(letter: string, count: number, abutting: boolean): string | null {
  const width = (one: string, two: string): string => (count >= 2 && abutting ? two : one)
  switch (letter) {
    case 'y':
      return count <= 2 ? 'yy' : 'yyyy'
    case 'M':
    case 'L':
      return count >= 3 ? letter.repeat(count >= 4 ? 4 : 3) : width(letter, letter + letter)
    case 'd':
    case 'H':
    case 'h':
    case 'm':
    case 's':
      return width(letter, letter + letter)
    case 'S':
      return count > 3 ? 'u' : count === 3 && abutting ? 'SSS' : 'S'
    case 'a':
      return 'a'
    case 'E':
      return count >= 4 ? 'EEEE' : 'EEE'
    case 'z':
      return 'z'
    case 'Z':
      return 'ZZZ'
    case 'X':
      return count >= 3 ? 'ZZ' : 'ZZZ'
    default:
      return null
  }
}

function tokenize(pattern: string): Token[] | string {
  const tokens: Token[] = []
  let literal = ''
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'"
        i += 2
        continue
      }
      let j = i + 1
      for (; ; j++) {
        if (j >= pattern.length) return `unterminated quote at position ${i + 1}`
        if (pattern[j] !== "'") literal += pattern[j]
        else if (pattern[j + 1] === "'") literal += pattern[++j]
        else break
      }
      i = j + 1
    } else if (/[A-Za-z]/.test(c)) {
      let j = i
      while (pattern[j] === c) j++
      if (literal) tokens.push({ literal })
      literal = ''
      tokens.push({ letter: c, count: j - i })
      i = j
    } else {
      literal += c
      i++
    }
  }
  if (literal) tokens.push({ literal })
  return tokens
}

/** Quotes literal text for luxon, where `''` only means an apostrophe outside a quoted run. */
const quoteLiteral = (text: string): string =>
  text
    .split("'")
    .map((part) => (part ? `'${part}'` : ''))
    .join("''")

export interface TranslatedDateFormat {
  ok: true
  /** The luxon format. */
  format: string
  /** The same format with its X field replaced by a literal Z (ISO 8601 UTC designator), when it has one. */
  utcFormat: string | null
}

/** Translates a Java SimpleDateFormat pattern; unknown letters and unterminated quotes are errors. */
export function translateDateFormat(pattern: string): TranslatedDateFormat | { ok: false; reason: string } {
  if (pattern.trim() === '') return { ok: false, reason: 'the pattern is empty' }
  const tokens = tokenize(pattern)
  if (typeof tokens === 'string') return { ok: false, reason: tokens }
  const letters = new Set(tokens.flatMap((t) => ('letter' in t ? [t.letter] : [])))
  if (letters.has('a') && letters.has('H'))
    return { ok: false, reason: 'a (AM/PM) needs h (1–12), not H (0–23)' }
  if (tokens.filter((t) => 'letter' in t && t.letter === 'X').length > 1) {
    return { ok: false, reason: 'more than one X field' }
  }
  // Without a year field, parse() prefixes Java's default year 1970 (luxon would take the current one).
  let format = letters.has('y') ? '' : YEAR_PREFIX
  let utcFormat = letters.has('X') ? format : null
  let previous = ''
  for (const [i, token] of tokens.entries()) {
    if ('literal' in token) {
      format += quoteLiteral(token.literal)
      if (utcFormat !== null) utcFormat += quoteLiteral(token.literal)
      previous = ''
      continue
    }
    const next = tokens[i + 1]
    const abutting = next !== undefined && 'letter' in next && NUMERIC_LETTERS.has(next.letter)
    const luxon = luxonToken(token.letter, token.count, abutting)
    if (luxon === null) return { ok: false, reason: `unsupported pattern letter "${token.letter}"` }
    if (previous === luxon[0]) return { ok: false, reason: `ambiguous adjacent fields at "${token.letter}"` }
    format += luxon
    if (utcFormat !== null) utcFormat += token.letter === 'X' ? "'Z'" : luxon
    previous = luxon[luxon.length - 1]!
  }
  return { ok: true, format, utcFormat }
}

const LOCALE = { locale: 'en-US' } as const
/** Parse in UTC keeping any offset or zone the text names, so the wall-clock fields come out as written. */
const AS_WRITTEN = { ...LOCALE, zone: 'UTC', setZone: true } as const
const formats = new Map<string, DateFormatResult>()

/** Wall-clock fields as UTC epoch ms, with the text's own offset (minutes) or IANA zone when it names one. */
interface WallTime {
  wall: number
  offset: number | null
  zone: string | null
}

function compile(pattern: string, translated: TranslatedDateFormat): CompiledDateFormat {
  const { format: luxonFormat, utcFormat } = translated
  const main = DateTime.buildFormatParser(luxonFormat, LOCALE)
  const utcZ = utcFormat === null ? null : DateTime.buildFormatParser(utcFormat, LOCALE)
  const withYear = luxonFormat.startsWith(YEAR_PREFIX) ? '1970|' : ''
  const textOffset = /[ZX]/.test(pattern.replace(/'[^']*'/g, ''))
  const textZone = luxonFormat.replace(/'[^']*'/g, '').includes('z')
  // Date columns repeat values a lot: remember recent answers per text (bounded).
  const memo = new Map<string, WallTime | null>()
  const read = (text: string): WallTime | null => {
    const known = memo.get(text)
    if (known !== undefined) return known
    let result: WallTime | null = null
    try {
      let dt = DateTime.fromFormatParser(withYear + text, main, AS_WRITTEN)
      if (!dt.isValid && utcZ) dt = DateTime.fromFormatParser(withYear + text, utcZ, AS_WRITTEN)
      if (dt.isValid && dt.year >= 1 && dt.year <= 9999) {
        const wall = utcMillis(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond)
        result = { wall, offset: textOffset ? dt.offset : null, zone: textZone ? dt.zoneName : null }
      }
    } catch {
      // luxon throws only when Settings.throwOnInvalid is on; bad text is still just "no date"
    }
    if (memo.size >= MAX_MEMO) memo.clear()
    memo.set(text, result)
    return result
  }
  return {
    pattern,
    luxonFormat,
    parse: (text, zone = 'UTC') => {
      const w = read(text)
      const ms =
        w === null
          ? NaN
          : w.offset !== null
            ? w.wall - w.offset * 60_000
            : zonedInstant(w.wall, w.zone ?? zone)
      return Number.isNaN(ms) ? null : new Date(ms)
    },
    parseDate: (text) => {
      const w = read(text)
      return w === null ? null : new Date(w.wall).toISOString().slice(0, 10)
    },
  }
}

/**
 * Compiles a Java SimpleDateFormat pattern (cached by pattern: call it per value freely). Supported letters:
 * y M L d H h m s S a E z Z X, quoted literals `'…'` and `''` for an apostrophe. English month and day names,
 * matched case-insensitively. Fields the pattern lacks default as in Java (1970-01-01 00:00:00.000).
 */
export function compileDateFormat(pattern: string): DateFormatResult {
  const cached = formats.get(pattern)
  if (cached) return cached
  const translated = translateDateFormat(pattern)
  const result: DateFormatResult = translated.ok ? { ok: true, ...compile(pattern, translated) } : translated
  if (formats.size >= 1000) formats.clear()
  formats.set(pattern, result)
  return result
}
