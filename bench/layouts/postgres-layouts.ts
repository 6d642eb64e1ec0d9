import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import {
  withoutSchemaForeignKeys,
  type Insert,
  type LayoutName,
  type LayoutQuery,
  type LayoutStore,
  type Old,
  type SchemaChange,
  type Stored,
  type Writer,
} from './layout-kit.js'
import {
  ATTRIBUTES,
  INDEXED_IN_B,
  PARENT_ATTRIBUTE,
  SCHEMA_ID,
  SOURCE_ID,
  TYPE_ID,
  VALUE_ATTRIBUTES,
  WORKSPACE,
  objectBatches,
  queryValues,
  sameValues,
  sortKey,
  type Attribute,
  type Values,
} from './objects.js'

/**
 * The layouts on PostgreSQL, in a scratch database each: inserts by COPY (text format) per batch into the final
 * tables, or (stagedFirstLoad) COPY into one staging table and a set-based insert … select per final table;
 * updates, deletes and lookups as one statement per batch over unnest() arrays — no per-row round trips.
 * Layout B keeps attribute_values as jsonb (A keeps today's text); B+GIN adds a jsonb_path_ops GIN index.
 */

const META = `
  create extension if not exists pg_trgm;
  create table workspace (id text primary key);
  create table object_schema (id bigint primary key);
  create table object_type (id bigint primary key, object_schema_id bigint not null references object_schema(id),
    name text not null);
  create table attribute (id bigint primary key, object_type_id bigint not null references object_type(id),
    name text not null, kind text not null, is_indexed integer not null default 0);
  insert into workspace values ('${WORKSPACE}');
  insert into object_schema values (${SCHEMA_ID});
  insert into object_type values (${TYPE_ID}, ${SCHEMA_ID}, 'Hardware');
  ${ATTRIBUTES.map((a) => `insert into attribute values (${a.id}, ${TYPE_ID}, '${a.name}', '${a.kind}', ${Number(a.indexed)});`).join('\n')}
`

const sharedObject = (json: 'text' | 'jsonb', gin: boolean) => `
  create table object (
    id bigint primary key,
    workspace_id text not null references workspace(id) on delete cascade,
    object_schema_id bigint not null references object_schema(id),
    object_type_id bigint not null references object_type(id),
    object_key text not null, label text not null, identity text, import_source_id text,
    content_hash text not null, attribute_values ${json} not null default '{}',
    created_at text not null, updated_at text not null, missing_since text, missing_runs integer not null default 0,
    label_ci text collate "C" not null default '',
    constraint object_key_uq unique (workspace_id, object_key),
    constraint object_identity_uq unique (object_type_id, import_source_id, identity));
  create index object_type_label_ci_idx on object (workspace_id, object_type_id, label_ci, id);
  create index object_key_ci_idx on object (workspace_id, lower(object_key collate "C"));
  create index object_label_trgm_idx on object using gin (label_ci gin_trgm_ops);
  ${gin ? 'create index object_values_gin_idx on object using gin (attribute_values jsonb_path_ops);' : ''}
  create table object_value (attribute_id bigint not null, value_ci text collate "C" not null,
    object_id bigint not null, position integer not null, value_text text not null, value_num double precision,
    constraint object_value_pk primary key (attribute_id, value_ci, object_id, position));
  create index object_value_num_idx on object_value (attribute_id, value_num) where value_num is not null;
  create table object_reference (
    object_id bigint not null references object(id) on delete cascade,
    attribute_id bigint not null references attribute(id) on delete cascade,
    position integer not null,
    target_object_id bigint not null references object(id) on delete cascade,
    constraint object_reference_pk primary key (object_id, attribute_id, position));
  create index object_reference_target_idx on object_reference (target_object_id, attribute_id);
`

/** Layout C's value columns (a_parent comes after them). */
const C_COLUMNS = VALUE_ATTRIBUTES.map((a) => a.column)
const typedTable = (name: string) => `
  create table ${name} (
    id bigint primary key,
    workspace_id text not null references workspace(id) on delete cascade,
    object_key text not null, label text not null, label_ci text collate "C" not null, identity text,
    import_source_id text, content_hash text not null, created_at text not null, updated_at text not null,
    missing_since text, missing_runs integer not null default 0,
    ${VALUE_ATTRIBUTES.map((a) => `${a.column} ${a.kind === 'integer' ? 'bigint' : 'text'}`).join(', ')},
    a_parent bigint references ${name}(id) on delete set null);
  create unique index ${name}_key_uq on ${name} (object_key);
  create unique index ${name}_identity_uq on ${name} (import_source_id, identity);
  create index ${name}_label_idx on ${name} (workspace_id, label_ci, id);
  create index ${name}_key_ci_idx on ${name} (lower(object_key collate "C"));
  create index ${name}_label_trgm_idx on ${name} using gin (label_ci gin_trgm_ops);
  ${ATTRIBUTES.filter((a) => a.indexed)
    .map((a) => `create index ${name}_${a.column}_idx on ${name} (lower(${a.column}));`)
    .join('\n')}
  create index ${name}_parent_idx on ${name} (a_parent);
`

