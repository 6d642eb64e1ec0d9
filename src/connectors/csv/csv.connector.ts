/**
 * The CSV connector: papaparse streaming over a decoded file stream, rows as entries `{ column: string | string[] }`
 * under TABULAR_ROOT. Memory stays bounded: the file stream is paused while batches wait for the consumer
 * (backpressure from the `for await` of the pipeline), so at most a couple of batches and one chunk are held.
 *
 * Rows that cannot be read are entry problems (data, never thrown), located by the 1-based physical line of the file
 * where the row starts: CSV_ROW_FIELDS (wrong number of fields; skipped), CSV_UNTERMINATED_QUOTE (skipped; reading
 * goes on at the next line), CSV_INVALID_QUOTE (text after a closing quote; skipped) and CSV_UNDECODABLE (bytes not
 * valid in the encoding, kept with U+FFFD in their place). A file whose header row is missing, has an empty or
 * repeated name, is an error thrown before the first batch.
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import Papa from 'papaparse'
import type { ParseError, ParseResult } from 'papaparse'
import type { ConnectionCheck, Connector, ReadOptions, RecordBatch } from '../connector.js'
import { SourceHeaderInvalidError, SourceHeaderMissingError } from '../connector-errors.js'
import {
  checkFile,
  discoverTabular,
  headerNames,
  openTabular,
  tooManyColumns,
  type Batcher,
} from '../file-source.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from '../source-limits.js'
import { ChunkDecoder, decodeChunks } from './csv-decode.js'
import { type CsvConfig, CsvConfigSchema, resolveCsvConfig, type ResolvedCsvConfig } from './csv.config.js'

type CsvEntry = Record<string, string | string[]>

/** Batches waiting for the consumer before the file stream is paused. */
const READY_LIMIT = 2
const READ_CHUNK_BYTES = 64 * 1024
const REPLACEMENT = '\uFFFD'
/** A header row longer than INTAKE_SOURCE_MAX_COLUMNS × this many characters has too many columns (or absurd names). */
const HEADER_CHARS_PER_COLUMN = 1024

function countOf(text: string, char: string): number {
  let n = 0
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++
  return n
}

/**
 * Turns papaparse's row arrays into entries, batches and problems, counting physical lines. One instance per read.
 */
class CsvRows {
  /** The column names, once the header row was read. */
  names: string[] | null = null
  /** 1-based line where the next row starts. */
  private line = 1
  /** Data rows consumed (the cursor), blank lines not counted. */
  consumed = 0
  bytes = 0
  /** `\n` counts lines of `\n` and `\r\n` files; `\r` those of old Mac files. */
  private newline = '\n'
  /** Whether a field of the chunk being taken may hold a line break, or the multi-value separator. */
  private mayHoldNewline = true
  private mayHoldSeparator = true
  /** Makes a row's entry from its fields once the header is known (see entryBuilder); null: field by field. */
  private build: ((fields: readonly string[]) => CsvEntry) | null = null
  /** The characters of the column names (a part of every entry's weight). */
  private namesWeight = 0

  constructor(
    private readonly config: ResolvedCsvConfig,
    private readonly skip: number,
    private readonly batcher: Batcher,
    private readonly decoder: ChunkDecoder,
    private readonly limits: SourceLimits,
  ) {}

  /**
   * Takes one parsed chunk. `text` is the text papaparse parsed (what it kept of the chunk before, then this chunk)
   * and `end` where its complete rows end in it. Answers text to parse again after a malformed quote (see
   * badQuote), or null.
   */
  take(results: ParseResult<string[]>, text: string, end: number): string | null {
    const { data, errors } = results
    if (results.meta.linebreak === '\r') this.newline = '\r'
    // Checked once per chunk rather than per field: text without a quote holds no field with a line break (but for
    // a lone \n in a \r\n file), and text without the separator no multi-value field.
    this.mayHoldNewline =
      text.includes(this.config.quoteChar) || (results.meta.linebreak === '\r\n' && LONE_LF.test(text))
    this.mayHoldSeparator = text.includes(this.config.multiValueSeparator)
    let quoteErrors: Map<number, ParseError> | null = null
    for (const error of errors) {
      // A chunk may report errors of its last, incomplete row, which the next chunk parses again: skip those.
      if (error.type !== 'Quotes' || error.row === undefined || error.row >= data.length) continue
      quoteErrors ??= new Map()
      if (!quoteErrors.has(error.row)) quoteErrors.set(error.row, error)
    }
    for (let i = 0; i < data.length; i++) {
      const fields = data[i]!
      const quoteError = quoteErrors?.get(i)
      if (quoteError !== undefined) return this.badQuote(fields, quoteError, text, end)
      if (fields.length === 1 && fields[0] === '') {
        this.line++ // a blank line
        continue
      }
      if (this.names === null) {
        this.header(fields)
        continue
      }
      this.row(fields)
    }
    return null
  }

