import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { RestConfig } from '../../../src/connectors/rest/rest.config.js'
import { restConnector } from '../../../src/connectors/rest/rest.connector.js'
import { backoffMs, retryAfterMs } from '../../../src/connectors/rest/rest-retry.js'
import { devices, json, restConfig, type RestServer, startRestServer } from '../../helpers/rest-server.js'
import { signal as freshSignal } from './helpers.js'

let server: RestServer
afterEach(async () => server?.close())

const ALL = devices(12)

async function readCount(config: RestConfig, signal = freshSignal()): Promise<number> {
  let n = 0
  for await (const batch of restConnector.read(config, { batchSize: 100, signal }))
    n += (batch.data.devices as unknown[]).length
  return n
}

/** Milliseconds between the arrivals of consecutive requests. */
const gaps = () => server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at)

const paged = (extra: Record<string, unknown> = {}) =>
  restConfig({
    baseUrl: server.origin,
    retryDelayMs: 20,
    endpoints: { devices: { pagination: { type: 'page', param: 'page' } } },
    ...extra,
  })

/** Pages of 5 devices; `before(n, res)` may answer request n (1-based) itself and return true. */
function api(before: (n: number, res: ServerResponse) => boolean) {
  let n = 0
  return startRestServer((_req, res, url) => {
    if (before(++n, res)) return
    const page = Number(url.searchParams.get('page'))
    json(res, ALL.slice((page - 1) * 5, page * 5))
  })
}

describe('REST connector: rate limits and retries', () => {
  it('429 with Retry-After in seconds: waits that long, then goes on', async () => {
    server = await api(
      (n, res) => n === 2 && (json(res, { error: 'slow down' }, 429, { 'retry-after': '1' }), true),
    )
    expect(await readCount(paged())).toBe(12)
    expect(server.requests.map((r) => r.url)).toEqual([
      '/?page=1',
      '/?page=2',
      '/?page=2',
      '/?page=3',
      '/?page=4',
    ])
    expect(gaps()[1]).toBeGreaterThanOrEqual(990)
  })

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    server = await api(
      (n, res) =>
        n === 1 &&
        (json(res, {}, 429, {
          'retry-after': new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toUTCString(),
        }),
        true),
    )
    expect(await readCount(paged())).toBe(12)
    expect(gaps()[0]).toBeGreaterThanOrEqual(900)
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:58Z'))).toBe(2000)
    expect(retryAfterMs('soon')).toBeNull()
  })

  it('a Retry-After beyond maxRetryAfterSeconds fails at once; 429 until the attempts run out fails RATE_LIMITED', async () => {
    server = await api((_n, res) => (json(res, {}, 429, { 'retry-after': '7200' }), true))
    await expect(readCount(paged())).rejects.toThrow(
      /asks to wait 7200 s, longer than maxRetryAfterSeconds \(300\)/,
    )
    expect(server.requests).toHaveLength(1)
    server.handle((_req, res) => json(res, {}, 429))
    server.requests.length = 0
    await expect(readCount(paged({ maxAttempts: 3 }))).rejects.toMatchObject({
      details: { code: 'RATE_LIMITED', status: 429 },
      message: expect.stringContaining('still answered 429 Too Many Requests after 3 attempt(s)'),
    })
    expect(server.requests).toHaveLength(3)
  })

  it('5xx and a dropped connection are retried with growing backoff, then the read succeeds', async () => {
    server = await api((n, res) => {
      if (n === 2) return (json(res, {}, 503), true)
      if (n === 3) return (res.socket?.destroy(), true)
      if (n === 4) return (json(res, {}, 500), true)
      return false
    })
    expect(await readCount(paged({ retryDelayMs: 100 }))).toBe(12)
    expect(server.requests.map((r) => r.url).slice(0, 5)).toEqual([
      '/?page=1',
      '/?page=2',
      '/?page=2',
      '/?page=2',
      '/?page=2',
    ])
    const [, first, second, third] = gaps()
    // Backoff: 50..100 ms, then 100..200 ms, then 200..400 ms (equal jitter).
    expect(first).toBeGreaterThanOrEqual(45)
    expect(second).toBeGreaterThanOrEqual(95)
    expect(third).toBeGreaterThanOrEqual(195)
    expect(backoffMs(500, 10, () => 1)).toBe(30_000)
  })

  it('a server error that persists fails the read with its status after maxAttempts', async () => {
    server = await api((_n, res) => (json(res, {}, 502), true))
    await expect(readCount(paged({ maxAttempts: 2 }))).rejects.toMatchObject({
      details: { code: 'HTTP_ERROR', status: 502, url: `${server.origin}/?page=1` },
    })
    expect(server.requests).toHaveLength(2)
  })

  it('a request that does not answer within timeoutMs is tried again, then fails TIMEOUT naming the URL', async () => {
    server = await api(() => true) // never answers
    const started = performance.now()
    await expect(readCount(paged({ timeoutMs: 200, maxAttempts: 2 }))).rejects.toMatchObject({
      details: { code: 'TIMEOUT', url: `${server.origin}/?page=1` },
      message: expect.stringContaining('did not answer within 200 ms (2 attempt(s))'),
    })
    expect(performance.now() - started).toBeGreaterThanOrEqual(390)
    expect(server.requests).toHaveLength(2)
  })

  it('maxRequestsPerSecond spaces the requests of a source', async () => {
    server = await api(() => false)
    const started = performance.now()
    expect(await readCount(paged({ maxRequestsPerSecond: 10 }))).toBe(12)
    expect(server.requests).toHaveLength(4)
    // The limiter spaces the sends 100 ms apart; arrivals are read by this process's server, whose event loop may
    // take one late under load (a collection of a test worker's heap, another worker on the same core): the gap before
    // it grows by as much as the gap after it shrinks, so two neighbouring gaps together keep their 200 ms.
    // Unlimited requests arrive 1–5 ms apart; the total, from before the first send to after the last arrival, cannot
    // be shortened by a late arrival.
    const spaced = gaps()
    for (let i = 1; i < spaced.length; i++) expect(spaced[i - 1]! + spaced[i]!).toBeGreaterThanOrEqual(150)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('aborting the signal cancels a request in flight and a backoff wait at once', async () => {
    server = await api(() => true) // never answers
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('paused')), 100)
    const started = performance.now()
    await expect(readCount(paged({ timeoutMs: 60_000 }), controller.signal)).rejects.toThrow('paused')
    expect(performance.now() - started).toBeLessThan(1000)

    server.handle((_req, res) => json(res, {}, 503))
    const waiting = new AbortController()
    setTimeout(() => waiting.abort(new Error('cancelled')), 100)
    const again = performance.now()
    await expect(readCount(paged({ retryDelayMs: 60_000 }), waiting.signal)).rejects.toThrow('cancelled')
    expect(performance.now() - again).toBeLessThan(1000)
  })
})
