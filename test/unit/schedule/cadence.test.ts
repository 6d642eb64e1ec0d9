import { describe, expect, it } from 'vitest'
import {
  nextRunAfter,
  occurrence,
  type Cadence,
  type RunFrequency,
} from '../../../src/domain/schedule/cadence.js'

const at = (iso: string) => new Date(iso)
const iso = (d: Date | null) => d?.toISOString() ?? null
const cadence = (runFrequency: RunFrequency, startTime: string, timezone: string): Cadence => ({
  runFrequency,
  startTime: at(startTime),
  timezone,
})
/** The first `count` runs after the start (`n` = 1…count). */
const runs = (c: Cadence, count: number) => Array.from({ length: count }, (_, i) => iso(occurrence(c, i + 1)))

describe('schedule cadences over DST changes', () => {
  it('keeps a DAILY 02:30 Europe/Berlin at 02:30 local time before and after both changes', () => {
    // 2026-03-27 02:30 CET = 01:30Z; Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
    const c = cadence('DAILY', '2026-03-27T01:30:00.000Z', 'Europe/Berlin')
    expect(runs(c, 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, the first valid minute, once
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ])
    const autumn = cadence('DAILY', '2026-10-24T00:30:00.000Z', 'Europe/Berlin')
    expect(runs(autumn, 2)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 exists twice: the first one (CEST), once
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ])
  })

  it('moves a run in the New York spring gap to 03:00 and keeps 01:30 at its first occurrence in the fall', () => {
    const spring = cadence('DAILY', '2026-03-07T07:15:00.000Z', 'America/New_York') // 02:15 EST
    expect(runs(spring, 2)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:15:00.000Z'])
    const fall = cadence('WEEKLY', '2026-10-25T05:30:00.000Z', 'America/New_York') // Sun 01:30 EDT
    expect(runs(fall, 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-08T06:30:00.000Z'])
  })

  it('follows a half-hour DST change (Australia/Lord_Howe) and a zone without DST (Asia/Tokyo)', () => {
    // Lord Howe moves from +10:30 to +11 at 02:00 local on 2026-10-04: 02:10 does not exist, 02:30 is first valid.
    const howe = cadence('DAILY', '2026-10-02T15:40:00.000Z', 'Australia/Lord_Howe') // Oct 3 02:10 +10:30
    // Oct 4: 02:10 is in the gap → 02:30 +11; Oct 5: 02:10 +11.
    expect(runs(howe, 2)).toEqual(['2026-10-03T15:30:00.000Z', '2026-10-04T15:10:00.000Z'])
    const tokyo = cadence('DAILY', '2026-03-28T17:30:00.000Z', 'Asia/Tokyo') // 02:30 JST
    expect(runs(tokyo, 2)).toEqual(['2026-03-29T17:30:00.000Z', '2026-03-30T17:30:00.000Z'])
  })
})

describe('MONTHLY at month ends and leap days', () => {
  it('runs on the 31st, or on the last day of shorter months, and returns to the 31st', () => {
    const c = cadence('MONTHLY', '2027-01-31T09:00:00.000Z', 'UTC')
    expect(runs(c, 4)).toEqual([
      '2027-02-28T09:00:00.000Z',
      '2027-03-31T09:00:00.000Z',
      '2027-04-30T09:00:00.000Z',
      '2027-05-31T09:00:00.000Z',
    ])
  })

  it('uses February 29 in a leap year and February 28 otherwise', () => {
    const c = cadence('MONTHLY', '2027-12-30T23:00:00.000Z', 'UTC')
    expect(iso(occurrence(c, 2))).toBe('2028-02-29T23:00:00.000Z')
    const leapStart = cadence('MONTHLY', '2028-02-29T12:00:00.000Z', 'Europe/London')
    expect(runs(leapStart, 2)).toEqual(['2028-03-29T11:00:00.000Z', '2028-04-29T11:00:00.000Z'])
    expect(iso(occurrence(leapStart, 12))).toBe('2029-02-28T12:00:00.000Z')
  })

  it('counts the month in the schedule’s zone, not in UTC', () => {
    // 2027-01-31 01:00 in Auckland is still January 30 in UTC.
    const c = cadence('MONTHLY', '2027-01-30T12:00:00.000Z', 'Pacific/Auckland')
    expect(iso(occurrence(c, 1))).toBe('2027-02-27T12:00:00.000Z') // Feb 28 01:00 NZDT
  })

  it('runs a DAILY through February 29 of a leap year', () => {
    const c = cadence('DAILY', '2028-02-28T06:00:00.000Z', 'UTC')
    expect(runs(c, 2)).toEqual(['2028-02-29T06:00:00.000Z', '2028-03-01T06:00:00.000Z'])
  })
})

describe('nextRunAfter', () => {
  it('answers the start while it is ahead, and nothing for ONCE after it', () => {
    const once = cadence('ONCE', '2026-12-06T14:00:00.000Z', 'UTC')
    expect(iso(nextRunAfter(once, at('2026-12-06T13:00:00Z')))).toBe('2026-12-06T14:00:00.000Z')
    expect(nextRunAfter(once, at('2026-12-06T14:00:00Z'))).toBeNull()
  })

  it('skips every missed run: the next one is the first after the given instant', () => {
    const c = cadence('DAILY', '2026-01-01T08:00:00.000Z', 'Europe/Berlin') // 09:00 local: 07:00Z in summer
    expect(iso(nextRunAfter(c, at('2026-06-15T07:00:00Z')))).toBe('2026-06-16T07:00:00.000Z')
    expect(iso(nextRunAfter(c, at('2026-06-15T06:59:59Z')))).toBe('2026-06-15T07:00:00.000Z')
    const weekly = cadence('WEEKLY', '2026-01-05T10:00:00.000Z', 'UTC') // a Monday
    expect(iso(nextRunAfter(weekly, at('2026-02-04T00:00:00Z')))).toBe('2026-02-09T10:00:00.000Z')
    const monthly = cadence('MONTHLY', '2026-01-31T10:00:00.000Z', 'UTC')
    expect(iso(nextRunAfter(monthly, at('2026-04-30T10:00:00Z')))).toBe('2026-05-31T10:00:00.000Z')
  })

  it('agrees with walking the runs one by one, over a year in several zones', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC']) {
      for (const f of ['DAILY', 'WEEKLY', 'MONTHLY'] as const) {
        const c = cadence(f, '2026-01-31T01:30:00.000Z', zone)
        for (let n = 1; n < 40; n++) {
          const prev = occurrence(c, n - 1)!
          const cur = occurrence(c, n)!
          expect(cur.getTime()).toBeGreaterThan(prev.getTime())
          expect(iso(nextRunAfter(c, prev))).toBe(iso(cur))
        }
      }
    }
  })
})
