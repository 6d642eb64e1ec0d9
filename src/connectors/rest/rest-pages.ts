/**
 * The pages of one endpoint: the first page's URL, fetching a page (status, JSON, the records array) and where
 * the next page is. A page's position is its URL: every pagination strategy writes it there (page number, offset,
 * cursor in the query; the Link header's or the body's next URL as given), so a read resumes at a URL.
 */
import { authHeaders, renewable } from './rest-auth.js'
import type { RestConfig, RestEndpoint, RestPagination } from './rest.config.js'
import { RestSourceError, shownUrl } from './rest-errors.js'
import type { HttpAnswer, HttpClient } from './rest-http.js'

export interface Page {
  url: string
  records: unknown[]
  /** The next page's URL; null after the last page. */
  next: string | null
  bytes: number
}

const pagination = (endpoint: RestEndpoint): RestPagination => endpoint.pagination ?? { type: 'none' }

/** The value at a dotted path (`data.items`); '' is the value itself. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value
  let node = value
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key))
      return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The first page of an endpoint: baseUrl + path, the query parameters, the pagination's first position. */
export function firstPageUrl(config: RestConfig, endpoint: RestEndpoint): string {
  const base = config.baseUrl.replace(/\/+$/, '')
  const path = (endpoint.path ?? '').replace(/^\/+/, '')
  let url: URL
  try {
    url = new URL(path === '' ? base : `${base}/${path}`)
  } catch (error) {
    throw RestSourceError(
      {
        code: 'URL_INVALID',
        url: base,
        reason: `${base}/${path} is not a valid URL: check baseUrl and path`,
      },
      { cause: error },
    )
  }
  for (const [name, value] of Object.entries({ ...config.query, ...(endpoint.query ?? {}) }))
    url.searchParams.set(name, value)
  const p = pagination(endpoint)
  if (p.type === 'page') {
    url.searchParams.set(p.param, String(p.firstPage ?? 1))
    if (p.sizeParam !== undefined && p.size !== undefined) url.searchParams.set(p.sizeParam, String(p.size))
  } else if (p.type === 'offset') {
    url.searchParams.set(p.offsetParam, '0')
    url.searchParams.set(p.limitParam, String(p.limit))
  }
  return url.toString()
}

/** The target of the `rel="next"` link of a Link header (RFC 8288), or null. */
export function nextLink(header: string | null): string | null {
  if (header === null) return null
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(match[2] ?? '')
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (rels.includes('next')) return match[1]!
  }
  return null
}

const withParam = (url: string, name: string, value: string): string => {
  const u = new URL(url)
  u.searchParams.set(name, value)
  return u.toString()
}

/** A short, single-line excerpt of a body for messages. */
const excerpt = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 120 ? `${line.slice(0, 120)}…` : line
}

/** What a value is, for messages: `an object with keys a, b`, `a string`, `nothing`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    const keys = Object.keys(value)
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 10).join(', ')}`
  }
  return `a ${typeof value}`
}

/**
 * The next page's URL after `page` answered with `body` and `records`. Page number and offset stop at an empty
 * page (a short page is not the end: servers may cap the size asked for); offset advances by the records received.
 */
function nextPageUrl(
  endpoint: RestEndpoint,
  url: string,
  answer: HttpAnswer,
  body: unknown,
  records: unknown[],
): string | null {
  const p = pagination(endpoint)
  switch (p.type) {
    case 'none':
      return null
    case 'page': {
      if (records.length === 0) return null
      const current = Number(new URL(url).searchParams.get(p.param) ?? p.firstPage ?? 1)
      return withParam(url, p.param, String(current + 1))
    }
    case 'offset': {
      if (records.length === 0) return null
      const current = Number(new URL(url).searchParams.get(p.offsetParam) ?? 0)
      return withParam(url, p.offsetParam, String(current + records.length))
    }
    case 'cursor': {
      const cursor = valueAt(body, p.cursorPath)
      if (cursor === undefined || cursor === null || cursor === '' || cursor === false) return null
      if (typeof cursor !== 'string' && typeof cursor !== 'number') {
        throw RestSourceError({
          code: 'PAGINATION_INVALID',
          url: shownUrl(url),
          reason: `The next cursor at "${p.cursorPath}" of ${shownUrl(url)} is ${describe(cursor)}, not a string or number`,
        })
      }
      return withParam(url, p.param, String(cursor))
    }
    case 'linkHeader': {
      const link = nextLink(answer.headers.get('link'))
      return link === null ? null : resolveNext(link, url)
    }
    case 'nextUrl': {
      const next = valueAt(body, p.nextUrlPath)
      if (next === undefined || next === null || next === '') return null
      if (typeof next !== 'string') {
        throw RestSourceError({
          code: 'PAGINATION_INVALID',
          url: shownUrl(url),
          reason: `The next URL at "${p.nextUrlPath}" of ${shownUrl(url)} is ${describe(next)}, not a URL`,
        })
      }
      return resolveNext(next, url)
    }
  }
}

