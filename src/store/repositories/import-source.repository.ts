import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../create-store.js'
import type { ImportSourceRow, ImportSourceTable } from '../tables.js'
import { idNumberRepository } from './id-number.repository.js'

/** An import source without its (possibly large) mapping document. */
export type ImportSourceHead = Omit<ImportSourceRow, 'mapping'>

const HEAD_COLUMNS = [
  'id',
  'workspace_id',
  'name',
  'description',
  'type',
  'object_schema_id',
  'settings',
  'config',
  'enabled',
  'mapping_version',
  'mapping_updated_at',
  'created_at',
  'updated_at',
] as const

/** Import sources and the workspace facts a mapping needs: queries only, no rules. */
export const importSourceRepository = {
  /** With its id's number (id_number): made here, not by its first import's long transaction (intern). */
  insert: async (db: Db, row: Insertable<ImportSourceTable>): Promise<void> => {
    await db.insertInto('import_source').values(row).execute()
    await idNumberRepository.intern(db, row.id)
  },

  find: (db: Db, workspaceId: string, id: string): Promise<ImportSourceHead | undefined> =>
    db
      .selectFrom('import_source')
      .select(HEAD_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  findMapping: (
    db: Db,
    workspaceId: string,
    id: string,
  ): Promise<Pick<ImportSourceRow, 'mapping' | 'mapping_version' | 'object_schema_id'> | undefined> =>
    db
      .selectFrom('import_source')
      .select(['mapping', 'mapping_version', 'object_schema_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  list: (db: Db, workspaceId: string, offset: number, limit: number): Promise<ImportSourceHead[]> =>
    db
      .selectFrom('import_source')
      .select(HEAD_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),

  count: async (db: Db, workspaceId: string): Promise<number> => {
    const r = await db
      .selectFrom('import_source')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },

  update: async (db: Db, id: string, patch: Updateable<ImportSourceTable>): Promise<void> => {
    await db.updateTable('import_source').set(patch).where('id', '=', id).execute()
  },

  remove: async (db: Db, id: string): Promise<void> => {
    await db.deleteFrom('import_source').where('id', '=', id).execute()
  },

  /** Moves the mapping version from `expected` to `expected + 1`; answers false when it was not `expected`. */
  claimMappingVersion: async (db: Db, id: string, expected: number): Promise<boolean> => {
    const r = await db
      .updateTable('import_source')
      .set({ mapping_version: expected + 1 })
      .where('id', '=', id)
      .where('mapping_version', '=', expected)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },

  schemaKeys: async (db: Db, workspaceId: string): Promise<string[]> =>
    (
      await db
        .selectFrom('object_schema')
        .select('object_schema_key')
        .where('workspace_id', '=', workspaceId)
        .execute()
    ).map((r) => r.object_schema_key),

  schemaExists: async (db: Db, workspaceId: string, schemaId: number): Promise<boolean> => {
    const r = await db
      .selectFrom('object_schema')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', schemaId)
      .executeTakeFirst()
    return r !== undefined
  },
  schemaNamed: async (db: Db, workspaceId: string, name: string): Promise<number | undefined> => {
    const r = await db
      .selectFrom('object_schema')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst()
    return r === undefined ? undefined : Number(r.id)
  },

  /** externalIds of object types and attributes of the workspace outside one schema (all of them for null). */
  externalIdsOutside: async (db: Db, workspaceId: string, schemaId: number | null): Promise<string[]> => {
    let types = db
      .selectFrom('object_type')
      .select('external_id')
      .where('workspace_id', '=', workspaceId)
      .where('external_id', 'is not', null)
    let attributes = db
      .selectFrom('attribute')
      .innerJoin('object_type', 'object_type.id', 'attribute.object_type_id')
      .select('attribute.external_id')
      .where('attribute.workspace_id', '=', workspaceId)
      .where('attribute.external_id', 'is not', null)
    if (schemaId !== null) {
      types = types.where('object_schema_id', '!=', schemaId)
      attributes = attributes.where('object_type.object_schema_id', '!=', schemaId)
    }
    const [t, a] = await Promise.all([types.execute(), attributes.execute()])
    return [...t, ...a].map((r) => r.external_id).filter((id): id is string => id !== null)
  },
}
