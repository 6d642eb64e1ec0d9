import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  compileDateFormat,
  instantText,
  isCalendarDate,
  isValidZone,
  parseIsoParts,
  translateDateFormat,
  utcMillis,
} from '../../../src/domain/mapping/simple-date-format.js'

function parse(pattern: string, text: string, zone?: string): string | null {
  const format = compileDateFormat(pattern)
  if (!format.ok) throw new Error(`${pattern}: ${format.reason}`)
  return format.parse(text, zone)?.toISOString() ?? null
}

const RFC_822 = 'EEE, d MMM yyyy HH:mm:ss Z'
const ISO_LOCAL = "yyyy-MM-dd'T'HH:mm:ss"
const ISO_OFFSET = "yyyy-MM-dd'T'HH:mm:ssXXX"

describe('compileDateFormat: parse results', () => {
  const cases: [pattern: string, text: string, zone: string | undefined, iso: string][] = [
    ['dd/MM/yyyy', '25/12/2023', undefined, '2023-12-25T00:00:00.000Z'],
    ['dd/MM/yyyy', '5/3/2024', undefined, '2024-03-05T00:00:00.000Z'],
    ['dd/MM/yyyy', '25/12/2023', 'Europe/Berlin', '2023-12-24T23:00:00.000Z'],
    ['MM-dd-yy', '12-25-23', undefined, '2023-12-25T00:00:00.000Z'],
    ['MM-dd-yy', '01-02-99', undefined, '1999-01-02T00:00:00.000Z'],
    ['MM-dd-yy', '01-02-60', undefined, '2060-01-02T00:00:00.000Z'],
    ['MM-dd-yy', '01-02-61', undefined, '1961-01-02T00:00:00.000Z'],
    [ISO_LOCAL, '2024-05-01T10:20:30', undefined, '2024-05-01T10:20:30.000Z'],
    [ISO_LOCAL, '2024-05-01T10:20:30', 'Europe/Berlin', '2024-05-01T08:20:30.000Z'],
    [ISO_LOCAL, '2024-01-15T10:20:30', 'Europe/Berlin', '2024-01-15T09:20:30.000Z'],
    ['dd.MM.yyyy HH:mm', '01.05.2024 10:00', 'Europe/Berlin', '2024-05-01T08:00:00.000Z'],
    ['dd.MM.yyyy HH:mm', '15.01.2024 07:05', undefined, '2024-01-15T07:05:00.000Z'],
    [RFC_822, 'Wed, 1 May 2024 10:00:00 +0200', undefined, '2024-05-01T08:00:00.000Z'],
    [RFC_822, 'wed, 01 may 2024 10:00:00 -0130', 'Europe/Berlin', '2024-05-01T11:30:00.000Z'],
    [RFC_822, 'Sun, 31 Dec 2023 23:59:59 +0000', undefined, '2023-12-31T23:59:59.000Z'],
    ['h:mm a', '3:05 PM', undefined, '1970-01-01T15:05:00.000Z'],
    ['h:mm a', '12:00 AM', undefined, '1970-01-01T00:00:00.000Z'],
    ['h:mm a', '12:30 pm', undefined, '1970-01-01T12:30:00.000Z'],
    ['h:mm a', '9:15 am', 'Europe/Berlin', '1970-01-01T08:15:00.000Z'],
    [ISO_OFFSET, '2024-05-01T10:00:00Z', 'Europe/Berlin', '2024-05-01T10:00:00.000Z'],
    [ISO_OFFSET, '2024-05-01T10:00:00+02:00', undefined, '2024-05-01T08:00:00.000Z'],
    ['yyyy-MM-dd HHX', '2024-05-01 10+02', undefined, '2024-05-01T08:00:00.000Z'],
    ['yyyy-MM-dd HHX', '2024-05-01 10Z', undefined, '2024-05-01T10:00:00.000Z'],
    ['yyyyMMddHHmmss', '20240501102030', undefined, '2024-05-01T10:20:30.000Z'],
    ['HH:mm:ss.SSS', '10:00:00.123', undefined, '1970-01-01T10:00:00.123Z'],
    ['yyyy-MM-dd HH:mm:ss.SSSSSS', '2024-05-01 10:00:00.123456', undefined, '2024-05-01T10:00:00.123Z'],
    ['yyyy-MM-dd HH:mm z', '2024-05-01 10:00 Europe/Paris', undefined, '2024-05-01T08:00:00.000Z'],
    ['yyyy-MM-dd HH:mm z', '2024-05-01 10:00 UTC', 'Europe/Berlin', '2024-05-01T10:00:00.000Z'],
    ['EEEE, MMMM d, yyyy', 'Wednesday, May 1, 2024', undefined, '2024-05-01T00:00:00.000Z'],
    [ISO_LOCAL, '2024-05-01T24:00:00', undefined, '2024-05-02T00:00:00.000Z'], // ISO end of day
    ['d MMM', '15 May', undefined, '1970-05-15T00:00:00.000Z'],
    ['yyyy', '2024', undefined, '2024-01-01T00:00:00.000Z'],
    ["'at' HH 'o''clock' yyyy-MM-dd", "at 10 o'clock 2024-05-01", undefined, '2024-05-01T10:00:00.000Z'],
    ["''yyyy''", "'2024'", undefined, '2024-01-01T00:00:00.000Z'],
  ]
  it.each(cases)('%s reads %j in %s → %s', (pattern, text, zone, iso) => {
    expect(parse(pattern, text, zone)).toBe(iso)
  })
})

