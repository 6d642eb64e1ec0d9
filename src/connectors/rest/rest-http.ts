/**
 * One REST source's requests, over Node's fetch: per-request timeouts (the body included), the rate cap, retries
 * with exponential backoff on network errors, timeouts and 5xx, `Retry-After` on 429 and 503, bounded attempts.
 * The caller's signal aborts a request in flight, a backoff and a rate-cap wait alike.
 */
import type { RestConfig } from './rest.config.js'
import { type RestFailureCode, RestSourceError, shownUrl } from './rest-errors.js'
import { backoffMs, RateLimiter, retryAfterMs, sleep } from './rest-retry.js'

/** A page larger than this is refused (a page is held in memory whole while its records are cut into batches). */
export const MAX_PAGE_BYTES = 64 * 1024 * 1024

export interface HttpRequest {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
}

export interface HttpAnswer {
  url: string
  status: number
  headers: Headers
  text: string
  bytes: number
}

type Timing = Pick<RestConfig, 'timeoutMs' | 'maxAttempts' | 'retryDelayMs' | 'maxRetryAfterSeconds'>

/** Why a network-level failure happened, in words: `connection refused (ECONNREFUSED)`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
  }
  if (code) return `${words[code] ?? cause?.message ?? 'network error'} (${code})`
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}

const fail = (code: RestFailureCode, url: string, reason: string, status?: number, cause?: unknown) =>
  RestSourceError(
    { code, url: shownUrl(url), reason, ...(status === undefined ? {} : { status }) },
    { cause },
  )

/** Reads a body to text, refusing more than MAX_PAGE_BYTES. */
async function readBody(response: Response, url: string): Promise<{ text: string; bytes: number }> {
  if (!response.body) return { text: '', bytes: 0 }
  const chunks: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength
    if (bytes > MAX_PAGE_BYTES) {
      await response.body.cancel().catch(() => undefined)
      throw fail(
        'PAGE_TOO_LARGE',
        url,
        `The response of ${shownUrl(url)} is larger than ${MAX_PAGE_BYTES / 1024 / 1024} MiB: ask for smaller pages (pagination size or limit)`,
      )
    }
    chunks.push(chunk)
  }
  return { text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), bytes }
}

/** undici's network failures: `fetch failed` (connect) or `terminated` (the body cut off), with a cause. */
const isNetworkError = (error: unknown): boolean =>
  error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * fetch, following redirects on the request's own origin only: the request carries credentials (an API key header
 * too, which fetch would forward to any host), so a redirect to another host is refused, naming it.
 */
async function fetchSameOrigin(request: HttpRequest, signal: AbortSignal): Promise<Response> {
  const origin = new URL(request.url).origin
  let { url, method, body } = request
  let headers = request.headers
  for (let hops = 0; ; hops++) {
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
      signal,
    })
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null) return response
    await response.body?.cancel().catch(() => undefined)
    const target = URL.canParse(location, url) ? new URL(location, url) : null
    if (target === null || target.origin !== origin || hops >= MAX_REDIRECTS) {
      throw fail(
        'REDIRECT_REFUSED',
        request.url,
        target === null || target.origin !== origin
          ? `${shownUrl(request.url)} redirects to ${target === null ? `"${location}"` : shownUrl(target)}; Intake ` +
              `follows redirects on ${origin} only, where it sends the credentials: configure the URL it redirects to`
          : `${shownUrl(request.url)} redirects more than ${MAX_REDIRECTS} times`,
        response.status,
      )
    }
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-type'))
    }
    url = target.toString()
  }
}

export class HttpClient {
  private readonly limiter: RateLimiter

  constructor(
    private readonly timing: Timing,
    requestsPerSecond: number | undefined,
  ) {
    this.limiter = new RateLimiter(requestsPerSecond)
  }

  /**
   * Sends a request until it answers something other than 429, 5xx or a network error, or the attempts run out.
   * Answers every other status (the caller decides what 401 or 404 mean); throws RestSourceError otherwise.
   */
  async send(request: HttpRequest, signal: AbortSignal): Promise<HttpAnswer> {
    const { timeoutMs, maxAttempts, retryDelayMs, maxRetryAfterSeconds } = this.timing
    const url = request.url
    for (let attempt = 1; ; attempt++) {
      await this.limiter.take(signal)
      const timeout = AbortSignal.timeout(timeoutMs)
      const both = AbortSignal.any([signal, timeout])
      let failure: Error
      let waitMs: number | null = null
      try {
        const response = await fetchSameOrigin(request, both)
        const retryable = response.status === 429 || response.status >= 500
        if (!retryable) {
          const { text, bytes } = await readBody(response, url)
          return { url, status: response.status, headers: response.headers, text, bytes }
        }
        await response.body?.cancel().catch(() => undefined)
        const asked = retryAfterMs(response.headers.get('retry-after'))
        if (asked !== null && asked > maxRetryAfterSeconds * 1000) {
          throw fail(
            'RATE_LIMITED',
            url,
            `${shownUrl(url)} answered ${response.status} and asks to wait ${Math.ceil(asked / 1000)} s, longer than ` +
              `maxRetryAfterSeconds (${maxRetryAfterSeconds}): try again later or raise the limit`,
            response.status,
          )
        }
        waitMs = asked
        failure =
          response.status === 429
            ? fail(
                'RATE_LIMITED',
                url,
                `${shownUrl(url)} still answered 429 Too Many Requests after ${attempt} attempt(s): lower ` +
                  `maxRequestsPerSecond or raise maxAttempts`,
                429,
              )
            : fail(
                'HTTP_ERROR',
                url,
                `${shownUrl(url)} answered ${response.status} ${response.statusText} (a server error) after ` +
                  `${attempt} attempt(s): the server has a problem; try again later`,
                response.status,
              )
      } catch (error) {
        if (signal.aborted) throw signal.reason
        // A page too large, a Retry-After beyond the limit, a redirect elsewhere: no point in trying again.
        if (RestSourceError.is(error)) throw error
        if (!timeout.aborted && !isNetworkError(error)) {
          throw fail(
            'REQUEST_INVALID',
            url,
            `The request to ${shownUrl(url)} cannot be sent: ${error instanceof Error ? error.message : String(error)}`,
            undefined,
            error,
          )
        }
        failure = timeout.aborted
          ? fail(
              'TIMEOUT',
              url,
              `${shownUrl(url)} did not answer within ${timeoutMs} ms (${attempt} attempt(s)): raise timeoutMs or ` +
                `ask for smaller pages`,
              undefined,
              error,
            )
          : fail(
              'HOST_UNREACHABLE',
              url,
              `Cannot reach ${new URL(url).origin}: ${networkReason(error)} (${attempt} attempt(s)). Check baseUrl ` +
                `and that the server runs and is reachable from Intake`,
              undefined,
              error,
            )
      }
      if (attempt >= maxAttempts) throw failure
      await sleep(waitMs ?? backoffMs(retryDelayMs, attempt), signal)
    }
  }
}
