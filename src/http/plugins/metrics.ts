import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Prometheus metrics: process defaults plus HTTP requests by route and status. One registry per app. */
export function createMetrics(): {
  registry: Registry
  observe: (route: string, method: string, status: number, seconds: number) => void
} {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'intake_' })
  const requests = new Counter({
    name: 'intake_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'intake_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  return {
    registry,
    observe: (route, method, status, seconds) => {
      requests.inc({ method, route, status: String(status) })
      duration.observe({ method, route }, seconds)
    },
  }
}

export function registerMetrics(app: FastifyInstance, metrics: ReturnType<typeof createMetrics>): void {
  app.addHook('onResponse', async (request, reply) => {
    // Unknown routes are counted under one label so that random paths cannot explode the series.
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1000)
  })
}
