import type { ServerOptions } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { ConnectionLimits } from '../config/config.js'

/**
 * The Fastify and Node server options that bound a connection's life. Fastify's own default, `requestTimeout: 0`,
 * also makes Node's `headersTimeout` 0 (it defaults to the smaller of 60 s and requestTimeout), so without these a
 * half-sent request or an idle socket stays open for ever and enough of them exhaust the file descriptors.
 * - headers: the request line and headers must arrive within `headersTimeoutMs` (Node checks every
 *   `connectionsCheckingInterval`, so that is kept well below the timeout);
 * - idle: `connectionTimeout` is the socket's inactivity timeout, so an upload that keeps sending is never cut;
 * - keep-alive: an idle connection between requests closes after `keepAliveTimeoutMs`;
 * - request: the whole request within `requestTimeoutMs`, off (0) unless configured.
 */
export function connectionOptions(limits: ConnectionLimits): {
  connectionTimeout: number
  keepAliveTimeout: number
  requestTimeout: number
  http: ServerOptions
} {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(limits.headersTimeoutMs / 4))),
    },
  }
}

/** The connection cap: beyond `maxConnections` open sockets, Node closes new ones at once. */
export function capConnections(app: FastifyInstance, limits: ConnectionLimits): void {
  app.server.maxConnections = limits.maxConnections
}

/** INTAKE_TRUST_PROXY as Fastify takes it; a hop count becomes the function proxy-addr makes of one. */
export function trustProxyOption(
  trust: boolean | number | readonly string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust
  return typeof trust === 'boolean' ? trust : [...trust]
}
