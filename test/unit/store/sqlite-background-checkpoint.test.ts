import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createStore } from '../../../src/store/create-store.js'
import { sqliteCheckpointer, type Checkpointer } from '../../../src/store/sqlite-checkpointer.js'

/** 10,000 rows (the store's threshold) of 400 bytes: ~1,100 pages of 4 KiB, over SQLite's automatic 1,000. */
const ROWS = 10_000

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function databaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-ckpt-'))
  dirs.push(dir)
  return path.join(dir, 'intake.db')
}

/** A store whose background checkpoints are only counted. */
function recordingStore(file: string) {
  let requests = 0
  const recorded: Checkpointer = {
    request: () => void requests++,
    settled: async () => undefined,
    close: async () => undefined,
  }
  const store = createStore({ dialect: 'sqlite', url: file }, { checkpointer: () => recorded })
  return { store, requests: () => requests }
}

describe('the WAL checkpoint after an import (SQLite)', () => {
  it('is left to a background thread: the commit copies nothing into the database file', async () => {
    const file = databaseFile()
    const { store, requests } = recordingStore(file)
    try {
      await sql`create table t (x blob)`.execute(store.db)
      await sql`pragma wal_checkpoint(truncate)`.execute(store.db)
      const before = fs.statSync(file).size
      await store.bulkTransaction(async ({ db }) => {
        for (let i = 0; i < ROWS; i++) await sql`insert into t values (randomblob(400))`.execute(db)
      })
      // Every page the transaction wrote is still in the WAL only, and the checkpoint was asked for once.
      expect(fs.statSync(file).size).toBe(before)
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(ROWS * 400)
      expect(requests()).toBe(1)
      // Other writes of the connection checkpoint as before.
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)
      expect(rows[0]!.wal_autocheckpoint).toBe(1_000)
    } finally {
      await store.close()
    }
  })

  it('is not started for a small import: its frames wait for a later commit, as before', async () => {
    const file = databaseFile()
    const { store, requests } = recordingStore(file)
    try {
      await sql`create table t (x blob)`.execute(store.db)
      await store.bulkTransaction(async ({ db }) => {
        for (let i = 0; i < ROWS - 1; i++) await sql`insert into t values (randomblob(40))`.execute(db)
      })
      expect(requests()).toBe(0)
    } finally {
      await store.close()
    }
  })

  it('copies the committed pages into the database file on its own thread', async () => {
    const file = databaseFile()
    const checkpointer = sqliteCheckpointer(file)
    // The store's own request is held back: the test asks once the commit is done.
    const store = createStore(
      { dialect: 'sqlite', url: file },
      { checkpointer: () => ({ ...checkpointer, request: () => undefined }) },
    )
    try {
      await sql`create table t (x blob)`.execute(store.db)
      await sql`pragma wal_checkpoint(truncate)`.execute(store.db)
      await store.bulkTransaction(async ({ db }) => {
        for (let i = 0; i < ROWS; i++) await sql`insert into t values (randomblob(400))`.execute(db)
      })
      const before = fs.statSync(file).size
      checkpointer.request()
      await checkpointer.settled()
      expect(before).toBeLessThan(ROWS * 400)
      expect(fs.statSync(file).size).toBeGreaterThan(ROWS * 400)
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(store.db)
      expect(rows[0]!.n).toBe(ROWS)
    } finally {
      await checkpointer.close()
      await store.close()
    }
  })
})
