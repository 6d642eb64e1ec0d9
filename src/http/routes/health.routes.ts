import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { Services } from '../../services/services.js'
import { authErrors } from '../schemas/common.schema.js'

export function healthRoutes(app: FastifyInstance, services: Services, registry: Registry): void {
  app.get('/healthz', {
    config: { auth: { public: true } },
    schema: {
      tags: ['Operations'],
      summary: 'The process is up',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  })

  app.get('/readyz', {
    config: { auth: { public: true } },
    schema: {
      tags: ['Operations'],
      summary: 'The database answers',
      response: {
        200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
        503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String() }),
      },
    },
    handler: async (_req, reply) => {
      const ok = await services.store.ping()
      const database = services.store.caps.dialect
      return ok
        ? { status: 'ready' as const, database }
        : reply.code(503).send({ status: 'unavailable', database })
    },
  })

  app.get('/metrics', {
    config: { auth: { scope: 'admin' } },
    schema: {
      tags: ['Operations'],
      summary: 'Prometheus metrics (admin token)',
      response: { 200: Type.String(), ...authErrors },
    },
    handler: async (_req, reply) => {
      reply.type(registry.contentType)
      return registry.metrics()
    },
  })
}
