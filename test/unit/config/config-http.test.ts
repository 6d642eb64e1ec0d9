import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../src/config/config.js'

const problemNames = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.name)
    throw error
  }
  return []
}

describe('loadConfig: HTTP connections, proxies and CORS', () => {
  it('bounds connections by default: headers 30 s, idle 2 min, keep-alive 72 s, no total limit, 512 sockets', () => {
    expect(loadConfig({}).connections).toEqual({
      headersTimeoutMs: 30_000,
      idleTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      requestTimeoutMs: 0,
      maxConnections: 512,
    })
  })

  it('reads every connection limit and refuses a request timeout shorter than the headers timeout', () => {
    const c = loadConfig({
      INTAKE_HEADERS_TIMEOUT_MS: '5000',
      INTAKE_IDLE_TIMEOUT_MS: '10000',
      INTAKE_KEEP_ALIVE_TIMEOUT_MS: '2000',
      INTAKE_REQUEST_TIMEOUT_MS: '600000',
      INTAKE_MAX_CONNECTIONS: '64',
    }).connections
    expect(c).toEqual({
      headersTimeoutMs: 5000,
      idleTimeoutMs: 10_000,
      keepAliveTimeoutMs: 2000,
      requestTimeoutMs: 600_000,
      maxConnections: 64,
    })
    expect(problemNames({ INTAKE_REQUEST_TIMEOUT_MS: '1000' })).toEqual(['INTAKE_REQUEST_TIMEOUT_MS'])
    expect(problemNames({ INTAKE_IDLE_TIMEOUT_MS: '0', INTAKE_MAX_CONNECTIONS: 'lots' })).toEqual([
      'INTAKE_IDLE_TIMEOUT_MS',
      'INTAKE_MAX_CONNECTIONS',
    ])
  })

  it('trusts no proxy by default; INTAKE_TRUST_PROXY takes true, a hop count or addresses and ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ INTAKE_TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ INTAKE_TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ INTAKE_TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ INTAKE_TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
    ])
    expect(problemNames({ INTAKE_TRUST_PROXY: 'proxy.example.com' })).toEqual(['INTAKE_TRUST_PROXY'])
  })

  it('has no CORS origins unless INTAKE_CORS_ORIGINS lists them (scheme, host and port only, or *)', () => {
    expect(loadConfig({}).corsOrigins).toEqual([])
    expect(
      loadConfig({ INTAKE_CORS_ORIGINS: 'https://console.example.com, http://localhost:5173/' }).corsOrigins,
    ).toEqual(['https://console.example.com', 'http://localhost:5173'])
    expect(loadConfig({ INTAKE_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*'])
    expect(problemNames({ INTAKE_CORS_ORIGINS: 'https://x.example.com/app' })).toEqual([
      'INTAKE_CORS_ORIGINS',
    ])
    expect(problemNames({ INTAKE_CORS_ORIGINS: 'console.example.com' })).toEqual(['INTAKE_CORS_ORIGINS'])
  })
})
