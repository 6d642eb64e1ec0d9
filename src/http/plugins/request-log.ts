import type { FastifyInstance } from 'fastify'

/**
 * One log line per answered request, at info: method, url, status, response time and the request id (Fastify's
 * own request logging writes two, "incoming request" and "request completed", and is turned off in buildApp).
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        req: { method: request.method, url: request.url, remoteAddress: request.ip },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    )
  })
}
