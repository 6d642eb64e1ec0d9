import fs from 'node:fs'
import Database from 'better-sqlite3'
import {
  withoutSchemaForeignKeys,
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
  queryValues,
  sameValues,
  sortKey,
  type Attribute,
  type Values,
} from './objects.js'

/**
 * The three storage layouts on SQLite (better-sqlite3, the pragmas of src/store/create-store.ts), written the
 * way a bare loop writes: one prepared statement per row, one transaction.
 *
 *   A  today (migrations 0001–0007): object row with attribute_values JSON, one object_value row per value,
 *      object_reference rows.
 *   B  the same object row; object_value rows only for unique and `indexed` attributes (the label is
 *      object.label_ci); every other condition scans the type's rows with json_each.
 *   C  one table per type, a column per attribute, indexes on label, identity, unique and indexed columns.
 */

const META = `
  create table workspace (id text primary key);
  create table object_schema (id integer primary key);
  create table object_type (id integer primary key, object_schema_id integer not null references object_schema(id),
    name text not null);
  create table attribute (id integer primary key, object_type_id integer not null references object_type(id),
    name text not null, kind text not null, is_indexed integer not null default 0);
  insert into workspace values ('${WORKSPACE}');
  insert into object_schema values (${SCHEMA_ID});
  insert into object_type values (${TYPE_ID}, ${SCHEMA_ID}, 'Hardware');
  ${ATTRIBUTES.map((a) => `insert into attribute values (${a.id}, ${TYPE_ID}, '${a.name}', '${a.kind}', ${Number(a.indexed)});`).join('\n')}
`

const SHARED_OBJECT = `
  create table object (
    id integer primary key,
    workspace_id text not null references workspace(id) on delete cascade,
    object_schema_id integer not null references object_schema(id),
    object_type_id integer not null references object_type(id),
    object_key text not null, label text not null, identity text, import_source_id text,
    content_hash text not null, attribute_values text not null default '{}',
    created_at text not null, updated_at text not null, missing_since text, missing_runs integer not null default 0,
    label_ci text not null default '',
    constraint object_key_uq unique (workspace_id, object_key),
    constraint object_identity_uq unique (object_type_id, import_source_id, identity));
  create index object_type_label_ci_idx on object (workspace_id, object_type_id, label_ci, id);
  create index object_key_ci_idx on object (workspace_id, lower(object_key));
  create table object_value (attribute_id integer not null, value_ci text not null, object_id integer not null,
    position integer not null, value_text text not null, value_num real,
    primary key (attribute_id, value_ci, object_id, position)) without rowid;
  create index object_value_num_idx on object_value (attribute_id, value_num) where value_num is not null;
  create table object_reference (
    object_id integer not null references object(id) on delete cascade,
    attribute_id integer not null references attribute(id) on delete cascade,
    position integer not null,
    target_object_id integer not null references object(id) on delete cascade,
    primary key (object_id, attribute_id, position));
  create index object_reference_target_idx on object_reference (target_object_id, attribute_id);
`

const C_COLUMNS = ATTRIBUTES.map((a) => a.column)
const typedTable = (name: string) => `
  create table ${name} (
    id integer primary key,
    workspace_id text not null references workspace(id) on delete cascade,
    object_key text not null, label text not null, label_ci text not null, identity text, import_source_id text,
    content_hash text not null, created_at text not null, updated_at text not null, missing_since text,
    missing_runs integer not null default 0,
    ${VALUE_ATTRIBUTES.map((a) => `${a.column} ${a.kind === 'integer' ? 'integer' : 'text'}`).join(', ')},
    a_parent integer references ${name}(id) on delete set null);
  create unique index ${name}_key_uq on ${name} (object_key);
  create unique index ${name}_identity_uq on ${name} (import_source_id, identity);
  create index ${name}_label_idx on ${name} (workspace_id, label_ci, id);
  create index ${name}_key_ci_idx on ${name} (lower(object_key));
  ${ATTRIBUTES.filter((a) => a.indexed)
    .map((a) => `create index ${name}_${a.column}_idx on ${name} (${a.column} collate nocase);`)
    .join('\n')}
  create index ${name}_parent_idx on ${name} (a_parent);
`

