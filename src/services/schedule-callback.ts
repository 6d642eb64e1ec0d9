import { createHmac } from 'node:crypto'

/** Header carrying `sha256=<hex>`: HMAC-SHA256 of the raw request body with the schedule's secret. */
export const SIGNATURE_HEADER = 'x-intake-signature'
/** Header carrying the Unix time (seconds) the body also names as `timestamp`, so a receiver can refuse replays. */
export const TIMESTAMP_HEADER = 'x-intake-timestamp'

export interface CallbackBody {
  workspaceId: string
  importsourceId: string
  importScheduleId: string
  /** The due time this call is for (ISO 8601 UTC). */
  scheduledTime: string
  /** Unix seconds, the same as the timestamp header; inside the signed body. */
  timestamp: number
}

export interface CallbackOutcome {
  /** The HTTP status, or null when no answer came. */
  statusCode: number | null
  /** Why the attempt failed (null for a 2xx). */
  error: string | null
  durationMs: number
}

/** Delivers one signed callback; the port the schedule runner calls (tests may pass another). */
export type CallbackSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<CallbackOutcome>

export function signCallback(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`
}

/** The request of one delivery: the body as sent (signed byte for byte) and its headers. */
export function callbackRequest(
  secret: string,
  body: CallbackBody,
): { raw: string; headers: Record<string, string> } {
  const raw = JSON.stringify(body)
  return {
    raw,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Intake-Scheduler',
      [TIMESTAMP_HEADER]: String(body.timestamp),
      [SIGNATURE_HEADER]: signCallback(secret, raw),
    },
  }
}

/** POSTs with fetch; a 2xx is a delivery, anything else (3xx included: redirects are not followed) a failure. */
export const fetchCallbackSender: CallbackSender = async (url, body, headers, timeoutMs) => {
  const started = Date.now()
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await res.arrayBuffer().catch(() => undefined)
    const ok = res.status >= 200 && res.status < 300
    return {
      statusCode: res.status,
      error: ok ? null : `the callback answered HTTP ${res.status}`,
      durationMs: Date.now() - started,
    }
  } catch (error) {
    return { statusCode: null, error: describeFetchError(error, timeoutMs), durationMs: Date.now() - started }
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined
  if (cause?.code === 'ECONNREFUSED') return 'the connection was refused (is the callback server running?)'
  if (cause?.code === 'ENOTFOUND') return 'the callback host name does not resolve'
  return error instanceof Error ? `${error.message}${cause?.code ? ` (${cause.code})` : ''}` : String(error)
}
