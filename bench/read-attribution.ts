/**
 * Where the CSV connector's parse lands among the engine's phases: `node --import tsx --import
 * ./bench/engine/cpu-phases.ts bench/read-attribution.ts --rows=200000 [--chunk=N] [--pg]` (with CPU_CLOCK=1 the
 * phases are CPU time). One first load of the benchmark's CSV file on a fresh database, the file read as a file
 * import reads it (csvChunks, `--chunk` rows per chunk). Besides the engine's phases it prints, in CPU µs per entry:
 * the parse (papaparse and the connector's row building: every `data` event of the connector's object-mode stream),
 * split into the part that ran while the engine awaited the next chunk (counted as read) and the part that ran
 * during another phase's await (the read-ahead: counted as that phase); and the CPU of the engine's waits for the
 * next chunk as a whole, so that the handoff's own cost (the rest) shows.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { DataChunk } from '../src/engine/engine-types.js'
import { FILE_BATCH_SIZE } from '../src/services/file-import-processor.js'
import { phasesOf } from './bench-kit.js'
import { csvChunks } from './engine/csv-chunks.js'
import { engineRunnerFor } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'
import { freshDatabase } from './scratch.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const n = arg('rows', 200000)
const chunkRows = arg('chunk', FILE_BATCH_SIZE)
const pgUrl = process.argv.includes('--pg') ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

let inNext = false
let parseInNext = 0
let parseElsewhere = 0
let nextMs = 0
let depth = 0
/** With NEXT_INTERVALS=file: the waits for the next chunk, [start, end] in µs of the monotonic clock (a CPU profile's). */
const intervals: number[] = []
const monoUs = (): number => Number(process.hrtime.bigint() / 1000n)
// The connector's parse runs in the `data` listeners papaparse puts on its object-mode source stream.
type On = (this: Readable, event: string | symbol, listener: (...a: unknown[]) => void) => Readable
const on = Readable.prototype.on as On
const timedOn: On = function (this, event, listener) {
  if (event !== 'data' || !this.readableObjectMode) return on.call(this, event, listener)
  const timedListener = (...a: unknown[]): void => {
    if (depth++ > 0) return void listener(...a)
    const start = cpuMs()
    try {
      listener(...a)
    } finally {
      depth--
      const ms = cpuMs() - start
      if (inNext) parseInNext += ms
      else parseElsewhere += ms
    }
  }
  return on.call(this, event, timedListener)
}
Readable.prototype.on = timedOn as typeof Readable.prototype.on

/** The chunks, marking the engine's waits for the next one. */
async function* marked(chunks: AsyncIterable<DataChunk>): AsyncGenerator<DataChunk> {
  const it = chunks[Symbol.asyncIterator]()
  for (;;) {
    inNext = true
    const start = cpuMs()
    intervals.push(monoUs())
    const next = await it.next()
    intervals.push(monoUs())
    nextMs += cpuMs() - start
    inNext = false
    if (next.done) return
    yield next.value
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-read-attr-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
const db = await freshDatabase(pgUrl ? { DATABASE_URL: pgUrl } : {})
const runner = await engineRunnerFor(db.env, (root) => marked(csvChunks(csv, root, chunkRows)))
try {
  const processStart = cpuMs()
  const result = await runner.runOnce(csv)
  const processMs = cpuMs() - processStart
  const t = Object.values(result.objectTypeResultMap)[0]!
  const p = phasesOf(t)
  const us = (ms: number): string => ((ms * 1000) / n).toFixed(2)
  console.log(
    `${pgUrl ? 'postgres' : 'sqlite'} rows ${n} chunk ${chunkRows}: read / map / decide / write / post ` +
      `${[p.readExternalDataTimeInMs, p.mapExternalDataTimeInMs, p.decidingActionsTimeInMs, p.writeInsightDataTimeInMs, p.postFunctionTimeInMs].map(us).join(' / ')} µs/entry; ` +
      `parse ${us(parseInNext + parseElsewhere)} (in next() ${us(parseInNext)}, during other phases ${us(parseElsewhere)}); ` +
      `next() ${us(nextMs)} (of which not parse ${us(nextMs - parseInNext)}); run CPU ${us(processMs)}`,
  )
  if (process.env.NEXT_INTERVALS) fs.writeFileSync(process.env.NEXT_INTERVALS, JSON.stringify(intervals))
} finally {
  await runner.close()
  await db.drop()
  fs.rmSync(dir, { recursive: true, force: true })
}
