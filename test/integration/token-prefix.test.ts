import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { createStore } from '../../src/store/create-store.js'
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

const CHOSEN = 'hunter2-correct-horse-battery'

for (const dialect of dialects()) {
  describe(`token prefixes never store part of a chosen secret [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('stores no prefix for INTAKE_ADMIN_TOKEN, and a prefix of generated tokens only', async () => {
      const db = await createTestDatabase(dialect)
      dbs.push(db)
      const booted = await bootstrap(
        loadConfig({ ...db.env, INTAKE_ADMIN_TOKEN: CHOSEN, LOG_LEVEL: 'silent' }),
      )
      try {
        const { tokens, store } = booted.services
        const generated = await tokens.createWorkspaceToken({
          workspaceId: booted.workspaceId,
          name: 'ci',
          scopes: ['admin'],
        })
        const rows = await store.db.selectFrom('api_token').select(['name', 'token_prefix']).execute()
        const bootstrapRow = rows.find((r) => r.name === 'bootstrap admin')
        expect(bootstrapRow?.token_prefix).toBe('')
        for (const row of rows)
          expect(CHOSEN.startsWith(row.token_prefix) && row.token_prefix !== '').toBe(false)
        expect(rows.find((r) => r.name === 'ci')?.token_prefix).toBe(generated.token.slice(0, 10))
        const listed = await tokens.list(booted.workspaceId)
        expect(JSON.stringify(listed)).not.toContain(CHOSEN.slice(0, 4))
        expect(await tokens.authenticate(CHOSEN)).not.toBeNull()
      } finally {
        await booted.close()
      }
    })

    it('migration 0008 clears the stored prefix of chosen secrets and keeps those of generated ones', async () => {
      const db = await createTestDatabase(dialect)
      dbs.push(db)
      const store = createStore(loadConfig(db.env).database)
      try {
        expect((await migrateUpTo(store, '0007-engine-load-path')).error).toBeUndefined()
        const now = new Date().toISOString()
        await store.db.insertInto('workspace').values({ id: 'w', name: 'w', created_at: now }).execute()
        const row = (id: string, name: string, kind: string, prefix: string) => ({
          id,
          workspace_id: 'w',
          name,
          kind,
          import_source_id: null,
          scopes: kind === 'container' ? '' : 'admin',
          token_prefix: prefix,
          token_hash: `hash-${id}`,
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        })
        await store.db
          .insertInto('api_token')
          .values([
            row('chosen', 'bootstrap admin', 'workspace', CHOSEN.slice(0, 10)),
            row('odd', 'reporting', 'workspace', 'hunter2-pa'),
            row('generated', 'ci', 'workspace', 'itk_Ab3-_x'),
            row('container', 'container token of s', 'container', 'itc_Zz9_k0'),
          ])
          .execute()
        const migrated = await migrateToLatest(store)
        expect(migrated.error).toBeUndefined()
        expect(migrated.applied).toContain('0008-token-prefixes')
        const after = await store.db
          .selectFrom('api_token')
          .select(['id', 'token_prefix'])
          .orderBy('id')
          .execute()
        expect(Object.fromEntries(after.map((r) => [r.id, r.token_prefix]))).toEqual({
          chosen: '',
          odd: '',
          generated: 'itk_Ab3-_x',
          container: 'itc_Zz9_k0',
        })
      } finally {
        await store.close()
      }
    })
  })
}
