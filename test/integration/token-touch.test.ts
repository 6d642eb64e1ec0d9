import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'
import { ADMIN_TOKEN, createTestDatabase, type TestDatabase } from '../helpers/test-env.js'

// SQLite only: PostgreSQL has row locks, so a running import never blocks a token's last-used write there.
describe('token last-used while an import holds the SQLite write lock', () => {
  let db: TestDatabase
  let booted: Bootstrapped
  let lockHolder: Database.Database

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    const config = loadConfig({ ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' })
    booted = await bootstrap(config)
    // Another connection takes the write lock, as the engine's connection does for a whole import.
    lockHolder = new Database(config.database.url)
  })

  afterAll(async () => {
    if (lockHolder.inTransaction) lockHolder.exec('rollback')
    lockHolder.close()
    await booted.close()
    await db.drop()
  })

  it('authenticates at once and leaves last-used for later while a local import runs', async () => {
    const { tokens, runs } = booted.services
    const { token, info } = await tokens.createWorkspaceToken({
      workspaceId: booted.workspaceId,
      name: 'client',
      scopes: ['import:import-configuration:cmdb'],
    })
    lockHolder.exec('begin immediate')
    const run = runs.begin('execution-holding-the-lock')
    try {
      const started = performance.now()
      const principal = await tokens.authenticate(token)
      // busy_timeout is 5 s: a touch that waited for the lock would take that long and then fail.
      expect(performance.now() - started).toBeLessThan(2000)
      expect(principal).toMatchObject({ kind: 'workspace', tokenId: info.id })
    } finally {
      run.finish()
      lockHolder.exec('rollback')
    }
    // With the lock free and no run, the next authentication records the use.
    await tokens.authenticate(token)
    const listed = await tokens.list(booted.workspaceId)
    expect(listed.find((t) => t.id === info.id)?.lastUsedAt).not.toBeNull()
  })
})
