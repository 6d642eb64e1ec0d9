import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type AppConfig } from '../../src/config/config.js'
import { buildApp } from '../../src/http/app.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'

export type DialectName = 'sqlite' | 'postgres'

/** The dialects this run covers: SQLite always, PostgreSQL when the global setup found it. */
export function dialects(): DialectName[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite']
}

export interface TestDatabase {
  env: Record<string, string>
  drop(): Promise<void>
}

/** A fresh, empty database of its own: a temp SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-test-'))
  if (dialect === 'sqlite') {
    return {
      env: { INTAKE_DATA_DIR: dataDir },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    }
  }
  const adminUrl = inject('pgUrl')
  const name = `intake_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    env: { INTAKE_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const ADMIN_TOKEN = 'itk_test-admin-token-0123456789'

export interface TestEnv {
  dialect: DialectName
  config: AppConfig
  booted: Bootstrapped
  app: FastifyInstance
  /** http://127.0.0.1:<port> of the listening server. */
  baseUrl: string
  workspaceId: string
  /** Base of the Assets-compatible API for the default workspace. */
  api: string
  /** fetch with the admin token unless `token` is given (null sends none). */
  call(
    method: string,
    url: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>
}

/**
 * Runs `fn` once per dialect, each with its own database and a real listening server; `extraEnv` adds
 * configuration (such as INTAKE_IMPORT_DIR or INTAKE_MAX_UPLOAD_BYTES).
 */
export function describeEachDialect(
  title: string,
  fn: (env: () => TestEnv) => void,
  extraEnv: Record<string, string> = {},
): void {
  for (const dialect of dialects()) {
    describe(`${title} [${dialect}]`, () => {
      let env: TestEnv | undefined
      let db: TestDatabase | undefined
      beforeAll(async () => {
        db = await createTestDatabase(dialect)
        const config = loadConfig({
          ...db.env,
          ...extraEnv,
          INTAKE_ADMIN_TOKEN: ADMIN_TOKEN,
          LOG_LEVEL: 'silent',
          PORT: '0',
        })
        const booted = await bootstrap(config)
        const app = await buildApp(booted.services)
        await app.listen({ port: 0, host: '127.0.0.1' })
        const address = app.server.address()
        const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
        env = {
          dialect,
          config,
          booted,
          app,
          baseUrl,
          workspaceId: booted.workspaceId,
          api: `${baseUrl}/jsm/assets/workspace/${booted.workspaceId}/v1`,
          call: async (method, url, options = {}) => {
            const headers: Record<string, string> = { ...(options.headers ?? {}) }
            const token = options.token === undefined ? ADMIN_TOKEN : options.token
            if (token !== null) headers.authorization = `Bearer ${token}`
            let body: string | undefined
            if (options.body !== undefined) {
              body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
              headers['content-type'] ??= 'application/json'
            }
            const res = await fetch(url.startsWith('http') ? url : `${baseUrl}${url}`, {
              method,
              headers,
              body,
            })
            const text = await res.text()
            let parsed: unknown = text
            try {
              parsed = text === '' ? null : JSON.parse(text)
            } catch {
              /* not JSON: keep the text */
            }
            return { status: res.status, body: parsed, headers: res.headers }
          },
        }
      })
      afterAll(async () => {
        await env?.app.close()
        await env?.booted.close()
        await db?.drop()
      })
      fn(() => {
        if (!env) throw new Error('test environment not ready')
        return env
      })
    })
  }
}
