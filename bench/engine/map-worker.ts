/**
 * Read + map in a worker thread (issue 11, eleventh pass, branch mapworker): what the main thread pays to RECEIVE
 * mapped entries that a worker_threads worker parsed (CSV connector), selected and mapped (mapEntry, with the first
 * load's source fingerprint), against what it pays to read + map them itself.
 *
 *   npx tsx bench/engine/map-worker.ts --rows=200000 [--modes=inline,clone,cols,json,pack] [--rounds=3]
 *
 * Modes:
 * - inline: the main thread reads the CSV and maps each entry (the engine's path today).
 * - clone:  the worker posts each chunk's mapped entries as an array of plain arrays (structured clone);
 * - cols:   as one columnar object per chunk (identities[], labels[], hashes[], one flat array of value slots, the
 *           fingerprints as numbers): fewer objects for the serializer;
 * - json:   the columnar object as one JSON string per chunk (JSON.parse on the main thread);
 * - pack:   every field in one string per chunk, split on the main thread (see toPack);
 * - print-inline / print: an unchanged re-import's check instead of mapping (see readAndPrint).
 * In every worker mode the main thread rebuilds MappedEntry objects (SlotMap over the plan's layouts), as the write
 * stage needs them. At most `--inflight` chunks (default 4) are posted and not yet taken (backpressure: the main
 * thread acknowledges each chunk it took).
 * Printed per mode: main-thread CPU µs per entry (/proc/thread-self/schedstat: this thread only), the worker's
 * thread CPU µs per entry, process CPU, wall.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { entryIdentity, mapEntry, type MappedEntry } from '../../src/engine/map-entry.js'
import { entriesForMapping, type SelectorProblem } from '../../src/engine/selector.js'
import { SlotMap, type SlotLayout } from '../../src/engine/slot-map.js'
import { planSeed, sourceFingerprint } from '../../src/engine/source-fingerprint.js'
import type { CanonicalValue } from '../../src/domain/schema/types.js'
import { csvChunks } from './csv-chunks.js'
import { HEADER, row, writeCsv } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'
import { benchContext, benchPlan, normalizedDocument } from './map.bench.js'

const NO_NUMBERS: ReadonlySet<number> = new Set()
const NO_LISTS: ReadonlyMap<number, string[]> = new Map()

type Mode = 'inline' | 'clone' | 'cols' | 'json' | 'pack' | 'print-inline' | 'print'

/**
 * The unchanged re-import's read + map (print modes): per entry its source fingerprint and identity
 * (sourceFingerprint, entryIdentity, as read-map-stage.ts does before mapping), checked against a table of what the
 * source owns (here a Map identity → position and the stored fingerprints, built once by an untimed pass). Every
 * entry matches. print-inline: all on the main thread; print: the worker parses and makes identity + fingerprint,
 * posts per chunk the identities (string[]) and the fingerprints (an Int32Array, transferred); the main thread only
 * looks them up.
 */
interface Owned {
  at: Map<string, number>
  prints: Int32Array
}
let owned: Owned | null = null
const PRINT = new Int32Array(2)

async function readAndPrint(
  csv: string,
  emit: (identities: string[], prints: Int32Array) => void | Promise<void>,
): Promise<number> {
  const { plan, ctx } = setup()
  const offsets = new Map<string, number>()
  let total = 0
  for await (const chunk of csvChunks(csv, ROOT)) {
    const sel = entriesForMapping(chunk, plan.selector, plan.mapping.objectTypeExternalId, [], offsets)
    const identities = new Array<string>(sel.length)
    const prints = new Int32Array(2 * sel.length)
    for (let i = 0; i < sel.length; i++) {
      const entry = sel.take(i)
      if (!sourceFingerprint(plan, entry, ctx, PRINT)) throw new Error('no fingerprint')
      identities[i] = entryIdentity(plan, entry, ctx)!
      prints[2 * i] = PRINT[0]!
      prints[2 * i + 1] = PRINT[1]!
    }
    offsets.set(ROOT, (offsets.get(ROOT) ?? 0) + (chunk[ROOT] as unknown[]).length)
    total += sel.length
    await emit(identities, prints)
  }
  return total
}

