import type { FastifyInstance } from 'fastify'

/** The API answers JSON only: nothing may run, load or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * Headers on every answer, errors and 404s included: no MIME sniffing, no framing (clickjacking), no referrer, and
 * `Cache-Control: no-store` on everything but the docs' static files — answers carry tokens (`POST …/token`),
 * objects and mappings that no shared or browser cache should keep. Routes that set their own CSP (the docs page)
 * keep it.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise and microtask on every answer.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('x-frame-options', 'DENY')
    void reply.header('referrer-policy', 'no-referrer')
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', API_CSP)
    if (!isDocsAsset(request.url)) void reply.header('cache-control', 'no-store')
    done(null, payload)
  })
}

/** The CSP of the interactive docs (swagger-ui's own, with hashes of its inline scripts), framed by nobody. */
export function docsCsp(swaggerUiCsp: string): string {
  return swaggerUiCsp
    .replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'")
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace(/ https:/g, '')
}

const isDocsAsset = (url: string): boolean => /^\/docs\/static\//.test(url)
