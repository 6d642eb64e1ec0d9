import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** Where `npm run build` puts the console (web/ bundled by esbuild): dist/web, from src/http/routes or dist/http/routes. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url))
export const CONSOLE_PATH = '/console/'

/**
 * The console's CSP: its own script and stylesheet only (no inline script, no inline style element), API calls to
 * this origin, images from itself or data: URLs (the chart is inline SVG, part of the document). Nobody may frame it.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Intake console</title>' +
  '<p>The console is not built: run <code>npm run build</code> and start Intake again.</p>'

/**
 * The web console, served by Intake itself: `/` sends the browser to `/console/`, files of the build are answered
 * as they are, and any other path under `/console/` answers index.html (the console routes in the URL's hash, so
 * a bookmarked or reloaded page still opens). Public: the console holds no data, it asks the API with the token
 * the person signs in with.
 */
export function consoleRoutes(app: FastifyInstance, dir: string = CONSOLE_DIR): void {
  const config = { auth: { public: true } }
  const schema = { hide: true }
  const send = (reply: FastifyReply, file: string | null): FastifyReply => {
    void reply.header('content-security-policy', CONSOLE_CSP)
    if (file === null) return reply.code(503).type(TYPES['.html']!).send(NOT_BUILT)
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream'
    return reply.type(type).send(fs.createReadStream(file))
  }
  const fileOf = (relative: string): string | null => {
    const resolved = path.resolve(dir, relative)
    if (resolved !== dir && !resolved.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) return null
    try {
      return fs.statSync(resolved).isFile() ? resolved : null
    } catch {
      return null
    }
  }
  app.get('/', { config, schema }, async (_req, reply) => reply.redirect(CONSOLE_PATH, 302))
  // With ignoreTrailingSlash, `/console/` is this route (the wildcard below never sees an empty rest).
  app.get('/console', { config, schema }, async (_req, reply) => send(reply, fileOf('index.html')))
  app.get('/console/*', { config, schema }, async (req, reply) => {
    const rest = (req.params as { '*': string })['*']
    let relative: string
    try {
      relative = decodeURIComponent(rest)
    } catch {
      relative = ''
    }
    const asset = fileOf(relative)
    if (asset !== null) return send(reply, asset)
    // A missing file of the build (a name with an extension) is a 404; any other path is a page of the console.
    if (/\.[a-z0-9]+$/i.test(relative)) return reply.code(404).type('text/plain').send('Not found')
    return send(reply, fileOf('index.html'))
  })
}
