import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteBulkWriter } from '../../../src/store/bulk.js'
import { createStore, type Db } from '../../../src/store/create-store.js'
import { migrateToLatest } from '../../../src/store/migrate.js'
import {
  OBJECT_INSERT,
  OBJECT_SHARED_COLUMNS,
  REFERENCE_INSERT,
  VALUE_INDEX,
} from '../../../src/store/repositories/import-write.repository.js'

/**
 * A SQLite statement that may write several rows keeps a statement journal (a copy of every page it changes that
 * existed before it, written to a temporary file) when one of its checks may abort it half-way: a NOT NULL, UNIQUE or
 * primary key check with ABORT conflict handling, or an immediate foreign key. SQLite decides when it compiles the
 * statement, so the compiled program shows it: an abort is a Halt / HaltIfNull whose P2 is OE_Abort (2), an immediate
 * key's check an FkCounter with P1 0 counting up. The engine's 64-row inserts into the migrated tables must have
 * neither (issue 11 seventh pass: ~37 journal pages per object insert, 0.5 µs of CPU per object).
 */
const OE_ABORT = 2

interface Op {
  opcode: string
  p1: number
  p2: number
}

/** The opcodes of `text`'s program that make SQLite keep a statement journal for it. */
function aborting(handle: SqliteDatabase.Database, text: string): string[] {
  const parameters = Array.from({ length: text.split('?').length - 1 }, () => null)
  // A group's leading values are named parameters (@p0, …), bound once per statement.
  const named = Object.fromEntries([...new Set(text.match(/@p\d+/g) ?? [])].map((p) => [p.slice(1), null]))
  const ops = handle.prepare(`explain ${text}`).all(parameters, named) as Op[]
  return ops
    .filter(
      (o) =>
        ((o.opcode === 'Halt' || o.opcode === 'HaltIfNull') && o.p1 !== 0 && o.p2 === OE_ABORT) ||
        (o.opcode === 'FkCounter' && o.p1 === 0 && o.p2 > 0),
    )
    .map((o) => `${o.opcode}(${o.p1}, ${o.p2})`)
}

describe('the SQLite bulk writer', () => {
  let dir: string
  let handle: SqliteDatabase.Database
  /** Every statement text the writer prepared. */
  const prepared: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bulk-'))
    const file = path.join(dir, 'intake.db')
    const store = createStore({ dialect: 'sqlite', url: file })
    expect((await migrateToLatest(store)).error).toBeUndefined()
    await store.close()
    handle = new SqliteDatabase(file)
    handle.pragma('foreign_keys = ON')
  })
  afterAll(() => {
    handle.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('inserts objects, value-index rows and references many rows per statement without a statement journal', async () => {
    const recording = new Proxy(handle, {
      get(target, key) {
        if (key === 'prepare')
          return (text: string) => {
            prepared.push(text)
            return target.prepare(text)
          }
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    const bulk = sqliteBulkWriter(recording)
    const db = undefined as unknown as Db
    // Rows that break every constraint: the statements are prepared, then fail; only their programs are looked at.
    const rows = (width: number) =>
      Array.from({ length: 64 }, () => Array.from({ length: width }, () => null))
    handle.exec('begin')
    try {
      // Objects as the engine inserts them: the values the batch's objects share, then each one's own.
      const shared = Array.from({ length: OBJECT_SHARED_COLUMNS }, () => null)
      await expect(
        bulk.insertGrouped(db, 'object', OBJECT_INSERT, [
          { prefix: shared, rows: rows(OBJECT_INSERT.length - shared.length) },
        ]),
      ).rejects.toThrow(/NOT NULL/)
      for (const [table, columns] of [
        ['object_value', VALUE_INDEX],
        ['object_reference', REFERENCE_INSERT],
      ] as const)
        await expect(bulk.insert(db, table, columns, rows(columns.length))).rejects.toThrow(/NOT NULL/)
    } finally {
      handle.exec('rollback')
    }
    const multiRow = prepared.filter((text) => text.includes('), ('))
    expect(multiRow).toHaveLength(3)
    for (const text of multiRow)
      expect({ text, aborting: aborting(handle, text) }).toEqual({ text, aborting: [] })
  })
})
