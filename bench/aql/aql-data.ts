import { sql } from 'kysely'
import { foldCase } from '../../src/domain/aql/compare.js'
import { sortKey } from '../../src/domain/schema/attribute-value.js'
import type { AttributeKind } from '../../src/domain/schema/types.js'
import type { Services } from '../../src/services/services.js'
import type { Db } from '../../src/store/create-store.js'
import { objectCountRepository } from '../../src/store/repositories/object-count.repository.js'
import { idNumberRepository } from '../../src/store/repositories/id-number.repository.js'

/**
 * A deterministic repository of `n` objects for the AQL benchmark, written straight into the tables in bulk
 * (multi-row INSERT on SQLite, `unnest` arrays on PostgreSQL) — the object service validates each object and
 * manages a few hundred per second, which is right for the API and useless for loading a million.
 *
 * 10% Person (Name, Email, Department of 20) and 90% Device (Name = "dev-" and six random base-36 characters,
 * Serial SN-0000001…, Inventory INV-0000001…, Vendor of 10, Size 0…999999, Bought in 2015–2024, Owner → a
 * person). Every value is a function of the object's number, so index rows are generated per attribute and
 * inserted in key order — for the attributes that keep them only (the labels; Serial, Vendor, Size and Bought,
 * flagged `indexed`; Inventory holds the same kind of values as Serial unindexed, to compare equality both ways;
 * Email and Department are unindexed).
 */

export interface AqlBenchRepository {
  ws: string
  devices: number
  persons: number
  /** A person label (its owner has about devices/persons devices). */
  personLabel: string
  /** The label of the device in the middle of the devices. */
  deviceLabel: string
}

const VENDORS = Array.from({ length: 10 }, (_, i) => `Vendor ${i}`)
const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `Department ${i}`)

