import { expect, it } from 'vitest'
import { createMetrics } from '../../../src/http/plugins/metrics.js'

// Requests are counted outside prom-client and handed to the counter when it is read: every read shows every request
// counted so far, once.
it('intake_http_requests_total counts every request by method, route and status, across reads', async () => {
  const metrics = createMetrics()
  const read = async () => metrics.registry.getSingleMetricAsString('intake_http_requests_total')
  metrics.observe('/a/:id', 'GET', 200, 0.001)
  metrics.observe('/a/:id', 'GET', 200, 0.002)
  metrics.observe('/a/:id', 'GET', 404, 0.001)
  metrics.observe('/b', 'POST', 201, 0.01)
  let text = await read()
  expect(text).toContain('intake_http_requests_total{method="GET",route="/a/:id",status="200"} 2')
  expect(text).toContain('intake_http_requests_total{method="GET",route="/a/:id",status="404"} 1')
  expect(text).toContain('intake_http_requests_total{method="POST",route="/b",status="201"} 1')
  expect(await read()).toContain('intake_http_requests_total{method="GET",route="/a/:id",status="200"} 2')
  metrics.observe('/a/:id', 'GET', 200, 0.001)
  text = await read()
  expect(text).toContain('intake_http_requests_total{method="GET",route="/a/:id",status="200"} 3')
  expect(text).toContain('intake_http_requests_total{method="POST",route="/b",status="201"} 1')
  expect(await metrics.registry.getSingleMetricAsString('intake_http_request_duration_seconds')).toContain(
    'intake_http_request_duration_seconds_count{method="GET",route="/a/:id"} 4',
  )
})