/** Looks a chunk's entries up in the owned table: answers how many were identical (all, for this file). */
function checkPrints(identities: string[], prints: Int32Array): number {
  let same = 0
  for (let i = 0; i < identities.length; i++) {
    const at = owned!.at.get(identities[i]!)
    if (
      at !== undefined &&
      owned!.prints[2 * at] === prints[2 * i] &&
      owned!.prints[2 * at + 1] === prints[2 * i + 1]
    )
      same++
  }
  return same
}

async function ownedTable(csv: string, rows: number): Promise<void> {
  if (owned) return
  const table: Owned = { at: new Map(), prints: new Int32Array(2 * rows) }
  await readAndPrint(csv, (identities, prints) => {
    for (let i = 0; i < identities.length; i++) {
      const at = table.at.size
      table.at.set(identities[i]!, at)
      table.prints[2 * at] = prints[2 * i]!
      table.prints[2 * at + 1] = prints[2 * i + 1]!
    }
  })
  owned = table
}

/**
 * pack mode: every field of every entry of a chunk in one string, fields separated by U+0001 (a structured clone
 * of one string is a copy): per entry index, identity, label, hash, low, high, then each value slot, reference slot
 * and placeholder slot — '' unset, 's…' a string, 'n…' a number, 'b0'/'b1' a boolean, 'l…' a list as JSON.
 * Assumes no U+0001 in the data (a product would escape it).
 */
const SEP = '\u0001'
function packSlot(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return 's' + v
  if (typeof v === 'number') return 'n' + String(v)
  if (typeof v === 'boolean') return v ? 'b1' : 'b0'
  return 'l' + JSON.stringify(v)
}
function unpackSlot(f: string): unknown {
  if (f === '') return undefined
  const t = f.charCodeAt(0)
  if (t === 115) return f.slice(1)
  if (t === 110) return Number(f.slice(1))
  if (t === 98) return f === 'b1'
  return JSON.parse(f.slice(1))
}
function toPack(mapped: MappedEntry[], vs: number, rs: number, ps: number): string {
  const parts: string[] = [mapped[0]?.path ?? '', String(mapped.length)]
  for (const m of mapped) {
    parts.push(String(m.index), m.identity, m.label, m.hash!, String(m.sourceLow), String(m.sourceHigh))
    const v = (m.values as SlotMap<number, CanonicalValue>).rawSlots()
    for (let s = 0; s < vs; s++) parts.push(packSlot(v[s]))
    const r = (m.references as SlotMap<number, string>).rawSlots()
    for (let s = 0; s < rs; s++) parts.push(packSlot(r[s]))
    const p = (m.placeholders as SlotMap<string, string>).rawSlots()
    for (let s = 0; s < ps; s++) parts.push(packSlot(p[s]))
  }
  return parts.join(SEP)
}
function fromPack(text: string, l: Layouts): MappedEntry[] {
  const f = text.split(SEP)
  const vs = l.values.keys.length
  const rs = l.refs.keys.length
  const ps = l.placeholders.keys.length
  const pathText = f[0]!
  const n = Number(f[1])
  const out = new Array<MappedEntry>(n)
  let at = 2
  const take = (k: number): [unknown[], number] => {
    const slots = new Array<unknown>(k)
    let c = 0
    for (let s = 0; s < k; s++) {
      const v = unpackSlot(f[at++]!)
      if (v !== undefined) {
        slots[s] = v
        c++
      }
    }
    return [slots, c]
  }
  for (let i = 0; i < n; i++) {
    const index = Number(f[at])
    const identity = f[at + 1]!
    const label = f[at + 2]!
    const hash = f[at + 3]!
    const low = Number(f[at + 4])
    const high = Number(f[at + 5])
    at += 6
    const [v, vc] = take(vs)
    const [r, rc] = take(rs)
    const [p, pc] = take(ps)
    out[i] = {
      path: pathText,
      index,
      identity,
      label,
      values: new SlotMap(l.values, v as never, vc),
      empty: NO_NUMBERS,
      references: rc ? new SlotMap(l.refs, r as never, rc) : l.noRefs,
      placeholders: pc ? new SlotMap(l.placeholders, p as never, pc) : l.noPlaceholders,
      newOptions: NO_LISTS,
      hash,
      sourceLow: low,
      sourceHigh: high,
    }
  }
  return out
}
const ROOT = hardwareDocument.mapping.objectTypeMappings[0]!.selector

