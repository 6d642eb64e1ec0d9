import { createHash } from 'node:crypto'
import { csvRows } from '../engine/csv-chunks.js'
import { row } from '../engine/hardware-data.js'

/**
 * The engine benchmark's hardware rows (bench/engine/hardware-data.ts) as the objects the storage prototypes write:
 * what the engine's map phase hands its writer (identity, label, canonical values per attribute id, content hash,
 * the reference's target identity). Eleven attributes, as in bench/engine/hardware-mapping.ts.
 */

export interface Attribute {
  id: number
  name: string
  /** The CSV column. */
  csv: string
  /** The column of layout C's typed table. */
  column: string
  kind: 'text' | 'integer' | 'date' | 'reference'
  /** In layout B's secondary index (label, unique attributes, and one attribute flagged `indexed`). */
  indexed: boolean
}

export const ATTRIBUTES: readonly Attribute[] = [
  { id: 1, name: 'Asset ID', csv: 'id', column: 'a_asset_id', kind: 'text', indexed: true },
  { id: 2, name: 'Name', csv: 'name', column: 'a_name', kind: 'text', indexed: false },
  { id: 3, name: 'Manufacturer', csv: 'manufacturer', column: 'a_manufacturer', kind: 'text', indexed: true },
  { id: 4, name: 'Model', csv: 'model', column: 'a_model', kind: 'text', indexed: false },
  { id: 5, name: 'Serial', csv: 'serial', column: 'a_serial', kind: 'text', indexed: true },
  { id: 6, name: 'Status', csv: 'status', column: 'a_status', kind: 'text', indexed: false },
  { id: 7, name: 'Size', csv: 'size', column: 'a_size', kind: 'integer', indexed: false },
  { id: 8, name: 'Purchase date', csv: 'purchase_date', column: 'a_purchase', kind: 'date', indexed: false },
  { id: 9, name: 'Owner', csv: 'owner', column: 'a_owner', kind: 'text', indexed: false },
  { id: 10, name: 'IP address', csv: 'ip', column: 'a_ip', kind: 'text', indexed: false },
  { id: 11, name: 'Parent', csv: 'parent', column: 'a_parent', kind: 'reference', indexed: false },
]
/** The attributes whose values live in the row (every one but the reference). */
export const VALUE_ATTRIBUTES = ATTRIBUTES.filter((a) => a.kind !== 'reference')
export const LABEL_ATTRIBUTE = 2
export const PARENT_ATTRIBUTE = 11
export const INDEXED_IN_B = new Set(ATTRIBUTES.filter((a) => a.indexed).map((a) => a.id))

export const WORKSPACE = 'ws-bench'
export const SCHEMA_ID = 1
export const TYPE_ID = 1
export const SOURCE_ID = 'source-bench'

export type Value = string | number
export type Values = Record<string, Value[]>

export interface Obj {
  identity: string
  label: string
  labelCi: string
  values: Values
  /** JSON.stringify(values): layout A's and B's attribute_values. */
  json: string
  hash: string
  /** The identity of the referenced object, or null. */
  parent: string | null
}

/** Numeric sort key of a value (layout A's object_value.value_num). */
export function sortKey(attribute: Attribute, value: Value): number | null {
  if (attribute.kind === 'integer') return Number(value)
  if (attribute.kind === 'date') return Date.parse(String(value))
  return null
}

export function toObj(r: Record<string, string>): Obj {
  const values: Values = {}
  for (const a of VALUE_ATTRIBUTES) {
    const raw = r[a.csv] ?? ''
    if (raw === '') continue
    values[a.id] = [a.kind === 'integer' ? Number(raw) : raw]
  }
  const json = JSON.stringify(values)
  const parent = r.parent ? r.parent : null
  const label = String(values[LABEL_ATTRIBUTE]?.[0] ?? '')
  return {
    identity: r.id!,
    label,
    labelCi: label.toLowerCase(),
    values,
    json,
    hash: createHash('sha1')
      .update(json + '\u0000' + (parent ?? ''))
      .digest('base64url'),
    parent,
  }
}

/** The CSV's objects in batches of `size`. */
export async function* objectBatches(csv: string, size: number): AsyncIterable<Obj[]> {
  let batch: Obj[] = []
  for await (const r of csvRows(csv)) {
    batch.push(toObj(r as Record<string, string>))
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length) yield batch
}

/** Parse + map + hash alone, no database: what every layout's figure includes before it writes. */
export async function prepareOnly(csv: string): Promise<number> {
  const start = performance.now()
  let n = 0
  for await (const batch of objectBatches(csv, 2000)) n += batch.length
  return n && (performance.now() - start) / 1000
}

/** Values the queries look for, taken from the data of an n-row first load. */
export function queryValues(n: number) {
  const middle = Math.floor(n / 2)
  const withChildren = Math.max(1, Math.floor(n / 20))
  return {
    serial: row(middle)[4]!,
    parentSerial: row(withChildren)[4]!,
    model: 'Model 123',
    manufacturer: 'Dell',
    sizeAtLeast: 3_996_000_000,
  }
}

export const sameValues = (a: Value[] | undefined, b: Value[] | undefined): boolean =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((v, i) => v === b![i])
