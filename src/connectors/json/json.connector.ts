/**
 * The JSON connector. The file is the `data` object of a push chunk (`{ "hardDrives": [...], "other": [...] }`),
 * parsed as a stream with @streamparser/json: each element of each top-level array is emitted on its own and
 * dropped from the parser's state at once, so memory holds one element and the batches waiting, never the file.
 * Batches hold one root each: `{ data: { [root]: entries } }` of at most batchSize entries.
 */
import { createReadStream } from 'node:fs'
import { JSONParser, TokenType } from '@streamparser/json'
import type { ParsedElementInfo, ParsedTokenInfo } from '@streamparser/json'
import type { ConnectionCheck, Connector, ReadOptions, RecordBatch, SourceSchema } from '../connector.js'
import { SourceJsonMalformedError } from '../connector-errors.js'
import { FieldCollector } from '../discovery.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from '../source-limits.js'
import { assertReadableFile, BATCH_TEXT_BUDGET, checkFile, entryWeight, parseCursor } from '../file-source.js'
import { type JsonConfig, JsonConfigSchema } from './json.config.js'

const READ_CHUNK_BYTES = 256 * 1024

/** What the stream parser produced: an element of a top-level array, or a top-level value that is not an array. */
type JsonItem = { root: string; value: unknown; element: boolean }

/**
 * Streams the items of the file; `onItem` runs for each, in file order, while `write` runs. Malformed JSON throws
 * SOURCE_JSON_MALFORMED with the byte position: a JSON file cannot be resynchronised after a syntax error the way a
 * CSV line can, so it fails the execution (what was read before stays read).
 */
async function streamItems(
  path: string,
  signal: AbortSignal,
  onItem: (item: JsonItem) => void,
  afterChunk: (bytesRead: number) => Iterable<RecordBatch>,
): Promise<AsyncGenerator<RecordBatch>> {
  await assertReadableFile(path)
  return (async function* () {
    // '$.*' emits each top-level value (arrays arrive empty: see below), '$.*.*' each element of each of them.
    const parser = new JSONParser({ paths: ['$.*', '$.*.*'], keepStack: false })
    let offset = 0
    let first = true
    parser.onToken = ({ token, offset: at }: ParsedTokenInfo) => {
      offset = at
      if (first) {
        first = false
        if (token !== TokenType.LEFT_BRACE) {
          throw new Error(
            'the top level must be an object whose members are arrays of entries (a push chunk)',
          )
        }
      }
    }
    parser.onValue = ({ value, key, parent, stack }: ParsedElementInfo) => {
      if (stack.length === 2) {
        // A member of a top-level object is emitted whole with it; an element of a top-level array is taken out
        // of the parser's array right away (the parser would keep it until the array ends).
        if (!Array.isArray(parent)) return
        parent.length -= 1
        onItem({ root: String(stack[1]!.key), value, element: true })
      } else if (stack.length === 1 && !Array.isArray(value)) {
        // A top-level value that is not an array: as is, for the engine to report as it does for push chunks.
        onItem({ root: String(key), value, element: false })
      }
    }
    const malformed = (error: unknown, position: number) =>
      SourceJsonMalformedError(
        { path, position, reason: error instanceof Error ? error.message : String(error) },
        { cause: error },
      )
    const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })
    let bytes = 0
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        signal.throwIfAborted()
        try {
          parser.write(chunk)
        } catch (error) {
          const failure = malformed(error, Math.max(offset, bytes))
          yield* afterChunk(bytes) // the batches completed before the error
          throw failure
        }
        bytes += chunk.length
        yield* afterChunk(bytes)
      }
      if (bytes === 0) throw malformed(new Error('the file is empty'), 0)
      if (!parser.isEnded) {
        try {
          parser.end()
        } catch (error) {
          throw malformed(error, bytes)
        }
      }
    } finally {
      file.destroy()
    }
  })()
}

async function* readJson(config: JsonConfig, options: ReadOptions): AsyncGenerator<RecordBatch> {
  options.signal.throwIfAborted()
  const skip = parseCursor(options.cursor)
  const size = Math.max(1, options.batchSize)
  const ready: RecordBatch[] = []
  let consumed = 0
  let root: string | null = null
  let entries: unknown[] = []
  let weight = 0
  let bytesRead = 0
  const flush = (): void => {
    if (root !== null && entries.length > 0) {
      ready.push({ data: { [root]: entries }, problems: [], cursor: String(consumed) })
    }
    entries = []
    weight = 0
  }
  const items = await streamItems(
    config.path,
    options.signal,
    ({ root: at, value, element }) => {
      if (consumed + 1 <= skip) {
        consumed++
        return
      }
      if (at !== root || !element) flush()
      consumed++
      root = at
      if (!element) {
        ready.push({ data: { [at]: value }, problems: [], cursor: String(consumed) })
        root = null
        return
      }
      entries.push(value)
      weight += entryWeight(value)
      if (entries.length >= size || weight >= BATCH_TEXT_BUDGET) flush()
    },
    function* (bytes) {
      // Batches are cut while a chunk is parsed: their progress is the end of that chunk.
      bytesRead = bytes
      while (ready.length > 0) yield { ...ready.shift()!, bytesRead }
    },
  )
  yield* items
  flush()
  while (ready.length > 0) yield { ...ready.shift()!, bytesRead }
}

async function discoverJson(
  limits: SourceLimits,
  config: JsonConfig,
  options: { sampleSize: number; signal: AbortSignal },
): Promise<SourceSchema> {
  const sampleSize = Math.max(1, options.sampleSize)
  const collectors = new Map<string, FieldCollector>()
  const total = { fields: 0 } // fields of all roots together, bounded by limits.maxColumns
  // Every root is sampled, so the whole file is parsed (roots may come after a large array); only sampleSize
  // entries per root are looked at.
  const items = await streamItems(
    config.path,
    options.signal,
    ({ root, value, element }) => {
      if (!element) return
      let collector = collectors.get(root)
      if (!collector) collectors.set(root, (collector = new FieldCollector(root, limits, total)))
      if (collector.entries >= sampleSize) return
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        collector.add(value as Record<string, unknown>)
      }
    },
    () => [],
  )
  for await (const _ of items) {
    // nothing is batched: streaming the file feeds the collectors
  }
  return { roots: [...collectors.values()].flatMap((c) => c.roots()) }
}

/** The JSON connector; `limits` bound its discovery (fields, sample length). */
export function createJsonConnector(limits: SourceLimits): Connector<JsonConfig> {
  return {
    type: 'json',
    origin: 'file',
    tabular: false,
    version: 1,
    configSchema: JsonConfigSchema,

    testConnection(config: JsonConfig, signal: AbortSignal): Promise<ConnectionCheck> {
      // The whole file is parsed: a JSON file is only known to be well-formed at its end.
      return checkFile(config.path, 'JSON_MALFORMED', async () => {
        for await (const _ of await streamItems(
          config.path,
          signal,
          () => undefined,
          () => [],
        )) {
          // parse only
        }
      })
    },

    discoverSchema(config, options) {
      return discoverJson(limits, config, options)
    },

    read(config, options) {
      return readJson(config, options)
    },
  }
}

export const jsonConnector: Connector<JsonConfig> = createJsonConnector(DEFAULT_SOURCE_LIMITS)
