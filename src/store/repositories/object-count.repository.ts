import { sql } from 'kysely'
import type { Db } from '../create-store.js'

/** Per object type: how many objects were created (+) and deleted (−), with the workspace they belong to. */
export class ObjectCountDeltas {
  readonly #deltas = new Map<number, { workspaceId: string; n: number }>()

  add(typeId: number, workspaceId: string, n: number): void {
    const d = this.#deltas.get(typeId)
    if (d) d.n += n
    else this.#deltas.set(typeId, { workspaceId, n })
  }

  get size(): number {
    return this.#deltas.size
  }

  /** Writes the deltas (in type id order, so that two writers never wait for each other's rows in a circle). */
  async apply(db: Db): Promise<void> {
    const entries = [...this.#deltas].filter(([, d]) => d.n !== 0).sort((a, b) => a[0] - b[0])
    this.#deltas.clear()
    for (const [typeId, d] of entries) await objectCountRepository.add(db, typeId, d.workspaceId, d.n)
  }
}

/** The exact object count of each object type (object_type_count, migration 0022). */
export const objectCountRepository = {
  /** Adds `n` (negative for deletions) to the count of a type; call it in the transaction that writes the objects. */
  add: async (db: Db, typeId: number, workspaceId: string, n: number): Promise<void> => {
    await sql`insert into object_type_count (object_type_id, workspace_id, n) values (${typeId}, ${workspaceId}, ${n})
      on conflict (object_type_id) do update set n = object_type_count.n + excluded.n`.execute(db)
  },

  /** The counts of the given types of the workspace (types without objects are absent or 0). */
  ofTypes: async (db: Db, workspaceId: string, typeIds: readonly number[]): Promise<Map<number, number>> => {
    if (typeIds.length === 0) return new Map()
    const rows = await db
      .selectFrom('object_type_count')
      .select(['object_type_id', 'n'])
      .where('workspace_id', '=', workspaceId)
      .where('object_type_id', 'in', [...typeIds])
      .execute()
    return new Map(rows.map((r) => [Number(r.object_type_id), Number(r.n)]))
  },
}
