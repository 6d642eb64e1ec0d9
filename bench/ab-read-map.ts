/**
 * A/B of the read + map stage of two source trees in one process, rounds interleaved (on a shared machine, noise
 * then falls on both alike): `npx tsx bench/ab-read-map.ts --a=/path/to/tree-a --b=/path/to/tree-b --rows=100000`.
 * Each round reads the benchmark's CSV through tree A's connector and maps it through each tree's consumeChunk in
 * turn (as bench/read-map-only.ts does); prints per tree the least and the median CPU µs/entry of select + map.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const n = Number(arg('rows', '100000'))
const rounds = Number(arg('rounds', '7'))
const trees = [arg('a', ''), arg('b', '')].filter((t) => t !== '')

interface Tree {
  name: string
  consumeChunk: (...args: unknown[]) => Promise<void>
  newTypeResult: (id: number, name: string) => unknown
  IdBitmap: new () => unknown
  IdentityHashes: new () => unknown
  benchContext: () => { problems: unknown[]; statusNames: unknown }
  plan: { type: { id: number; name: string } }
  times: number[]
}

async function load(root: string): Promise<Tree> {
  const stage = await import(path.join(root, 'src/engine/read-map-stage.ts'))
  const result = await import(path.join(root, 'src/engine/result.ts'))
  const seen = await import(path.join(root, 'src/engine/seen-sets.ts'))
  const mapBench = await import(path.join(root, 'bench/engine/map.bench.ts'))
  const mapping = await import(path.join(root, 'bench/engine/hardware-mapping.ts'))
  return {
    name: root,
    consumeChunk: stage.consumeChunk,
    newTypeResult: result.newTypeResult,
    IdBitmap: seen.IdBitmap,
    IdentityHashes: seen.IdentityHashes,
    benchContext: mapBench.benchContext,
    plan: mapBench.benchPlan(mapBench.normalizedDocument(mapping.hardwareDocument)),
    times: [],
  }
}

const loaded = await Promise.all(trees.map(load))
const first = trees[0]!
const { writeCsv } = await import(path.join(first, 'bench/engine/hardware-data.ts'))
const { csvChunks } = await import(path.join(first, 'bench/engine/csv-chunks.ts'))
const { hardwareDocument } = await import(path.join(first, 'bench/engine/hardware-mapping.ts'))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-ab-read-map-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
const root = hardwareDocument.mapping.objectTypeMappings[0]!.selector as string

async function once(t: Tree): Promise<number> {
  const { plan } = t
  const state = {
    plan,
    result: t.newTypeResult(plan.type.id, plan.type.name),
    seenIdentities: new t.IdentityHashes(),
    batchIdentities: new Set(),
    accepted: 0,
    protectedIdentities: new Set(),
    seenIds: new t.IdBitmap(),
    uniqueValues: new Map(),
    batch: [] as unknown[],
    batchWeight: 0,
    skippedSinceFlush: 0,
    skippedHashes: [],
  }
  const mapCtx = t.benchContext()
  const run = {
    states: new Map([[plan.type.id, state]]),
    filters: new Map(),
    problems: mapCtx.problems,
    mapCtx,
    rootOffsets: new Map(),
    total: 0,
    written: 0,
  }
  const ctx = {
    statusNames: mapCtx.statusNames,
    objectSchemaId: 1,
    importSourceId: 'bench',
    tx: { findOwned: () => Promise.resolve([]) },
  }
  const flush = (s: typeof state): Promise<void> => {
    s.batch = []
    s.batchWeight = 0
    s.batchIdentities.clear()
    return Promise.resolve()
  }
  let map = 0
  for await (const chunk of csvChunks(csv, root)) {
    const since = process.cpuUsage()
    await t.consumeChunk(run, ctx, chunk, flush)
    const u = process.cpuUsage(since)
    map += u.user + u.system
  }
  if (state.accepted !== n || mapCtx.problems.length) throw new Error(`accepted ${state.accepted} of ${n}`)
  return map / n
}

try {
  for (let r = 0; r < rounds; r++)
    for (const t of r % 2 ? [...loaded].reverse() : loaded) t.times.push(await once(t))
  for (const t of loaded) {
    const sorted = [...t.times].sort((a, b) => a - b)
    console.log(
      `${t.name}: select + map least ${sorted[0]!.toFixed(2)}, median ${sorted[sorted.length >> 1]!.toFixed(2)} ` +
        `CPU µs/entry (${n} entries, ${rounds} rounds: ${t.times.map((x) => x.toFixed(2)).join(' ')})`,
    )
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
