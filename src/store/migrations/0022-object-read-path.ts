import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/** The catalog tables whose writes change what an object resource shows (type, attributes, statuses). */
const CATALOG_TABLES = ['object_schema', 'object_type', 'attribute', 'status'] as const

/**
 * The object API's read path (issue 11):
 *
 * - `catalog_version`: one row per workspace, bumped by triggers on every insert, update and delete of its object
 *   schemas (their name, key and description; not the object number counter), object types, attributes and
 *   statuses — whoever writes them (schema admin routes, mapping apply, the engine adding select values and
 *   statuses, the attribute index service), in the writer's transaction. A process keeps the catalog rows it has
 *   read (services/catalog-cache.ts) for as long as the version it read with them is current.
 * - `object_type_count`: the exact number of objects of each type, kept by the store in the transaction that
 *   creates or deletes them (object API writes, the engine's inserts and deletes), so that an object type's
 *   `objectCount` and the total of `objectType = X` are read, not counted over a million index entries.
 *   Filled here from the objects that exist.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('catalog_version')
    // No foreign key: deleting a workspace deletes its catalog rows, whose triggers write here.
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('version', caps.bigintType, (c) => c.notNull())
    .execute()
  await sql`insert into catalog_version (workspace_id, version) select id, 1 from workspace`.execute(db)

  await db.schema
    .createTable('object_type_count')
    .addColumn('object_type_id', caps.bigintType, (c) =>
      c.primaryKey().references('object_type.id').onDelete('cascade'),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('n', caps.bigintType, (c) => c.notNull())
    .execute()
  await sql`insert into object_type_count (object_type_id, workspace_id, n)
    select object_type_id, min(workspace_id), count(*) from object group by object_type_id`.execute(db)

  if (caps.dialect === 'postgres') await postgresTriggers(db)
  else await sqliteTriggers(db)
}

const bump = (workspace: string) =>
  sql.raw(`insert into catalog_version (workspace_id, version) values (${workspace}, 1)
    on conflict (workspace_id) do update set version = catalog_version.version + 1`)

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const table of CATALOG_TABLES) {
    const update = table === 'object_schema' ? 'update of name, object_schema_key, description' : 'update'
    for (const [op, event, row] of [
      ['ins', 'insert', 'new'],
      ['upd', update, 'new'],
      ['del', 'delete', 'old'],
    ] as const) {
      await sql`create trigger ${sql.raw(`${table}_catalog_version_${op}`)} after ${sql.raw(event)} on ${sql.raw(table)}
        begin ${bump(`${row}.workspace_id`)}; end`.execute(db)
    }
  }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`create or replace function intake_bump_catalog_version() returns trigger language plpgsql as $$
    declare ws text;
    begin
      if tg_op = 'DELETE' then ws := old.workspace_id; else ws := new.workspace_id; end if;
      ${bump('ws')};
      return null;
    end $$`.execute(db)
  for (const table of CATALOG_TABLES) {
    const update = table === 'object_schema' ? 'update of name, object_schema_key, description' : 'update'
    await sql`create trigger ${sql.raw(`${table}_catalog_version`)}
      after insert or ${sql.raw(update)} or delete on ${sql.raw(table)}
      for each row execute function intake_bump_catalog_version()`.execute(db)
  }
}
