import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../../src/config/config.js'
import { buildApp } from '../../src/http/app.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'
import { ADMIN_TOKEN, createTestDatabase, type TestDatabase } from '../helpers/test-env.js'

const HEADERS_MS = 600
const IDLE_MS = 900
const KEEP_ALIVE_MS = 400
const MAX_CONNECTIONS = 8

/** A raw socket to the server, with what it received and when it closed (ms after connecting). */
interface Probe {
  socket: net.Socket
  received: () => string
  closed: Promise<number>
}

function connect(port: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    let data = ''
    const socket = net.connect(port, '127.0.0.1')
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)))
    socket.on('data', (chunk) => (data += chunk.toString('utf8')))
    socket.on('error', () => undefined)
    socket.once('connect', () => resolve({ socket, received: () => data, closed }))
    socket.once('error', reject)
  })
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))])

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Connection handling does not touch storage: one dialect is enough.
describe('HTTP connections are bounded: timeouts on inactivity and headers, and a cap', () => {
  let db: TestDatabase
  let booted: Bootstrapped
  let app: FastifyInstance
  let port: number

  beforeAll(async () => {
    db = await createTestDatabase('sqlite')
    const config = loadConfig({
      ...db.env,
      INTAKE_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      INTAKE_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      INTAKE_IDLE_TIMEOUT_MS: String(IDLE_MS),
      INTAKE_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
      INTAKE_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    })
    booted = await bootstrap(config)
    app = await buildApp(booted.services)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    port = typeof address === 'object' && address ? address.port : 0
  })

  afterAll(async () => {
    app.server.closeAllConnections()
    await app.close()
    await booted.close()
    await db.drop()
  })

  it('closes a connection that never sends a byte after the idle timeout', async () => {
    const probe = await connect(port)
    const closedAfter = await within(probe.closed, IDLE_MS + 2_000)
    expect(closedAfter).not.toBe('still open')
    expect(closedAfter as number).toBeGreaterThanOrEqual(HEADERS_MS - 100)
  })

  it('closes a connection whose headers trickle in for longer than the headers timeout', async () => {
    const probe = await connect(port)
    probe.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n')
    // A header byte every 100 ms keeps the socket active: only the headers timeout can end it.
    const trickle = setInterval(() => probe.socket.writable && probe.socket.write('X-Slow: y\r\n'), 100)
    try {
      const closedAfter = await within(probe.closed, HEADERS_MS + 2_000)
      expect(closedAfter).not.toBe('still open')
      expect(closedAfter as number).toBeLessThan(HEADERS_MS + 1_500)
    } finally {
      clearInterval(trickle)
    }
  })

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const probe = await connect(port)
    probe.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n')
    const closedAfter = await within(probe.closed, KEEP_ALIVE_MS + 2_000)
    expect(probe.received()).toMatch(/^HTTP\/1\.1 200/)
    expect(closedAfter).not.toBe('still open')
  })

  it('lets a slow request body that keeps sending run longer than every timeout', async () => {
    const body = JSON.stringify({
      name: 'Slowly sent source',
      type: 'external',
      description: 'x'.repeat(200),
    })
    const probe = await connect(port)
    probe.socket.write(
      `POST /jsm/assets/workspace/${booted.workspaceId}/v1/importsource HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    )
    const started = Date.now()
    const step = Math.ceil(body.length / 12)
    for (let i = 0; i < body.length; i += step) {
      probe.socket.write(body.slice(i, i + step))
      await sleep(200) // 12 × 200 ms: longer than the idle, headers and keep-alive timeouts together
    }
    await within(probe.closed, 5_000)
    expect(Date.now() - started).toBeGreaterThan(IDLE_MS + HEADERS_MS)
    expect(probe.received()).toMatch(/^HTTP\/1\.1 201/)
  })

  it(`refuses connections beyond ${MAX_CONNECTIONS} open ones, and serves again once they close`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(port)))
    await sleep(50)
    const extra = await connect(port)
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(await within(extra.closed, 1_000)).not.toBe('still open')
    expect(extra.received()).toBe('')
    for (const probe of held) probe.socket.destroy()
    await Promise.all(held.map((p) => p.closed))
    await sleep(50)
    const res = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(res.status).toBe(200)
  })
})
