import { describe, expect, it } from 'vitest'
import { guardActive, guardLimit, ImportHeld, judge } from '../../../src/engine/delete-guard.js'
import { deleteGuardProblems } from '../../../src/domain/import-source/delete-guard-setting.js'

const count = (owned: number, toRemove: number, toMark = 0) => ({
  objectTypeId: 7,
  objectTypeName: 'Host',
  owned,
  toRemove,
  toMark,
})

describe('mass-delete guard: thresholds', () => {
  it('a percentage allows up to that share of the owned objects, rounded down', () => {
    expect(guardLimit({ maxPercent: 50 }, 10)).toBe(5)
    expect(guardLimit({ maxPercent: 50 }, 11)).toBe(5)
    expect(guardLimit({ maxPercent: 0 }, 100)).toBe(0)
    expect(guardLimit({ maxPercent: 100 }, 100)).toBe(100)
  })

  it('with both limits the smaller one applies', () => {
    expect(guardLimit({ maxPercent: 50, maxObjects: 3 }, 100)).toBe(3)
    expect(guardLimit({ maxPercent: 1, maxObjects: 30 }, 1000)).toBe(10)
  })

  it('types with fewer owned objects than minObjects (default 10) are not guarded', () => {
    expect(guardLimit({ maxPercent: 50 }, 9)).toBeNull()
    expect(guardLimit({ maxPercent: 50, minObjects: 0 }, 2)).toBe(1)
    expect(guardLimit({ maxObjects: 1, minObjects: 100 }, 99)).toBeNull()
  })

  it('is over only past the limit, counting removals and objects marked missing together', () => {
    expect(judge({ setting: { maxPercent: 50 } }, count(10, 5)).over).toBe(false)
    expect(judge({ setting: { maxPercent: 50 } }, count(10, 6)).over).toBe(true)
    expect(judge({ setting: { maxPercent: 50 } }, count(10, 0, 6)).over).toBe(true)
    expect(judge({ setting: { maxPercent: 50 } }, count(10, 3, 3)).over).toBe(true)
  })

  it('an approval raises the limit to exactly the approved number of the type', () => {
    const approved = { setting: { maxPercent: 50 }, approved: { '7': 6 } }
    expect(judge(approved, count(10, 6))).toMatchObject({ over: false, approved: 6, limit: 5 })
    expect(judge(approved, count(10, 7))).toMatchObject({ over: true, approved: 6 })
    expect(judge({ setting: { maxPercent: 50 }, approved: { '8': 100 } }, count(10, 7)).over).toBe(true)
  })

  it('a setting without maxPercent or maxObjects guards nothing', () => {
    expect(guardActive({ minObjects: 3 })).toBe(false)
    expect(guardActive(null)).toBe(false)
    expect(guardActive({ maxObjects: 0 })).toBe(true)
  })

  it('ImportHeld names the types over the guard', () => {
    const held = new ImportHeld([judge({ setting: { maxPercent: 50 } }, count(10, 6))])
    expect(held.message).toContain('Host 6 of 10 (limit 5)')
  })

  it('setting problems name the field', () => {
    expect(deleteGuardProblems({ maxPercent: 101 }, 'f').map((p) => p.field)).toEqual(['f.maxPercent'])
    expect(deleteGuardProblems({ maxObjects: 1.5 }, 'f').map((p) => p.field)).toEqual(['f.maxObjects'])
    expect(deleteGuardProblems({ minObjects: -1, maxObjects: 1 }, 'f').map((p) => p.field)).toEqual([
      'f.minObjects',
    ])
    expect(deleteGuardProblems({}, 'f').map((p) => p.field)).toEqual(['f'])
    expect(deleteGuardProblems({ maxPercent: 50, maxObjects: 0, minObjects: 0 }, 'f')).toEqual([])
  })
})
