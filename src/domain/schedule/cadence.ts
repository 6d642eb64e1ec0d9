/**
 * When a schedule runs: pure arithmetic over IANA time zones (luxon), no clock of its own. The rules, also in
 * docs/schedules.md:
 * - The first run is `startTime` itself. Later runs keep its wall-clock time in the schedule's zone, so a DAILY at
 *   02:30 Europe/Berlin stays at 02:30 local time across DST changes.
 * - ONCE runs at `startTime` only. DAILY runs every local day, WEEKLY every 7 local days (same weekday), MONTHLY
 *   on the start's day of the month; in a month without that day (the 31st, or the 29th–30th in February) it runs
 *   on the month's last day, and returns to the start's day in the next month that has it.
 * - A wall-clock time that does not exist on a DST day (the spring-forward gap) runs once, at the first valid
 *   minute after the gap. A time that exists twice (fall back) runs once, at its first occurrence.
 */
import { DateTime } from 'luxon'

export const RUN_FREQUENCIES = ['ONCE', 'DAILY', 'WEEKLY', 'MONTHLY'] as const
export type RunFrequency = (typeof RUN_FREQUENCIES)[number]

export interface Cadence {
  runFrequency: RunFrequency
  /** The first run, an instant. */
  startTime: Date
  /** IANA zone whose wall clock later runs keep. */
  timezone: string
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid
}

interface WallTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond?: number
}

/** The instant a wall-clock time names in `zone`: the first of two (fall back), the gap's end (spring forward). */
export function resolveWallTime(wall: WallTime, zone: string): Date {
  const exact = (w: WallTime): DateTime | null => {
    const dt = DateTime.fromObject(w, { zone })
    const candidates = dt.getPossibleOffsets().filter((c) => c.hour === w.hour && c.minute === w.minute)
    if (candidates.length === 0) return null
    return candidates.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b))
  }
  const found = exact(wall)
  if (found) return found.toJSDate()
  // In a DST gap: the first minute after it that exists (gaps are at most a few hours; a day is a safe bound).
  const base = DateTime.fromObject({ ...wall, second: 0, millisecond: 0 }, { zone: 'UTC' })
  for (let k = 1; k <= 24 * 60; k++) {
    const next = base.plus({ minutes: k })
    const hit = exact({
      year: next.year,
      month: next.month,
      day: next.day,
      hour: next.hour,
      minute: next.minute,
      second: 0,
    })
    if (hit) return hit.toJSDate()
  }
  return DateTime.fromObject(wall, { zone }).toJSDate()
}

/** The n-th run (0 = startTime); null when there is none (ONCE after its run). */
export function occurrence(cadence: Cadence, n: number): Date | null {
  if (n === 0) return cadence.startTime
  if (n < 0 || cadence.runFrequency === 'ONCE') return null
  const start = DateTime.fromJSDate(cadence.startTime, { zone: cadence.timezone })
  const time = {
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    millisecond: start.millisecond,
  }
  const date = start.startOf('day')
  let day: DateTime
  if (cadence.runFrequency === 'DAILY') day = date.plus({ days: n })
  else if (cadence.runFrequency === 'WEEKLY') day = date.plus({ days: 7 * n })
  else {
    const month = date.set({ day: 1 }).plus({ months: n })
    day = month.set({ day: Math.min(start.day, month.daysInMonth ?? 28) })
  }
  return resolveWallTime({ year: day.year, month: day.month, day: day.day, ...time }, cadence.timezone)
}

/** The first run strictly after `after` (null when there is none). */
export function nextRunAfter(cadence: Cadence, after: Date): Date | null {
  if (cadence.startTime.getTime() > after.getTime()) return cadence.startTime
  if (cadence.runFrequency === 'ONCE') return null
  // Estimate the index from elapsed local days or months, then walk forward: a few steps at most.
  const start = DateTime.fromJSDate(cadence.startTime, { zone: cadence.timezone }).startOf('day')
  const then = DateTime.fromJSDate(after, { zone: cadence.timezone }).startOf('day')
  let n: number
  if (cadence.runFrequency === 'MONTHLY') {
    n = (then.year - start.year) * 12 + (then.month - start.month)
  } else {
    const days = Math.round(then.diff(start, 'days').days)
    n = cadence.runFrequency === 'WEEKLY' ? Math.floor(days / 7) : days
  }
  for (let i = Math.max(1, n - 1); ; i++) {
    const at = occurrence(cadence, i)
    if (at === null) return null
    if (at.getTime() > after.getTime()) return at
  }
}
