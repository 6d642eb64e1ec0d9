import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../src/config/config.js'

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('the memory settings', () => {
  it('default to a 16 MiB SQLite page cache for imports, 4 MiB for the API, and a heap that grows 100 % over live data', () => {
    const c = loadConfig({})
    expect(c.heapGrowthPercent).toBe(100)
    expect(c.database.sqliteCacheMb).toBe(16)
    expect(c.database.sqliteApiCacheMb).toBe(4)
  })

  it('take INTAKE_SQLITE_CACHE_MB, INTAKE_SQLITE_API_CACHE_MB and INTAKE_HEAP_GROWTH_PERCENT (0 = V8’s own heuristics)', () => {
    const c = loadConfig({
      INTAKE_SQLITE_CACHE_MB: '64',
      INTAKE_SQLITE_API_CACHE_MB: '32',
      INTAKE_HEAP_GROWTH_PERCENT: '0',
    })
    expect(c.database.sqliteCacheMb).toBe(64)
    expect(c.database.sqliteApiCacheMb).toBe(32)
    expect(c.heapGrowthPercent).toBe(0)
  })

  it('give PostgreSQL no SQLite cache', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@h/db',
      INTAKE_SQLITE_CACHE_MB: '64',
      INTAKE_SQLITE_API_CACHE_MB: '32',
    })
    expect(c.database).toEqual({ dialect: 'postgres', url: 'postgres://u@h/db' })
  })

  it('refuse values that are not integers in range, naming the variable and the range', () => {
    expect(
      problemsOf({ INTAKE_SQLITE_CACHE_MB: '0', INTAKE_HEAP_GROWTH_PERCENT: '-5' }).map((p) => p.name),
    ).toEqual(['INTAKE_SQLITE_CACHE_MB', 'INTAKE_HEAP_GROWTH_PERCENT'])
    expect(problemsOf({ INTAKE_SQLITE_API_CACHE_MB: '0' }).map((p) => p.name)).toEqual([
      'INTAKE_SQLITE_API_CACHE_MB',
    ])
    expect(problemsOf({ INTAKE_SQLITE_CACHE_MB: '8.5' })).toEqual([
      { name: 'INTAKE_SQLITE_CACHE_MB', value: '8.5', expected: 'an integer from 1 to 65536' },
    ])
    expect(problemsOf({ INTAKE_HEAP_GROWTH_PERCENT: '1001' })).toEqual([
      { name: 'INTAKE_HEAP_GROWTH_PERCENT', value: '1001', expected: 'an integer from 0 to 1000' },
    ])
  })
})