describe('compileDateFormat: bad input', () => {
  const cases: [pattern: string, text: string][] = [
    ['dd/MM/yyyy', '2023-12-25'],
    ['dd/MM/yyyy', '32/01/2024'],
    ['dd/MM/yyyy', '29/02/2023'],
    ['dd/MM/yyyy', '25/12/23'],
    ['dd/MM/yyyy', '25/12/2023 '],
    ['dd/MM/yyyy', ''],
    ['MM-dd-yy', '13-01-23'],
    ['MM-dd-yy', '12/25/23'],
    [ISO_LOCAL, '2024-05-01 10:20:30'],
    [ISO_LOCAL, '2024-05-01T24:00:01'],
    [ISO_LOCAL, '2024-05-01T10:20'],
    ['dd.MM.yyyy HH:mm', '01.05.2024 25:00'],
    ['dd.MM.yyyy HH:mm', '01.05.2024'],
    [RFC_822, 'Thu, 1 May 2024 10:00:00 +0200'],
    [RFC_822, 'Wed, 1 Foo 2024 10:00:00 +0200'],
    [RFC_822, 'Wed, 1 May 2024 10:00:00'],
    [RFC_822, 'Wed, 1 May 2024 10:00:00 +02:00'],
    ['h:mm a', '15:05'],
    ['h:mm a', '3:05 XM'],
    [ISO_OFFSET, '2024-05-01T10:00:00'],
    ['yyyy-MM-dd HH:mm z', '2024-05-01 10:00 Nowhere/City'],
  ]
  it.each(cases)('%s rejects %j', (pattern, text) => {
    expect(parse(pattern, text)).toBeNull()
  })

  it('answers null for an unknown zone instead of throwing', () => {
    expect(parse('dd/MM/yyyy', '25/12/2023', 'Mars/Base')).toBeNull()
  })
})

describe('compileDateFormat: DST in Europe/Berlin', () => {
  const cases: [text: string, iso: string][] = [
    ['2024-03-31 01:59', '2024-03-31T00:59:00.000Z'], // CET, last minute before the gap
    ['2024-03-31 02:30', '2024-03-31T01:30:00.000Z'], // in the gap: moved forward to 03:30 CEST
    ['2024-03-31 03:00', '2024-03-31T01:00:00.000Z'], // CEST
    ['2024-10-27 01:30', '2024-10-26T23:30:00.000Z'], // CEST
    ['2024-10-27 02:30', '2024-10-27T01:30:00.000Z'], // repeated hour: the later, standard-time one
    ['2024-10-27 03:30', '2024-10-27T02:30:00.000Z'], // CET
  ]
  afterEach(() => {
    vi.useRealTimers()
  })
  // luxon alone resolves a repeated hour from the offset in force *today*; the answer must not depend on it.
  for (const today of ['2024-07-01T12:00:00Z', '2025-01-15T12:00:00Z']) {
    it.each(cases)(`%s → %s (today ${today.slice(0, 10)})`, (text, iso) => {
      vi.useFakeTimers({ now: new Date(today), toFake: ['Date'] })
      expect(parse('yyyy-MM-dd HH:mm', text, 'Europe/Berlin')).toBe(iso)
      expect(parse('yyyy-MM-dd HH:mm z', `${text} Europe/Berlin`)).toBe(iso)
    })
  }
})

