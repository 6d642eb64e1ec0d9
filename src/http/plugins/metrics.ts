import type { FastifyInstance } from 'fastify'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Prometheus metrics: process defaults plus HTTP requests by route and status. One registry per app. */
export function createMetrics(): {
  registry: Registry
  observe: (route: string, method: string, status: number, seconds: number) => void
} {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'intake_' })
  // Requests are counted here and handed to the counter when it is read: prom-client's inc() builds a label hash
  // string per call, which cost about 2 % of a GET object/{id}. Route strings are the router's own (their hash is
  // computed once), so the three lookups below allocate nothing.
  const counts = new Map<string, Map<string, Map<number, { n: number }>>>()
  new Counter({
    name: 'intake_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      for (const [route, byMethod] of counts) {
        for (const [method, byStatus] of byMethod) {
          for (const [status, count] of byStatus) {
            if (count.n === 0) continue
            this.inc({ method, route, status: String(status) }, count.n)
            count.n = 0
          }
        }
      }
    },
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
      let byMethod = counts.get(route)
      if (!byMethod) counts.set(route, (byMethod = new Map()))
      let byStatus = byMethod.get(method)
      if (!byStatus) byMethod.set(method, (byStatus = new Map()))
      const count = byStatus.get(status)
      if (count) count.n++
      else byStatus.set(status, { n: 1 })
      duration.observe({ method, route }, seconds)
    },
  }
}

export function registerMetrics(app: FastifyInstance, metrics: ReturnType<typeof createMetrics>): void {
  // A callback hook, not an async one: no promise and microtask on every request.
  app.addHook('onResponse', (request, reply, done) => {
    // Unknown routes are counted under one label so that random paths cannot explode the series.
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
}