  private header(fields: string[]): void {
    if (this.decoder.sawReplacement && fields.some((f) => f.includes(REPLACEMENT))) {
      throw SourceHeaderInvalidError({
        path: this.config.path,
        reason: `it holds bytes that are not valid ${this.decoder.encoding}`,
      })
    }
    if (fields.length > this.limits.maxColumns) throw tooManyColumns(this.limits, fields.length)
    this.names = headerNames(fields)
    this.build = entryBuilder(this.names)
    this.namesWeight = this.names.reduce((n, name) => n + name.length, 0)
    this.line += this.linesOf(fields)
  }

  private linesOf(fields: string[]): number {
    let lines = 1
    for (const field of fields) if (field.includes(this.newline)) lines += countOf(field, this.newline)
    return lines
  }

  private row(fields: string[]): void {
    const names = this.names!
    const line = this.line
    const index = ++this.consumed
    const skipped = index <= this.skip
    if (fields.length !== names.length) {
      this.line += this.linesOf(fields)
      if (!skipped) {
        this.batcher.problem({
          objectTypeId: null,
          location: `line ${line}`,
          code: 'CSV_ROW_FIELDS',
          message: `line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${names.length}; the row was skipped`,
        })
      }
      return
    }
    const separator = this.config.multiValueSeparator
    const newline = this.newline
    let lines = 1
    // The entry's weight for the batcher (file-source.ts entryWeight), counted here: no second walk of the entry.
    let weight = this.namesWeight
    let entry: CsvEntry
    if (this.build !== null) {
      entry = this.build(fields)
      for (let c = 0; c < fields.length; c++) weight += fields[c]!.length
      if (this.mayHoldNewline || this.mayHoldSeparator) {
        for (let c = 0; c < names.length; c++) {
          const value = fields[c]!
          if (value === '') continue
          if (this.mayHoldNewline && value.includes(newline)) lines += countOf(value, newline)
          if (this.mayHoldSeparator && value.includes(separator)) {
            const values = splitValues(value, separator)
            entry[names[c]!] = values
            weight += valuesLength(values) - value.length
          }
        }
      }
    } else {
      entry = {}
      for (let c = 0; c < names.length; c++) {
        const value = fields[c]!
        if (value === '') entry[names[c]!] = value
        else {
          if (value.includes(newline)) lines += countOf(value, newline)
          if (value.includes(separator)) {
            const values = splitValues(value, separator)
            entry[names[c]!] = values
            weight += valuesLength(values)
          } else {
            entry[names[c]!] = value
            weight += value.length
          }
        }
      }
    }
    this.line += lines
    if (skipped) return
    if (this.decoder.sawReplacement && fields.some((f) => f.includes(REPLACEMENT))) {
      this.batcher.problem({
        objectTypeId: null,
        location: `line ${line}`,
        code: 'CSV_UNDECODABLE',
        message: `line ${line} holds bytes that are not valid ${this.decoder.encoding}; they read as U+FFFD (\uFFFD)`,
      })
    }
    this.batcher.push(entry, index, this.bytes, weight)
  }

  /** Whether the quoted field opened just before `from` has its closing quote on the same line. */
  private closesOnLine(text: string, from: number): boolean {
    const { quoteChar: quote, escapeChar: escape } = this.config
    for (let i = from; i < text.length; i++) {
      const char = text[i]
      if (char === '\n' || char === '\r') return false
      if (char === escape && text[i + 1] === quote)
        i++ // an escaped quote (`""` when escape = quote)
      else if (char === quote) return true
    }
    return false
  }

