import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * One log line per request: Fastify writes "incoming request" and "request completed"; this writes only the
 * second, carrying the request's method and url as the first did (serialized by the logger's `req` serializer),
 * with the status and the response time. Every other log line of Fastify's stays as it is.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      )
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
    }
  }
}
