import { expect, it } from 'vitest'
import { createSource } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

const ORIGIN = 'https://console.example.com'

describeEachDialect('security headers on every answer; no CORS unless configured', (env) => {
  it('sends nosniff, no framing and a locked-down CSP on API answers, errors and 404s', async () => {
    const answers = [
      await env().call('GET', `${env().api}/importsource`),
      await env().call('GET', `${env().api}/importsource`, { token: null }),
      await env().call('GET', `${env().baseUrl}/no/such/route`),
      await env().call('GET', `${env().baseUrl}/healthz`),
    ]
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 200])
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect(res.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('answers Cache-Control: no-store with a container token secret', async () => {
    const source = await createSource(env())
    const res = await env().call('POST', `${env().api}/importsource/${source.id}/token`)
    expect(res.status).toBe(200)
    expect(res.body.token).toEqual(expect.any(String))
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('serves /docs with a CSP that allows its own scripts only and forbids framing', async () => {
    const res = await fetch(`${env().baseUrl}/docs/static/index.html`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('https:')
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })

  it('sends no CORS header and answers preflights 404 when INTAKE_CORS_ORIGINS is unset', async () => {
    const res = await env().call('GET', `${env().api}/importsource`, { headers: { origin: ORIGIN } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(`${env().api}/importsource`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(404)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describeEachDialect(
  'CORS for the origins of INTAKE_CORS_ORIGINS',
  (env) => {
    it('answers a preflight from an allowed origin, and echoes it on answers and errors', async () => {
      const preflight = await fetch(`${env().api}/importsource`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
      const ok = await env().call('GET', `${env().api}/importsource`, { headers: { origin: ORIGIN } })
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(ok.headers.get('vary')).toContain('Origin')
      const denied = await env().call('GET', `${env().api}/importsource`, {
        token: null,
        headers: { origin: ORIGIN },
      })
      expect(denied.status).toBe(401)
      expect(denied.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    })

    it('gives another origin no CORS header', async () => {
      const other = 'https://evil.example.net'
      const res = await env().call('GET', `${env().api}/importsource`, { headers: { origin: other } })
      expect(res.status).toBe(200)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      const preflight = await fetch(`${env().api}/importsource`, {
        method: 'OPTIONS',
        headers: { origin: other, 'access-control-request-method': 'DELETE' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull()
    })
  },
  { INTAKE_CORS_ORIGINS: ORIGIN },
)
