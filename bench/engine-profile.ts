/**
 * The engine alone on SQLite, for profiling: `node --cpu-prof --import tsx bench/engine-profile.ts --rows=100000`.
 * A first load then a re-import of the same file on a fresh database, no baselines; prints µs per entry per phase.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { phasesOf } from './bench-kit.js'
import { engineRunner } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-profile-'))
const csv = path.join(dir, 'first.csv')
writeCsv(csv, { n })
const runner = await engineRunner({ INTAKE_DATA_DIR: dir })
try {
  for (const scenario of ['first load', 're-import unchanged']) {
    const start = performance.now()
    const result = await runner.runOnce(csv)
    const seconds = (performance.now() - start) / 1000
    const p = phasesOf(Object.values(result.objectTypeResultMap)[0]!)
    const us = Object.entries(p).map(
      ([k, ms]) => `${k.replace(/TimeInMs$/, '')} ${((ms * 1000) / n).toFixed(2)}`,
    )
    console.log(`${scenario}: ${seconds.toFixed(2)} s; µs/entry ${us.join(', ')}`)
  }
} finally {
  await runner.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
