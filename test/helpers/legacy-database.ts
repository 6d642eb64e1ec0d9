/** Databases as earlier migrations left them, for the tests that migrate them further (test/integration/migration-*). */
import type { Kysely } from 'kysely'
import { expect } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { createStore } from '../../src/store/create-store.js'
import { migrateUpTo } from '../../src/store/migrate.js'
import { createTestDatabase, type DialectName, type TestDatabase } from './test-env.js'

/** A database without the project's table types: written as the code of an earlier migration wrote it. */
export type Raw = Kysely<any>

/**
 * A new test database (added to `dbs`, for the caller to drop) migrated up to `migration` only, with `write` run on
 * it and its store closed again: the next bootstrap migrates it the rest of the way.
 */
export async function databaseMigratedTo<T>(
  dialect: DialectName,
  dbs: TestDatabase[],
  migration: string,
  write: (db: Raw) => Promise<T>,
): Promise<{ db: TestDatabase; made: T }> {
  const db = await createTestDatabase(dialect)
  dbs.push(db)
  const store = createStore(loadConfig(db.env).database)
  try {
    expect((await migrateUpTo(store, migration)).error).toBeUndefined()
    return { db, made: await write(store.db as Raw) }
  } finally {
    await store.close()
  }
}

/** Workspace `w` and its schema `Legacy` (key LEG), as every migration so far stores them; answers the schema's id. */
export async function insertLegacySchema(
  db: Raw,
  { nextObjectSeq, at }: { nextObjectSeq: number; at: string },
): Promise<{ id: number }> {
  await db.insertInto('workspace').values({ id: 'w', name: 'w', created_at: at }).execute()
  return db
    .insertInto('object_schema')
    .values({
      workspace_id: 'w',
      name: 'Legacy',
      object_schema_key: 'LEG',
      description: '',
      next_object_seq: nextObjectSeq,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}