const OBJECT_COLUMNS =
  'id, workspace_id, object_schema_id, object_type_id, object_key, label, identity, import_source_id, content_hash, attribute_values, created_at, updated_at, label_ci'
const TYPED_COLUMNS = [
  'id',
  'workspace_id',
  'object_key',
  'label',
  'label_ci',
  'identity',
  'import_source_id',
  'content_hash',
  'created_at',
  'updated_at',
  ...C_COLUMNS,
]

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const field = (v: unknown): string =>
  v === null || v === undefined ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!)
const line = (values: unknown[]): string => values.map(field).join('\t') + '\n'

async function copy(client: pg.Client, target: string, lines: string[]): Promise<void> {
  if (!lines.length) return
  await pipeline(Readable.from([lines.join('')]), client.query(copyFrom(`copy ${target} from stdin`)))
}

const fold = (v: unknown) => String(v).toLowerCase()
const PAGE = 25

async function exec(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(statement)
  } finally {
    await c.end()
  }
}

/** A scratch database beside `url` holding `layout`'s empty tables. */
export async function openPostgresLayout(layout: LayoutName, url: string, n: number): Promise<LayoutStore> {
  const database = `intake_layout_${randomBytes(4).toString('hex')}`
  await exec(url, `create database ${database}`)
  const u = new URL(url)
  u.pathname = `/${database}`
  const client = new pg.Client({ connectionString: u.toString() })
  await client.connect()
  const typed = layout === 'C'
  const jsonb = layout !== 'A'
  await client.query(META)
  await client.query(
    typed
      ? typedTable('t_hardware')
      : layout === 'B-lean'
        ? withoutSchemaForeignKeys(sharedObject('jsonb', false))
        : sharedObject(jsonb ? 'jsonb' : 'text', layout === 'B+GIN'),
  )
  const table = typed ? 't_hardware' : 'object'
  const ownedWhere = typed
    ? `import_source_id = '${SOURCE_ID}'`
    : `object_type_id = ${TYPE_ID} and import_source_id = '${SOURCE_ID}'`
  const now = new Date().toISOString()
  const indexedAttrs: readonly Attribute[] =
    layout === 'A' ? VALUE_ATTRIBUTES : VALUE_ATTRIBUTES.filter((a) => INDEXED_IN_B.has(a.id))
  const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await client.query<R>(text, values)).rows

  const lookup = async (identities: string[]) =>
    q<{ id: string; identity: string; content_hash: string }>(
      `select o.id, o.identity, o.content_hash from unnest($1::text[]) as k(identity)
       cross join lateral (select id, identity, content_hash from ${table} x
         where x.${ownedWhere.replace(' and ', ' and x.')} and x.identity = k.identity offset 0) o`,
      [identities],
    )
  const valueRows = (id: number, values: Values, only?: Attribute): unknown[][] => {
    const out: unknown[][] = []
    for (const a of only ? [only] : indexedAttrs) {
      const vs = values[a.id]
      if (vs)
        for (let p = 0; p < vs.length; p++)
          out.push([a.id, fold(vs[p]), id, p, String(vs[p]), sortKey(a, vs[p]!)])
    }
    return out
  }
  const deleteValues = async (rows: unknown[][]) => {
    if (!rows.length) return
    await q(
      `delete from object_value v using unnest($1::bigint[], $2::text[], $3::bigint[], $4::integer[]) k(a, c, o, p)
       where v.attribute_id = k.a and v.value_ci = k.c and v.object_id = k.o and v.position = k.p`,
      [0, 1, 2, 3].map((c) => rows.map((r) => r[c])),
    )
  }
  const insertValues = async (rows: unknown[][]) => {
    if (!rows.length) return
    await q(
      `insert into stage_values select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::integer[], $5::text[], $6::float8[])`,
      [0, 1, 2, 3, 4, 5].map((c) => rows.map((r) => r[c])),
    )
  }
  const readOldShared = async (ids: number[]) => {
    const out = new Map<number, Old>()
    if (!ids.length) return out
    for (const r of await q<{ id: string; attribute_values: string | Values }>(
      'select id, attribute_values from object where id = any($1::bigint[])',
      [ids],
    )) {
      const values =
        typeof r.attribute_values === 'string'
          ? (JSON.parse(r.attribute_values) as Values)
          : r.attribute_values
      out.set(Number(r.id), { values, parent: null })
    }
    for (const r of await q<{ object_id: string; target_object_id: string }>(
      `select object_id, target_object_id from object_reference
       where object_id = any($1::bigint[]) and attribute_id = ${PARENT_ATTRIBUTE}`,
      [ids],
    )) {
      out.get(Number(r.object_id))!.parent = Number(r.target_object_id)
    }
    return out
  }
  const columnValues = (values: Values) => VALUE_ATTRIBUTES.map((a) => values[a.id]?.[0] ?? null)
  const insertLines = (inserts: Insert[]) => {
    const objects: string[] = []
    const values: string[] = []
    const refs: string[] = []
    for (const { id, key, obj, parent } of inserts) {
      if (typed) {
        objects.push(
          line([
            id,
            WORKSPACE,
            key,
            obj.label,
            obj.labelCi,
            obj.identity,
            SOURCE_ID,
            obj.hash,
            now,
            now,
            ...columnValues(obj.values),
            parent,
          ]),
        )
        continue
      }
      objects.push(
        line([
          id,
          WORKSPACE,
          SCHEMA_ID,
          TYPE_ID,
          key,
          obj.label,
          obj.identity,
          SOURCE_ID,
          obj.hash,
          obj.json,
          now,
          now,
          obj.labelCi,
        ]),
      )
      for (const r of valueRows(id, obj.values)) values.push(line(r))
      if (parent !== null) refs.push(line([id, PARENT_ATTRIBUTE, 0, parent]))
    }
    return { objects, values, refs }
  }

  const writer: Writer = {
    begin: async () => {
      await q('begin')
      // Value-index rows wait unindexed and move into object_value in key order at commit (the engine's IndexStage).
      if (!typed) {
        await q(`create temp table stage_values (attribute_id bigint, value_ci text collate "C", object_id bigint,
          position integer, value_text text, value_num double precision) on commit drop`)
      }
    },
    commit: async () => {
      if (!typed) await q('insert into object_value select * from stage_values order by 1, 2, 3, 4')
      await q('commit')
    },
    maxId: async () =>
      Number((await q<{ m: string }>(`select coalesce(max(id), 0) as m from ${table}`))[0]!.m),
    lookup: async (identities) =>
      new Map<string, Stored>(
        (await lookup(identities)).map((r) => [r.identity, { id: Number(r.id), hash: r.content_hash }]),
      ),
    idsOf: async (identities) => new Map((await lookup(identities)).map((r) => [r.identity, Number(r.id)])),
    readOld: async (ids) => {
      if (!typed) return readOldShared(ids)
      const out = new Map<number, Old>()
      if (!ids.length) return out
      for (const r of await q<Record<string, string | null>>(
        `select id, ${C_COLUMNS.join(', ')}, a_parent from t_hardware where id = any($1::bigint[])`,
        [ids],
      )) {
        const values: Values = {}
        for (const a of VALUE_ATTRIBUTES) {
          const v = r[a.column]
          if (v !== null && v !== undefined) values[a.id] = [a.kind === 'integer' ? Number(v) : v]
        }
        out.set(Number(r.id), { values, parent: r.a_parent === null ? null : Number(r.a_parent) })
      }
      return out
    },
    write: async (inserts, updates) => {
      const { objects, values, refs } = insertLines(inserts)
      if (typed) {
        await copy(client, `t_hardware (${TYPED_COLUMNS.join(', ')}, a_parent)`, objects)
        if (!updates.length) return
        // PostgreSQL writes a new row version with entries in every index whatever the SET list, so one statement.
        const cols = [...VALUE_ATTRIBUTES.map((a) => a.column), 'a_parent']
        const types = [...VALUE_ATTRIBUTES.map((a) => (a.kind === 'integer' ? 'bigint' : 'text')), 'bigint']
        await q(
          `update t_hardware t set label = u.label, label_ci = u.label_ci, content_hash = u.hash, updated_at = '${now}',
             ${cols.map((c) => `${c} = u.${c}`).join(', ')}
           from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], ${types.map((t, i) => `$${i + 5}::${t}[]`).join(', ')})
             u(id, label, label_ci, hash, ${cols.join(', ')})
           where t.id = u.id`,
          [
            updates.map((u) => u.id),
            updates.map((u) => u.obj.label),
            updates.map((u) => u.obj.labelCi),
            updates.map((u) => u.obj.hash),
            ...VALUE_ATTRIBUTES.map((a) => updates.map((u) => u.obj.values[a.id]?.[0] ?? null)),
            updates.map((u) => u.parent),
          ],
        )
        return
      }
      await copy(client, `object (${OBJECT_COLUMNS})`, objects)
      await copy(client, 'stage_values', values)
      await copy(client, 'object_reference', refs)
      if (!updates.length) return
      await q(
        `update object o set label = u.label, label_ci = u.label_ci, content_hash = u.hash,
           attribute_values = u.vals${jsonb ? '::jsonb' : ''}, updated_at = '${now}'
         from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) u(id, label, label_ci, hash, vals)
         where o.id = u.id`,
        [
          updates.map((u) => u.id),
          updates.map((u) => u.obj.label),
          updates.map((u) => u.obj.labelCi),
          updates.map((u) => u.obj.hash),
          updates.map((u) => u.obj.json),
        ],
      )
      const gone: unknown[][] = []
      const added: unknown[][] = []
      const refsGone: number[] = []
      const refsAdded: unknown[][] = []
      for (const { id, obj, old, parent } of updates) {
        for (const a of indexedAttrs) {
          if (sameValues(old.values[a.id], obj.values[a.id])) continue
          gone.push(...valueRows(id, old.values, a))
          added.push(...valueRows(id, obj.values, a))
        }
        if (old.parent !== parent) {
          refsGone.push(id)
          if (parent !== null) refsAdded.push([id, parent])
        }
      }
      await deleteValues(gone)
      await insertValues(added)
      if (refsGone.length) {
        await q(
          `delete from object_reference where object_id = any($1::bigint[]) and attribute_id = ${PARENT_ATTRIBUTE}`,
          [refsGone],
        )
      }
      if (refsAdded.length) {
        await q(
          `insert into object_reference select o, ${PARENT_ATTRIBUTE}, 0, t from unnest($1::bigint[], $2::bigint[]) u(o, t)`,
          [refsAdded.map((r) => r[0]), refsAdded.map((r) => r[1])],
        )
      }
    },
    ownedIds: async () =>
      (await q<{ id: string }>(`select id from ${table} where ${ownedWhere}`)).map((r) => Number(r.id)),
    remove: async (ids) => {
      for (let i = 0; i < ids.length; i += 10_000) {
        const chunk = ids.slice(i, i + 10_000)
        if (!typed) {
          const old = await readOldShared(chunk)
          await deleteValues(chunk.flatMap((id) => valueRows(id, old.get(id)!.values)))
        }
        await q(`delete from ${table} where id = any($1::bigint[])`, [chunk])
      }
    },
  }

  /** COPY every object into one staging table, then one insert … select per final table. */
  const stagedFirstLoad = async (csv: string) => {
    await q('begin')
    await q(
      `create temp table stage (id bigint, identity text, label text, label_ci text, hash text, vals text, parent bigint
       ${typed ? `, ${VALUE_ATTRIBUTES.map((a) => `${a.column} ${a.kind === 'integer' ? 'bigint' : 'text'}`).join(', ')}` : ''}) on commit drop`,
    )
    const ids = new Map<string, number>()
    let id = 0
    for await (const batch of objectBatches(csv, 10_000)) {
      const lines: string[] = []
      for (const obj of batch) {
        ids.set(obj.identity, ++id)
        const parent = obj.parent === null ? null : (ids.get(obj.parent) ?? null)
        lines.push(
          line([
            id,
            obj.identity,
            obj.label,
            obj.labelCi,
            obj.hash,
            typed ? null : obj.json,
            parent,
            ...(typed ? columnValues(obj.values) : []),
          ]),
        )
      }
      await copy(client, 'stage', lines)
    }
    if (typed) {
      await q(
        `insert into t_hardware (${TYPED_COLUMNS.join(', ')}, a_parent)
         select id, '${WORKSPACE}', 'HW-' || id, label, label_ci, identity, '${SOURCE_ID}', hash, '${now}', '${now}',
           ${C_COLUMNS.join(', ')}, parent from stage order by id`,
      )
    } else {
      await q(
        `insert into object (${OBJECT_COLUMNS})
         select id, '${WORKSPACE}', ${SCHEMA_ID}, ${TYPE_ID}, 'HW-' || id, label, identity, '${SOURCE_ID}', hash,
           vals${jsonb ? '::jsonb' : ''}, '${now}', '${now}', label_ci from stage order by id`,
      )
      const keys = indexedAttrs.map((a) => `'${a.id}'`).join(', ')
      await q(
        `insert into object_value
         select e.key::bigint, lower(x.v), s.id, x.pos - 1, x.v,
           case e.key when '7' then x.v::float8 when '8' then extract(epoch from x.v::date) * 1000 end
         from stage s cross join lateral jsonb_each(s.vals::jsonb) e(key, arr)
           cross join lateral jsonb_array_elements_text(e.arr) with ordinality x(v, pos)
         where e.key in (${keys}) order by 1, 2, 3, 4`,
      )
      await q(
        `insert into object_reference select id, ${PARENT_ATTRIBUTE}, 0, parent from stage where parent is not null`,
      )
    }
    await q('commit')
  }

  return {
    writer,
    stagedFirstLoad,
    queries: () => postgresQueries(client, layout, n),
    schemaChange: () => postgresSchemaChange(client, u.toString(), layout),
    bytes: async () => {
      const tables = typed ? ['t_hardware'] : ['object', 'object_value', 'object_reference']
      const r = await q<{ b: string }>(
        `select sum(pg_total_relation_size(t::regclass)) as b from unnest($1::text[]) t`,
        [tables],
      )
      return Number(r[0]!.b)
    },
    close: async () => {
      await client.end()
      await exec(url, `drop database if exists ${database} with (force)`)
    },
  }
}

