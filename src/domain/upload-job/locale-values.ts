/**
 * Reading numbers and dates the way one locale writes them (`de-DE`: "1.234,5" and "31.12.2024"; `en-US`:
 * "1,234.5" and "12/31/2024"). The separators and the order of day, month and year come from Intl, so every locale
 * the runtime knows works. Text that is not in the locale's form is left to the engine's own rules (ISO 8601 dates,
 * plain numbers such as "1234.5").
 */

export interface LocaleReader {
  readonly locale: string
  /** "1.234,5" → "1234.5"; null when the text is not a number in this locale's form. */
  number(text: string): string | null
  /** "31.12.2024" → "2024-12-31"; null when the text is not a date in this locale's form. */
  date(text: string): string | null
  /** "31.12.2024 13:45" → "2024-12-31T13:45:00" (wall-clock time); a date alone is its midnight. */
  dateTime(text: string): string | null
}

/** The locale's canonical name (`de-de` → `de-DE`), or null when the runtime does not know it. */
export function canonicalLocale(locale: string): string | null {
  try {
    const [name] = Intl.getCanonicalLocales(locale)
    if (!name || Intl.DateTimeFormat.supportedLocalesOf(name).length === 0) return null
    return name
  } catch {
    return null
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A literal of a formatted number or date: spaces (also no-break spaces) match any run of blanks. */
const literal = (s: string): string => [...s].map((c) => (/\s/.test(c) ? '\\s*' : escape(c))).join('')

const TIME = String.raw`(?:,?\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])?\.?(?:[Mm]\.?)?`

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1 || year > 9999) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function localeReader(locale: string): LocaleReader {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5)
  const group = parts.find((p) => p.type === 'group')?.value ?? ','
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.'
  const g = /\s/.test(group) ? '[\\s\\u00a0\\u202f]' : escape(group)
  const d = escape(decimal)
  const grouped = new RegExp(`^([+-]?)(\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${d}(\\d+))?$`)

  const dateParts = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: 'UTC',
  }).formatToParts(new Date(Date.UTC(2024, 11, 31)))
  const order: ('year' | 'month' | 'day')[] = []
  let pattern = ''
  for (const p of dateParts) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day') {
      order.push(p.type)
      pattern += p.type === 'year' ? '(\\d{4})' : '(\\d{1,2})'
    } else if (p.type === 'literal') pattern += literal(p.value)
  }
  const dateOnly = new RegExp(`^${pattern}$`)
  const withTime = new RegExp(`^${pattern}${TIME}$`)

  const ymd = (m: RegExpExecArray): [number, number, number] | null => {
    const at = (t: 'year' | 'month' | 'day') => Number(m[order.indexOf(t) + 1])
    const [year, month, day] = [at('year'), at('month'), at('day')]
    return validDate(year, month, day) ? [year, month, day] : null
  }

  return {
    locale,
    number(text) {
      const m = grouped.exec(text.trim())
      if (!m) return null
      const digits = m[2]!.replace(new RegExp(g, 'g'), '')
      return `${m[1] === '-' ? '-' : ''}${digits}${m[3] === undefined ? '' : `.${m[3]}`}`
    },
    date(text) {
      const m = dateOnly.exec(text.trim())
      const d = m && ymd(m)
      return d ? `${pad(d[0], 4)}-${pad(d[1])}-${pad(d[2])}` : null
    },
    dateTime(text) {
      const trimmed = text.trim()
      const day = this.date(trimmed)
      if (day !== null) return `${day}T00:00:00`
      const m = withTime.exec(trimmed)
      const d = m && ymd(m)
      if (!m || !d) return null
      let hour = Number(m[order.length + 1])
      const minute = Number(m[order.length + 2])
      const second = Number(m[order.length + 3] ?? 0)
      const meridiem = m[order.length + 4]?.toLowerCase()
      if (meridiem !== undefined) {
        if (hour < 1 || hour > 12) return null
        hour = (hour % 12) + (meridiem === 'p' ? 12 : 0)
      }
      if (hour > 23 || minute > 59 || second > 59) return null
      return `${pad(d[0], 4)}-${pad(d[1])}-${pad(d[2])}T${pad(hour)}:${pad(minute)}:${pad(second)}`
    },
  }
}

/** `+01:00` for 60 minutes east of UTC, `-05:30` for -330. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}
