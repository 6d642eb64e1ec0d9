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
        const response = await fetch(url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          redirect: 'follow',
          signal: both,
        })
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
        // A page too large, or a Retry-After beyond the limit: no point in trying again.
        if (RestSourceError.is(error)) throw error
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
