/**
 * The LDAP connector (ldapts): one search per selector root, read with the paged-results control (RFC 2696) so the
 * server hands over `pageSize` entries at a time and memory holds one page and one batch, never the directory —
 * and a search larger than the server's size limit still reads to the end. Entries become plain objects: `dn`
 * and one key per attribute, values rendered by ldap-values.ts (multi-values as arrays, GUID/SID text, ISO dates,
 * normalized DNs).
 */
import type { ConnectionOptions } from 'node:tls'
import type { Client, Entry, Filter } from 'ldapts'
import type { ConnectionCheck, Connector, ReadOptions, RecordBatch, SourceSchema } from '../connector.js'
import { SourceCursorInvalidError } from '../connector-errors.js'
import { FieldCollector } from '../discovery.js'
import { BATCH_TEXT_BUDGET, entryWeight } from '../file-source.js'
import { lazyModule } from '../lazy-module.js'
import { LdapSourceError } from './ldap-errors.js'
import { ldapFailure, type FailureContext } from './ldap-failure.js'
import {
  GUID_ATTRIBUTES,
  normalizeDn,
  renderValues,
  SID_ATTRIBUTES,
  valueKindOf,
  type ValueKind,
} from './ldap-values.js'
import { type LdapConfig, LdapConfigSchema, type LdapRoot } from './ldap.config.js'

/** ldapts: loaded by the first LDAP source used (lazy-module.ts). */
const ldapts = lazyModule(() => import('ldapts'))

type RootSearch = {
  name: string
  baseDn: string
  scope: 'base' | 'one' | 'sub'
  filter: string
  attributes?: string[]
}

/** The roots in config order, with the schema's defaults (a config read straight from storage may lack them). */
function searches(config: LdapConfig): RootSearch[] {
  return Object.entries(config.roots).map(([name, root]: [string, LdapRoot]) => ({
    name,
    baseDn: root.baseDn ?? config.baseDn,
    scope: root.scope ?? 'sub',
    filter: root.filter ?? '(objectClass=*)',
    ...(root.attributes === undefined ? {} : { attributes: root.attributes }),
  }))
}

function tlsOptions(config: LdapConfig): ConnectionOptions {
  return {
    rejectUnauthorized: config.tls?.rejectUnauthorized ?? true,
    ...(config.tls?.ca === undefined ? {} : { ca: config.tls.ca }),
    ...(config.tls?.servername === undefined ? {} : { servername: config.tls.servername }),
  }
}

/** The attributes ldapts must hand over as bytes (its match is case-sensitive: the usual spellings). */
function bufferAttributes(config: LdapConfig): string[] {
  const names = [...GUID_ATTRIBUTES, ...SID_ATTRIBUTES, ...(config.binaryAttributes ?? [])]
  return [...new Set(names.flatMap((n) => [n, n.toLowerCase(), n.charAt(0).toUpperCase() + n.slice(1)]))]
}

/** Whether every `(` has its `)`: values escape parentheses as \28 and \29 (RFC 4515), so each one counts. */
function balanced(filter: string): boolean {
  let depth = 0
  for (const c of filter) {
    if (c === '(') depth++
    else if (c === ')' && --depth < 0) return false
  }
  return depth === 0
}

async function parseFilter(search: RootSearch): Promise<Filter> {
  const { FilterParser } = await ldapts()
  try {
    // ldapts quietly closes a filter that lacks its last `)`: a typo the user should hear about.
    if (!balanced(search.filter)) throw new Error('its parentheses are unbalanced')
    return FilterParser.parseString(search.filter)
  } catch (error) {
    throw LdapSourceError(
      {
        code: 'FILTER_INVALID',
        root: search.name,
        reason:
          `The search filter of root "${search.name}" is invalid (${search.filter}): ` +
          `${error instanceof Error ? error.message : String(error)}; write it as RFC 4515 wants it, ` +
          'e.g. (&(objectClass=person)(uid=*))',
      },
      { cause: error },
    )
  }
}

