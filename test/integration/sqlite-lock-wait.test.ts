import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { createStore, type Store } from '../../src/store/create-store.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-env.js'

// SQLite only: it has one writer, and two connections of one process wait for each other's write lock.
describe('SQLite: waiting for another connection of this process to commit', () => {
  let db: TestDatabase
  let importer: Store
  let api: Store

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    const config = loadConfig(db.env).database
    importer = createStore(config)
    api = createStore(config)
    await migrateToLatest(api)
    await sql`insert into workspace (id, name, created_at) values ('w1', 'one', 'now')`.execute(api.db)
  })

  afterAll(async () => {
    await importer.close()
    await api.close()
    await db.drop()
  })

  it('a waiting write neither blocks the process nor the other queries of its connection, and then succeeds', async () => {
    let waiting: Promise<unknown> | undefined
    await importer.db.transaction().execute(async (trx) => {
      // The import holds the write lock (its transaction began IMMEDIATE)…
      await sql`update workspace set name = 'importing' where id = 'w1'`.execute(trx)
      // …while the API starts a write transaction: it waits for the lock, asynchronously.
      waiting = api.db.transaction().execute(async (t) => {
        await sql`update workspace set name = 'renamed' where id = 'w1'`.execute(t)
      })
      const timer = performance.now()
      await new Promise((resolve) => setTimeout(resolve, 50))
      // The event loop ran (a synchronous busy wait would have held the timer), and a read through the API's
      // connection — as an import reads its chunks — is answered while that write waits.
      expect(performance.now() - timer).toBeLessThan(1000)
      const read = await sql<{ name: string }>`select name from workspace where id = 'w1'`.execute(api.db)
      expect(read.rows[0]!.name).toBe('one')
    })
    await waiting
    const after = await sql<{ name: string }>`select name from workspace where id = 'w1'`.execute(api.db)
    expect(after.rows[0]!.name).toBe('renamed')
  })
})
