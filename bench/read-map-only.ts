/**
 * The read and map phases without a database: `npx tsx bench/read-map-only.ts --rows=100000 [--rounds=5] [--chunk=N]
 * [--pg] [--keep-entries] [--survivors | --allocations]`. The benchmark's CSV file through the CSV connector (as
 * csvChunks hands it to the engine; `--chunk`: rows per chunk), each chunk through the engine's consumeChunk
 * (select, map, hash, duplicate check; SQLite's batch size, PostgreSQL's with `--pg`) with a write stage that only
 * empties the batch. The engine releases each entry from its chunk once mapped (EngineInput releaseEntries, as file
 * imports and pushes run it), unless `--keep-entries`.
 * Per round: process CPU time (all threads, the garbage collector's included) per entry inside the connector's
 * `next()` (read) and inside consumeChunk (select + map); the least of the rounds is printed — on a shared machine
 * other processes only ever add to it. Per round also the young generation's work (v8.GCProfiler, read and map
 * together): scavenges, their pause, the bytes they promoted and those that reached the old generation either way.
 * Run with `NODE_OPTIONS=--max-semi-space-size=4` for the server's young generation.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Session } from 'node:inspector/promises'
import v8 from 'node:v8'
import { consumeChunk } from '../src/engine/read-map-stage.js'
import { newTypeResult } from '../src/engine/result.js'
import { FILE_BATCH_SIZE } from '../src/services/file-import-processor.js'
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
/** The write stage's database: its batch size (read-map-stage.ts). */
const dialect = process.argv.includes('--pg') ? 'postgres' : 'sqlite'
/** Rows per chunk (the connector's batch; file imports: FILE_BATCH_SIZE). */
const chunkRows = arg('chunk', FILE_BATCH_SIZE)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-read-map-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
const plan = benchPlan(normalizedDocument(hardwareDocument))
const root = hardwareDocument.mapping.objectTypeMappings[0]!.selector

const cpuUs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since)
  return u.user + u.system
}

interface Round {
  read: number
  map: number
  scavenges: number
  scavengeMs: number
  promotedMb: number
  tenuredMb: number
}

const YOUNG = new Set(['new_space', 'new_large_object_space'])

type GcStats = v8.GCProfilerResult['statistics']
/** Bytes in the old generation (every space but the young generation's) at one point of a GC record. */
const oldBytes = (h: GcStats[number]['beforeGC']): number =>
  h.heapSpaceStatistics.reduce((sum, x) => (YOUNG.has(x.spaceName) ? sum : sum + x.spaceUsedSize), 0)

/**
 * Scavenges, their pause, the bytes they promoted, and the bytes that reached the old generation either way
 * (promoted, or allocated there directly: V8 pretenures an allocation site whose objects mostly survive), from a
 * GCProfiler's statistics.
 */
function young(stats: GcStats): Omit<Round, 'read' | 'map'> {
  let scavenges = 0
  let us = 0
  let promoted = 0
  let pretenured = 0
  let last: number | null = null
  for (const s of stats) {
    const before = oldBytes(s.beforeGC)
    if (last !== null) pretenured += Math.max(0, before - last)
    last = oldBytes(s.afterGC)
    if (s.gcType !== 'Scavenge') continue
    scavenges++
    us += s.cost
    promoted += Math.max(0, last - before)
  }
  return {
    scavenges,
    scavengeMs: us / 1000,
    promotedMb: promoted / 1e6,
    tenuredMb: (promoted + pretenured) / 1e6,
  }
}

async function once(): Promise<Round> {
  const profiler = new v8.GCProfiler()
  profiler.start()
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
    input: { releaseEntries: !process.argv.includes('--keep-entries') },
    total: 0,
    written: 0,
  } as unknown as Run
  const ctx = {
    statusNames: mapCtx.statusNames,
    objectSchemaId: 1,
    importSourceId: 'bench',
    tx: { dialect, findOwned: () => Promise.resolve([]) },
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
  const chunks = csvChunks(csv, root, chunkRows)[Symbol.asyncIterator]()
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
  return { read: read / n, map: map / n, ...young(profiler.stop().statistics) }
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: SamplingNode[]
}

/**
 * `--survivors`: the allocation sites of what outlives the young generation, from one round under V8's sampling
 * heap profiler keeping the samples of objects a full GC collected (and those still alive) but not those a scavenge
 * collected — what was copied out of the young generation into the old, by the function that allocated it.
 * `--allocations`: every sample (all that was allocated).
 */
async function survivors(all: boolean): Promise<void> {
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.enable')
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: all,
  } as never)
  await once()
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: SamplingNode }
  }
  session.disconnect()
  const sites = new Map<string, number>()
  const visit = (node: SamplingNode, caller: string) => {
    const f = node.callFrame
    const here = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`
    const name = f.url === '' ? `${here} ← ${caller}` : here
    if (node.selfSize > 0) sites.set(name, (sites.get(name) ?? 0) + node.selfSize)
    for (const c of node.children) visit(c, f.url === '' ? caller : here)
  }
  visit(profile.head, '')
  const total = [...sites.values()].reduce((a, b) => a + b, 0)
  const what = all ? 'allocated' : 'outlived the young generation'
  console.log(`${what}: ${(total / n) | 0} B/entry (sampled), by allocating function:`)
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${String(Math.round(bytes / n)).padStart(6)} B/entry  ${site}`)
}

try {
  if (process.argv.includes('--survivors') || process.argv.includes('--allocations')) {
    await survivors(process.argv.includes('--allocations'))
    process.exit(0)
  }
  const results: Round[] = []
  for (let r = 0; r < rounds; r++) results.push(await once())
  const least = (k: 'read' | 'map') => Math.min(...results.map((x) => x[k])).toFixed(2)
  const each = (f: (x: Round) => string) => results.map(f).join(' ')
  console.log(
    `read (connector) ${least('read')} CPU µs/entry, select + map ${least('map')} CPU µs/entry ` +
      `(${n} entries, least of ${rounds} rounds; map per round: ${each((x) => x.map.toFixed(2))})\n` +
      `young generation per round: scavenges ${each((x) => String(x.scavenges))}; ` +
      `pause ms ${each((x) => x.scavengeMs.toFixed(0))}; promoted MB ${each((x) => x.promotedMb.toFixed(0))}; ` +
      `into the old generation MB ${each((x) => x.tenuredMb.toFixed(0))}`,
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
