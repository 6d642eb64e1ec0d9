import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerSecurityHeaders } from '../../src/http/plugins/security-headers.js'
import { CONSOLE_CSP, consoleRoutes } from '../../src/http/routes/console.routes.js'
import { describeEachDialect } from '../helpers/test-env.js'

describe('console routes: the built files, the SPA fallback and the CSP', () => {
  let app: FastifyInstance
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-console-dir-'))
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>')
    fs.writeFileSync(path.join(dir, 'app.js'), 'export {}')
    fs.writeFileSync(path.join(os.tmpdir(), 'intake-console-secret.txt'), 'outside')
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
    registerSecurityHeaders(app)
    consoleRoutes(app, dir + path.sep)
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers index.html at /console/, a file of the build by its name, and index.html for any other page', async () => {
    for (const url of ['/console', '/console/', '/console/sources/anything']) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.body).toContain('<title>console</title>')
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP)
    }
    const js = await app.inject({ url: '/console/app.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['x-content-type-options']).toBe('nosniff')
  })

  it('sends / to /console/', async () => {
    const res = await app.inject({ url: '/' })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/console/')
  })

  it('answers 404 for a missing file and never a file outside the build', async () => {
    expect((await app.inject({ url: '/console/missing.js' })).statusCode).toBe(404)
    for (const url of [
      '/console/../intake-console-secret.txt',
      '/console/%2e%2e/intake-console-secret.txt',
      '/console/..%2fintake-console-secret.txt',
    ]) {
      const res = await app.inject({ url })
      expect(res.body, url).not.toContain('outside')
    }
  })

  it('allows no inline script and no other origin', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'")
    expect(CONSOLE_CSP).toContain("connect-src 'self'")
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'")
    expect(CONSOLE_CSP).not.toContain('unsafe')
  })

  it('says how to build the console when it is not built', async () => {
    const empty = Fastify()
    consoleRoutes(empty, path.join(dir, 'nothing') + path.sep)
    const res = await empty.inject({ url: '/console/' })
    expect(res.statusCode).toBe(503)
    expect(res.body).toContain('npm run build')
    await empty.close()
  })
})

describeEachDialect('console routes beside the API', (env) => {
  it('leave the API, the docs and the health routes as they were, and need no token', async () => {
    const console_ = await env().call('GET', '/console/', { token: null })
    expect([200, 503]).toContain(console_.status) // 503 only when dist/web was never built
    expect(console_.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await env().call('GET', '/readyz', { token: null })).status).toBe(200)
    const openapi = await env().call('GET', '/openapi.json', { token: null })
    expect(openapi.status).toBe(200)
    expect(Object.keys(openapi.body.paths).some((p: string) => p.startsWith('/console'))).toBe(false)
    const docs = await env().call('GET', '/docs/', { token: null })
    expect(docs.status).toBe(200)
    expect(docs.headers.get('content-security-policy')).not.toContain("connect-src 'self'")
    const api = await env().call('GET', `${env().api}/importsource`, { token: null })
    expect(api.status).toBe(401)
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})