  /**
   * A quote that is not closed where it should be: papaparse reads on to some later quote (or to the end of the
   * file), swallowing the lines between into one field. The row is reported on its first line and skipped, and
   * the text after that line is parsed again, so that the rows after a stray quote still come through. A field that
   * ran over lines is CSV_UNTERMINATED_QUOTE; text after a closing quote on the same line is CSV_INVALID_QUOTE.
   */
  private badQuote(fields: string[], error: ParseError, text: string, end: number): string | null {
    const line = this.line
    const from = error.index ?? 0
    const ranOver = !this.closesOnLine(text, from)
    const what = ranOver
      ? 'has a quoted field whose closing quote is missing'
      : 'has text after the closing quote of a quoted field'
    if (this.names === null) throw SourceHeaderInvalidError({ path: this.config.path, reason: `it ${what}` })
    this.line++
    if (++this.consumed > this.skip) {
      this.batcher.problem({
        objectTypeId: null,
        location: `line ${line}`,
        code: ranOver ? 'CSV_UNTERMINATED_QUOTE' : 'CSV_INVALID_QUOTE',
        message: `line ${line} ${what}; the row was skipped`,
      })
    }
    // papaparse's index is just after the opening quote; the row's first line ends at the next newline.
    const lineEnd = text.indexOf(this.newline, from)
    return lineEnd === -1 || lineEnd + 1 >= end ? null : text.slice(lineEnd + 1, end)
  }
}

/** A \n not preceded by \r. */
const LONE_LF = /(?:^|[^\r])\n/
/** Columns up to which entryBuilder compiles a literal (V8 keeps objects of this many properties fast). */
const BUILT_COLUMNS = 256

/**
 * A function that makes a row's entry `{ [name]: fields[i] }` as one object literal, compiled once per file from its
 * header: every entry gets the same fast shape in one allocation, where setting the columns one by one runs a keyed
 * store per field through a megamorphic cache (a third of the connector's time per row, measured). The names are
 * written as JSON string literals, so no header can inject code; `__proto__` (which a literal would take for the
 * prototype) and very wide headers keep the field-by-field path (null).
 */
export function entryBuilder(names: readonly string[]): ((fields: readonly string[]) => CsvEntry) | null {
  if (names.length > BUILT_COLUMNS || names.includes('__proto__')) return null
  const members = names.map((name, i) => `${JSON.stringify(name)}: f[${i}]`).join(', ')
  try {
    return new Function('f', `return { ${members} }`) as (fields: readonly string[]) => CsvEntry
  } catch {
    return null // node run with --disallow-code-generation-from-strings
  }
}

function valuesLength(values: readonly string[]): number {
  let n = 0
  for (const v of values) n += v.length
  return n
}

function splitValues(value: string, separator: string): string[] {
  const parts = value.split(separator)
  let kept = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!.trim()
    if (part !== '') parts[kept++] = part
  }
  parts.length = kept
  return parts
}

/**
 * Hands papaparse text in pieces at least as long as the row it carries over (`pending`). papaparse parses that row
 * again, from its start, with every new piece: read in fixed pieces, a 50 MB field was parsed (and copied) some 200
 * times over — seconds of event loop and most of a GB of heap. Pieces that grow with the row make that a handful of
 * parses, each at least doubling what is known of the row. `marks` receives each piece with the bytes consumed up to
 * its end (see decodeChunks).
 */
async function* coalesce(
  pieces: AsyncIterable<string>,
  marks: { bytes: number; text: string }[],
  pending: () => number,
  bytesOf: () => number,
): AsyncGenerator<string> {
  let held: string[] = []
  let size = 0
  for await (const piece of pieces) {
    held.push(piece)
    size += piece.length
    if (size < pending()) continue
    const text = held.length === 1 ? held[0]! : held.join('')
    held = []
    size = 0
    marks.push({ bytes: bytesOf(), text })
    yield text
  }
  if (held.length > 0) {
    const text = held.join('')
    marks.push({ bytes: bytesOf(), text })
    yield text
  }
}

/**
 * Reads the file as batches. `onHeader` receives the column names before any batch (discovery lists columns of an
 * empty file too). Errors of the header row are thrown by the first `next()`.
 */
