import { sql } from 'kysely'
import type { Db } from '../../src/store/create-store.js'

/**
 * Reference rows whose object, target or attribute no longer exists. object_reference has no foreign keys since
 * migrations 0023 (PostgreSQL) and 0026 (SQLite): every delete path must remove them itself.
 */
export async function danglingReferences(db: Db): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from object_reference r
    where not exists (select 1 from object o where o.id = r.object_id)
       or not exists (select 1 from object t where t.id = r.target_object_id)
       or not exists (select 1 from attribute a where a.id = r.attribute_id)`.execute(db)
  return Number(r.rows[0]!.n)
}
