import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createStore, type Store } from '../../../src/store/create-store.js'

/** PRAGMA wal_autocheckpoint of the store's connection, in pages. */
async function checkpointPages(store: Store): Promise<number> {
  try {
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)
    return rows[0]!.wal_autocheckpoint
  } finally {
    await store.close()
  }
}

describe('the WAL checkpoints of a SQLite store', () => {
  it('come every 10,000 pages on the API connection (push chunks commit one by one), every 1,000 elsewhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-wal-'))
    const config = { dialect: 'sqlite' as const, url: path.join(dir, 'intake.db') }
    expect(await checkpointPages(createStore(config, { role: 'api' }))).toBe(10_000)
    expect(await checkpointPages(createStore(config))).toBe(1_000)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