/** CPU time of the calling thread, in µs. */
function threadCpuUs(): number {
  return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000
}

function setup() {
  const plan = benchPlan(normalizedDocument(hardwareDocument))
  const ctx = benchContext()
  return { plan, ctx, seed: planSeed(plan, ctx) }
}

/** Columnar form of a chunk's mapped entries. */
interface Cols {
  n: number
  path: string
  index: number[]
  identity: string[]
  label: string[]
  hash: string[]
  /** n × value slots, then n × reference slots, n × placeholder slots (undefined → null). */
  values: (CanonicalValue | CanonicalValue[] | null)[]
  refs: (string | string[] | null)[]
  placeholders: (string | string[] | null)[]
  source: number[]
}

function toCols(mapped: MappedEntry[], vs: number, rs: number, ps: number): Cols {
  const n = mapped.length
  const values = new Array(n * vs).fill(null)
  const refs = new Array(n * rs).fill(null)
  const placeholders = new Array(n * ps).fill(null)
  const c: Cols = {
    n,
    path: n ? mapped[0]!.path : '',
    index: new Array(n),
    identity: new Array(n),
    label: new Array(n),
    hash: new Array(n),
    values,
    refs,
    placeholders,
    source: new Array(2 * n),
  }
  for (let i = 0; i < n; i++) {
    const m = mapped[i]!
    c.index[i] = m.index
    c.identity[i] = m.identity
    c.label[i] = m.label
    c.hash[i] = m.hash!
    c.source[2 * i] = m.sourceLow
    c.source[2 * i + 1] = m.sourceHigh
    const v = (m.values as SlotMap<number, CanonicalValue>).rawSlots()
    for (let s = 0; s < v.length; s++) if (v[s] !== undefined) values[i * vs + s] = v[s]
    const r = (m.references as SlotMap<number, string>).rawSlots()
    for (let s = 0; s < r.length; s++) if (r[s] !== undefined) refs[i * rs + s] = r[s]
    const p = (m.placeholders as SlotMap<string, string>).rawSlots()
    for (let s = 0; s < p.length; s++) if (p[s] !== undefined) placeholders[i * ps + s] = p[s]
  }
  return c
}

interface Layouts {
  values: SlotLayout<number>
  refs: SlotLayout<number>
  placeholders: SlotLayout<string>
  noRefs: SlotMap<number, string>
  noPlaceholders: SlotMap<string, string>
}

function slotsOf<T>(
  flat: (T | T[] | null)[],
  at: number,
  k: number,
): { slots: (T | T[] | undefined)[]; count: number } {
  const slots = new Array<T | T[] | undefined>(k)
  let count = 0
  for (let s = 0; s < k; s++) {
    const v = flat[at + s]
    if (v !== null && v !== undefined) {
      slots[s] = v
      count++
    }
  }
  return { slots, count }
}

