import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Value } from '@sinclair/typebox/value'
import { expect } from 'vitest'
import { type RestConfig, RestConfigSchema } from '../../src/connectors/rest/rest.config.js'

export interface SeenRequest {
  method: string
  /** Path and query, as sent. */
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** performance.now() when the request arrived. */
  at: number
}

export type RestHandler = (req: SeenRequest, res: ServerResponse, url: URL) => void | Promise<void>

export interface RestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  requests: SeenRequest[]
  /** Replaces the handler. */
  handle(handler: RestHandler): void
  /** Stops listening and cuts every open connection (a server gone mid-import). */
  close(): Promise<void>
}

/** Answers `body` as JSON with `status` and extra headers. */
export function json(
  res: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * A real HTTP server on 127.0.0.1 and a free port (or `port`, to start again where a stopped one was); every
 * request is recorded, then handed to the handler.
 */
export async function startRestServer(
  handler: RestHandler = (_q, res) => json(res, []),
  port = 0,
): Promise<RestServer> {
  let current = handler
  const requests: SeenRequest[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      }
      requests.push(seen)
      Promise.resolve(current(seen, res, new URL(seen.url, 'http://127.0.0.1'))).catch((error: unknown) => {
        res.writeHead(500)
        res.end(String(error))
      })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    handle: (h) => (current = h),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** `count` devices: { id: 'd1', name: 'Device 1', ip: '10.0.0.1', ram: 1024 } … */
export function devices(count: number, from = 1): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k
    return { id: `d${i}`, name: `Device ${i}`, ip: `10.0.${Math.floor(i / 250)}.${i % 250}`, ram: 1024 * i }
  })
}

/** A REST source config with the schema's defaults applied, checked against the schema. */
export function restConfig(config: Record<string, unknown>): RestConfig {
  const value = Value.Default(RestConfigSchema, Value.Clone(config)) as RestConfig
  expect([...Value.Errors(RestConfigSchema, value)].map((e) => `${e.path} ${e.message}`)).toEqual([])
  return value
}
