import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import pg from 'pg'

/**
 * Decides once per run whether the PostgreSQL half of the suite runs.
 * - INTAKE_TEST_PG_URL (or the default postgres://postgres@127.0.0.1:5432/postgres) is probed.
 * - With CI=true or INTAKE_TEST_PG=required, an unreachable PostgreSQL fails the run.
 * - Otherwise the SQLite half runs alone and the run says plainly that PostgreSQL was skipped.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.INTAKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const required = process.env.CI === 'true' || process.env.INTAKE_TEST_PG === 'required'
  const disabled = process.env.INTAKE_TEST_PG === 'off'
  let available = false
  let reason = ''
  if (!disabled) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
      await client.query('select 1')
      available = true
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  if (!available && required) {
    throw new Error(
      `PostgreSQL is required (CI=true or INTAKE_TEST_PG=required) but ${url} does not answer: ${reason || 'disabled'}`,
    )
  }
  if (!available) {
    console.warn(
      `\n⚠ PostgreSQL skipped: ${disabled ? 'INTAKE_TEST_PG=off' : `${url} does not answer (${reason})`}. ` +
        'Only the SQLite half of the integration suite runs.\n',
    )
  }
  project.provide('pgUrl', available ? url : '')
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string
  }
}
