/**
 * The map phase alone (no database): `npx tsx bench/map-only.ts --rows=100000`. Wall time is the best pass of the
 * best round; CPU time (process.cpuUsage, garbage-collector threads included) is the least per round — the figure
 * to compare on a shared machine, where other processes only ever add wall time.
 */
import { benchPlan, hardwareEntries, normalizedDocument, timeMapAndHash } from './engine/map.bench.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const plan = benchPlan(normalizedDocument(hardwareDocument))
const entries = hardwareEntries(n)
const PASSES = 2
let best = { mapUs: Infinity, hashUs: Infinity, cpuUs: Infinity }
for (let round = 0; round < 5; round++) {
  const start = process.cpuUsage()
  const r = timeMapAndHash(plan, entries, PASSES)
  const cpu = process.cpuUsage(start)
  // The warm-up pass counts in the CPU time too: PASSES + 1 passes over the entries.
  const cpuUs = (cpu.user + cpu.system) / ((PASSES + 1) * n)
  best = {
    mapUs: Math.min(best.mapUs, r.mapUs),
    hashUs: Math.min(best.hashUs, r.hashUs),
    cpuUs: Math.min(best.cpuUs, cpuUs),
  }
}
console.log(
  `map ${best.mapUs.toFixed(2)} µs/entry, hash ${best.hashUs.toFixed(2)} µs/entry (${n} entries, best of 5 rounds); ` +
    `CPU ${best.cpuUs.toFixed(2)} µs/entry (map + hash, least of 5 rounds)`,
)