/** The main thread's side: MappedEntry objects from the columnar form. */
function fromCols(c: Cols, l: Layouts): MappedEntry[] {
  const vs = l.values.keys.length
  const rs = l.refs.keys.length
  const ps = l.placeholders.keys.length
  const out = new Array<MappedEntry>(c.n)
  for (let i = 0; i < c.n; i++) {
    const v = slotsOf(c.values, i * vs, vs)
    const r = rs ? slotsOf(c.refs, i * rs, rs) : null
    const p = ps ? slotsOf(c.placeholders, i * ps, ps) : null
    out[i] = {
      path: c.path,
      index: c.index[i]!,
      identity: c.identity[i]!,
      label: c.label[i]!,
      values: new SlotMap(l.values, v.slots as never, v.count),
      empty: NO_NUMBERS,
      references: r && r.count ? new SlotMap(l.refs, r.slots as never, r.count) : l.noRefs,
      placeholders: p && p.count ? new SlotMap(l.placeholders, p.slots as never, p.count) : l.noPlaceholders,
      newOptions: NO_LISTS,
      hash: c.hash[i]!,
      sourceLow: c.source[2 * i]!,
      sourceHigh: c.source[2 * i + 1]!,
    }
  }
  return out
}

/** Array-per-entry form (clone mode). */
type Row = [number, string, string, string, number, number, unknown[], unknown[] | null, unknown[] | null]

function toRows(mapped: MappedEntry[]): Row[] {
  return mapped.map((m) => [
    m.index,
    m.identity,
    m.label,
    m.hash!,
    m.sourceLow,
    m.sourceHigh,
    [...(m.values as SlotMap<number, CanonicalValue>).rawSlots()],
    m.references.size ? [...(m.references as SlotMap<number, string>).rawSlots()] : null,
    m.placeholders.size ? [...(m.placeholders as SlotMap<string, string>).rawSlots()] : null,
  ])
}

function countSet(s: unknown[]): number {
  let c = 0
  for (const x of s) if (x !== undefined && x !== null) c++
  return c
}

function fromRows(rows: Row[], pathText: string, l: Layouts): MappedEntry[] {
  return rows.map((r) => ({
    path: pathText,
    index: r[0],
    identity: r[1],
    label: r[2],
    values: new SlotMap(l.values, r[6] as never, countSet(r[6])),
    empty: NO_NUMBERS,
    references: r[7] ? new SlotMap(l.refs, r[7] as never, countSet(r[7])) : l.noRefs,
    placeholders: r[8] ? new SlotMap(l.placeholders, r[8] as never, countSet(r[8])) : l.noPlaceholders,
    newOptions: NO_LISTS,
    hash: r[3],
    sourceLow: r[4],
    sourceHigh: r[5],
  }))
}

/** Reads + maps one CSV chunk by chunk, handing each chunk's mapped entries to `emit`. */
async function readAndMap(
  csv: string,
  emit: (mapped: MappedEntry[]) => void | Promise<void>,
  given?: ReturnType<typeof setup>,
): Promise<number> {
  const { plan, ctx, seed } = given ?? setup()
  const offsets = new Map<string, number>()
  let total = 0
  for await (const chunk of csvChunks(csv, ROOT)) {
    const problems: SelectorProblem[] = []
    const sel = entriesForMapping(chunk, plan.selector, plan.mapping.objectTypeExternalId, problems, offsets)
    const mapped: MappedEntry[] = []
    for (let i = 0; i < sel.length; i++) {
      const o = mapEntry(plan, sel.take(i), sel.paths[i]!, ctx, seed, sel.indexes[i]!)
      if (o.kind === 'mapped') mapped.push(o.mapped)
    }
    offsets.set(ROOT, (offsets.get(ROOT) ?? 0) + (chunk[ROOT] as unknown[]).length)
    total += mapped.length
    await emit(mapped)
  }
  return total
}