describe('compileDateFormat: configuration errors', () => {
  const cases: [pattern: string, reason: string][] = [
    ['', 'the pattern is empty'],
    ['yyyy-MM-dd HH:mm:ss k', 'unsupported pattern letter "k"'],
    ['yyyy-MM-ddTHH:mm', 'unsupported pattern letter "T"'],
    ['YYYY-MM-dd', 'unsupported pattern letter "Y"'],
    ['yyyy-DDD', 'unsupported pattern letter "D"'],
    ["yyyy 'open", 'unterminated quote at position 6'],
    ['hh:mm a HH', 'a (AM/PM) needs h'],
    ['yyyy-MM-ddXXXZ', 'ambiguous adjacent fields'],
    ['HHX mmX', 'more than one X field'],
  ]
  it.each(cases)('%j → %s', (pattern, reason) => {
    const format = compileDateFormat(pattern)
    expect(format.ok).toBe(false)
    expect(format.ok ? '' : format.reason).toContain(reason)
  })

  it('translates to luxon tokens, keeping fixed widths only for abutting numeric fields', () => {
    expect(translateDateFormat('dd/MM/yyyy')).toMatchObject({ ok: true, format: "d'/'M'/'yyyy" })
    expect(translateDateFormat('yyyyMMdd')).toMatchObject({ ok: true, format: 'yyyyMMd' })
    expect(translateDateFormat(RFC_822)).toMatchObject({ format: "EEE', 'd' 'MMM' 'yyyy' 'H':'m':'s' 'ZZZ" })
    expect(translateDateFormat(ISO_OFFSET)).toMatchObject({ utcFormat: "yyyy'-'M'-'d'T'H':'m':'s'Z'" })
    expect(translateDateFormat("h 'o''clock'")).toMatchObject({ format: "yyyy'|'h' o''''clock'" })
  })

  it('caches compiled formats by pattern', () => {
    expect(compileDateFormat('dd/MM/yyyy')).toBe(compileDateFormat('dd/MM/yyyy'))
    expect(compileDateFormat('nope k')).toBe(compileDateFormat('nope k'))
  })
})

describe('parseDate (the written calendar date)', () => {
  it('ignores the zone of the instant', () => {
    const format = compileDateFormat("yyyy-MM-dd'T'HH:mmXXX")
    if (!format.ok) throw new Error(format.reason)
    expect(format.parseDate('2024-05-01T00:30+02:00')).toBe('2024-05-01')
    expect(format.parse('2024-05-01T00:30+02:00')?.toISOString()).toBe('2024-04-30T22:30:00.000Z')
    expect(format.parseDate('2024-05-01T00:30Z')).toBe('2024-05-01')
    expect(format.parseDate('2024-02-30T00:30Z')).toBeNull()
  })
})

describe('ISO 8601 helpers', () => {
  it('parseIsoParts reads dates, times, fractions and offsets', () => {
    expect(parseIsoParts('2024-05-01')).toMatchObject({ year: 2024, month: 5, day: 1, hasTime: false })
    expect(parseIsoParts('2024-05-01T10:20:30.4567-05:30')).toStrictEqual({
      ...{ year: 2024, month: 5, day: 1, hasTime: true, hour: 10, minute: 20, second: 30 },
      ...{ millisecond: 456, offsetMinutes: -330 },
    })
    expect(parseIsoParts('2024-05-01T10:00+0530')?.offsetMinutes).toBe(330)
    expect(parseIsoParts('2024-05-01T10:00')?.offsetMinutes).toBeNull()
    for (const bad of ['2024-5-1', '2024-05-01T10', '2024-05-01T10:00+18:01', '2024-05-01X', '2024-02-30']) {
      expect(parseIsoParts(bad), bad).toBeNull()
    }
  })

  it('calendar rules: leap years, month lengths, years 1–9999', () => {
    expect([isCalendarDate(2024, 2, 29), isCalendarDate(2000, 2, 29), isCalendarDate(1900, 2, 29)]).toEqual([
      true,
      true,
      false,
    ])
    expect([isCalendarDate(2024, 4, 31), isCalendarDate(0, 1, 1), isCalendarDate(10_000, 1, 1)]).toEqual([
      false,
      false,
      false,
    ])
  })

  it('utcMillis handles the years 1–99, and instantText bounds the range', () => {
    expect(new Date(utcMillis(50, 3, 1)).toISOString()).toBe('0050-03-01T00:00:00.000Z')
    expect(utcMillis(2024, 5, 1, 10)).toBe(Date.UTC(2024, 4, 1, 10))
    expect(instantText(utcMillis(1, 1, 1) - 1)).toBeNull()
    expect(instantText(utcMillis(10_000, 1, 1))).toBeNull()
    expect(instantText(Number.NaN)).toBeNull()
  })

  it('isValidZone knows IANA names', () => {
    expect([isValidZone('Europe/Berlin'), isValidZone('UTC'), isValidZone('Mars/Base')]).toEqual([
      true,
      true,
      false,
    ])
  })
})
