import { PostgresAdapter, sql } from 'kysely'
import { ForeignKeyViolationError } from '../../domain/errors.js'
import type { Db } from '../create-store.js'

/**
 * What the foreign keys dropped by migrations 0023 (PostgreSQL) and 0026 (SQLite, object_reference only) guaranteed,
 * done once per statement or type instead of once per row:
 *
 * - an object's references, in both directions, go with the object; an attribute's references go with the attribute
 *   (both databases);
 * - a reference's target exists until the reference is committed: writers hold a KEY SHARE lock on targets other
 *   transactions created (PostgreSQL; SQLite has one writer at a time, and the object API checks its targets there);
 * - an object is only inserted into a type that exists until the insert commits: writers hold a KEY SHARE lock on
 *   the type's row, deleters lock it FOR UPDATE before counting the type's objects (PostgreSQL; SQLite keeps the
 *   object's foreign keys).
 */
const isPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter

const CHUNK = 10_000

/** `column` among `ids`: one array parameter on PostgreSQL, one JSON text read by json_each on SQLite. */
const among = (db: Db, column: string, ids: readonly number[]) =>
  isPostgres(db)
    ? sql`${sql.ref(column)} = any(${ids}::bigint[])`
    : sql`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`

export const objectIntegrityRepository = {
  /**
   * Deletes the references held by, and pointing at, the objects `ids` — after the objects are deleted: deleting
   * them waits for writers that hold a KEY SHARE lock on them (shareObjects), and this statement then sees the
   * references those writers committed.
   */
  deleteReferencesOfObjects: async (db: Db, ids: readonly number[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const list = ids.slice(i, i + CHUNK)
      await sql`delete from object_reference where ${among(db, 'object_id', list)}`.execute(db)
      await sql`delete from object_reference where ${among(db, 'target_object_id', list)}`.execute(db)
    }
  },

  /** Deletes the references of the attributes `ids` (before the attributes are deleted). */
  deleteReferencesOfAttributes: async (db: Db, attributeIds: readonly number[]): Promise<void> => {
    if (attributeIds.length === 0) return
    await sql`delete from object_reference where ${among(db, 'attribute_id', attributeIds)}`.execute(db)
  },

  /** Deletes the references of every attribute of the types `typeIds` (before the types are deleted). */
  deleteReferencesOfTypes: async (db: Db, typeIds: readonly number[]): Promise<void> => {
    if (typeIds.length === 0) return
    await sql`delete from object_reference where attribute_id in (
      select id from attribute where ${among(db, 'object_type_id', typeIds)})`.execute(db)
  },

  /**
   * Writers of objects: holds a KEY SHARE lock on the rows of the types until the transaction ends, so that no
   * concurrent delete of a type can miss the objects inserted into it. A type that no longer exists answers
   * FOREIGN_KEY_VIOLATION, as the foreign key did.
   */
  shareTypes: async (db: Db, typeIds: readonly number[]): Promise<void> => {
    if (typeIds.length === 0 || !isPostgres(db)) return
    const { rows } = await sql<{ id: number }>`select id from object_type
      where id = any(${typeIds}::bigint[]) order by id for key share`.execute(db)
    if (rows.length < new Set(typeIds).size)
      throw ForeignKeyViolationError({ table: 'object', constraint: 'object_object_type_id_fkey' })
  },

  /**
   * Writers of references (object API; the engine for targets it did not create itself, on PostgreSQL): holds a KEY
   * SHARE lock on the targets until the transaction ends — once per target and statement, where the foreign key took it once per
   * reference row — so a concurrent delete of a target waits, then deletes the new reference too. A target that no
   * longer exists answers FOREIGN_KEY_VIOLATION, as the foreign key did.
   */
  shareObjects: async (db: Db, ids: readonly number[]): Promise<void> => {
    if (ids.length === 0) return
    const distinct = [...new Set(ids)]
    // SQLite: the same check without a lock (one writer at a time).
    const { rows } = isPostgres(db)
      ? await sql<{ id: number }>`select id from object
          where id = any(${distinct}::bigint[]) order by id for key share`.execute(db)
      : await sql<{ id: number }>`select id from object where ${among(db, 'id', distinct)}`.execute(db)
    if (rows.length < distinct.length)
      throw ForeignKeyViolationError({
        table: 'object_reference',
        constraint: 'object_reference_target_object_id_fkey',
      })
  },

  /** Deleters of types: locks the rows of the types (before counting their objects). */
  lockTypes: async (db: Db, typeIds: readonly number[]): Promise<void> => {
    if (typeIds.length === 0 || !isPostgres(db)) return
    await sql`select id from object_type where id = any(${typeIds}::bigint[]) order by id for update`.execute(
      db,
    )
  },

  /**
   * Deleters of a schema: locks its row (no type can be added to it any more: that insert checks its key to the
   * schema) and then its types' rows (before counting their objects).
   */
  lockSchema: async (db: Db, schemaId: number): Promise<void> => {
    if (!isPostgres(db)) return
    await sql`select id from object_schema where id = ${schemaId} for update`.execute(db)
    await sql`select id from object_type where object_schema_id = ${schemaId} order by id for update`.execute(
      db,
    )
  },
}
