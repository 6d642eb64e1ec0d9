import { describe, expect, it } from 'vitest'
import { applyHeapGrowth, memoryLine, semiSpaceMb } from '../../../src/cli/heap-growth.js'

describe('applyHeapGrowth', () => {
  it('leaves the heap to a --heap-growing-percent given to node on its command line', () => {
    expect(applyHeapGrowth(40, ['--heap-growing-percent=10'])).toEqual({ percent: null, by: 'node-flag' })
    expect(applyHeapGrowth(40, ['--heap_growing_percent=10'])).toEqual({ percent: null, by: 'node-flag' })
  })

  it('leaves V8 its own heuristics at 0', () => {
    expect(applyHeapGrowth(0, [])).toEqual({ percent: null, by: 'v8' })
  })
})

describe('semiSpaceMb', () => {
  it("reads node's --max-semi-space-size from its command line or NODE_OPTIONS, the command line winning", () => {
    expect(semiSpaceMb(['--max-semi-space-size=4'], '')).toBe(4)
    expect(semiSpaceMb(['--max_semi_space_size=2'], '--max-semi-space-size=8')).toBe(2)
    expect(semiSpaceMb([], '--enable-source-maps --max-semi-space-size=8')).toBe(8)
    expect(semiSpaceMb(['--max-old-space-size=400'], '')).toBeNull()
  })
})

describe('memoryLine', () => {
  it('names the growth, the young generation, the arenas and, on SQLite, the page cache with what sets them', () => {
    expect(
      memoryLine(
        {
          database: { dialect: 'sqlite', url: 'x', sqliteCacheMb: 8, sqliteApiCacheMb: 2 },
          nodeOptions: '',
          mallocArenaMax: '2',
        },
        { percent: 40 },
        ['--max-semi-space-size=4'],
      ),
    ).toBe(
      'heap grows 40 % over live data (INTAKE_HEAP_GROWTH_PERCENT); young generation 2 × 4 MB (node --max-semi-space-size); malloc arenas ≤ 2 (MALLOC_ARENA_MAX); SQLite page cache 8 MiB for imports (INTAKE_SQLITE_CACHE_MB), 2 MiB for the API (INTAKE_SQLITE_API_CACHE_MB)',
    )
    expect(
      memoryLine(
        { database: { dialect: 'postgres', url: 'x' }, nodeOptions: '', mallocArenaMax: null },
        { percent: null, by: 'v8' },
        [],
        '22.23.5',
      ),
    ).toBe(
      "heap growth left to V8's heuristics (INTAKE_HEAP_GROWTH_PERCENT=0); young generation 2 × 16 MB (V8's default: node started without --max-semi-space-size)",
    )
  })

  it("names no young generation size for Node.js 24, whose V8 sizes it from the machine's memory", () => {
    const config = {
      database: { dialect: 'postgres' as const, url: 'x' },
      nodeOptions: '',
      mallocArenaMax: null,
    }
    expect(memoryLine(config, { percent: 100 }, [], '24.22.3')).toBe(
      "heap grows 100 % over live data (INTAKE_HEAP_GROWTH_PERCENT); young generation sized by V8 from the machine's memory (node started without --max-semi-space-size)",
    )
    expect(memoryLine(config, { percent: 100 }, ['--max-semi-space-size=4'], '24.22.3')).toContain(
      'young generation 2 × 4 MB (node --max-semi-space-size)',
    )
  })
})
