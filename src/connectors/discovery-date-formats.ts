/**
 * Dates written in a common non-ISO way (`24/12/2025`, `24.12.2025`, `12/24/2025`), recognised by discovery so the
 * proposed document imports them as dates, through a `date` transformation step (docs/mapping.md). A format is
 * proposed only when every sampled value is a calendar date in it and no other candidate fits them all: a column
 * whose days never exceed 12 is ambiguous between `dd/MM` and `MM/dd`, and stays text.
 */
import { isCalendarDate } from '../domain/mapping/simple-date-format.js'

interface Candidate {
  /** Java SimpleDateFormat pattern, as a `date` step's `from` takes it. */
  pattern: string
  regex: RegExp
  /** Positions of day, month, year among the regex groups (1-based). */
  day: number
  month: number
  year: number
}

const CANDIDATES: readonly Candidate[] = [
  { pattern: 'dd/MM/yyyy', regex: /^(\d{2})\/(\d{2})\/(\d{4})$/, day: 1, month: 2, year: 3 },
  { pattern: 'MM/dd/yyyy', regex: /^(\d{2})\/(\d{2})\/(\d{4})$/, day: 2, month: 1, year: 3 },
  { pattern: 'dd.MM.yyyy', regex: /^(\d{2})\.(\d{2})\.(\d{4})$/, day: 1, month: 2, year: 3 },
  { pattern: 'dd-MM-yyyy', regex: /^(\d{2})-(\d{2})-(\d{4})$/, day: 1, month: 2, year: 3 },
  { pattern: 'yyyy/MM/dd', regex: /^(\d{4})\/(\d{2})\/(\d{2})$/, day: 3, month: 2, year: 1 },
]

/** Every candidate, as a bit mask. */
export const ALL_DATE_FORMATS = (1 << CANDIDATES.length) - 1

/** The candidates `text` is a calendar date in, as a bit mask (0 for anything else). */
export function dateFormatsOf(text: string): number {
  let mask = 0
  CANDIDATES.forEach((c, bit) => {
    const m = c.regex.exec(text)
    if (m && isCalendarDate(Number(m[c.year]), Number(m[c.month]), Number(m[c.day]))) mask |= 1 << bit
  })
  return mask
}

/** The one format a mask leaves, or undefined when none or several do. */
export function singleDateFormat(mask: number): string | undefined {
  const index = CANDIDATES.findIndex((_, bit) => mask === 1 << bit)
  return index < 0 ? undefined : CANDIDATES[index]!.pattern
}
