import type { Insertable, Updateable } from 'kysely'
import { foldCase } from '../../domain/aql/compare.js'
import type { Db } from '../create-store.js'
import { objectCountRepository } from './object-count.repository.js'
import { objectIntegrityRepository } from './object-integrity.repository.js'
import { idNumberRepository, numberOf, objectIdTexts } from './id-number.repository.js'
import type {
  ObjectReferenceRow,
  ObjectReferenceTable,
  ObjectRow,
  ObjectTable,
  ObjectValueTable,
} from '../tables.js'

/** A new object row as the object API writes it: its workspace and source by id (numbered on insert, 0032). */
export type NewObjectRow = Omit<Insertable<ObjectTable>, 'label_ci' | 'workspace_no' | 'import_source_no'> & {
  workspace_id: string
  import_source_id: string | null
}

/** Objects, their values and references: queries only. */
export const objectRepository = {
  /** label_ci, the folded label AQL reads, is derived here so that it never drifts from the label. */
  insert: async (db: Db, input: NewObjectRow): Promise<number> => {
    const { workspace_id, import_source_id, ...row } = input
    await objectIntegrityRepository.shareTypes(db, [Number(row.object_type_id)])
    const r = await db
      .insertInto('object')
      .values({
        ...row,
        workspace_no: await idNumberRepository.intern(db, workspace_id),
        import_source_no: import_source_id ? await idNumberRepository.intern(db, import_source_id) : null,
        label_ci: foldCase(row.label),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await objectCountRepository.add(db, Number(row.object_type_id), workspace_id, 1)
    return Number(r.id)
  },
  update: async (db: Db, id: number, patch: Omit<Updateable<ObjectTable>, 'label_ci'>): Promise<void> => {
    const folded = patch.label === undefined ? {} : { label_ci: foldCase(patch.label) }
    await db
      .updateTable('object')
      .set({ ...patch, ...folded })
      .where('id', '=', id)
      .execute()
  },
  /** Deletes an object with its references (both directions) and its dirty mark (object_mark, migration 0031). */
  remove: async (db: Db, id: number): Promise<void> => {
    const gone = await db
      .deleteFrom('object')
      .where('id', '=', id)
      .returning(['object_type_id', objectIdTexts()[0]])
      .executeTakeFirst()
    await objectIntegrityRepository.deleteReferencesOfObjects(db, [id])
    await db.deleteFrom('object_mark').where('object_id', '=', id).execute()
    if (gone) await objectCountRepository.add(db, Number(gone.object_type_id), gone.workspace_id, -1)
  },
  find: (db: Db, workspaceId: string, id: number): Promise<ObjectRow | undefined> =>
    db
      .selectFrom('object')
      .selectAll()
      .select(objectIdTexts())
      .where('workspace_no', '=', numberOf(workspaceId))
      .where('id', '=', id)
      .executeTakeFirst(),
  /**
   * The objects of `ids` that belong to the workspace. Read by primary key and filtered here: with the workspace
   * in the statement SQLite (which keeps no statistics) walks a workspace index instead — 17 ms for 25 ids at
   * 200,000 objects.
   */
  findMany: async (db: Db, workspaceId: string, ids: number[]): Promise<ObjectRow[]> =>
    ids.length === 0
      ? []
      : (
          await db.selectFrom('object').selectAll().select(objectIdTexts()).where('id', 'in', ids).execute()
        ).filter((r) => r.workspace_id === workspaceId),
  references: (db: Db, objectIds: number[]): Promise<ObjectReferenceRow[]> =>
    objectIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('object_reference')
          .selectAll()
          .where('object_id', 'in', objectIds)
          .orderBy('object_id')
          .orderBy('attribute_id')
          .orderBy('position')
          .execute(),
  /** Adds search-index rows. */
  insertIndexRows: async (db: Db, rows: ObjectValueTable[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto('object_value')
        .values(rows.slice(i, i + 500))
        .execute()
    }
  },
  /** Removes search-index rows by their keys (the index has no object_id lookup of its own). */
  deleteIndexRows: async (
    db: Db,
    keys: Pick<ObjectValueTable, 'attribute_id' | 'value_ci' | 'object_id'>[],
  ): Promise<void> => {
    for (const k of keys) {
      await db
        .deleteFrom('object_value')
        .where('attribute_id', '=', k.attribute_id)
        .where('value_ci', '=', k.value_ci)
        .where('object_id', '=', k.object_id)
        .execute()
    }
  },
  replaceReferences: async (
    db: Db,
    objectId: number,
    attributeId: number,
    rows: Insertable<ObjectReferenceTable>[],
  ): Promise<void> => {
    await db
      .deleteFrom('object_reference')
      .where('object_id', '=', objectId)
      .where('attribute_id', '=', attributeId)
      .execute()
    if (rows.length === 0) return
    await objectIntegrityRepository.shareObjects(
      db,
      rows.map((r) => Number(r.target_object_id)),
    )
    await db.insertInto('object_reference').values(rows).execute()
  },
  /** Objects holding a value of the attribute equal (case-insensitively) to one of `valuesCi`, other than `exceptId`. */
  findValueHolders: (
    db: Db,
    attributeId: number,
    valuesCi: string[],
    exceptId: number | null,
  ): Promise<{ object_id: number; value_text: string }[]> =>
    db
      .selectFrom('object_value')
      .select(['object_id', 'value_text'])
      .where('attribute_id', '=', attributeId)
      .where('value_ci', 'in', valuesCi)
      .$if(exceptId !== null, (q) => q.where('object_id', '!=', exceptId!))
      .limit(1)
      .execute(),
}