function postgresQueries(client: pg.Client, layout: LayoutName, n: number): LayoutQuery[] {
  const v = queryValues(n)
  const typed = layout === 'C'
  const scope = typed
    ? `o.workspace_id = '${WORKSPACE}'`
    : `o.workspace_id = '${WORKSPACE}' and o.object_type_id = ${TYPE_ID}`
  const objects = typed ? 't_hardware o' : 'object o'
  let analyzed = false
  const query = (
    name: string,
    from: string,
    where: string,
    order: string,
    params: unknown[],
  ): LayoutQuery => ({
    name,
    run: async () => {
      if (!analyzed) {
        // What autovacuum does shortly after a bulk load (as bench/aql does).
        await client.query('analyze')
        analyzed = true
      }
      const total = Number(
        (
          await client.query<{ n: string }>(
            `select count(*) as n from ${from} where ${scope} and ${where}`,
            params,
          )
        ).rows[0]!.n,
      )
      const rows = (
        await client.query<{ id: string }>(
          `select o.* from ${from} where ${scope} and ${where} order by ${order} limit ${PAGE}`,
          params,
        )
      ).rows
      if (!typed) {
        await client.query(
          `select object_id, attribute_id, position, target_object_id from object_reference
           where object_id = any($1::bigint[]) order by object_id, attribute_id, position`,
          [rows.map((r) => r.id)],
        )
      }
      return total
    },
  })
  const byLabel = 'o.label_ci, o.id'
  const valueIndex = (attribute: number) =>
    `object_value v join ${objects} on o.id = v.object_id and v.attribute_id = ${attribute}`
  const inB = (id: number) => layout === 'A' || INDEXED_IN_B.has(id)
  const equals = (attribute: number, column: string, value: string): [string, string, unknown[]] =>
    typed
      ? [objects, `lower(o.${column}) = $1`, [fold(value)]]
      : inB(attribute)
        ? [valueIndex(attribute), 'v.value_ci = $1', [fold(value)]]
        : layout === 'B+GIN'
          ? // Containment is exact (case-sensitive): AQL's case-insensitive = would need folded values in the document.
            [objects, 'o.attribute_values @> $1::jsonb', [JSON.stringify({ [attribute]: [value] })]]
          : [
              objects,
              `exists (select 1 from jsonb_array_elements_text(o.attribute_values -> '${attribute}') j(v) where lower(j.v) = $1)`,
              [fold(value)],
            ]
  const serial = equals(5, 'a_serial', v.serial)
  const model = equals(4, 'a_model', v.model)
  const manufacturer = equals(3, 'a_manufacturer', v.manufacturer)
  const sizeOf =
    layout === 'A' ? 'v.value_num' : typed ? 'o.a_size' : `(o.attribute_values -> '7' ->> 0)::bigint`
  const size: [string, string, string] = [
    layout === 'A' ? valueIndex(7) : objects,
    `${sizeOf} >= $1`,
    `${sizeOf} desc, ${byLabel}`,
  ]
  const hop = typed
    ? `o.a_parent in (select id from t_hardware where lower(a_serial) = $1)`
    : `o.id in (select r.object_id from object_reference r where r.attribute_id = ${PARENT_ATTRIBUTE} and r.target_object_id in
        (select v.object_id from object_value v where v.attribute_id = 5 and v.value_ci = $1))`
  return [
    query('Serial = X (unique: indexed)', serial[0], serial[1], byLabel, serial[2]),
    query('Model = X (unindexed in B, C)', model[0], model[1], byLabel, model[2]),
    query('objectType = Hardware, first page + total', objects, 'true', byLabel, []),
    query(
      'Manufacturer = Dell (indexed), order by label',
      manufacturer[0],
      manufacturer[1],
      byLabel,
      manufacturer[2],
    ),
    query('Size >= X order by Size desc (unindexed in B, C)', size[0], size[1], size[2], [v.sizeAtLeast]),
    query('reference hop: children of Serial = X', objects, hop, byLabel, [fold(v.parentSerial)]),
  ]
}