/** A next page's URL, relative to the page that names it. */
function resolveNext(next: string, url: string): string {
  if (URL.canParse(next, url)) return new URL(next, url).toString()
  throw RestSourceError({
    code: 'PAGINATION_INVALID',
    url: shownUrl(url),
    reason: `${shownUrl(url)} names its next page "${next.slice(0, 200)}", which is not a URL`,
  })
}

/** Refuses a next page on another origin (credentials go to baseUrl's host only) or the same page again (a loop). */
export function checkNext(config: RestConfig, url: string, next: string | null): string | null {
  if (next === null) return null
  if (new URL(next).origin !== new URL(config.baseUrl).origin) {
    throw RestSourceError({
      code: 'PAGINATION_INVALID',
      url: shownUrl(url),
      reason:
        `${shownUrl(url)} names its next page on another host (${shownUrl(next)}); Intake follows pages on ` +
        `${new URL(config.baseUrl).origin} only, where it sends the credentials`,
    })
  }
  if (next === url) {
    throw RestSourceError({
      code: 'PAGINATION_INVALID',
      url: shownUrl(url),
      reason: `${shownUrl(url)} names itself as the next page: the pagination would never end; check its settings`,
    })
  }
  return next
}

function statusError(url: string, answer: HttpAnswer): Error {
  const where = shownUrl(url)
  const { status } = answer
  if (status === 401 || status === 403) {
    return RestSourceError({
      code: 'AUTH_FAILED',
      url: where,
      status,
      reason:
        status === 401
          ? `${where} answered 401 Unauthorized: the credentials were refused or are missing; check auth`
          : `${where} answered 403 Forbidden: the credentials are accepted but may not read this endpoint; check ` +
            `their permissions (scopes, roles)`,
    })
  }
  if (status === 404) {
    return RestSourceError({
      code: 'NOT_FOUND',
      url: where,
      status,
      reason: `${where} answered 404 Not Found: check baseUrl and the endpoint's path`,
    })
  }
  const said = excerpt(answer.text)
  return RestSourceError({
    code: 'HTTP_ERROR',
    url: where,
    status,
    reason: `${where} answered ${status}${said ? `: ${said}` : ''}`,
  })
}

/** Fetches one page: the request (again once with a new OAuth2 token after a 401), its JSON, its records, its next. */
export async function fetchPage(
  config: RestConfig,
  http: HttpClient,
  endpoint: RestEndpoint,
  url: string,
  signal: AbortSignal,
): Promise<Page> {
  const request = async (renew: boolean) => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...config.headers,
      ...(await authHeaders(config.auth, http, signal, renew)),
    }
    const method = endpoint.method ?? 'GET'
    const hasBody = method === 'POST' && endpoint.body !== undefined
    if (hasBody) headers['content-type'] = 'application/json'
    return http.send(
      { url, method, headers, ...(hasBody ? { body: JSON.stringify(endpoint.body) } : {}) },
      signal,
    )
  }
  let answer = await request(false)
  if (answer.status === 401 && renewable(config.auth)) answer = await request(true)
  if (answer.status < 200 || answer.status >= 300) throw statusError(url, answer)

  const where = shownUrl(url)
  let body: unknown
  try {
    // A byte order mark is not JSON, but some servers send one.
    body = JSON.parse(answer.text.replace(/^\uFEFF/, ''))
  } catch {
    const type = answer.headers.get('content-type') ?? 'no content type'
    throw RestSourceError({
      code: 'NOT_JSON',
      url: where,
      status: answer.status,
      reason:
        `The response of ${where} is not JSON (${type}${answer.text ? `, begins "${excerpt(answer.text).slice(0, 40)}"` : ', empty'}): ` +
        `check the endpoint's path and that it answers JSON`,
    })
  }
  const path = endpoint.records ?? ''
  const records = valueAt(body, path)
  if (!Array.isArray(records)) {
    throw RestSourceError({
      code: 'RECORDS_NOT_FOUND',
      url: where,
      status: answer.status,
      reason:
        `The response of ${where} has no array of records at ${path === '' ? 'its top level' : `"${path}"`} ` +
        `(found ${describe(records)}): check the endpoint's records path`,
    })
  }
  const next = checkNext(config, url, nextPageUrl(endpoint, url, answer, body, records))
  return { url, records, next, bytes: answer.bytes }
}
