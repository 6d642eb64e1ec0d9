import v8 from 'node:v8'
import { SQLITE_API_CACHE_MB, SQLITE_CACHE_MB, type AppConfig } from '../config/config.js'

/** V8's flag, spelled either way (V8 accepts dashes and underscores). */
const FLAG = /--heap[-_]growing[-_]percent\b/

/** How the heap's growth is set in this process (for the start banner). */
export type HeapGrowth = { percent: number } | { percent: null; by: 'v8' | 'node-flag' }

let inForce: HeapGrowth = { percent: null, by: 'v8' }

/**
 * What bounds the heap of an Intake process (INTAKE_HEAP_GROWTH_PERCENT): after each full garbage collection V8
 * lets the heap grow by this percentage of what stayed live before it collects again. Left to itself, V8 lets a
 * heap grow to up to 4× its live size on a machine with much memory, and an import produces garbage that survives
 * its first collections (the mapped batch, the chunk being read): a server holding ~60 MB had a 300 MB heap.
 *
 * V8 reads this flag each time it sets the next limit, so setting it once the process runs is enough (Node keeps
 * its flags writable for `v8.setFlagsFromString`; test/e2e/server-memory.test.ts checks the effect on the heap).
 * A `--heap-growing-percent` given to node itself wins (NODE_OPTIONS may not carry it); 0 leaves V8's heuristics.
 * Answers what is in force.
 */
export function applyHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): HeapGrowth {
  if (execArgv.some((arg) => FLAG.test(arg))) inForce = { percent: null, by: 'node-flag' }
  else if (percent <= 0) inForce = { percent: null, by: 'v8' }
  else {
    v8.setFlagsFromString(`--heap-growing-percent=${percent}`)
    inForce = { percent }
  }
  return inForce
}

/** V8's flag for the young generation's semi-spaces, in MB, spelled either way. */
const SEMI_SPACE = /^--max[-_]semi[-_]space[-_]size=(\d+)$/

/**
 * V8's semi-space size on 64-bit platforms when node is given none (the young generation is two of them), up to
 * Node.js 22. Node.js 24's V8 sizes it by the machine's memory instead (measured: 2 × 64 MB on a 24 GiB machine),
 * so the banner names no size there.
 */
export const V8_SEMI_SPACE_MB = 16

/** Whether node `version` (process.versions.node) has V8's fixed 16 MB semi-space default. */
function fixedSemiSpaceDefault(version: string): boolean {
  return Number(version.split('.')[0]) <= 22
}

/**
 * The young generation's semi-space size in MB that node was started with: `--max-semi-space-size` on its command
 * line (`npm start`, the Dockerfile and the `intake` bin give 4, docs/decisions/0010-node-memory-flags.md) or in
 * NODE_OPTIONS, the last one winning as in node; null when neither sets it (V8's 16 MB). Only node's start sets it.
 */
export function semiSpaceMb(execArgv: readonly string[], nodeOptions: string): number | null {
  let mb: number | null = null
  for (const arg of [...nodeOptions.split(/\s+/), ...execArgv]) {
    const match = SEMI_SPACE.exec(arg)
    if (match) mb = Number(match[1])
  }
  return mb
}

/**
 * The start banner's memory line: the heap's growth, the young generation, glibc's arena limit when set, and on
 * SQLite the page caches.
 */
export function memoryLine(
  config: Pick<AppConfig, 'database' | 'nodeOptions' | 'mallocArenaMax'>,
  growth: HeapGrowth = inForce,
  execArgv: readonly string[] = process.execArgv,
  nodeVersion: string = process.versions.node,
): string {
  const { database, mallocArenaMax } = config
  const semiSpace = semiSpaceMb(execArgv, config.nodeOptions)
  const growthText =
    growth.percent !== null
      ? `heap grows ${growth.percent} % over live data (INTAKE_HEAP_GROWTH_PERCENT)`
      : growth.by === 'node-flag'
        ? 'heap growth set by node --heap-growing-percent'
        : "heap growth left to V8's heuristics (INTAKE_HEAP_GROWTH_PERCENT=0)"
  const young =
    semiSpace !== null
      ? `young generation 2 × ${semiSpace} MB (node --max-semi-space-size)`
      : fixedSemiSpaceDefault(nodeVersion)
        ? `young generation 2 × ${V8_SEMI_SPACE_MB} MB (V8's default: node started without --max-semi-space-size)`
        : "young generation sized by V8 from the machine's memory (node started without --max-semi-space-size)"
  const arenas = mallocArenaMax ? `; malloc arenas ≤ ${mallocArenaMax} (MALLOC_ARENA_MAX)` : ''
  const heap = `${growthText}; ${young}${arenas}`
  if (database.dialect !== 'sqlite') return heap
  const imports = database.sqliteCacheMb ?? SQLITE_CACHE_MB
  const api = database.sqliteApiCacheMb ?? SQLITE_API_CACHE_MB
  return `${heap}; SQLite page cache ${imports} MiB for imports (INTAKE_SQLITE_CACHE_MB), ${api} MiB for the API (INTAKE_SQLITE_API_CACHE_MB)`
}