async function postgresSchemaChange(
  client: pg.Client,
  url: string,
  layout: LayoutName,
): Promise<SchemaChange> {
  const ms = async (statements: string) => {
    const start = performance.now()
    await client.query(`begin; ${statements}; commit`)
    return performance.now() - start
  }
  if (layout === 'C') {
    return {
      addAttributeMs: await ms('alter table t_hardware add column a_new text'),
      indexAttributeMs: await ms('create index t_hardware_a_model_idx on t_hardware (lower(a_model))'),
      addTypeMs: await ms(typedTable('t_other')),
      concurrent: await alterBehindImport(url),
    }
  }
  return {
    addAttributeMs: await ms(`insert into attribute values (12, ${TYPE_ID}, 'New', 'text', 0)`),
    indexAttributeMs:
      layout === 'A'
        ? await ms('update attribute set is_indexed = 1 where id = 4')
        : await ms(`update attribute set is_indexed = 1 where id = 4;
            insert into object_value select 4, lower(x.v), o.id, x.pos - 1, x.v, null
            from object o cross join lateral jsonb_array_elements_text(o.attribute_values -> '4') with ordinality x(v, pos)
            where o.object_type_id = ${TYPE_ID} order by 2, 3, 4`),
    addTypeMs: await ms(`insert into object_type values (2, ${SCHEMA_ID}, 'Other');
      insert into attribute values (13, 2, 'Name', 'text', 0)`),
  }
}

