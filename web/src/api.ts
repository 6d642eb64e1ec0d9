import { clearSession, loadSession } from './session'

/** One `dataValidationErrors` entry of a mapping PUT/PATCH: a JSON pointer into the document and what is wrong. */
export interface PointerProblem {
  code: string
  pointer: string
  message: string
}

/** An error answer of the API, in words, with its stable code (docs/errors.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly problems: PointerProblem[] = [],
  ) {
    super(message)
  }
}

/** Called when the API says the token is no longer valid (401): the console signs out. */
let onUnauthorized: (message: string) => void = () => undefined
export function setUnauthorizedHandler(handler: (message: string) => void): void {
  onUnauthorized = handler
}

export interface CallOptions {
  body?: unknown
  /** A raw body (a file): sent as it is, with its own content type. */
  raw?: Blob
  token?: string
  query?: Record<string, string | number | boolean | undefined>
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text()
  interface ErrorBody {
    error?: { code?: unknown; message?: unknown; details?: unknown }
    errorCode?: unknown
    message?: unknown
    dataValidationErrors?: unknown
  }
  let body: ErrorBody | null = null
  try {
    body = text === '' ? null : JSON.parse(text)
  } catch {
    /* not JSON */
  }
  const error = body?.error
  const code: string =
    typeof error?.code === 'string'
      ? error.code
      : typeof body?.errorCode === 'string'
        ? body.errorCode
        : `HTTP_${res.status}`
  const message: string =
    typeof error?.message === 'string'
      ? error.message
      : typeof body?.message === 'string'
        ? body.message
        : `The server answered ${res.status} ${res.statusText}`.trim()
  const problems: PointerProblem[] = Array.isArray(body?.dataValidationErrors)
    ? body.dataValidationErrors
    : []
  return new ApiError(res.status, code, message, (error?.details as Record<string, unknown>) ?? {}, problems)
}

/** Calls the API with the session's token; answers the parsed JSON (null for an empty answer). */
export async function call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const token = options.token ?? loadSession()?.token
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  let body: BodyInit | undefined
  if (options.raw !== undefined) {
    body = options.raw
    headers['content-type'] = options.raw.type || 'application/octet-stream'
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] = 'application/json'
  }
  let url = path
  if (options.query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(options.query)) if (v !== undefined) q.set(k, String(v))
    const s = q.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  let res: Response
  try {
    res = await fetch(url, { method, headers, body })
  } catch (error) {
    throw new ApiError(0, 'NETWORK_ERROR', `Intake did not answer: ${(error as Error).message}`)
  }
  if (!res.ok) {
    const error = await toError(res)
    if (res.status === 401 && options.token === undefined) {
      clearSession()
      onUnauthorized(`${error.message} (${error.code})`)
    }
    throw error
  }
  const text = await res.text()
  return (text === '' ? null : JSON.parse(text)) as T
}

/** The workspace part of every Assets-compatible path. */
export function ws(path: string): string {
  const session = loadSession()
  return `/jsm/assets/workspace/${encodeURIComponent(session?.workspaceId ?? '_')}/v1${path}`
}

/** A page of the API's paged lists. */
export interface Page<T> {
  startAt: number
  maxResults: number
  total: number
  isLast: boolean
  values: T[]
}

/** Every item of a paged list (pages of 1000), at most `limit`. */
export async function all<T>(path: string, limit = 100_000): Promise<{ values: T[]; total: number }> {
  const values: T[] = []
  let total = 0
  for (let startAt = 0; values.length < limit; startAt += 1000) {
    const page = await call<Page<T>>('GET', path, { query: { startAt, maxResults: 1000 } })
    total = page.total
    values.push(...page.values)
    if (page.isLast || page.values.length === 0) break
  }
  return { values: values.slice(0, limit), total }
}

/** The error in words, with its code: "The token is unknown or revoked (AUTH_REQUIRED)". */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`
  return error instanceof Error ? error.message : String(error)
}
