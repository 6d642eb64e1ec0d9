/**
 * The timing rules of REST requests: Retry-After, exponential backoff, the per-source rate cap, abortable sleeps.
 */

/** The most a backoff delay grows to. */
export const MAX_BACKOFF_MS = 30_000

/**
 * The delay a `Retry-After` header asks for, in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); null when
 * absent or unreadable. A date in the past is 0.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now)
}

/** The backoff before attempt `attempt + 1` (attempt ≥ 1): initial · 2^(attempt-1), capped, with equal jitter. */
export function backoffMs(initialMs: number, attempt: number, random = Math.random): number {
  const full = Math.min(MAX_BACKOFF_MS, initialMs * 2 ** (attempt - 1))
  return Math.round(full / 2 + random() * (full / 2))
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * The request rate cap of one source: request starts at least 1/rate seconds apart (retries and token requests
 * included). Without a rate, no waiting.
 */
export class RateLimiter {
  private readonly intervalMs: number
  private next = 0

  constructor(requestsPerSecond: number | undefined) {
    this.intervalMs = requestsPerSecond === undefined ? 0 : 1000 / requestsPerSecond
  }

  async take(signal: AbortSignal): Promise<void> {
    if (this.intervalMs === 0) return
    const now = performance.now()
    const at = Math.max(now, this.next)
    this.next = at + this.intervalMs
    await sleep(at - now, signal)
  }
}