const fold = (v: unknown) => String(v).toLowerCase()
const PAGE = 25

export function openSqliteLayout(layout: LayoutName, file: string, n: number): LayoutStore {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('cache_size = -65536')
  db.exec(META)
  const typed = layout === 'C'
  db.exec(
    typed
      ? typedTable('t_hardware')
      : layout === 'B-lean'
        ? withoutSchemaForeignKeys(SHARED_OBJECT)
        : SHARED_OBJECT,
  )
  const table = typed ? 't_hardware' : 'object'
  const ownedWhere = typed
    ? `import_source_id = '${SOURCE_ID}'`
    : `object_type_id = ${TYPE_ID} and import_source_id = '${SOURCE_ID}'`
  const now = new Date().toISOString()
  const indexedAttrs: readonly Attribute[] =
    layout === 'A' ? VALUE_ATTRIBUTES : VALUE_ATTRIBUTES.filter((a) => INDEXED_IN_B.has(a.id))

  const lookup = db.prepare<[string], { id: number; identity: string; content_hash: string }>(
    `select id, identity, content_hash from ${table} where ${ownedWhere} and identity in (select value from json_each(?))`,
  )
  const owned = db.prepare<[], number>(`select id from ${table} where ${ownedWhere}`).pluck()
  // As the engine's IndexStage does: value-index rows wait in an unindexed temporary table and move into
  // object_value in key order at commit, so that the b-tree is appended to rather than written at random.
  if (!typed) {
    db.exec(`create temp table stage_values (attribute_id integer, value_ci text, object_id integer,
      position integer, value_text text, value_num real)`)
  }
  const valueInsert = db.prepare(
    typed ? 'select 1' : 'insert into temp.stage_values values (?, ?, ?, ?, ?, ?)',
  )
  const valueDelete = db.prepare(
    typed
      ? 'select 1'
      : 'delete from object_value where attribute_id = ? and value_ci = ? and object_id = ? and position = ?',
  )
  const insertValues = (id: number, values: Values) => {
    for (const a of indexedAttrs) {
      const vs = values[a.id]
      if (vs)
        for (let p = 0; p < vs.length; p++)
          valueInsert.run(a.id, fold(vs[p]), id, p, String(vs[p]), sortKey(a, vs[p]!))
    }
  }
  const deleteValues = (id: number, values: Values, only?: Attribute) => {
    for (const a of only ? [only] : indexedAttrs) {
      const vs = values[a.id]
      if (vs) for (let p = 0; p < vs.length; p++) valueDelete.run(a.id, fold(vs[p]), id, p)
    }
  }

  let writer: Writer
  if (!typed) {
    const insert = db.prepare(
      `insert into object (id, workspace_id, object_schema_id, object_type_id, object_key, label, identity,
        import_source_id, content_hash, attribute_values, created_at, updated_at, label_ci)
       values (?, '${WORKSPACE}', ${SCHEMA_ID}, ${TYPE_ID}, ?, ?, ?, '${SOURCE_ID}', ?, ?, ?, ?, ?)`,
    )
    const update = db.prepare(
      'update object set label = ?, label_ci = ?, content_hash = ?, attribute_values = ?, updated_at = ? where id = ?',
    )
    const refInsert = db.prepare(`insert into object_reference values (?, ${PARENT_ATTRIBUTE}, 0, ?)`)
    const refDelete = db.prepare(
      `delete from object_reference where object_id = ? and attribute_id = ${PARENT_ATTRIBUTE}`,
    )
    const oldValues = db.prepare<[string], { id: number; attribute_values: string }>(
      'select id, attribute_values from object where id in (select value from json_each(?))',
    )
    const oldRefs = db.prepare<[string], { object_id: number; target_object_id: number }>(
      `select object_id, target_object_id from object_reference
       where object_id in (select value from json_each(?)) and attribute_id = ${PARENT_ATTRIBUTE}`,
    )
    const del = db.prepare('delete from object where id = ?')
    const readOld = (ids: number[]) => {
      const out = new Map<number, Old>()
      if (!ids.length) return out
      const json = JSON.stringify(ids)
      for (const r of oldValues.all(json))
        out.set(r.id, { values: JSON.parse(r.attribute_values) as Values, parent: null })
      for (const r of oldRefs.all(json)) out.get(r.object_id)!.parent = r.target_object_id
      return out
    }
    writer = {
      begin: async () => void db.exec('begin'),
      commit: async () =>
        void db.exec(`insert into object_value select * from temp.stage_values
          order by attribute_id, value_ci, object_id, position;
          delete from temp.stage_values; commit`),
      maxId: async () => maxId(db, table),
      lookup: async (identities) => storedOf(lookup.all(JSON.stringify(identities))),
      idsOf: async (identities) =>
        new Map(lookup.all(JSON.stringify(identities)).map((r) => [r.identity, r.id])),
      readOld: async (ids) => readOld(ids),
      write: async (inserts, updates) => {
        for (const { id, key, obj, parent } of inserts) {
          insert.run(id, key, obj.label, obj.identity, obj.hash, obj.json, now, now, obj.labelCi)
          insertValues(id, obj.values)
          if (parent !== null) refInsert.run(id, parent)
        }
        for (const { id, obj, old, parent } of updates) {
          update.run(obj.label, obj.labelCi, obj.hash, obj.json, now, id)
          for (const a of indexedAttrs) {
            if (sameValues(old.values[a.id], obj.values[a.id])) continue
            deleteValues(id, old.values, a)
            const vs = obj.values[a.id]
            if (vs)
              for (let p = 0; p < vs.length; p++)
                valueInsert.run(a.id, fold(vs[p]), id, p, String(vs[p]), sortKey(a, vs[p]!))
          }
          if (old.parent !== parent) {
            refDelete.run(id)
            if (parent !== null) refInsert.run(id, parent)
          }
        }
      },
      ownedIds: async () => owned.all(),
      remove: async (ids) => {
        for (let i = 0; i < ids.length; i += 2000) {
          const chunk = ids.slice(i, i + 2000)
          const old = readOld(chunk)
          for (const id of chunk) {
            deleteValues(id, old.get(id)!.values)
            del.run(id)
          }
        }
      },
    }
  } else {
    const cols = [
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
    const insert = db.prepare(
      `insert into t_hardware (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`,
    )
    const oldRows = db.prepare<[string], Record<string, string | number | null>>(
      `select id, ${C_COLUMNS.join(', ')} from t_hardware where id in (select value from json_each(?))`,
    )
    const updates = new Map<string, Database.Statement>()
    const del = db.prepare('delete from t_hardware where id = ?')
    const columnValues = (values: Values) => VALUE_ATTRIBUTES.map((a) => values[a.id]?.[0] ?? null)
    writer = {
      ...transactions(db),
      maxId: async () => maxId(db, table),
      lookup: async (identities) => storedOf(lookup.all(JSON.stringify(identities))),
      idsOf: async (identities) =>
        new Map(lookup.all(JSON.stringify(identities)).map((r) => [r.identity, r.id])),
      readOld: async (ids) => {
        const out = new Map<number, Old>()
        if (!ids.length) return out
        for (const r of oldRows.all(JSON.stringify(ids))) {
          const values: Values = {}
          for (const a of VALUE_ATTRIBUTES) if (r[a.column] !== null) values[a.id] = [r[a.column]!]
          out.set(Number(r.id), { values, parent: r.a_parent === null ? null : Number(r.a_parent) })
        }
        return out
      },
      write: async (inserts, changes) => {
        for (const { id, key, obj, parent } of inserts) {
          insert.run(
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
          )
        }
        for (const { id, obj, old, parent } of changes) {
          // Only the changed columns, so that SQLite rewrites only the indexes holding them.
          const changed = VALUE_ATTRIBUTES.filter((a) => !sameValues(old.values[a.id], obj.values[a.id]))
          const setParent = old.parent !== parent
          const signature = changed.map((a) => a.id).join(',') + (setParent ? 'p' : '')
          let statement = updates.get(signature)
          if (!statement) {
            const sets = [
              'label = ?',
              'label_ci = ?',
              'content_hash = ?',
              'updated_at = ?',
              ...changed.map((a) => `${a.column} = ?`),
            ]
            if (setParent) sets.push('a_parent = ?')
            statement = db.prepare(`update t_hardware set ${sets.join(', ')} where id = ?`)
            updates.set(signature, statement)
          }
          const args: unknown[] = [
            obj.label,
            obj.labelCi,
            obj.hash,
            now,
            ...changed.map((a) => obj.values[a.id]?.[0] ?? null),
          ]
          if (setParent) args.push(parent)
          statement.run(...args, id)
        }
      },
      ownedIds: async () => owned.all(),
      remove: async (ids) => {
        for (const id of ids) del.run(id)
      },
    }
  }

  return {
    writer,
    queries: () => sqliteQueries(db, layout, n),
    schemaChange: async () => sqliteSchemaChange(db, layout),
    bytes: async () => {
      db.pragma('wal_checkpoint(TRUNCATE)')
      return fs.statSync(file).size
    },
    close: async () => {
      db.close()
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
    },
  }
}

function transactions(db: Database.Database): Pick<Writer, 'begin' | 'commit'> {
  return {
    begin: async () => void db.exec('begin'),
    commit: async () => void db.exec('commit'),
  }
}

const maxId = (db: Database.Database, table: string): number =>
  Number(db.prepare(`select coalesce(max(id), 0) from ${table}`).pluck().get())

const storedOf = (rows: { id: number; identity: string; content_hash: string }[]) =>
  new Map<string, Stored>(rows.map((r) => [r.identity, { id: r.id, hash: r.content_hash }]))

/** AQL's first page, hand-translated: count, then a page of 25 in label order, then the page's references. */
function sqliteQueries(db: Database.Database, layout: LayoutName, n: number): LayoutQuery[] {
  const v = queryValues(n)
  const typed = layout === 'C'
  const scope = typed
    ? `o.workspace_id = '${WORKSPACE}'`
    : `o.workspace_id = '${WORKSPACE}' and o.object_type_id = ${TYPE_ID}`
  const objects = typed ? 't_hardware o' : 'object o'
  const refs = db.prepare(
    typed
      ? 'select 1'
      : `select object_id, attribute_id, position, target_object_id from object_reference
     where object_id in (select value from json_each(?)) order by object_id, attribute_id, position`,
  )
  // Statistics, as the AQL compiler's choice of a driving index would have them: without them SQLite reads a
  // type's rows in label order for `Serial = X … order by label` and tests each.
  db.exec('analyze')
  const query = (
    name: string,
    from: string,
    where: string,
    order: string,
    params: unknown[],
  ): LayoutQuery => {
    const count = db.prepare(`select count(*) from ${from} where ${scope} and ${where}`).pluck()
    const page = db.prepare<unknown[], { id: number }>(
      `select o.* from ${from} where ${scope} and ${where} order by ${order} limit ${PAGE}`,
    )
    return {
      name,
      run: async () => {
        const total = Number(count.get(...params))
        const rows = page.all(...params)
        if (!typed) refs.all(JSON.stringify(rows.map((r) => r.id)))
        return total
      },
    }
  }
  const byLabel = 'o.label_ci, o.id'
  const valueIndex = (attribute: number) =>
    `object_value v join ${objects} on o.id = v.object_id and v.attribute_id = ${attribute}`
  const inB = (id: number) => layout === 'A' || INDEXED_IN_B.has(id)
  const equals = (attribute: number, column: string, value: string): [string, string, unknown[]] =>
    typed
      ? [objects, `o.${column} = ? collate nocase`, [value]]
      : inB(attribute)
        ? [valueIndex(attribute), 'v.value_ci = ?', [fold(value)]]
        : [
            objects,
            // A LIKE over the JSON text first (ASCII case-insensitive, so only for ASCII values), json_each to be exact.
            `o.attribute_values like ? escape '\\' and exists (select 1 from json_each(o.attribute_values, '$."${attribute}"') j where lower(j.value) = ?)`,
            [`%${JSON.stringify(value).replace(/[\\%_]/g, (c) => '\\' + c)}%`, fold(value)],
          ]
  const serial = equals(5, 'a_serial', v.serial)
  const model = equals(4, 'a_model', v.model)
  const manufacturer = equals(3, 'a_manufacturer', v.manufacturer)
  const size: [string, string, string] =
    layout === 'A'
      ? [valueIndex(7), 'v.value_num >= ?', `v.value_num desc, ${byLabel}`]
      : typed
        ? [objects, 'o.a_size >= ?', `o.a_size desc, ${byLabel}`]
        : [
            objects,
            `json_extract(o.attribute_values, '$."7"[0]') >= ?`,
            `json_extract(o.attribute_values, '$."7"[0]') desc, ${byLabel}`,
          ]
  const hop = typed
    ? `o.a_parent in (select id from t_hardware where a_serial = ? collate nocase)`
    : `o.id in (select r.object_id from object_reference r where r.attribute_id = ${PARENT_ATTRIBUTE} and r.target_object_id in
        (select v.object_id from object_value v where v.attribute_id = 5 and v.value_ci = ?))`
  return [
    query('Serial = X (unique: indexed)', serial[0], serial[1], byLabel, serial[2]),
    query('Model = X (unindexed in B, C)', model[0], model[1], byLabel, model[2]),
    query('objectType = Hardware, first page + total', objects, '1 = 1', byLabel, []),
    query(
      'Manufacturer = Dell (indexed), order by label',
      manufacturer[0],
      manufacturer[1],
      byLabel,
      manufacturer[2],
    ),
    query('Size >= X order by Size desc (unindexed in B, C)', size[0], size[1], size[2], [v.sizeAtLeast]),
    query('reference hop: children of Serial = X', objects, hop, byLabel, [
      typed ? v.parentSerial : fold(v.parentSerial),
    ]),
  ]
}

function sqliteSchemaChange(db: Database.Database, layout: LayoutName): SchemaChange {
  const ms = (statements: string) => {
    const start = performance.now()
    db.exec(`begin; ${statements}; commit`)
    return performance.now() - start
  }
  if (layout === 'C') {
    return {
      addAttributeMs: ms('alter table t_hardware add column a_new text'),
      indexAttributeMs: ms('create index t_hardware_a_model_idx on t_hardware (a_model collate nocase)'),
      addTypeMs: ms(typedTable('t_other')),
    }
  }
  return {
    addAttributeMs: ms(`insert into attribute values (12, ${TYPE_ID}, 'New', 'text', 0)`),
    // A indexes every attribute already; B builds the Model attribute's index rows from the objects' JSON.
    indexAttributeMs:
      layout === 'A'
        ? ms('update attribute set is_indexed = 1 where id = 4')
        : ms(`update attribute set is_indexed = 1 where id = 4;
            insert into object_value select 4, lower(j.value), o.id, j.key, j.value, null
            from object o, json_each(o.attribute_values, '$."4"') j where o.object_type_id = ${TYPE_ID}
            order by 2, 3, 4`),
    addTypeMs: ms(`insert into object_type values (2, ${SCHEMA_ID}, 'Other');
      insert into attribute values (13, 2, 'Name', 'text', 0)`),
  }
}
