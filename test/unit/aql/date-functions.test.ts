import { describe, expect, it } from 'vitest'
import type { ComparisonNode } from '../../../src/domain/aql/ast.js'
import { dateFunctionValue, timeContext } from '../../../src/domain/aql/coerce.js'
import { parseAql } from '../../../src/domain/aql/parser.js'
import { NOW } from './fixtures.js'

/** The UTC instant `fn` stands for at `now` in `zone`. */
function instant(fn: string, zone = 'UTC', now: Date = NOW): string {
  const value = (parseAql(`x = ${fn}`).where as ComparisonNode).value
  if (value.type !== 'DateFunction') throw new Error(`${fn} is not a date function`)
  return dateFunctionValue(value, timeContext(now, zone)).toUTC().toISO() ?? 'invalid'
}

describe('date functions at Wednesday 2024-05-15 10:30 UTC', () => {
  it.each([
    ['now()', '2024-05-15T10:30:00.000Z'],
    ['now(-2h 15m)', '2024-05-15T08:15:00.000Z'],
    ['now(-2h -15m)', '2024-05-15T08:15:00.000Z'],
    ['now(-2h +15m)', '2024-05-15T08:45:00.000Z'],
    ['now(+1w)', '2024-05-22T10:30:00.000Z'],
    ['now(-1d +2h)', '2024-05-14T12:30:00.000Z'],
    ['now(90s)', '2024-05-15T10:31:30.000Z'],
    ['startOfDay()', '2024-05-15T00:00:00.000Z'],
    ['endOfDay()', '2024-05-15T23:59:59.999Z'],
    ['startOfDay(-1d)', '2024-05-14T00:00:00.000Z'],
    ['startOfDay(-1)', '2024-05-14T00:00:00.000Z'],
    ['endOfDay(+12h)', '2024-05-15T23:59:59.999Z'],
    ['endOfDay(+14h)', '2024-05-16T23:59:59.999Z'],
    ['startOfWeek()', '2024-05-13T00:00:00.000Z'],
    ['endOfWeek()', '2024-05-19T23:59:59.999Z'],
    ['startOfWeek(-1)', '2024-05-06T00:00:00.000Z'],
    ['startOfWeek(-1w)', '2024-05-06T00:00:00.000Z'],
    ['startOfMonth()', '2024-05-01T00:00:00.000Z'],
    ['endOfMonth()', '2024-05-31T23:59:59.999Z'],
    ['startOfMonth(-1)', '2024-04-01T00:00:00.000Z'],
    ['endOfMonth(-1)', '2024-04-30T23:59:59.999Z'],
    ['startOfYear()', '2024-01-01T00:00:00.000Z'],
    ['endOfYear()', '2024-12-31T23:59:59.999Z'],
    ['startOfYear(+1)', '2025-01-01T00:00:00.000Z'],
  ])('%s = %s', (fn, expected) => {
    expect(instant(fn)).toBe(expected)
  })
})

describe('date functions in a zone', () => {
  it('starts the day at local midnight', () => {
    expect(instant('startOfDay()', 'America/New_York')).toBe('2024-05-15T04:00:00.000Z')
    expect(instant('endOfDay()', 'Asia/Kolkata')).toBe('2024-05-15T18:29:59.999Z')
  })

  it('starts the week on Monday in the zone, even when UTC is still on Sunday', () => {
    const sundayNightUtc = new Date('2024-05-19T23:30:00.000Z')
    expect(instant('startOfWeek()', 'UTC', sundayNightUtc)).toBe('2024-05-13T00:00:00.000Z')
    expect(instant('startOfWeek()', 'Europe/Berlin', sundayNightUtc)).toBe('2024-05-19T22:00:00.000Z')
  })

  it('moves by calendar days across a daylight saving change', () => {
    const afterSwitch = new Date('2024-03-31T12:00:00.000Z') // 14:00 CEST; the day before at 14:00 was CET
    expect(instant('now(-1d)', 'Europe/Berlin', afterSwitch)).toBe('2024-03-30T13:00:00.000Z')
    expect(instant('now(-24h)', 'Europe/Berlin', afterSwitch)).toBe('2024-03-30T12:00:00.000Z')
    expect(instant('startOfDay()', 'Europe/Berlin', afterSwitch)).toBe('2024-03-30T23:00:00.000Z')
  })
})
