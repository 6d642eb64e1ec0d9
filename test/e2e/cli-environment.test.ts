import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSource } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

const BIN = path.resolve('dist/cli/bin.js')
const VERSION = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })))
}

describe('the CLI, before it talks to anything', () => {
  it('prints its version', async () => {
    expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
    const res = await cli(['--version'])
    expect(res.code).toBe(0)
    expect(res.out.trim()).toBe(VERSION)
  })

  it('names the token variable when no token is given', async () => {
    const res = await cli(['sources'], { INTAKE_URL: 'http://127.0.0.1:9', INTAKE_WORKSPACE_ID: 'w1' })
    expect(res.code).toBe(1)
    expect(res.err).toContain('--token or INTAKE_TOKEN is required')
  })

  it('answers malformed ids in words, before asking the server', async () => {
    const remote = { INTAKE_URL: 'http://127.0.0.1:9', INTAKE_TOKEN: 'itk_x', INTAKE_WORKSPACE_ID: 'w1' }
    for (const [args, what] of [
      [['executions', '--source', 'abc'], 'an import source id'],
      [['import', '--source', '12', 'hosts.csv'], 'an import source id'],
      [['token', 'revoke', '7'], 'a token id'],
    ] as const) {
      const res = await cli([...args], remote)
      expect(res.code, res.err).toBe(1)
      expect(res.err).toContain(`is not ${what}: those are UUIDs such as`)
      expect(res.err).not.toMatch(/\^|\[0-9/)
    }
  })
})

describeEachDialect('the CLI as a client of a server', (env) => {
  it('takes the server, token and workspace from INTAKE_URL, INTAKE_TOKEN and INTAKE_WORKSPACE_ID', async () => {
    const source = await createSource(env(), { name: 'From the environment' })
    const res = await cli(['sources'], {
      INTAKE_URL: env().baseUrl,
      INTAKE_TOKEN: ADMIN_TOKEN,
      INTAKE_WORKSPACE_ID: env().workspaceId,
    })
    expect(res.code, res.err).toBe(0)
    expect(res.out).toMatch(new RegExp(`${source.id}\\s+From the environment\\s+external`))
  })
})
