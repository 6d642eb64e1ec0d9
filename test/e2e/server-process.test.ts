import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, startServer } from '../helpers/cli-process.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

/** The started server with what its banner printed: the admin token (first start only) and the console URL. */
async function startProcess(env: Record<string, string>) {
  const started = await startServer(env)
  const adminToken = /admin token: +(\S+)/.exec(started.output)?.[1] ?? null
  const consoleUrl = /console: +(\S+)/.exec(started.output)?.[1] ?? null
  return { ...started, adminToken, consoleUrl }
}

describe('intake serve as a process', () => {
  it('exits with status 2 listing every configuration problem', async () => {
    expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' },
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(2)
    expect(err).toContain('PORT="eighty"')
    expect(err).toContain('LOG_LEVEL="loud"')
    expect(err).toContain('DATABASE_URL="mysql://x"')
  })

  for (const dialect of dialects()) {
    describe(`[${dialect}]`, () => {
      let db: TestDatabase
      afterAll(async () => db?.drop())

      it('prints the admin token once, serves with it, and loses no acknowledged write on SIGTERM', async () => {
        db = await createTestDatabase(dialect)
        const first = await startProcess(db.env)
        expect(first.adminToken).toMatch(/^itk_/)
        // The banner's console URL opens the web console (built by `npm run build`).
        expect(first.consoleUrl).toBe(`${first.url}/console/`)
        const page = await fetch(first.consoleUrl!)
        expect(page.status).toBe(200)
        expect(await page.text()).toContain('<title>Intake console</title>')
        const auth = { authorization: `Bearer ${first.adminToken}`, 'content-type': 'application/json' }
        const api = `${first.url}/jsm/assets/workspace/${first.workspaceId}/v1`
        const post = (p: string, body: unknown) =>
          fetch(api + p, { method: 'POST', headers: auth, body: JSON.stringify(body) })
        const schema: any = await (
          await post('/objectschema/create', { name: 'E2E', objectSchemaKey: 'E2E' })
        ).json()
        const type: any = await (
          await post('/objecttype/create', { name: 'Thing', objectSchemaId: schema.id })
        ).json()
        const attr: any = await (
          await post(`/objecttypeattribute/${type.id}`, { name: 'Name', kind: 'text', label: true })
        ).json()

        // Fire writes and send SIGTERM as soon as the first is acknowledged, while the others are in flight:
        // every acknowledged write must survive the shutdown.
        let signalled = false
        const writes = Array.from({ length: 60 }, (_, i) =>
          post('/object/create', {
            objectTypeId: type.id,
            attributes: [
              { objectTypeAttributeId: attr.id, objectAttributeValues: [{ value: `thing-${i}` }] },
            ],
          }).then(
            async (r) => {
              if (r.status !== 201) return null
              const id = ((await r.json()) as { id: string }).id
              if (!signalled) {
                signalled = true
                first.child.kill('SIGTERM')
              }
              return id
            },
            () => null,
          ),
        )
        const acknowledged = (await Promise.all(writes)).filter((id): id is string => id !== null)
        expect(await first.exited).toBe(0)
        expect(acknowledged.length).toBeGreaterThan(0)

        const second = await startProcess(db.env)
        try {
          expect(second.adminToken, 'the token is printed only the first time').toBeNull()
          expect(second.workspaceId).toBe(first.workspaceId)
          for (const id of acknowledged) {
            const res = await fetch(`${api.replace(first.url, second.url)}/object/${id}`, { headers: auth })
            expect(res.status, `object ${id}`).toBe(200)
          }
        } finally {
          second.child.kill('SIGTERM')
          expect(await second.exited).toBe(0)
        }
      })
    })
  }
})
