import { describe, expect, it } from 'vitest'
import { canTransition, EXECUTION_STATUSES, isActive } from '../../../src/domain/execution/execution.types.js'
import { backoffMs } from '../../../src/jobs/job-queue.js'

describe('backoffMs', () => {
  it('doubles per attempt between half and the whole step, capped at the maximum', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, 60_000, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect([1, 2, 3].map((a) => backoffMs(a, 1000, 60_000, () => 0))).toEqual([500, 1000, 2000])
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000)
  })
})

describe('execution status transitions', () => {
  it('lets INGESTING and PROCESSING end, and nothing leave an end state', () => {
    expect(canTransition('INGESTING', 'PROCESSING')).toBe(true)
    expect(canTransition('PROCESSING', 'INGESTING')).toBe(false)
    expect(canTransition('INGESTING', 'DONE')).toBe(false)
    for (const end of ['DONE', 'CANCELLED', 'FAILED'] as const) {
      expect(EXECUTION_STATUSES.filter((to) => canTransition(end, to))).toEqual([])
      expect(isActive(end)).toBe(false)
    }
    expect(isActive('INGESTING') && isActive('PROCESSING')).toBe(true)
  })
})
