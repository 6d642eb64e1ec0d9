import type { FastifyInstance } from 'fastify'
import type { AppConfig } from '../config/config.js'
import type { ExecutionWorker } from '../jobs/execution-worker.js'
import { bootstrap, startBackground } from '../main.js'
import { ensureWritableDir } from '../store/data-dir.js'
import { buildApp } from './app.js'
import { serverLogger } from './server-logger.js'

/** How long in-flight requests may take to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 25_000

async function drain(count: () => number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs
  while (count() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
}

export interface RunningServer {
  app: FastifyInstance
  url: string
  workspaceId: string
  generatedAdminToken: string | null
  stop(): Promise<void>
}

/**
 * Boots everything and listens, with an in-process execution worker unless `worker` is false. stop() stops
 * accepting, lets in-flight requests finish, stops the worker (running executions are resumed later), then
 * closes the database.
 */
export async function startServer(
  config: AppConfig,
  options: { worker?: boolean } = {},
): Promise<RunningServer> {
  ensureWritableDir(config.dataDir)
  const booted = await bootstrap(config)
  const app = await buildApp(booted.services, {
    logger: serverLogger(config.logLevel),
  })
  const inFlight = new Set<string>()
  // Callback hooks, not async ones: no promise and microtask on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    inFlight.add(request.id)
    done()
  })
  app.addHook('onResponse', (request, _reply, done) => {
    inFlight.delete(request.id)
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    inFlight.delete(request.id)
    done()
  })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await booted.close()
    throw error
  }
  const worker: ExecutionWorker | null =
    options.worker === false ? null : startBackground(booted.services, { log: app.log })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  let stopping: Promise<void> | null = null
  return {
    app,
    url: config.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    workspaceId: booted.workspaceId,
    generatedAdminToken: booted.generatedAdminToken,
    stop: () =>
      (stopping ??= (async () => {
        const closed = app.close()
        await drain(() => inFlight.size, SHUTDOWN_GRACE_MS)
        // Sockets that never completed a request (half-sent headers, idle keep-alive) would hold close() open.
        app.server.closeAllConnections()
        await closed
        await worker?.stop()
        await booted.close()
      })()),
  }
}
