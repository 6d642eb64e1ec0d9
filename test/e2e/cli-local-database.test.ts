import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cli } from '../helpers/cli-process.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

describe('local commands (token, --local) name their database and never create one silently', () => {
  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-local-'))
      afterAll(async () => {
        await db?.drop()
        fs.rmSync(work, { recursive: true, force: true })
      })

      it('refuses a database without Intake data, creates it with --create, then uses it', async () => {
        expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
        db = await createTestDatabase(dialect)
        const where =
          dialect === 'sqlite' ? `SQLite ${path.join(db.env.INTAKE_DATA_DIR!, 'intake.db')}` : 'PostgreSQL'

        for (const args of [
          ['token', 'list'],
          ['sources', '--local'],
        ]) {
          const refused = await cli(args, db.env, work)
          expect(refused.code, refused.err).toBe(1)
          expect(refused.err).toContain(`database: ${where}`)
          expect(refused.err).toMatch(/holds no Intake database.*--create/s)
        }
        if (dialect === 'sqlite') {
          expect(fs.readdirSync(db.env.INTAKE_DATA_DIR!), 'no database file was made').toEqual([])
        }

        const created = await cli(
          ['token', 'create', '--name', 'first', '--scopes', 'admin', '--create'],
          db.env,
          work,
        )
        expect(created.code, created.err).toBe(0)
        expect(created.err).toContain(`database: ${where}`)
        expect(created.out).toMatch(/^itk_/)

        const listed = await cli(['token', 'list'], db.env, work)
        expect(listed.code, listed.err).toBe(0)
        expect(listed.err).toContain(`database: ${where}`)
        expect(listed.out).toContain('"first"')

        const migrated = await cli(['migrate'], db.env, work)
        expect(migrated.code, migrated.err).toBe(0)
        expect(migrated.err).toContain(`database: ${where}`)
        expect(migrated.out).toContain('the database is up to date')

        const sources = await cli(['sources', '--local'], db.env, work)
        expect(sources.code, sources.err).toBe(0)
        expect(sources.err).toContain(`database: ${where}`)
      })
    })
  }
})
