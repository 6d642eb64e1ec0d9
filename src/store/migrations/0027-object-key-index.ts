import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Drops `object_key_ci_idx` (workspace_id, lower(object_key)), written for every object since 0003 and read only by
 * `Key = …` / `Key in (…)`. Keys are `SCHEMAKEY-n` in upper-case ASCII letters, digits and `-`: a case-insensitive
 * Key equality is then an equality on the key itself, which `object_key_uq` (workspace_id, object_key) answers
 * (domain/aql/key-equality.ts; decision 0012).
 *
 * No path has written another key (checkSchemaKey and deriveSchemaKey only make `[A-Z][A-Z0-9]{1,9}`), but a
 * database edited by hand may hold one, and `Key = …` would no longer find it. So this migration first brings every
 * key into that form, as the object API would have written it:
 * - a schema key with anything but A–Z and 0–9 is upper-cased (ASCII) and stripped of other characters, with 2, 3, …
 *   appended while another schema of the workspace has it (empty: `IMP`);
 * - an object key with anything but A–Z, 0–9 and `-`, or whose schema's key changed, becomes its schema's key + `-`
 *   + the rest upper-cased; when that is still not in the form, or another object of the workspace has it, the
 *   object gets the schema's next key (`next_object_seq`), as a created object does.
 * Only such rows are read and written: on a database made by Intake, the statements find none.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const renamed = await upperCaseSchemaKeys(db)
  await upperCaseObjectKeys(db, caps, renamed)
  await sql`drop index if exists object_key_ci_idx`.execute(db)
}

interface Schema {
  id: number
  workspace_id: string
  object_schema_key: string
  next_object_seq: number
}

const asciiUpper = (text: string): string => text.replace(/[a-z]/g, (c) => c.toUpperCase())

/** Schemas whose key changed, by id, with the key they had. */
async function upperCaseSchemaKeys(
  db: Kysely<unknown>,
): Promise<Map<number, { from: string; schema: Schema }>> {
  const { rows } = await sql<Schema>`
    select id, workspace_id, object_schema_key, next_object_seq from object_schema order by id`.execute(db)
  const schemas = rows.map((r) => ({ ...r, id: Number(r.id), next_object_seq: Number(r.next_object_seq) }))
  const renamed = new Map<number, { from: string; schema: Schema }>()
  for (const s of schemas) {
    if (/^[A-Z0-9]+$/.test(s.object_schema_key)) continue
    const base = asciiUpper(s.object_schema_key).replace(/[^A-Z0-9]/g, '') || 'IMP'
    const taken = (key: string) =>
      schemas.some((o) => o !== s && o.workspace_id === s.workspace_id && o.object_schema_key === key)
    let key = base
    for (let n = 2; taken(key); n++) key = `${base}${n}`
    renamed.set(s.id, { from: s.object_schema_key, schema: s })
    s.object_schema_key = key
    await sql`update object_schema set object_schema_key = ${key} where id = ${s.id}`.execute(db)
  }
  return renamed
}

async function upperCaseObjectKeys(
  db: Kysely<unknown>,
  caps: DialectCapabilities,
  renamed: Map<number, { from: string; schema: Schema }>,
): Promise<void> {
  const outOfForm =
    caps.dialect === 'postgres'
      ? sql`(object_key collate "C") ~ '[^-A-Z0-9]'`
      : sql`object_key glob '*[^-A-Z0-9]*'`
  const ofRenamed = renamed.size > 0 ? sql` or object_schema_id in (${sql.join([...renamed.keys()])})` : sql``
  const { rows } = await sql<{
    id: number
    workspace_id: string
    object_schema_id: number
    object_key: string
  }>`
    select id, workspace_id, object_schema_id, object_key from object
    where ${outOfForm}${ofRenamed} order by id`.execute(db)
  const schemas = new Map<number, Schema>()
  const schemaOf = async (id: number): Promise<Schema> => {
    const known = renamed.get(id)?.schema ?? schemas.get(id)
    if (known) return known
    const r = await sql<Schema>`
      select id, workspace_id, object_schema_key, next_object_seq from object_schema where id = ${id}`.execute(
      db,
    )
    const s = { ...r.rows[0]!, id, next_object_seq: Number(r.rows[0]!.next_object_seq) }
    schemas.set(id, s)
    return s
  }
  const free = async (workspaceId: string, key: string): Promise<boolean> =>
    (
      await sql`select 1 as x from object where workspace_id = ${workspaceId} and object_key = ${key}`.execute(
        db,
      )
    ).rows.length === 0
  const used = new Set<Schema>()
  for (const o of rows) {
    const schemaId = Number(o.object_schema_id)
    const schema = await schemaOf(schemaId)
    const from = renamed.get(schemaId)?.from
    const rest =
      from !== undefined && o.object_key.startsWith(`${from}-`) ? o.object_key.slice(from.length) : null
    let key = asciiUpper(rest === null ? o.object_key : `${schema.object_schema_key}${rest}`)
    // An object of a renamed schema may already hold a key in the form (its prefix other than the schema's).
    if (key === o.object_key && /^[A-Z0-9-]+$/.test(key)) continue
    while (!/^[A-Z0-9-]+$/.test(key) || !(await free(o.workspace_id, key))) {
      key = `${schema.object_schema_key}-${schema.next_object_seq++}`
      used.add(schema)
    }
    await sql`update object set object_key = ${key} where id = ${Number(o.id)}`.execute(db)
  }
  for (const s of used) {
    await sql`update object_schema set next_object_seq = ${s.next_object_seq} where id = ${s.id}`.execute(db)
  }
}
