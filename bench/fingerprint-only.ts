/**
 * The source fingerprint's share of the map phase (no database): `npx tsx bench/fingerprint-only.ts --rows=100000`.
 * The benchmark's hardware rows (strings, as the CSV connector reads them) through mapEntry alone, through the
 * source fingerprint alone (sourceFingerprint + its stored text), and through both as the read + map stage calls
 * them. µs per entry, least of several rounds (the machine is shared: noise only ever adds time).
 */
import { mapEntry } from '../src/engine/map-entry.js'
import { planSeed, sourceFingerprint, withSource } from '../src/engine/source-fingerprint.js'
import { hardwareDocument } from './engine/hardware-mapping.js'
import { benchContext, benchPlan, hardwareEntries, normalizedDocument } from './engine/map.bench.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 7)
const plan = benchPlan(normalizedDocument(hardwareDocument))
const entries = hardwareEntries(n)
const ctx = benchContext()
const out = new Int32Array(2)
let sink = 0

const cases: Record<string, () => void> = {
  map: () => {
    for (let i = 0; i < n; i++) if (mapEntry(plan, entries[i]!, 'x', ctx).kind !== 'mapped') sink++
  },
  fingerprint: () => {
    for (let i = 0; i < n; i++) if (sourceFingerprint(plan, entries[i]!, ctx, out)) sink += out[0]! & 1
  },
  'map, fingerprint before (a re-import)': () => {
    for (let i = 0; i < n; i++) {
      const printed = sourceFingerprint(plan, entries[i]!, ctx, out)
      const o = mapEntry(plan, entries[i]!, 'x', ctx)
      if (printed && o.kind === 'mapped') {
        o.mapped.sourceLow = out[0]!
        o.mapped.sourceHigh = out[1]!
      }
    }
  },
  'map with its fingerprint (a first load)': () => {
    for (let i = 0; i < n; i++) mapEntry(plan, entries[i]!, 'x', ctx, planSeed(plan, ctx))
  },
  'map with its fingerprint + stored hash text': () => {
    for (let i = 0; i < n; i++) {
      const o = mapEntry(plan, entries[i]!, 'x', ctx, planSeed(plan, ctx))
      if (o.kind === 'mapped')
        sink += withSource(o.mapped.hash!, o.mapped.sourceLow, o.mapped.sourceHigh).length
    }
  },
}
const best: Record<string, number> = {}
for (let r = 0; r < rounds; r++)
  for (const [name, run] of Object.entries(cases)) {
    const start = process.cpuUsage()
    run()
    const u = process.cpuUsage(start)
    best[name] = Math.min(best[name] ?? Infinity, (u.user + u.system) / n)
  }
for (const [name, us] of Object.entries(best)) console.log(`${name}: ${us.toFixed(3)} CPU µs/entry`)
if (sink < 0) console.log(sink)
