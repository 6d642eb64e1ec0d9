import { defineError } from '../../domain/errors.js'

/**
 * Why a REST source failed; the same words answer `POST importsource/{id}/test` (`code`, `message`).
 */
export type RestFailureCode =
  | 'HOST_UNREACHABLE'
  | 'TIMEOUT'
  | 'AUTH_FAILED'
  | 'TOKEN_FAILED'
  | 'NOT_FOUND'
  | 'HTTP_ERROR'
  | 'RATE_LIMITED'
  | 'NOT_JSON'
  | 'RECORDS_NOT_FOUND'
  | 'PAGE_TOO_LARGE'
  | 'PAGINATION_INVALID'
  | 'URL_INVALID'
  | 'REDIRECT_REFUSED'
  | 'REQUEST_INVALID'

/**
 * A REST source cannot be reached or read. `url` is the request that failed (a page's URL mid-read, never with
 * user info); the message never holds a secret.
 */
export const RestSourceError = defineError<{
  code: RestFailureCode
  url: string
  reason: string
  status?: number
}>(
  'REST_SOURCE_FAILED',
  400,
  ({ reason }) => reason,
  'A REST source cannot be reached or read (host unreachable, authentication failed, not found, a page that is ' +
    'not JSON or has no records array, rate limited past the retries); `details.code` says why, `details.url` ' +
    'names the request, the message what to fix.',
)

/** A URL as messages show it: without user info (which may hold a password). */
export function shownUrl(url: string | URL): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString()
  } catch {
    return String(url)
  }
}