/** A connected, bound client; `close` unbinds (and is safe to call twice). An abort closes the socket at once. */
async function open(
  config: LdapConfig,
  signal: AbortSignal,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const { Client } = await ldapts()
  signal.throwIfAborted()
  const at: FailureContext = { url: config.url, ...(config.bindDn ? { bindDn: config.bindDn } : {}) }
  const client = new Client({
    url: config.url,
    connectTimeout: config.connectTimeoutMs ?? 10_000,
    timeout: config.timeoutMs ?? 120_000,
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps:// (StartTLS gets them
    // at the upgrade).
    ...(config.url.startsWith('ldaps:') ? { tlsOptions: tlsOptions(config) } : {}),
    strictDN: false,
  })
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    signal.removeEventListener('abort', onAbort)
    await client.unbind().catch(() => undefined)
  }
  const onAbort = (): void => void close()
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    // ldaps:// already speaks TLS: StartTLS applies to ldap:// only.
    if (config.startTls && !config.url.startsWith('ldaps:')) await client.startTLS(tlsOptions(config))
    if (config.bindDn !== undefined) {
      // A simple bind with a DN and an empty password is an *unauthenticated* bind (RFC 4513 §5.1.2): some servers
      // answer it with success and then show nothing. Refuse it rather than read an empty directory.
      if (!config.bindPassword) {
        throw LdapSourceError({
          code: 'AUTH_FAILED',
          reason: `No bindPassword is stored for ${config.bindDn}; set bindPassword (or leave bindDn out to bind anonymously)`,
        })
      }
      await client.bind(config.bindDn, config.bindPassword)
    }
  } catch (error) {
    await close()
    signal.throwIfAborted()
    throw ldapFailure(error, at)
  }
  return { client, close }
}

/** The entry as the engine reads it: `dn` normalized, every attribute rendered, empty attributes left out. */
function toEntry(
  raw: Entry,
  kinds: Map<string, ValueKind>,
  binary: ReadonlySet<string>,
): Record<string, unknown> {
  const entry: Record<string, unknown> = { dn: normalizeDn(raw.dn) }
  for (const name in raw) {
    if (name === 'dn') continue
    let kind = kinds.get(name)
    if (kind === undefined) kinds.set(name, (kind = valueKindOf(name, binary)))
    const value = renderValues(name, raw[name]!, kind)
    if (value !== undefined) entry[name] = value
  }
  return entry
}

/** The cursor `root:entries` (entries of that root consumed; the roots before it are done). */
function parseCursor(cursor: string | undefined, roots: RootSearch[]): { root: number; skip: number } {
  if (cursor === undefined || cursor === '') return { root: 0, skip: 0 }
  const m = /^(.+):(\d{1,15})$/.exec(cursor)
  const root = m ? roots.findIndex((r) => r.name === m[1]) : -1
  if (!m || root < 0) throw SourceCursorInvalidError({ cursor })
  return { root, skip: Number(m[2]) }
}

/** Pages of one root's search, as rendered entries. Errors become LdapSourceError naming the root. */
async function* searchPages(
  client: Client,
  config: LdapConfig,
  search: RootSearch,
  pageSize: number,
  signal: AbortSignal,
  read: () => number,
): AsyncGenerator<Record<string, unknown>[]> {
  const at: FailureContext = {
    url: config.url,
    baseDn: search.baseDn,
    filter: search.filter,
    root: search.name,
  }
  const filter = await parseFilter(search)
  const binary = new Set((config.binaryAttributes ?? []).map((a) => a.toLowerCase()))
  const kinds = new Map<string, ValueKind>()
  const pages = client.searchPaginated(search.baseDn, {
    scope: search.scope,
    filter,
    ...(search.attributes === undefined ? {} : { attributes: search.attributes }),
    explicitBufferAttributes: bufferAttributes(config),
    paged: { pageSize },
  })
  for (;;) {
    let next: IteratorResult<{ searchEntries: Entry[] }>
    try {
      next = await pages.next()
    } catch (error) {
      signal.throwIfAborted()
      throw ldapFailure(error, { ...at, entriesRead: read() })
    }
    if (next.done) return
    signal.throwIfAborted()
    yield next.value.searchEntries.map((raw) => toEntry(raw, kinds, binary))
  }
}

