import { describe, expect, it } from 'vitest'
import { canonicalLocale, localeReader, offsetText } from '../../../src/domain/upload-job/locale-values.js'

describe('locale values of upload jobs', () => {
  const de = localeReader('de-DE')
  const us = localeReader('en-US')

  it('reads numbers with the locale’s group and decimal separators', () => {
    expect(de.number('1.234,5')).toBe('1234.5')
    expect(de.number('-1.234.567')).toBe('-1234567')
    expect(de.number('12,75')).toBe('12.75')
    expect(us.number('1,234.5')).toBe('1234.5')
    expect(localeReader('fr-FR').number('1 234,5')).toBe('1234.5')
  })

  it('leaves text that is not a number in the locale’s form to the engine', () => {
    expect(de.number('1.5')).toBeNull()
    expect(de.number('1,2,3')).toBeNull()
    expect(us.number('12,34')).toBeNull()
    expect(us.number('abc')).toBeNull()
  })

  it('reads dates in the locale’s order and checks the calendar', () => {
    expect(de.date('31.12.2024')).toBe('2024-12-31')
    expect(de.date('1.2.2024')).toBe('2024-02-01')
    expect(us.date('12/31/2024')).toBe('2024-12-31')
    expect(us.date('31/12/2024')).toBeNull()
    expect(de.date('30.02.2024')).toBeNull()
    expect(de.date('2024-12-31')).toBeNull()
  })

  it('reads date-times with 24-hour and AM/PM clocks; a date alone is its midnight', () => {
    expect(de.dateTime('31.12.2024 23:30')).toBe('2024-12-31T23:30:00')
    expect(de.dateTime('31.12.2024, 23:30:15')).toBe('2024-12-31T23:30:15')
    expect(us.dateTime('12/31/2024 11:30 PM')).toBe('2024-12-31T23:30:00')
    expect(us.dateTime('12/31/2024 12:05 AM')).toBe('2024-12-31T00:05:00')
    expect(us.dateTime('12/31/2024')).toBe('2024-12-31T00:00:00')
    expect(us.dateTime('12/31/2024 13:00 PM')).toBeNull()
  })

  it('knows real locales only, in their canonical spelling', () => {
    expect(canonicalLocale('de-de')).toBe('de-DE')
    expect(canonicalLocale('not a locale')).toBeNull()
  })

  it('writes offsets as ±HH:MM', () => {
    expect(offsetText(60)).toBe('+01:00')
    expect(offsetText(-330)).toBe('-05:30')
    expect(offsetText(0)).toBe('+00:00')
  })
})