async function* readCsv(
  limits: SourceLimits,
  config: ResolvedCsvConfig,
  options: ReadOptions,
  onHeader?: (names: string[]) => void,
): AsyncGenerator<RecordBatch> {
  const { signal } = options
  const { skip, batcher } = await openTabular(config.path, options)
  const decoder = new ChunkDecoder(config.encoding)
  const marks: { bytes: number; text: string }[] = []
  const rows = new CsvRows(config, skip, batcher, decoder, limits)
  const file = createReadStream(config.path, { highWaterMark: READ_CHUNK_BYTES })
  // `tail` (below) is the incomplete row papaparse carries over to the next chunk.
  const chunks = coalesce(
    decodeChunks(file, decoder, []),
    marks,
    () => tail.length,
    () => decoder.bytes,
  )
  const source = Readable.from(chunks, { objectMode: true, highWaterMark: 1 })
  const parseOptions = {
    delimiter: config.delimiter,
    quoteChar: config.quoteChar,
    escapeChar: config.escapeChar,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  } as const

  let done = false
  let failure: unknown = null
  let headerSent = false
  let tail = ''
  let base = 0
  let wake: (() => void) | null = null
  const notify = (): void => {
    const resolve = wake
    wake = null
    resolve?.()
  }
  signal.addEventListener('abort', notify)

  Papa.parse<string[]>(source, {
    ...parseOptions,
    chunk: (results, parser) => {
      if (failure !== null) return
      try {
        const mark = marks.shift()
        rows.bytes = mark?.bytes ?? decoder.bytes
        // The text papaparse parsed: what it kept of the previous chunk (an incomplete row), then this chunk.
        const text = tail + (mark?.text ?? '')
        const end = results.meta.cursor - base
        tail = text.slice(end)
        base = results.meta.cursor
        if (rows.names === null && tail.length > limits.maxColumns * HEADER_CHARS_PER_COLUMN) {
          // Refused before papaparse parses a header row of a million columns in one go.
          throw tooManyColumns(limits, null)
        }
        let again = rows.take(results, text, end)
        while (again !== null) {
          again = rows.take(Papa.parse<string[]>(again, parseOptions), again, again.length)
        }
        if (batcher.ready.length >= READY_LIMIT) source.pause()
      } catch (error) {
        failure = error
        parser.abort()
      }
      notify()
    },
    complete: () => {
      done = true
      notify()
    },
    error: (error: Error) => {
      failure ??= error
      done = true
      notify()
    },
  })

  try {
    for (;;) {
      signal.throwIfAborted()
      if (failure !== null) throw failure
      if (!headerSent && rows.names !== null) {
        headerSent = true
        onHeader?.(rows.names)
      }
      const batch = batcher.ready.shift()
      if (batch) {
        yield batch
        continue
      }
      if (done) {
        if (rows.names === null) throw SourceHeaderMissingError({ path: config.path })
        batcher.flush(rows.consumed, decoder.bytes)
        const last = batcher.ready.shift()
        if (last) yield last
        return
      }
      if (source.isPaused()) source.resume()
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    signal.removeEventListener('abort', notify)
    source.destroy()
    file.destroy()
  }
}

/** The CSV connector within `limits` (columns; discovery sample length). */
export function createCsvConnector(limits: SourceLimits): Connector<CsvConfig> {
  const read = (config: ResolvedCsvConfig, options: ReadOptions, onHeader?: (names: string[]) => void) =>
    readCsv(limits, config, options, onHeader)
  return {
    type: 'csv',
    origin: 'file',
    tabular: true,
    version: 1,
    configSchema: CsvConfigSchema,

    testConnection(config: CsvConfig, signal: AbortSignal): Promise<ConnectionCheck> {
      const resolved = resolveCsvConfig(config)
      return checkFile(resolved.path, 'CSV_HEADER_INVALID', async () => {
        for await (const _batch of read(resolved, { batchSize: 1, signal })) break
      })
    },

    discoverSchema(config, options) {
      return discoverTabular(read, resolveCsvConfig(config), options, limits)
    },

    read(config, options) {
      return read(resolveCsvConfig(config), options)
    },
  }
}

export const csvConnector: Connector<CsvConfig> = createCsvConnector(DEFAULT_SOURCE_LIMITS)
