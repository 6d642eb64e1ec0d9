import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createStore, type Store } from '../../../src/store/create-store.js'

describe('the page cache of a SQLite store', () => {
  const opened: Store[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-cache-'))
  const url = path.join(dir, 'intake.db')

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
  })

  /** PRAGMA cache_size of the store's connection (negative: KiB). */
  async function cacheKib(store: Store): Promise<number> {
    opened.push(store)
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db)
    return -rows[0]!.cache_size
  }

  it('is INTAKE_SQLITE_API_CACHE_MB on the API connection and INTAKE_SQLITE_CACHE_MB on the others', async () => {
    const config = { dialect: 'sqlite' as const, url, sqliteCacheMb: 12, sqliteApiCacheMb: 3 }
    expect(await cacheKib(createStore(config, { role: 'api' }))).toBe(3 * 1024)
    expect(await cacheKib(createStore(config))).toBe(12 * 1024)
    expect(await cacheKib(createStore(config, { role: 'engine' }))).toBe(12 * 1024)
  })

  it('defaults to 4 MiB for the API and 16 MiB for imports', async () => {
    const config = { dialect: 'sqlite' as const, url }
    expect(await cacheKib(createStore(config, { role: 'api' }))).toBe(4 * 1024)
    expect(await cacheKib(createStore(config))).toBe(16 * 1024)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