/** A well-mixed 32-bit hash of i (deterministic per object number and salt). */
function hash(i: number, salt: number): number {
  let h = (i ^ (salt * 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

const base36 = (i: number): string => {
  const a = hash(i, 1).toString(36).padStart(6, '0').slice(-6)
  return a
}
const deviceLabel = (i: number) => `dev-${base36(i)}`
const personLabel = (p: number) => `Person ${String(p).padStart(6, '0')}`
const serial = (i: number) => `SN-${String(i).padStart(7, '0')}`
const inventory = (i: number) => `INV-${String(i).padStart(7, '0')}`
const vendor = (i: number) => VENDORS[hash(i, 2) % VENDORS.length]!
const size = (i: number) => hash(i, 3) % 1_000_000
const bought = (i: number) => {
  const day = new Date(Date.UTC(2015, 0, 1) + (hash(i, 4) % 3650) * 86_400_000)
  return day.toISOString().slice(0, 10)
}

type Column = readonly [name: string, pg: 'bigint' | 'integer' | 'text' | 'double precision']

/** Inserts rows (arrays in column order) in chunks that fit each engine's parameter limits. */
async function insertRows(
  db: Db,
  dialect: string,
  table: string,
  columns: readonly Column[],
  rows: unknown[][],
) {
  const names = sql.join(columns.map(([name]) => sql.ref(name)))
  if (dialect === 'postgres') {
    for (let i = 0; i < rows.length; i += 10_000) {
      const chunk = rows.slice(i, i + 10_000)
      const arrays = columns.map(([, type], c) => sql`${chunk.map((r) => r[c] ?? null)}::${sql.raw(type)}[]`)
      await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${sql.join(arrays)})`.execute(
        db,
      )
    }
    return
  }
  const per = Math.floor(30_000 / columns.length)
  for (let i = 0; i < rows.length; i += per) {
    const values = rows.slice(i, i + per).map((r) => sql`(${sql.join(r)})`)
    await sql`insert into ${sql.table(table)} (${names}) values ${sql.join(values)}`.execute(db)
  }
}

const OBJECT_COLUMNS: readonly Column[] = [
  ['id', 'bigint'],
  ['workspace_no', 'bigint'],
  ['object_schema_id', 'bigint'],
  ['object_type_id', 'bigint'],
  ['object_key', 'text'],
  ['label', 'text'],
  ['label_ci', 'text'],
  ['content_hash', 'text'],
  ['attribute_values', 'text'],
  ['created_at', 'text'],
  ['updated_at', 'text'],
]
const VALUE_COLUMNS: readonly Column[] = [
  ['attribute_id', 'bigint'],
  ['value_ci', 'text'],
  ['object_id', 'bigint'],
  ['position', 'integer'],
  ['value_text', 'text'],
  ['value_num', 'double precision'],
]

export async function loadAqlRepository(
  services: Services,
  ws: string,
  n: number,
  log: (line: string) => void,
): Promise<AqlBenchRepository> {
  const { db, caps } = services.store
  const s = services.schemas
  const schema = await s.createSchema(ws, { name: 'AQL bench', objectSchemaKey: 'AQB' })
  const personType = await s.createType(ws, { objectSchemaId: schema.id, name: 'Person' })
  const deviceType = await s.createType(ws, { objectSchemaId: schema.id, name: 'Device' })
  const attr = (typeId: number, name: string, kind: AttributeKind, extra: Record<string, unknown> = {}) =>
    s.createAttribute(ws, typeId, { name, kind, ...extra })
  const p = {
    name: await attr(personType.id, 'Name', 'text', { label: true }),
    email: await attr(personType.id, 'Email', 'email'),
    department: await attr(personType.id, 'Department', 'select', { allowedValues: DEPARTMENTS }),
  }
  const d = {
    name: await attr(deviceType.id, 'Name', 'text', { label: true }),
    serial: await attr(deviceType.id, 'Serial', 'text', { indexed: true }),
    inventory: await attr(deviceType.id, 'Inventory', 'text'),
    // Flagged: the queries below test them by equality and range (as before the flag existed).
    vendor: await attr(deviceType.id, 'Vendor', 'select', { allowedValues: VENDORS, indexed: true }),
    size: await attr(deviceType.id, 'Size', 'integer', { indexed: true }),
    bought: await attr(deviceType.id, 'Bought', 'date', { indexed: true }),
    owner: await attr(deviceType.id, 'Owner', 'referenced_object', { referenceObjectTypeId: personType.id }),
  }
  const persons = Math.max(1, Math.round(n / 10))
  const devices = n - persons
  // Object number k: 1…persons are persons, the rest devices; ids are base + k.
  const base = Number(
    (await sql<{ m: number | null }>`select max(id) as m from object`.execute(db)).rows[0]?.m ?? 0,
  )
  const now = new Date().toISOString()
  const personValues = (k: number): [number, string[]][] => [
    [p.name.id, [personLabel(k)]],
    [p.email.id, [`user${k}@example.com`]],
    [p.department.id, [DEPARTMENTS[hash(k, 5) % DEPARTMENTS.length]!]],
  ]
  const deviceValues = (k: number): [number, (string | number)[]][] => [
    [d.name.id, [deviceLabel(k)]],
    [d.serial.id, [serial(k)]],
    [d.inventory.id, [inventory(k)]],
    [d.vendor.id, [vendor(k)]],
    [d.size.id, [size(k)]],
    [d.bought.id, [bought(k)]],
  ]
  const ownerOf = (k: number) => 1 + (hash(k, 6) % persons)

  const started = performance.now()
  await db.transaction().execute(async (trx) => {
    // The object row names its workspace by number (id_number, migration 0032).
    const workspaceNo = await idNumberRepository.intern(trx, ws)
    const chunk = 50_000
    for (let from = 1; from <= n; from += chunk) {
      const rows: unknown[][] = []
      for (let k = from; k < Math.min(n + 1, from + chunk); k++) {
        const person = k <= persons
        const values = person ? personValues(k) : deviceValues(k)
        const label = String(values[0]![1][0])
        rows.push([
          base + k,
          workspaceNo,
          schema.id,
          person ? personType.id : deviceType.id,
          `AQB-${k}`,
          label,
          foldCase(label),
          `bench-${k}`,
          JSON.stringify(Object.fromEntries(values)),
          now,
          now,
        ])
      }
      await insertRows(trx, caps.dialect, 'object', OBJECT_COLUMNS, rows)
    }
    log(`  objects: ${((performance.now() - started) / 1000).toFixed(1)} s`)

    const index = async (
      attributeId: number,
      kind: AttributeKind,
      first: number,
      last: number,
      value: (k: number) => string | number,
    ) => {
      const keys: { k: number; text: string; ci: string }[] = []
      for (let k = first; k <= last; k++) {
        const text = String(value(k))
        keys.push({ k, text, ci: foldCase(text) })
      }
      keys.sort((a, b) => (a.ci < b.ci ? -1 : a.ci > b.ci ? 1 : a.k - b.k))
      const canonical = (text: string) => (kind === 'integer' ? Number(text) : text)
      for (let i = 0; i < keys.length; i += 100_000) {
        const rows = keys
          .slice(i, i + 100_000)
          .map(({ k, text, ci }) => [attributeId, ci, base + k, 0, text, sortKey(kind, canonical(text))])
        await insertRows(trx, caps.dialect, 'object_value', VALUE_COLUMNS, rows)
      }
    }
    // What the writers keep (domain/schema/indexed-attributes.ts): the labels and the flagged attributes — not a
    // label answered from the object row's label (index state `label`, migration 0030).
    if (p.name.indexState !== 'label') await index(p.name.id, 'text', 1, persons, personLabel)
    if (d.name.indexState !== 'label') await index(d.name.id, 'text', persons + 1, n, deviceLabel)
    await index(d.serial.id, 'text', persons + 1, n, serial)
    await index(d.vendor.id, 'select', persons + 1, n, vendor)
    await index(d.size.id, 'integer', persons + 1, n, size)
    await index(d.bought.id, 'date', persons + 1, n, bought)
    log(`  value index: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const refs: unknown[][] = []
    for (let k = persons + 1; k <= n; k++) refs.push([base + k, d.owner.id, 0, base + ownerOf(k)])
    await insertRows(
      trx,
      caps.dialect,
      'object_reference',
      [
        ['object_id', 'bigint'],
        ['attribute_id', 'bigint'],
        ['position', 'integer'],
        ['target_object_id', 'bigint'],
      ],
      refs,
    )
    await sql`update object_schema set next_object_seq = ${n + 1} where id = ${schema.id}`.execute(trx)
    // The per-type object counts the store keeps in the transaction that writes objects (migration 0022).
    for (const [typeId, count] of [
      [personType.id, persons],
      [deviceType.id, devices],
    ]) {
      await objectCountRepository.add(trx, Number(typeId), ws, count!)
    }
    if (caps.dialect === 'postgres') {
      await sql`select setval(pg_get_serial_sequence('object', 'id'), ${base + n})`.execute(trx)
    }
  })
  log(`  references: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return {
    ws,
    devices,
    persons,
    personLabel: personLabel(ownerOf(persons + 1)),
    deviceLabel: deviceLabel(persons + Math.floor(devices / 2)),
  }
}
