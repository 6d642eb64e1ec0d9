import { describe, expect, it } from 'vitest'
import { applyHeapGrowth, memoryLine } from '../../../src/cli/heap-growth.js'

describe('applyHeapGrowth', () => {
  it('leaves the heap to a --heap-growing-percent given to node on its command line', () => {
    expect(applyHeapGrowth(40, ['--heap-growing-percent=10'])).toEqual({ percent: null, by: 'node-flag' })
    expect(applyHeapGrowth(40, ['--heap_growing_percent=10'])).toEqual({ percent: null, by: 'node-flag' })
  })

  it('leaves V8 its own heuristics at 0', () => {
    expect(applyHeapGrowth(0, [])).toEqual({ percent: null, by: 'v8' })
  })
})

describe('memoryLine', () => {
  it('names the growth and, on SQLite, the page cache with the variables that set them', () => {
    expect(
      memoryLine({ dialect: 'sqlite', url: 'x', sqliteCacheMb: 8, sqliteApiCacheMb: 2 }, { percent: 40 }),
    ).toBe(
      'heap grows 40 % over live data (INTAKE_HEAP_GROWTH_PERCENT); SQLite page cache 8 MiB for imports (INTAKE_SQLITE_CACHE_MB), 2 MiB for the API (INTAKE_SQLITE_API_CACHE_MB)',
    )
    expect(memoryLine({ dialect: 'postgres', url: 'x' }, { percent: null, by: 'v8' })).toBe(
      "heap growth left to V8's heuristics (INTAKE_HEAP_GROWTH_PERCENT=0)",
    )
  })
})
