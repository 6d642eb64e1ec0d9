/**
 * Deterministic hardware-asset rows for the engine benchmark: the same N always gives the same file, so runs
 * compare. Columns: id, name, manufacturer (select), model, serial (unique), status (status), size in bytes
 * (integer), purchase date (date), owner email (email), IP address (ipaddress), parent id (self-reference).
 */
import fs from 'node:fs'
import { seededRandom } from '../../test/helpers/seeded-random.js'

export const MANUFACTURERS = ['Dell', 'Lenovo', 'HP', 'Apple', 'Cisco', 'Juniper', 'Supermicro', 'Fujitsu']
export const STATUSES = ['In Service', 'In Stock', 'Retired']
export const HEADER = [
  'id',
  'name',
  'manufacturer',
  'model',
  'serial',
  'status',
  'size',
  'purchase_date',
  'owner',
  'ip',
  'parent',
]

/**
 * One row; `version` > 0 changes the name and size (for the "10 % changed" scenario), only the size with
 * `keepName` (the name is the label: an update that keeps it changes no indexed column of the object row).
 */
export function row(i: number, version = 0, keepName = false): string[] {
  const r = seededRandom(i * 7919 + 17)
  const day = 1 + Math.floor(r() * 28)
  const month = 1 + Math.floor(r() * 12)
  const year = 2015 + Math.floor(r() * 10)
  const size = Math.floor(r() * 4_000_000_000) + version * 1024
  return [
    `asset-${i}`,
    version === 0 || keepName ? `Device ${i}` : `Device ${i} v${version}`,
    MANUFACTURERS[i % MANUFACTURERS.length]!,
    `Model ${Math.floor(r() * 500)}`,
    `SN-${(i * 2654435761) % 4294967291}-${i}`,
    STATUSES[i % STATUSES.length]!,
    String(size),
    `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    `user${i % 5000}@example.com`,
    `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    i >= 10 ? `asset-${Math.floor(i / 10)}` : '',
  ]
}

export interface Variant {
  /** Rows 0..n-1 minus gone, plus `extra` new rows after n, with `changed` rows at version 1. */
  n: number
  changedEvery?: number
  goneEvery?: number
  extra?: number
  /** The changed rows keep their name (the label): only the size changes. */
  keepName?: boolean
}

/** Writes the CSV for a variant and answers its path and row count. */
export function writeCsv(path: string, v: Variant): number {
  const fd = fs.openSync(path, 'w')
  let buffer = HEADER.join(',') + '\n'
  let count = 0
  const emit = (cells: string[]): void => {
    buffer += cells.join(',') + '\n'
    count++
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer)
      buffer = ''
    }
  }
  for (let i = 0; i < v.n; i++) {
    if (v.goneEvery && i % v.goneEvery === 1) continue
    emit(row(i, v.changedEvery && i % v.changedEvery === 0 ? 1 : 0, v.keepName))
  }
  for (let i = v.n; i < v.n + (v.extra ?? 0); i++) emit(row(i))
  fs.writeSync(fd, buffer)
  fs.closeSync(fd)
  return count
}