async function workerMain(): Promise<void> {
  const { csv, mode, inflight } = workerData as { csv: string; mode: Mode; inflight: number }
  const port = parentPort!
  let credit = inflight
  let wake: (() => void) | null = null
  port.on('message', () => {
    credit++
    wake?.()
  })
  if (mode === 'print') {
    const cpu0 = threadCpuUs()
    let encodeUs = 0
    await readAndPrint(csv, async (identities, prints) => {
      while (credit === 0) await new Promise<void>((r) => (wake = r))
      wake = null
      credit--
      const e0 = threadCpuUs()
      port.postMessage({ identities, prints }, [prints.buffer as ArrayBuffer])
      encodeUs += threadCpuUs() - e0
    })
    port.postMessage({ done: true, cpuUs: threadCpuUs() - cpu0, encodeUs, startUs: cpu0 })
    port.removeAllListeners('message')
    return
  }
  let vs = 0
  let rs = 0
  let ps = 0
  const given = setup()
  const cpu0 = threadCpuUs()
  let encodeUs = 0
  await readAndMap(
    csv,
    async (mapped) => {
      if (mapped.length && vs === 0) {
        vs = (mapped[0]!.values as SlotMap<number, CanonicalValue>).layout.keys.length
        rs = (mapped[0]!.references as SlotMap<number, string>).layout.keys.length
        ps = (mapped[0]!.placeholders as SlotMap<string, string>).layout.keys.length
      }
      while (credit === 0) await new Promise<void>((r) => (wake = r))
      wake = null
      credit--
      const e0 = threadCpuUs()
      if (mode === 'clone') port.postMessage({ path: mapped[0]?.path ?? '', rows: toRows(mapped) })
      else if (mode === 'cols') port.postMessage(toCols(mapped, vs, rs, ps))
      else if (mode === 'pack') port.postMessage(toPack(mapped, vs, rs, ps))
      else port.postMessage(JSON.stringify(toCols(mapped, vs, rs, ps)))
      encodeUs += threadCpuUs() - e0
    },
    given,
  )
  port.postMessage({ done: true, cpuUs: threadCpuUs() - cpu0, encodeUs, startUs: cpu0 })
  port.removeAllListeners('message')
}

interface Figures {
  mode: Mode
  n: number
  mainUs: number
  workerUs: number
  encodeUs: number
  processUs: number
  wallMs: number
}

async function layoutsFor(): Promise<Layouts> {
  const { plan, ctx, seed } = setup()
  const entry = Object.fromEntries(HEADER.map((h, c) => [h, row(12345)[c]!]))
  const o = mapEntry(plan, entry, ROOT, ctx, seed, 0)
  if (o.kind !== 'mapped') throw new Error('layout row did not map')
  const m = o.mapped
  const values = (m.values as SlotMap<number, CanonicalValue>).layout
  const refs = (m.references as SlotMap<number, string>).layout
  const placeholders = (m.placeholders as SlotMap<string, string>).layout
  return {
    values,
    refs,
    placeholders,
    noRefs: SlotMap.empty(refs),
    noPlaceholders: SlotMap.empty(placeholders),
  }
}

/** A stand-in for the write stage's reading of each entry (so the rebuilt entries are touched as they would be). */
let sink = 0
function consume(batch: MappedEntry[]): void {
  for (const m of batch) sink += m.identity.length + (m.hash?.length ?? 0) + m.values.size
}

