/**
 * What the file connectors share: checking the file, the entry-count cursor, header names, batching, the
 * discovery of a tabular file.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { EntryProblem } from '../engine/engine-types.js'
import {
  TABULAR_ROOT,
  type ConnectionCheck,
  type ReadOptions,
  type RecordBatch,
  type SourceSchema,
} from './connector.js'
import {
  SourceLimitExceededError,
  SourceColumnNameDuplicateError,
  SourceColumnNameEmptyError,
  SourceCursorInvalidError,
  SourceFileNotFoundError,
  SourceFileNotReadableError,
} from './connector-errors.js'
import { FieldCollector, tabularSchema } from './discovery.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from './source-limits.js'

/** Yields to the event loop once `sliceMs` of synchronous work went by since the last time. */
export class Breather {
  #since = performance.now()
  constructor(private readonly sliceMs = 10) {}

  async breathe(): Promise<void> {
    if (performance.now() - this.#since < this.sliceMs) return
    await new Promise((resolve) => setImmediate(resolve))
    this.#since = performance.now()
  }
}

/** SOURCE_LIMIT_EXCEEDED for a header of `columns` columns, over INTAKE_SOURCE_MAX_COLUMNS. */
export function tooManyColumns(limits: SourceLimits, columns: number | null): Error {
  return SourceLimitExceededError({
    limit: 'INTAKE_SOURCE_MAX_COLUMNS',
    max: limits.maxColumns,
    reason:
      columns === null
        ? `the header row is longer than ${limits.maxColumns} columns can be`
        : `the header row has ${columns} columns, more than ${limits.maxColumns}`,
  })
}

/** Throws SOURCE_FILE_NOT_FOUND / SOURCE_FILE_NOT_READABLE unless `path` is a readable regular file. */
export async function assertReadableFile(path: string): Promise<number> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw SourceFileNotReadableError({ path, reason: 'not a regular file' })
    size = info.size
    await access(path, constants.R_OK)
  } catch (error) {
    if (SourceFileNotReadableError.is(error)) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw SourceFileNotFoundError({ path }, { cause: error })
    throw SourceFileNotReadableError({ path, reason: code ?? String(error) }, { cause: error })
  }
  return size
}

/**
 * testConnection of a file connector: the file is there and readable (`FILE_NOT_FOUND`, `FILE_NOT_READABLE`),
 * then `probe` reads its beginning; an error it throws becomes `{ ok: false, code: failCode }`.
 */
export async function checkFile(
  path: string,
  failCode: string | ((error: unknown) => string),
  probe: () => Promise<void>,
): Promise<ConnectionCheck> {
  try {
    await assertReadableFile(path)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      code: SourceFileNotFoundError.is(error) ? 'FILE_NOT_FOUND' : 'FILE_NOT_READABLE',
      message,
    }
  }
  try {
    await probe()
    return { ok: true }
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error
    const code = typeof failCode === 'string' ? failCode : failCode(error)
    return { ok: false, code, message: error instanceof Error ? error.message : String(error) }
  }
}

/** The cursor of every file connector: how many entries were consumed. */
export function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0
  if (!/^\d{1,15}$/.test(cursor)) throw SourceCursorInvalidError({ cursor })
  return Number(cursor)
}

/** Checks a header row; answers the column names (trimmed). Throws naming the empty or repeated column. */
export function headerNames(cells: readonly string[]): string[] {
  const names = cells.map((cell) => cell.trim())
  const seen = new Map<string, number>()
  names.forEach((name, i) => {
    if (name === '') throw SourceColumnNameEmptyError({ column: i + 1 })
    const first = seen.get(name)
    if (first !== undefined) throw SourceColumnNameDuplicateError({ name, columns: [first + 1, i + 1] })
    seen.set(name, i)
  })
  return names
}

/** Cuts entries of one root into batches of exactly `size` (the last one shorter), with their problems. */
/**
 * A batch also ends once its entries hold this many characters of text: batches are counted in entries, and a file
 * of very wide rows (tens of KiB each) would otherwise put hundreds of MB in one batch of 5,000.
 */
export const BATCH_TEXT_BUDGET = 4 * 1024 * 1024

/** The characters of text an entry holds, roughly (strings and nested values; 8 for anything else). */
export function entryWeight(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length
  if (value === null || typeof value !== 'object' || depth > 8) return 8
  let n = 0
  if (Array.isArray(value)) for (const v of value) n += entryWeight(v, depth + 1)
  else
    for (const key in value) n += key.length + entryWeight((value as Record<string, unknown>)[key], depth + 1)
  return n
}

export class Batcher {
  private entries: unknown[] = []
  private weight = 0
  private problems: EntryProblem[] = []
  readonly ready: RecordBatch[] = []

  constructor(
    private readonly root: string,
    private readonly size: number,
  ) {}

  get pending(): number {
    return this.entries.length
  }

  /**
   * Adds one entry; `consumed` is the cursor after it, `bytesRead` the progress so far, `weight` its entryWeight when
   * the caller counted it already.
   */
  push(entry: unknown, consumed: number, bytesRead?: number, weight = entryWeight(entry)): void {
    this.entries.push(entry)
    this.weight += weight
    if (this.entries.length >= this.size || this.weight >= BATCH_TEXT_BUDGET) this.flush(consumed, bytesRead)
  }

  problem(problem: EntryProblem): void {
    this.problems.push(problem)
  }

  /** Closes the current batch (when it holds anything) at cursor `consumed`. */
  flush(consumed: number, bytesRead?: number): void {
    if (this.entries.length === 0 && this.problems.length === 0) return
    this.ready.push({
      data: { [this.root]: this.entries },
      problems: this.problems,
      cursor: String(consumed),
      ...(bytesRead === undefined ? {} : { bytesRead }),
    })
    this.entries = []
    this.weight = 0
    this.problems = []
  }
}

/**
 * The start of a tabular reader (CSV, XLSX): not aborted, the file readable, the entries to skip (the cursor) and
 * the batcher of the TABULAR_ROOT rows.
 */
export async function openTabular(
  path: string,
  options: ReadOptions,
): Promise<{ skip: number; batcher: Batcher }> {
  options.signal.throwIfAborted()
  await assertReadableFile(path)
  const skip = parseCursor(options.cursor)
  return { skip, batcher: new Batcher(TABULAR_ROOT, Math.max(1, options.batchSize)) }
}

/**
 * Schema discovery of a tabular file (CSV, XLSX): its header and the first `sampleSize` rows that `read` (the
 * connector's reader, which passes the column names to `onHeader` before any batch) yields under TABULAR_ROOT.
 */
export async function discoverTabular<C>(
  read: (config: C, options: ReadOptions, onHeader: (names: string[]) => void) => AsyncIterable<RecordBatch>,
  config: C,
  options: { sampleSize: number; signal: AbortSignal },
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): Promise<SourceSchema> {
  const collector = new FieldCollector(TABULAR_ROOT, limits)
  // Discovery runs on the request path: wide rows (thousands of fields each) yield to other requests in between.
  const breather = new Breather()
  const sampleSize = Math.max(1, options.sampleSize)
  let columns: string[] = []
  for await (const batch of read(
    config,
    { batchSize: sampleSize, signal: options.signal },
    (names) => (columns = names),
  )) {
    for (const entry of batch.data[TABULAR_ROOT] as Record<string, unknown>[]) {
      if (collector.entries >= sampleSize) break
      collector.add(entry)
      await breather.breathe()
    }
    if (collector.entries >= sampleSize) break
  }
  return tabularSchema(collector, columns)
}