/**
 * Layout C's ALTER TABLE while an import holds the table: the import's transaction (one inserted row, uncommitted)
 * keeps ALTER waiting (lock_timeout 1 s here), and a plain read started 100 ms later queues behind the ALTER.
 */
async function alterBehindImport(url: string): Promise<string> {
  const [importer, admin, reader] = [0, 1, 2].map(() => new pg.Client({ connectionString: url }))
  await Promise.all([importer, admin, reader].map((c) => c!.connect()))
  try {
    await importer!.query('begin')
    await importer!.query(
      `insert into t_hardware (id, workspace_id, object_key, label, label_ci, content_hash, created_at, updated_at)
       values (999999999, '${WORKSPACE}', 'HW-X', 'x', 'x', 'h', 'now', 'now')`,
    )
    await admin!.query("set lock_timeout = '1s'")
    const start = performance.now()
    const alter = admin!.query('alter table t_hardware add column a_blocked text').then(
      () => `completed after ${(performance.now() - start).toFixed(0)} ms`,
      (e: Error) => `${e.message} after ${(performance.now() - start).toFixed(0)} ms`,
    )
    await new Promise((r) => setTimeout(r, 100))
    const readStart = performance.now()
    const read = reader!
      .query('select count(*) from t_hardware where id = 1')
      .then(() => performance.now() - readStart)
    const [alterOutcome, readMs] = await Promise.all([alter, read])
    await importer!.query('rollback')
    return `ALTER TABLE behind an open import: ${alterOutcome}; a one-row read queued behind it took ${readMs.toFixed(0)} ms`
  } finally {
    await Promise.all([importer, admin, reader].map((c) => c!.end()))
  }
}
