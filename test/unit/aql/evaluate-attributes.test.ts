import { describe, expect, it } from 'vitest'
import { HARDWARE } from './fixtures.js'
import { ALL_IDS, except, matching, RECORDS } from './records.js'

const HW = { objectTypeId: HARDWARE, records: RECORDS.filter((r) => r.objectSchemaId === 1) }

type Case = readonly [query: string, ids: readonly number[]]

const check = (cases: readonly Case[], options: Parameters<typeof matching>[1] = HW) =>
  it.each(cases)('%s', (query, ids) => {
    expect(matching(query, options)).toEqual(ids)
  })

describe('evaluate: text (Name across employees, departments and hardware)', () => {
  check(
    [
      ['Name = "ann smith"', [1]],
      ['Name == "Ann Smith"', [1]],
      ['Name == "ann smith"', []],
      ['Name = db-01', [11]],
      ['Name != HR', except(5)],
      ['Name like "B-0"', [10, 11]],
      ['Name not like "-0"', except(10, 11)],
      ['Name like ""', except(12, 40, 41)],
      ['Name startswith "WEB"', [10]],
      ['Name endswith "-1"', [20, 30]],
      ['Name in (hr, it, "carl")', [3, 5, 6]],
      ['Name not in (hr)', except(5)],
      ['Name in ()', []],
      ['Name not in ()', ALL_IDS],
      ['Name is EMPTY', [12, 40, 41]],
      ['Name is not EMPTY', except(12, 40, 41)],
      ['Name < C', [1, 2]],
      ['Name >= a', [10, 20, 30]],
      ['Name > "DB-01"', [5, 6, 10, 20, 30]],
    ],
    { records: RECORDS },
  )
})

describe('evaluate: multi-valued text (Tags: web-01 linux/Web/prod, db-01 linux/db)', () => {
  check([
    ['Tags = web', [10]],
    ['Tags = LINUX', [10, 11]],
    ['Tags != linux', [12, 20, 30]],
    ['Tags in (db, prod)', [10, 11]],
    ['Tags not in (db)', [10, 12, 20, 30]],
    ['Tags like "in"', [10, 11]],
    ['Tags not like "b"', [12, 20, 30]],
    ['Tags is EMPTY', [12, 20, 30]],
  ])
})

describe('evaluate: select, status, url, ipaddress', () => {
  check([
    ['Tier = gold', [10]],
    ['Tier == gold', []],
    ['Tier == Gold', [10]],
    ['Tier in (GOLD, SILVER)', [10, 11]],
    ['Tier != silver', [10, 12, 20, 30]],
    ['State = running', [10]],
    ['State like RUN', [10]],
    ['State is EMPTY', [11, 12, 20, 30]],
    ['Website like "EXAMPLE.com"', [10]],
    ['Website endswith /status', [10]],
    ['IP = 10.0.0.1', [10]],
    ['IP startswith "10."', [10]],
    ['Serial > SN', [10]],
  ])
})

describe('evaluate: integer and double compare numerically', () => {
  check([
    ['Cores > 4', [10, 11]],
    ['Cores >= 4', [10, 11, 20]],
    ['Cores < 8', [20, 30]],
    ['Cores <= 2', [30]],
    ['Cores = 32', [11]],
    ['Cores == 32', [11]],
    ['Cores != 8', [11, 12, 20, 30]],
    ['Cores in (2, 4)', [20, 30]],
    ['Cores not in (2, 4)', [10, 11, 12]],
    ['Cores = 8.0', [10]],
    ['Cores > 10', [11]],
    ['Cores is EMPTY', [12]],
    ['Price > 2000', [11]],
    ['Price < 2000', [10]],
    ['Price = 1999.50', [10]],
    ['Price >= 1999.5', [10, 11]],
    ['Price < 1e4', [10]],
    ['Price > -1', [10, 11]],
  ])

  it('compares per kind when one name means a number and a text attribute', () => {
    // Hardware "Cores" is an integer (8, 32, 4, 2); Misc "Cores" is text ("10", "5"), compared by code point.
    expect(matching('Cores > 4')).toEqual([10, 11, 41])
    expect(matching('Cores = 10')).toEqual([40])
  })
})

describe('evaluate: boolean', () => {
  check([
    ['Active = true', [10]],
    ['Active = FALSE', [11]],
    ['Active == True', [10]],
    ['Active != true', [11, 12, 20, 30]],
    ['Active in (true, false)', [10, 11]],
    ['Active is not EMPTY', [10, 11]],
  ])
})

describe('evaluate: date (Purchased 2024-05-01 / 2023-12-31; now = Wed 2024-05-15 10:30 UTC)', () => {
  check([
    ['Purchased > 2024-01-01', [10]],
    ['Purchased <= 2023-12-31', [11]],
    ['Purchased = 2024-05-01', [10]],
    ['Purchased != 2024-05-01', [11, 12, 20, 30]],
    ['Purchased in (2023-12-31, 2020-01-01)', [11]],
    ['Purchased >= startOfYear()', [10]],
    ['Purchased < startOfMonth()', [11]],
    ['Purchased >= startOfMonth()', [10]],
    ['Purchased > now(-30d)', [10]],
  ])
})

describe('evaluate: date_time (Last Seen 2024-05-15T09:00Z / 2024-05-14T23:59:59.999Z)', () => {
  check([
    ['"Last Seen" > now(-2h)', [10]],
    ['"Last Seen" > now(-1h 29m)', []],
    ['"Last Seen" >= startOfDay()', [10]],
    ['"Last Seen" <= endOfDay(-1d)', [11]],
    ['"Last Seen" < 2024-05-15', [11]],
    ['"Last Seen" = "2024-05-15T11:00:00+02:00"', [10]],
    ['"Last Seen" >= startOfWeek()', [10, 11]],
    ['"Last Seen" > endOfWeek(-1w)', [10, 11]],
    ['"Last Seen" < startOfWeek()', []],
  ])

  it('uses the zone for the start of the day', () => {
    expect(matching('"Last Seen" >= startOfDay()', { ...HW, zone: 'Europe/Berlin' })).toEqual([10, 11])
  })
})

describe('evaluate: time (Backup 02:30:00 / 23:00:00)', () => {
  check([
    ['Backup < 12:00', [10]],
    ['Backup = 23:00', [11]],
    ['Backup >= "02:30:00"', [10, 11]],
    ['Backup > now()', [11]],
    ['Backup < now()', [10]],
  ])

  it('reads now() as the time of day in the zone', () => {
    // 10:30 UTC is 00:30 the next day at UTC+14.
    expect(matching('Backup < now()', { ...HW, zone: 'Pacific/Kiritimati' })).toEqual([])
  })
})
