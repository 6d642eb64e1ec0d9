import type { Insertable } from 'kysely'
import type { Db } from '../create-store.js'
import type { WriteOriginTable } from '../tables.js'

/** write_origin rows and objects' origin_id / provenance columns (migration 0021): queries only. */
export const provenanceRepository = {
  createOrigin: async (db: Db, row: Insertable<WriteOriginTable>): Promise<number> => {
    const r = await db.insertInto('write_origin').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },

  /** Origins with their import source's name and stored settings (null when manual or the source is gone). */
  origins: async (
    db: Db,
    ids: number[],
  ): Promise<
    {
      id: number
      import_source_id: string | null
      execution_id: string | null
      actor: string | null
      created_at: string
      source_name: string | null
      settings: string | null
    }[]
  > => {
    if (ids.length === 0) return []
    const out = []
    for (let i = 0; i < ids.length; i += 900) {
      const rows = await db
        .selectFrom('write_origin as w')
        .leftJoin('import_source as s', 's.id', 'w.import_source_id')
        .select([
          'w.id',
          'w.import_source_id',
          'w.execution_id',
          'w.actor',
          'w.created_at',
          's.name as source_name',
          's.settings',
        ])
        .where('w.id', 'in', ids.slice(i, i + 900))
        .execute()
      out.push(...rows.map((r) => ({ ...r, id: Number(r.id) })))
    }
    return out
  },

  originWriters: async (db: Db, ids: number[]) =>
    (await provenanceRepository.origins(db, ids)).map((o) => ({
      id: o.id,
      import_source_id: o.import_source_id,
      name: o.source_name,
      settings: o.settings,
    })),

  provenanceOf: async (
    db: Db,
    ids: number[],
  ): Promise<Map<number, { origin: number | null; provenance: string | null }>> => {
    const out = new Map<number, { origin: number | null; provenance: string | null }>()
    for (let i = 0; i < ids.length; i += 900) {
      const rows = await db
        .selectFrom('object')
        .select(['id', 'origin_id', 'provenance'])
        .where('id', 'in', ids.slice(i, i + 900))
        .execute()
      for (const r of rows)
        out.set(Number(r.id), {
          origin: r.origin_id === null ? null : Number(r.origin_id),
          provenance: r.provenance,
        })
    }
    return out
  },

  setProvenance: async (db: Db, id: number, originId: number | null, provenance: string | null) => {
    await db.updateTable('object').set({ origin_id: originId, provenance }).where('id', '=', id).execute()
  },
}
