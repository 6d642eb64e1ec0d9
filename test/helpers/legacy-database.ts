/** Databases as earlier migrations left them, for the tests that migrate them further (test/integration/migration-*). */
import { sql, type Kysely } from 'kysely'
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

/**
 * An object type `Thing <n>` of workspace `w` (external id `leg/type/<n>`; `n` is the schema's id unless given, for
 * several types in one schema); answers its id.
 */
export async function insertLegacyType(
  db: Raw,
  {
    schemaId,
    at,
    n = schemaId,
    position = 0,
  }: { schemaId: number; at: string; n?: number; position?: number },
): Promise<number> {
  const r = await db
    .insertInto('object_type')
    .values({
      workspace_id: 'w',
      object_schema_id: schemaId,
      parent_object_type_id: null,
      external_id: `leg/type/${n}`,
      name: `Thing ${n}`,
      description: '',
      icon_key: null,
      position,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(r.id)
}

/** What insertLegacyObject and insertObjectNow write: an object without values, identity or source. */
interface BareObject {
  workspaceId: string
  schemaId: number
  typeId: number
  key: string
  label: string
  at: string
}

/** The columns both layouts share (label `label`, content hash `h-<label>`). */
const bareColumns = (o: BareObject) => ({
  object_schema_id: o.schemaId,
  object_type_id: o.typeId,
  object_key: o.key,
  label: o.label,
  label_ci: o.label,
  identity: null,
  content_hash: `h-${o.label}`,
  attribute_values: '{}',
  created_at: o.at,
  updated_at: o.at,
})

/**
 * An object without values, identity or source (label `label`, content hash `h-<label>`), as the migrations since
 * 0022 store one; answers its id.
 */
export async function insertLegacyObject(db: Raw, o: BareObject): Promise<number> {
  const r = await db
    .insertInto('object')
    .values({ workspace_id: o.workspaceId, import_source_id: null, ...bareColumns(o) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(r.id)
}

/**
 * insertLegacyObject on a database migrated since 0032 (the object row names its workspace by its id_number): for
 * the tests of earlier migrations that write objects after the database is migrated to the latest.
 */
export async function insertObjectNow(db: Raw, o: BareObject): Promise<number> {
  const r = await db
    .insertInto('object')
    .values({
      workspace_no: sql`(select no from id_number where id = ${o.workspaceId})`,
      import_source_no: null,
      ...bareColumns(o),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(r.id)
}

/**
 * An object row as the migrations before 0032 stored it: the numbers of a row read since (workspace_no,
 * import_source_no) given back as the ids they stand for (workspace_id, import_source_id).
 */
export async function withIdTexts(db: Raw, row: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!('workspace_no' in row)) return row
  const { workspace_no, import_source_no, ...rest } = row
  const idOf = async (no: unknown) =>
    no === null
      ? null
      : ((await sql<{ id: string }>`select id from id_number where no = ${Number(no)}`.execute(db)).rows[0]
          ?.id ?? null)
  return { ...rest, workspace_id: await idOf(workspace_no), import_source_id: await idOf(import_source_no) }
}
