/** Mapping cost of value shaping alone (no database): `npx tsx bench/shaping-only.ts --rows=20000`. */
import { benchShaping, shapingTable } from './engine/shaping.bench.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 20000)
console.log(shapingTable(benchShaping(n)))
