/**
 * The authentication of REST requests: Basic, bearer token, an API key header, or an OAuth2 access token obtained
 * with the client credentials grant (RFC 6749 §4.4) and cached until shortly before it expires.
 */
import { createHash } from 'node:crypto'
import type { RestAuth } from './rest.config.js'
import { RestSourceError, shownUrl } from './rest-errors.js'
import type { HttpClient } from './rest-http.js'

type OAuth2 = Extract<RestAuth, { type: 'oauth2' }>

/** Tokens by client (token URL, client id, secret, scope hashed); at most CACHE_LIMIT, oldest dropped first. */
const tokens = new Map<string, { token: string; expiresAt: number }>()
const CACHE_LIMIT = 200
/** A token without `expires_in` is kept this long (or until a request answers 401). */
const DEFAULT_TOKEN_LIFETIME_MS = 60 * 60 * 1000

const cacheKey = (auth: OAuth2): string =>
  createHash('sha256')
    .update([auth.tokenUrl, auth.clientId, auth.clientSecret, auth.scope ?? ''].join('\u0000'))
    .digest('hex')

/** `application/x-www-form-urlencoded` encoding, as RFC 6749 §2.3.1 asks for the Basic credentials. */
const formEncode = (text: string): string => encodeURIComponent(text).replace(/%20/g, '+')

async function fetchToken(auth: OAuth2, http: HttpClient, signal: AbortSignal): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' })
  if (auth.scope) form.set('scope', auth.scope)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if ((auth.clientAuthentication ?? 'basic') === 'basic') {
    const pair = `${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
  } else {
    form.set('client_id', auth.clientId)
    form.set('client_secret', auth.clientSecret)
  }
  const answer = await http.send(
    { url: auth.tokenUrl, method: 'POST', headers, body: form.toString() },
    signal,
  )
  let body: Record<string, unknown> | null = null
  try {
    const parsed = JSON.parse(answer.text) as unknown
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    body = null
  }
  const where = shownUrl(auth.tokenUrl)
  if (answer.status < 200 || answer.status >= 300) {
    const said = [body?.error, body?.error_description].filter((v) => typeof v === 'string').join(': ')
    const refused = answer.status === 400 || answer.status === 401 || answer.status === 403
    throw RestSourceError({
      code: refused ? 'AUTH_FAILED' : 'TOKEN_FAILED',
      url: where,
      status: answer.status,
      reason: refused
        ? `The OAuth2 token endpoint ${where} refused the client credentials (${answer.status}${said ? ` ${said}` : ''}): ` +
          `check clientId, clientSecret and scope`
        : `The OAuth2 token endpoint ${where} answered ${answer.status}${said ? ` (${said})` : ''}: check tokenUrl`,
    })
  }
  const token = body?.access_token
  if (typeof token !== 'string' || token === '') {
    throw RestSourceError({
      code: 'TOKEN_FAILED',
      url: where,
      reason: `The OAuth2 token endpoint ${where} answered without an access_token: check tokenUrl`,
    })
  }
  const seconds = typeof body?.expires_in === 'number' ? body.expires_in : Number(body?.expires_in)
  // Renew a little early: a tenth of the lifetime before it ends, at most a minute before.
  const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null
  const lifetime = ms === null ? DEFAULT_TOKEN_LIFETIME_MS : ms - Math.min(60_000, ms / 10)
  if (tokens.size >= CACHE_LIMIT) tokens.delete(tokens.keys().next().value!)
  tokens.set(cacheKey(auth), { token, expiresAt: Date.now() + lifetime })
  return token
}

/** The headers that authenticate a request. `renew` drops a cached OAuth2 token first (after a 401). */
export async function authHeaders(
  auth: RestAuth | undefined,
  http: HttpClient,
  signal: AbortSignal,
  renew = false,
): Promise<Record<string, string>> {
  switch (auth?.type ?? 'none') {
    case 'basic': {
      const a = auth as Extract<RestAuth, { type: 'basic' }>
      return { authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}` }
    }
    case 'bearer':
      return { authorization: `Bearer ${(auth as Extract<RestAuth, { type: 'bearer' }>).token}` }
    case 'apiKey': {
      const a = auth as Extract<RestAuth, { type: 'apiKey' }>
      return { [a.header]: a.value }
    }
    case 'oauth2': {
      const a = auth as OAuth2
      const key = cacheKey(a)
      const cached = tokens.get(key)
      if (renew || (cached && cached.expiresAt <= Date.now())) tokens.delete(key)
      const valid = tokens.get(key)
      const token = valid ? valid.token : await fetchToken(a, http, signal)
      return { authorization: `Bearer ${token}` }
    }
    default:
      return {}
  }
}

/** Whether a 401 may be cured by fetching a new token (OAuth2 only: other credentials stay the same). */
export const renewable = (auth: RestAuth | undefined): boolean => auth?.type === 'oauth2'
