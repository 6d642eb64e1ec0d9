import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BulkColumn } from '../../src/store/bulk.js'
import { createStore, type Store } from '../../src/store/create-store.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

const COLUMNS: readonly BulkColumn[] = [
  { name: 'a', pg: 'bigint' },
  { name: 'b', pg: 'integer' },
  { name: 'c', pg: 'double precision' },
  { name: 'd', pg: 'text' },
]

const LONG = 'x'.repeat(3 * 1024 * 1024) + 'é'

/** Values the COPY formats must carry exactly: signs, the largest safe integers, escapes, Unicode, empty vs null. */
const EDGE_ROWS: unknown[][] = [
  [Number.MAX_SAFE_INTEGER, 2147483647, 0.1, 'tab\there, newline\nthere, back\\slash, cr\r'],
  [-Number.MAX_SAFE_INTEGER, -2147483648, -1e300, '🙂 日本語 ǅ'],
  [-1, 0, null, ''],
  [0, null, 3.5, null],
  [4294967296, 1, 1e-300, LONG],
  [4294967295, -1, 0, '\\N'],
  // ASCII then not: the PostgreSQL encoder writes a short text's ASCII start byte by byte, the rest as UTF-8.
  [5, 2, 1, 'Device ß 12 — ok'],
  [6, 3, 2, `${'a'.repeat(63)}é`],
  [7, 4, 3, `${'a'.repeat(64)}é`],
]

type Row = { a: number; b: number | null; c: number | null; d: string | null }

for (const dialect of dialects()) {
  describe(`bulk writer (${dialect})`, () => {
    let database: TestDatabase
    let store: Store

    beforeAll(async () => {
      database = await createTestDatabase(dialect)
      store = createStore(
        dialect === 'postgres'
          ? { dialect, url: database.env.DATABASE_URL! }
          : { dialect, url: path.join(database.env.INTAKE_DATA_DIR!, 'bulk.db') },
      )
      const real = dialect === 'postgres' ? 'double precision' : 'real'
      await sql
        .raw(`create table bulk_probe (a bigint not null, b integer, c ${real}, d text)`)
        .execute(store.db)
    })

    afterAll(async () => {
      await store.close()
      await database.drop()
    })

    const readBack = async (): Promise<Row[]> =>
      (await sql<Row>`select a, b, c, d from bulk_probe order by a, b`.execute(store.db)).rows.map((r) => ({
        ...r,
        a: Number(r.a),
      }))

    const sorted = (rows: unknown[][]): Row[] =>
      rows
        .map(([a, b, c, d]) => ({ a, b, c, d }) as Row)
        .sort((x, y) => x.a - y.a || (x.b ?? -Infinity) - (y.b ?? -Infinity))

    it('inserts rows with every edge value exactly as given, including a text of several MiB', async () => {
      await sql`delete from bulk_probe`.execute(store.db)
      await store.bulkTransaction(({ db, bulk }) => bulk.insert(db, 'bulk_probe', COLUMNS, EDGE_ROWS))
      expect(await readBack()).toEqual(sorted(EDGE_ROWS))
    })

    it('inserts groups of rows under their shared leading values, over many chunks', async () => {
      await sql`delete from bulk_probe`.execute(store.db)
      const groups = [7, -3, 2 ** 40].map((a) => ({
        prefix: [a],
        rows: Array.from({ length: 30_000 }, (_, i) => [i, i / 4, `v${i}\t${a}`]),
      }))
      await store.bulkTransaction(({ db, bulk }) => bulk.insertGrouped(db, 'bulk_probe', COLUMNS, groups))
      const expected = sorted(groups.flatMap((g) => g.rows.map((r) => [...g.prefix, ...r])))
      expect(await readBack()).toEqual(expected)
    })

    it('inserts every row whatever the count: full multi-row statements, the rest row by row, groups with prefixes', async () => {
      // SQLite writes up to 64 rows per statement: counts around that size leave no row out and none twice.
      for (const n of [1, 63, 64, 65, 129, 200]) {
        await sql`delete from bulk_probe`.execute(store.db)
        const rows = Array.from({ length: n }, (_, i) => [i, 1000 + i, i / 2, `r${i}`])
        const groups = [
          { prefix: [n * 10], rows: rows.slice(0, 70).map((r) => [r[0], r[2], r[3]]) },
          { prefix: [n * 20], rows: [] },
          { prefix: [n * 30], rows: rows.map((r) => [r[0], r[2], `g${String(r[3])}`]) },
        ]
        await store.bulkTransaction(async ({ db, bulk }) => {
          await bulk.insert(db, 'bulk_probe', COLUMNS, rows)
          await bulk.insertGrouped(db, 'bulk_probe', COLUMNS, groups)
        })
        const expected = sorted([...rows, ...groups.flatMap((g) => g.rows.map((r) => [...g.prefix, ...r]))])
        expect(await readBack()).toEqual(expected)
      }
    })

    it("gives every row its group's leading values, several of them, texts and nulls included", async () => {
      // SQLite binds a group's leading values once per statement (named parameters every row of it names).
      await sql`delete from bulk_probe`.execute(store.db)
      const groups = [
        { prefix: [1, null, 2.5], rows: Array.from({ length: 130 }, (_, i) => [`a${i}`]) },
        { prefix: [2, 7, null], rows: Array.from({ length: 64 }, (_, i) => [i % 2 ? null : `b${i}`]) },
        { prefix: [3, -1, 0], rows: [['c']] },
        // Every value shared, a text among them: rows of no values of their own.
        { prefix: [5, 1, 0.5, 'shared "text" \\ é 🙂'], rows: Array.from({ length: 70 }, () => []) },
      ]
      const texts = [{ prefix: [4], rows: Array.from({ length: 65 }, (_, i) => [i, i / 2, 'tab\tq"\'é']) }]
      await store.bulkTransaction(async ({ db, bulk }) => {
        await bulk.insertGrouped(db, 'bulk_probe', COLUMNS, groups)
        await bulk.insertGrouped(db, 'bulk_probe', COLUMNS, texts)
      })
      const expected = sorted([...groups, ...texts].flatMap((g) => g.rows.map((r) => [...g.prefix, ...r])))
      const json = (rows: Row[]) => rows.map((r) => JSON.stringify([r.a, r.b, r.c, r.d])).sort()
      expect(json(await readBack())).toEqual(json(expected))
    })

    it('fails the transaction on a value its column cannot hold, and the store stays usable', async () => {
      await sql`delete from bulk_probe`.execute(store.db)
      const bad = [[1, 1.5, 0, 'a']]
      if (dialect === 'postgres') {
        await expect(
          store.bulkTransaction(async ({ db, bulk }) => {
            await bulk.insert(db, 'bulk_probe', COLUMNS, [[1, 1, 1, 'kept?']])
            await bulk.insert(db, 'bulk_probe', COLUMNS, bad)
          }),
        ).rejects.toThrow()
        expect(await readBack()).toEqual([])
      }
      await store.bulkTransaction(({ db, bulk }) => bulk.insert(db, 'bulk_probe', COLUMNS, [[2, 2, 2, 'ok']]))
      expect(await readBack()).toEqual([{ a: 2, b: 2, c: 2, d: 'ok' }])
    })
  })
}
