/**
 * Client CPU of the binary COPY encoding alone: `npx tsx bench/engine/pg-copy-encode.ts --rows=100000 [--reps=7]`.
 * Encodes object rows shaped like the engine benchmark's (14 columns, the stored JSON ~300 characters) and
 * object_value rows (6 columns) into a stream that discards its chunks; prints the median ns per row.
 */
import { Writable } from 'node:stream'
import { BinaryCopyEncoder } from '../../src/store/pg-binary-copy.js'
import { OBJECT_INSERT, VALUE_INDEX } from '../../src/store/repositories/import-write.repository.js'
import { row } from './hardware-data.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const ROWS = arg('rows', 100_000)
const REPS = arg('reps', 7)
const NOW = '2026-12-07T12:00:00.000Z'

const objects: unknown[][] = []
const values: unknown[][] = []
for (let i = 0; i < ROWS; i++) {
  const r = row(i)
  const json = JSON.stringify(Object.fromEntries(r.map((v, k) => [String(1000 + k), [v]])))
  // In OBJECT_INSERT's order: the shared columns, then the object's own.
  objects.push([
    'ws-0001',
    3,
    7,
    'source-0001',
    NOW,
    NOW,
    null,
    i + 1,
    `HW-${i + 1}`,
    r[1],
    r[0],
    'h'.repeat(16),
    json,
    r[1]!.toLowerCase(),
  ])
  values.push([r[4]!.toLowerCase(), i + 1, 0, r[4], null])
}

async function encode(rows: unknown[][], types: readonly BulkType[], prefix: unknown[]): Promise<number> {
  let bytes = 0
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      bytes += chunk.length
      cb()
    },
  })
  const enc = new BinaryCopyEncoder(sink, types)
  const t0 = process.cpuUsage()
  for (const r of rows) if (enc.row(prefix, r)) await enc.flush()
  enc.end()
  const t = process.cpuUsage(t0)
  if (bytes === 0) throw new Error('nothing encoded')
  return ((t.user + t.system) * 1000) / rows.length
}
type BulkType = (typeof OBJECT_INSERT)[number]['pg']

const o: number[] = []
const v: number[] = []
for (let i = 0; i < REPS; i++) {
  o.push(
    await encode(
      objects,
      OBJECT_INSERT.map((c) => c.pg),
      [],
    ),
  )
  v.push(
    await encode(
      values,
      VALUE_INDEX.map((c) => c.pg),
      [5],
    ),
  )
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  `object rows: ${median(o).toFixed(0)} ns/row (${o.map((x) => x.toFixed(0)).join(', ')}); value-index rows: ${median(v).toFixed(0)} ns/row (${v.map((x) => x.toFixed(0)).join(', ')})`,
)
