import type { FastifyInstance } from 'fastify'

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE'
const ALLOWED_HEADERS = 'authorization, content-type, token, x-request-id'
const EXPOSED_HEADERS = 'location, retry-after, x-request-id'

/**
 * CORS for the origins of INTAKE_CORS_ORIGINS, and for none when it is unset (no CORS header at all, preflights
 * answer 404). An allowed origin is echoed with `Vary: Origin`, on error answers too so the browser lets the client
 * read them; preflights answer 204. No cookies are involved (tokens travel in headers), so credentials stay off.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return
  const any = origins.includes('*')
  const allowed = (origin: string): boolean => any || origins.includes(origin)

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin
    void reply.header('vary', 'Origin')
    if (typeof origin !== 'string' || !allowed(origin)) return
    void reply.header('access-control-allow-origin', origin)
    void reply.header('access-control-expose-headers', EXPOSED_HEADERS)
  })

  app.options('*', { config: { auth: { public: true } }, schema: { hide: true } }, async (request, reply) => {
    const origin = request.headers.origin
    if (typeof origin === 'string' && allowed(origin) && request.headers['access-control-request-method']) {
      void reply.header('access-control-allow-methods', ALLOWED_METHODS)
      void reply.header('access-control-allow-headers', ALLOWED_HEADERS)
      void reply.header('access-control-max-age', '600')
    }
    return reply.code(204).send()
  })
}
