import type { FastifyInstance, FastifyRequest } from 'fastify'
import { hasScope, type Principal, type Scope } from '../../domain/auth/scopes.js'
import { AuthRequiredError, ForbiddenError, NotFoundError, RateLimitedError } from '../../domain/errors.js'
import type { Services } from '../../services/services.js'
import { AuthFailureLimiter } from './auth-failure-limiter.js'

export interface RouteAuth {
  /** No credentials needed (health, docs). */
  public?: boolean
  /** Scope a workspace token needs; `admin` tokens pass every scope. */
  scope?: Scope
  /** Container tokens may call this route for their own import source (path param `importSourceId`). */
  container?: boolean
  /** Any authenticated token may call it (imports/info resolves the source from the token). */
  anyToken?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

/** Reads `Authorization: Bearer`, `Authorization: Basic` (token as password) or `Token:`. */
export function presentedSecret(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header === 'string') {
    const [scheme, value] = header.trim().split(/\s+/, 2)
    if (scheme?.toLowerCase() === 'bearer' && value) return value
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      return colon >= 0 ? decoded.slice(colon + 1) || null : decoded || null
    }
  }
  const token = request.headers.token
  return typeof token === 'string' && token.trim() !== '' ? token.trim() : null
}

/**
 * Authentication and authorisation for every route: 401 without valid credentials (429 instead once an address
 * has failed too often — valid credentials still pass), 404 for another workspace, 403 for a valid token without
 * the scope.
 */
export function registerAuth(app: FastifyInstance, services: Services): void {
  const limiter = new AuthFailureLimiter(services.config.authFailureLimit)
  app.decorateRequest('principal', null)
  /** Throws the refusal of `principal` (null: no valid credentials) for this route; returns when it may pass. */
  const admit = (
    request: FastifyRequest,
    auth: RouteAuth,
    secret: string | null,
    principal: Principal | null,
  ) => {
    if (principal === null) {
      const address = request.ip
      const wait = limiter.retryAfter(address)
      if (wait > 0) throw RateLimitedError({ retryAfterSeconds: wait })
      limiter.fail(address)
      throw AuthRequiredError({
        reason: secret === null ? 'send Authorization: Bearer <token>' : 'the token is unknown or revoked',
      })
    }
    request.principal = principal
    const params = (request.params ?? {}) as Record<string, string | undefined>
    if (params.workspaceId !== undefined && params.workspaceId !== principal.workspaceId) {
      throw NotFoundError({ entity: 'Workspace', id: params.workspaceId })
    }
    if (auth.anyToken) return
    if (principal.kind === 'container') {
      if (auth.container && params.importSourceId === principal.importSourceId) return
      throw ForbiddenError({ requiredScope: auth.scope ?? 'admin' })
    }
    if (auth.scope && !hasScope(principal, auth.scope)) throw ForbiddenError({ requiredScope: auth.scope })
  }
  const refusal = (...args: Parameters<typeof admit>): Error | undefined => {
    try {
      admit(...args)
      return undefined
    } catch (error) {
      return error as Error
    }
  }
  // A callback hook: the token a client keeps sending was verified moments ago (verifiedPrincipal), and then the
  // request passes without a promise or a microtask; authenticate() answers the others.
  app.addHook('onRequest', (request, _reply, done) => {
    const auth = request.routeOptions.config.auth
    if (!auth || auth.public) {
      done()
      return
    }
    // Valid credentials are checked first and always pass: the limit slows an address that keeps failing, and
    // never locks out the good tokens of the clients that share its address (behind a proxy or NAT).
    const secret = presentedSecret(request)
    const known = secret === null ? null : services.tokens.verifiedPrincipal(secret)
    if (known !== null) {
      done(refusal(request, auth, secret, known))
      return
    }
    const principal = secret === null ? Promise.resolve(null) : services.tokens.authenticate(secret)
    principal.then(
      (p) => done(refusal(request, auth, secret, p)),
      (error: Error) => done(error),
    )
  })
}
