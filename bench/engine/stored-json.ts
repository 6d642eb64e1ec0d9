/**
 * The stored JSON of mapped entries alone (issue 11 eighth pass, branch sqlwrite2): `storedValuesJson` over SlotMaps
 * shaped like the engine benchmark's entries (ten attributes: texts, a number, a date, an email, an IP), CPU ns per
 * entry, `--other=<path of another slot-map.ts>` timed in alternation with this checkout's:
 *
 *   npx tsx bench/engine/stored-json.ts [--n=200000] [--rounds=6] [--other=/path/to/src/engine/slot-map.ts]
 */
import { SlotLayout, SlotMap, storedValuesJson } from '../../src/engine/slot-map.js'
import type { CanonicalValue } from '../../src/domain/schema/types.js'
import { row } from './hardware-data.js'

const arg = (name: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d
const n = Number(arg('n', '200000'))
const rounds = Number(arg('rounds', '6'))
const otherPath = arg('other', '')

const layout = new SlotLayout<number>([101, 102, 103, 104, 105, 106, 107, 108, 109, 110])
const entries: SlotMap<number, CanonicalValue>[] = []
for (let i = 0; i < n; i++) {
  const r = row(i)
  const slots: CanonicalValue[] = [
    r[0]!,
    r[1]!,
    r[2]!,
    r[3]!,
    r[4]!,
    r[5]!,
    Number(r[6]),
    r[7]!,
    r[8]!,
    r[9]!,
  ]
  entries.push(new SlotMap<number, CanonicalValue>(layout, slots, slots.length))
}
type Fn = (v: SlotMap<number, CanonicalValue>) => string
const fns: [string, Fn][] = [['this', storedValuesJson]]
if (otherPath) {
  const other = (await import(otherPath)) as { storedValuesJson: Fn }
  fns.push(['other', other.storedValuesJson])
  for (let i = 0; i < 1000; i++)
    if (other.storedValuesJson(entries[i]!) !== storedValuesJson(entries[i]!))
      throw new Error(`differs at ${i}`)
}
const times = new Map<string, number[]>()
let sink = 0
for (let round = 0; round < rounds; round++)
  for (const [name, fn] of round % 2 ? [...fns].reverse() : fns) {
    const c = process.cpuUsage()
    for (const e of entries) sink += fn(e).length
    const d = process.cpuUsage(c)
    ;(times.get(name) ?? times.set(name, []).get(name)!).push(((d.user + d.system) * 1000) / n)
  }
for (const [name, t] of times)
  console.log(`${name}: ${t.map((x) => x.toFixed(0)).join(' ')} ns/entry (sink ${sink > 0})`)
