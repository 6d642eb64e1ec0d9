/** The map phase alone (no database): `npx tsx bench/map-only.ts --rows=100000`. */
import { benchPlan, hardwareEntries, normalizedDocument, timeMapAndHash } from './engine/map.bench.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const plan = benchPlan(normalizedDocument(hardwareDocument))
const entries = hardwareEntries(n)
let best = { mapUs: Infinity, hashUs: Infinity }
for (let round = 0; round < 5; round++) {
  const r = timeMapAndHash(plan, entries, 2)
  best = { mapUs: Math.min(best.mapUs, r.mapUs), hashUs: Math.min(best.hashUs, r.hashUs) }
}
console.log(
  `map ${best.mapUs.toFixed(2)} µs/entry, hash ${best.hashUs.toFixed(2)} µs/entry (${n} entries, best of 5 rounds)`,
)
