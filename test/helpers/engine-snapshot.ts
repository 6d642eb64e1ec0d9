import { sql } from 'kysely'
import type { Services } from '../../src/services/services.js'

/** Every table of the database with its row count. */
export async function rowCounts(services: Services): Promise<Record<string, number>> {
  const db = services.store.db
  const names =
    services.store.caps.dialect === 'sqlite'
      ? (
          await sql<{ name: string }>`select name from sqlite_master
            where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
        ).rows.map((r) => r.name)
  const out: Record<string, number> = {}
  for (const name of names.sort()) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db)
    out[name] = Number(r.rows[0]!.n)
  }
  return out
}

/**
 * The content of every table an import writes (objects with their values and tracking, the value index,
 * references, change log, problems, the schema counters, attributes and statuses), in a stable order.
 */
export async function repositorySnapshot(services: Services) {
  const db = services.store.db
  return {
    object: await db.selectFrom('object').selectAll().orderBy('id').execute(),
    object_value: await db
      .selectFrom('object_value')
      .selectAll()
      .orderBy('attribute_id')
      .orderBy('value_ci')
      .orderBy('object_id')
      .orderBy('position')
      .execute(),
    object_reference: await db
      .selectFrom('object_reference')
      .selectAll()
      .orderBy('object_id')
      .orderBy('attribute_id')
      .orderBy('position')
      .execute(),
    change_batch: await db
      .selectFrom('change_batch')
      .selectAll()
      .orderBy('execution_id')
      .orderBy('seq')
      .execute(),
    execution_problem: await db
      .selectFrom('execution_problem')
      .selectAll()
      .orderBy('execution_id')
      .orderBy('seq')
      .execute(),
    object_schema: await db.selectFrom('object_schema').selectAll().orderBy('id').execute(),
    attribute: await db.selectFrom('attribute').selectAll().orderBy('id').execute(),
    status: await db.selectFrom('status').selectAll().orderBy('id').execute(),
  }
}
