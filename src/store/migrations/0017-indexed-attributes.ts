import { sql, type Kysely } from 'kysely'
import type { NormalizedDocument } from '../../domain/mapping/document.types.js'
import { referenceLookupAttributes } from '../../engine/reference-lookups.js'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Values inline, search-index rows only where they pay (docs/aql.md, "Indexed attributes"):
 *
 * - `attribute.indexed`: Assets' per-attribute flag. Existing attributes start unflagged: the label and unique
 *   attributes are indexed whatever the flag says (domain/schema/indexed-attributes.ts), every other attribute's
 *   conditions are answered by scanning its type's rows.
 * - `attribute.index_state`: 'ready' where the rows are kept (label, unique), 'none' elsewhere; a flag changed
 *   later passes through 'building' / 'dropping' while a background task fills or empties the rows.
 * - attributes that a stored mapping's reference queries look values up by (`"Asset ID" = ${parent}`) are flagged,
 *   as applying that mapping now would flag them (engine/reference-lookups.ts): their rows stay, so the next import's
 *   reference pass does not scan their type.
 * - object_value rows of the attributes that are no longer indexed are deleted.
 * - `intake_fold(text)`, on PostgreSQL: AQL's case folding (String.prototype.toLowerCase, full Unicode, final
 *   sigma) for the unindexed attributes, whose folded values are not stored: ICU's root-locale lowercase mapping,
 *   which is the same Unicode full case mapping. Where the server has no ICU, plain lower() under the database's
 *   collation stands in (ASCII and most of Unicode agree). On SQLite the store registers the function on every
 *   connection it opens (create-store.ts), with JavaScript's own toLowerCase.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await db.schema
    .alterTable('attribute')
    .addColumn('indexed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .alterTable('attribute')
    .addColumn('index_state', 'text', (c) => c.notNull().defaultTo('none'))
    .execute()
  await flagReferenceLookups(db)
  const kept = sql`kind <> 'referenced_object' and (is_label = 1 or is_unique = 1 or indexed = 1)`
  await sql`update attribute set index_state = 'ready' where ${kept}`.execute(db)
  await sql`delete from object_value where attribute_id not in (select id from attribute where ${kept})`.execute(
    db,
  )
  if (caps.dialect === 'postgres') await createFoldFunction(db)
}

async function flagReferenceLookups(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ object_schema_id: number | string; mapping: string }>`
    select object_schema_id, mapping from import_source
    where mapping is not null and object_schema_id is not null`.execute(db)
  for (const row of rows) {
    const externalIds = [...referenceLookupAttributes(JSON.parse(row.mapping) as NormalizedDocument)]
    if (externalIds.length === 0) continue
    await sql`update attribute set indexed = 1 where external_id in (${sql.join(externalIds)})
      and object_type_id in (select id from object_type where object_schema_id = ${Number(row.object_schema_id)})`.execute(
      db,
    )
  }
}

async function createFoldFunction(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from pg_collation where collname = 'und-x-icu'`.execute(db)
  const body = Number(rows[0]?.n ?? 0) > 0 ? sql.raw(`lower($1 collate "und-x-icu")`) : sql.raw(`lower($1)`)
  await sql`create or replace function intake_fold(text) returns text
    language sql immutable strict parallel safe
    as $$ select ${body} $$`.execute(db)
}