async function runMode(csv: string, mode: Mode, inflight: number): Promise<Figures> {
  const cpu0 = threadCpuUs()
  const p0 = process.cpuUsage()
  const t0 = performance.now()
  if (mode === 'print-inline') {
    let same = 0
    const n = await readAndPrint(csv, (identities, prints) => {
      same += checkPrints(identities, prints)
    })
    if (same !== n) throw new Error(`print-inline: ${same} of ${n} identical`)
    const mainUs = threadCpuUs() - cpu0
    const p = process.cpuUsage(p0)
    return {
      mode,
      n,
      mainUs,
      workerUs: 0,
      encodeUs: 0,
      processUs: p.user + p.system,
      wallMs: performance.now() - t0,
    }
  }
  if (mode === 'inline') {
    const n = await readAndMap(csv, consume)
    const mainUs = threadCpuUs() - cpu0
    const p = process.cpuUsage(p0)
    return {
      mode,
      n,
      mainUs,
      workerUs: 0,
      encodeUs: 0,
      processUs: p.user + p.system,
      wallMs: performance.now() - t0,
    }
  }
  const layouts = await layoutsFor()
  // A .ts entry needs tsx's loader inside the worker: registered by a small eval'd module first.
  const worker = new Worker(
    `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(import.meta.url)})`,
    { eval: true, workerData: { csv, mode, inflight } },
  )
  let n = 0
  let firstMs = 0
  const done = await new Promise<{ cpuUs: number; encodeUs: number; startUs: number }>((resolve, reject) => {
    worker.on('error', reject)
    worker.on('message', (msg: unknown) => {
      if (typeof msg === 'object' && msg !== null && 'done' in msg) {
        resolve(msg as unknown as { cpuUs: number; encodeUs: number; startUs: number })
        return
      }
      if (firstMs === 0) firstMs = performance.now() - t0
      if (mode === 'print') {
        const m = msg as { identities: string[]; prints: Int32Array }
        const same = checkPrints(m.identities, m.prints)
        if (same !== m.identities.length)
          throw new Error(`print: ${same} of ${m.identities.length} identical`)
        n += same
        worker.postMessage(1)
        return
      }
      let batch: MappedEntry[]
      if (mode === 'clone') {
        const m = msg as { path: string; rows: Row[] }
        batch = fromRows(m.rows, m.path, layouts)
      } else if (mode === 'cols') batch = fromCols(msg as Cols, layouts)
      else if (mode === 'pack') batch = fromPack(msg as string, layouts)
      else batch = fromCols(JSON.parse(msg as string) as Cols, layouts)
      n += batch.length
      consume(batch)
      worker.postMessage(1)
    })
  })
  const mainUs = threadCpuUs() - cpu0
  const p = process.cpuUsage(p0)
  const wallMs = performance.now() - t0
  await worker.terminate()
  console.log(
    `  (worker start: thread CPU ${(done.startUs / 1000).toFixed(0)} ms before its first chunk; first chunk received after ${firstMs.toFixed(0)} ms)`,
  )
  return {
    mode,
    n,
    mainUs,
    workerUs: done.cpuUs,
    encodeUs: done.encodeUs,
    processUs: p.user + p.system,
    wallMs,
  }
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string): string =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
  const rows = Number(arg('rows', '200000'))
  const rounds = Number(arg('rounds', '3'))
  const inflight = Number(arg('inflight', '4'))
  const modes = arg('modes', 'inline,clone,cols,json,pack').split(',') as Mode[]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-map-worker-'))
  const csv = path.join(dir, 'hardware.csv')
  writeCsv(csv, { n: rows })
  console.log(
    `rows ${rows}, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  console.log('mode    round  main µs/e  worker µs/e (encode)  process µs/e  wall s')
  if (modes.some((m) => m.startsWith('print'))) await ownedTable(csv, rows)
  for (let r = 0; r < rounds; r++)
    for (const mode of modes) {
      const f = await runMode(csv, mode, inflight)
      if (f.n !== rows) throw new Error(`${mode}: ${f.n} of ${rows}`)
      console.log(
        `${mode.padEnd(7)} ${String(r + 1).padStart(5)}  ${(f.mainUs / rows).toFixed(2).padStart(9)}  ` +
          `${(f.workerUs / rows).toFixed(2).padStart(11)} (${(f.encodeUs / rows).toFixed(2)})  ` +
          `${(f.processUs / rows).toFixed(2).padStart(12)}  ${(f.wallMs / 1000).toFixed(2).padStart(6)}`,
      )
    }
  fs.rmSync(dir, { recursive: true, force: true })
  if (sink < 0) console.log(sink)
}

if (isMainThread) await main()
else await workerMain()
