/**
 * The read and map phases without a database: `npx tsx bench/read-map-only.ts --rows=100000 [--rounds=5]`. The
 * benchmark's CSV file through the CSV connector (as csvChunks hands it to the engine), each chunk through the
 * engine's consumeChunk (select, map, hash, duplicate check) with a write stage that only empties the batch.
 * Per round: process CPU time (all threads, the garbage collector's included) per entry inside the connector's
 * `next()` (read) and inside consumeChunk (select + map); the least of the rounds is printed — on a shared machine
 * other processes only ever add to it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { consumeChunk } from '../src/engine/read-map-stage.js'
import { newTypeResult } from '../src/engine/result.js'
import type { Run, TypeState, WriteContext } from '../src/engine/run-context.js'
import { IdBitmap, IdentityHashes } from '../src/engine/seen-sets.js'
import { csvChunks } from './engine/csv-chunks.js'
import { writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'
import { benchContext, benchPlan, normalizedDocument } from './engine/map.bench.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const n = arg('rows', 100000)
const rounds = arg('rounds', 5)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-read-map-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
const plan = benchPlan(normalizedDocument(hardwareDocument))
const root = hardwareDocument.mapping.objectTypeMappings[0]!.selector

const cpuUs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since)
  return u.user + u.system
}

async function once(): Promise<{ read: number; map: number }> {
  const state: TypeState = {
    plan,
    result: newTypeResult(plan.type.id, plan.type.name),
    seenIdentities: new IdentityHashes(),
    batchIdentities: new Set(),
    accepted: 0,
    protectedIdentities: new Set(),
    seenIds: new IdBitmap(),
    uniqueValues: new Map(),
    batch: [],
    batchWeight: 0,
    skippedSinceFlush: 0,
    skippedHashes: [],
  }
  const mapCtx = benchContext()
  const run = {
    states: new Map([[plan.type.id, state]]),
    filters: new Map(),
    problems: mapCtx.problems,
    mapCtx,
    rootOffsets: new Map(),
    total: 0,
    written: 0,
  } as unknown as Run
  const ctx = {
    statusNames: mapCtx.statusNames,
    objectSchemaId: 1,
    importSourceId: 'bench',
    tx: { findOwned: () => Promise.resolve([]) },
  } as unknown as WriteContext
  // The write stage's bookkeeping alone (type-writer.ts flushBatch): the batch goes.
  const flush = (s: TypeState): Promise<void> => {
    s.batch = []
    s.batchWeight = 0
    s.batchIdentities.clear()
    return Promise.resolve()
  }
  let read = 0
  let map = 0
  const chunks = csvChunks(csv, root)[Symbol.asyncIterator]()
  for (;;) {
    let since = process.cpuUsage()
    const next = await chunks.next()
    read += cpuUs(since)
    if (next.done) break
    since = process.cpuUsage()
    await consumeChunk(run, ctx, next.value, flush)
    map += cpuUs(since)
  }
  if (state.accepted !== n || mapCtx.problems.length) throw new Error(`accepted ${state.accepted} of ${n}`)
  return { read: read / n, map: map / n }
}

try {
  const results: { read: number; map: number }[] = []
  for (let r = 0; r < rounds; r++) results.push(await once())
  const least = (k: 'read' | 'map') => Math.min(...results.map((x) => x[k])).toFixed(2)
  console.log(
    `read (connector) ${least('read')} CPU µs/entry, select + map ${least('map')} CPU µs/entry ` +
      `(${n} entries, least of ${rounds} rounds; map per round: ${results.map((x) => x.map.toFixed(2)).join(' ')})`,
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