async function* readLdap(config: LdapConfig, options: ReadOptions): AsyncGenerator<RecordBatch> {
  const roots = searches(config)
  const start = parseCursor(options.cursor, roots)
  const size = Math.max(1, options.batchSize)
  const { client, close } = await open(config, options.signal)
  try {
    for (let r = start.root; r < roots.length; r++) {
      const search = roots[r]!
      let consumed = 0
      let skip = r === start.root ? start.skip : 0
      let entries: Record<string, unknown>[] = []
      let weight = 0
      const batch = (): RecordBatch => {
        const out = { data: { [search.name]: entries }, problems: [], cursor: `${search.name}:${consumed}` }
        entries = []
        weight = 0
        return out
      }
      for await (const page of searchPages(
        client,
        config,
        search,
        config.pageSize ?? 500,
        options.signal,
        () => consumed,
      )) {
        for (const entry of page) {
          consumed++
          if (skip > 0) {
            skip--
            continue
          }
          entries.push(entry)
          weight += entryWeight(entry)
          if (entries.length >= size || weight >= BATCH_TEXT_BUDGET) {
            options.signal.throwIfAborted()
            yield batch()
          }
        }
      }
      options.signal.throwIfAborted()
      if (entries.length > 0) yield batch()
    }
  } finally {
    await close()
  }
}

async function discoverLdap(
  config: LdapConfig,
  options: { sampleSize: number; signal: AbortSignal },
): Promise<SourceSchema> {
  const sampleSize = Math.max(1, Math.floor(options.sampleSize))
  const { client, close } = await open(config, options.signal)
  const roots: SourceSchema['roots'] = []
  try {
    for (const search of searches(config)) {
      const collector = new FieldCollector(search.name)
      const pageSize = Math.min(config.pageSize ?? 500, sampleSize)
      for await (const page of searchPages(
        client,
        config,
        search,
        pageSize,
        options.signal,
        () => collector.entries,
      )) {
        for (const entry of page) {
          if (collector.entries >= sampleSize) break
          collector.add(entry)
        }
        if (collector.entries >= sampleSize) break
      }
      roots.push(...collector.roots())
    }
  } finally {
    await close()
  }
  return { roots }
}

/** Connect, StartTLS, bind, then each root's base DN and filter (a search for at most one entry, no attributes). */
async function testLdap(config: LdapConfig, signal: AbortSignal): Promise<ConnectionCheck> {
  const answer = (error: unknown): ConnectionCheck => {
    if (!LdapSourceError.is(error)) throw error
    return { ok: false, code: error.details.code, message: error.message }
  }
  let opened
  try {
    opened = await open(config, signal)
  } catch (error) {
    return answer(error)
  }
  try {
    for (const search of searches(config)) {
      const at: FailureContext = {
        url: config.url,
        baseDn: search.baseDn,
        filter: search.filter,
        root: search.name,
      }
      try {
        const filter = await parseFilter(search)
        await opened.client.search(search.baseDn, {
          scope: search.scope,
          filter,
          attributes: ['1.1'],
          sizeLimit: 1,
        })
      } catch (error) {
        signal.throwIfAborted()
        return answer(ldapFailure(error, at))
      }
    }
    return { ok: true }
  } finally {
    await opened.close()
  }
}

export const ldapConnector: Connector<LdapConfig> = {
  type: 'ldap',
  version: 1,
  origin: 'connection',
  tabular: false,
  secretFields: ['bindPassword'],
  configSchema: LdapConfigSchema,
  testConnection: testLdap,
  discoverSchema: discoverLdap,
  read: readLdap,
}
