/**
 * The REST connector: one selector root per configured endpoint, read page by page over Node's fetch. Memory holds
 * one page and the batch being filled. The cursor is the position after the last entry yielded (the endpoint, the
 * URL of the page it came from and how many of that page's records were taken), so a resumed read fetches that page
 * again and continues there. A page that fails (not JSON, no records array, an error status) throws
 * REST_SOURCE_FAILED naming its URL: a read never stops early without saying so.
 */
import type { ConnectionCheck, Connector, ReadOptions, RecordBatch, SourceSchema } from '../connector.js'
import { SourceCursorInvalidError } from '../connector-errors.js'
import { FieldCollector } from '../discovery.js'
import { BATCH_TEXT_BUDGET, entryWeight } from '../file-source.js'
import { type RestConfig, RestConfigSchema, REST_SECRET_FIELDS } from './rest.config.js'
import { RestSourceError } from './rest-errors.js'
import { HttpClient } from './rest-http.js'
import { fetchPage, firstPageUrl } from './rest-pages.js'

/** Discovery samples at most this many pages per endpoint. */
const DISCOVERY_MAX_PAGES = 5

/** A position: endpoint `root`, page `url` (null: that endpoint is done), `skip` records of it taken. */
interface Position {
  root: string
  url: string | null
  skip: number
}

const client = (config: RestConfig) => new HttpClient(config, config.maxRequestsPerSecond)

function parseCursor(
  config: RestConfig,
  cursor: string | undefined,
): { index: number; url: string | null; skip: number } {
  if (cursor === undefined || cursor === '') return { index: 0, url: null, skip: 0 }
  const roots = Object.keys(config.endpoints)
  let position: Position
  try {
    position = JSON.parse(cursor) as Position
  } catch (error) {
    throw SourceCursorInvalidError({ cursor }, { cause: error })
  }
  const index = roots.indexOf(position?.root)
  const sameOrigin = (url: string) =>
    URL.canParse(url) && new URL(url).origin === new URL(config.baseUrl).origin
  if (
    index < 0 ||
    !Number.isSafeInteger(position.skip) ||
    position.skip < 0 ||
    (position.url !== null && (typeof position.url !== 'string' || !sameOrigin(position.url)))
  )
    throw SourceCursorInvalidError({ cursor })
  return position.url === null
    ? { index: index + 1, url: null, skip: 0 }
    : { index, url: position.url, skip: position.skip }
}

async function* readRest(config: RestConfig, options: ReadOptions): AsyncGenerator<RecordBatch> {
  const { signal } = options
  signal.throwIfAborted()
  const start = parseCursor(config, options.cursor)
  const size = Math.max(1, options.batchSize)
  const http = client(config)
  const roots = Object.entries(config.endpoints)
  let bytesRead = 0
  for (let r = start.index; r < roots.length; r++) {
    const [root, endpoint] = roots[r]!
    let url: string | null =
      r === start.index && start.url !== null ? start.url : firstPageUrl(config, endpoint)
    let skip = r === start.index ? start.skip : 0
    let entries: unknown[] = []
    let weight = 0
    const batch = (position: Position): RecordBatch => {
      const out = { data: { [root]: entries }, problems: [], cursor: JSON.stringify(position), bytesRead }
      entries = []
      weight = 0
      return out
    }
    while (url !== null) {
      const page = await fetchPage(config, http, endpoint, url, signal)
      bytesRead += page.bytes
      const { records } = page
      for (let i = skip; i < records.length; i++) {
        entries.push(records[i])
        weight += entryWeight(records[i])
        if (entries.length >= size || weight >= BATCH_TEXT_BUDGET) {
          const last = i === records.length - 1
          yield batch(last ? { root, url: page.next, skip: 0 } : { root, url: page.url, skip: i + 1 })
          signal.throwIfAborted()
        }
      }
      skip = 0
      url = page.next
    }
    if (entries.length > 0) yield batch({ root, url: null, skip: 0 })
  }
}

async function discoverRest(
  config: RestConfig,
  options: { sampleSize: number; signal: AbortSignal },
): Promise<SourceSchema> {
  const sampleSize = Math.max(1, options.sampleSize)
  const http = client(config)
  const roots: SourceSchema['roots'] = []
  for (const [root, endpoint] of Object.entries(config.endpoints)) {
    const collector = new FieldCollector(root)
    let url: string | null = firstPageUrl(config, endpoint)
    for (
      let pages = 0;
      url !== null && pages < DISCOVERY_MAX_PAGES && collector.entries < sampleSize;
      pages++
    ) {
      const page = await fetchPage(config, http, endpoint, url, options.signal)
      for (const record of page.records) {
        if (collector.entries >= sampleSize) break
        if (record !== null && typeof record === 'object' && !Array.isArray(record))
          collector.add(record as Record<string, unknown>)
      }
      url = page.next
    }
    roots.push(...collector.roots())
  }
  return { roots }
}

/** Fetches the first page of every endpoint; a failure answers its code and what to fix. */
async function testRest(config: RestConfig, signal: AbortSignal): Promise<ConnectionCheck> {
  const http = client(config)
  try {
    for (const endpoint of Object.values(config.endpoints)) {
      await fetchPage(config, http, endpoint, firstPageUrl(config, endpoint), signal)
    }
    return { ok: true }
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (RestSourceError.is(error)) return { ok: false, code: error.details.code, message: error.message }
    throw error
  }
}

export const restConnector: Connector<RestConfig> = {
  type: 'rest',
  version: 1,
  origin: 'connection',
  tabular: false,
  secretFields: REST_SECRET_FIELDS,
  configSchema: RestConfigSchema,
  testConnection: testRest,
  discoverSchema: discoverRest,
  read: (config, options) => readRest(config, options),
}
