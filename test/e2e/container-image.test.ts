import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'

const VERSION = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version

/** Why the image cannot be built here, or null when Docker answers. */
function dockerUnavailable(): string | null {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 })
  if (info.error !== undefined) return `docker is not installed (${info.error.message})`
  if (info.status !== 0) return 'the Docker daemon does not answer (docker info failed)'
  return null
}

describe('Dockerfile and compose.yaml', () => {
  it('build in two stages, run as a non-root user and check /readyz', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8')
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2)
    expect(dockerfile).toMatch(/^USER (?!root\b)\S+/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK[\s\S]*\/readyz/m)
  })

  it('run Intake on PostgreSQL', () => {
    const compose = fs.readFileSync('compose.yaml', 'utf8')
    expect(compose).toMatch(/image: postgres:/)
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/\S+@postgres:5432\//)
    expect(compose).toMatch(/condition: service_healthy/)
  })
})

const unavailable = dockerUnavailable()

describe.skipIf(unavailable !== null)(
  `the container image${unavailable === null ? '' : ` — skipped: ${unavailable}`}`,
  () => {
    it('builds, runs the CLI as a non-root user and declares its health check', () => {
      const tag = `intake-test:${randomBytes(4).toString('hex')}`
      const build = spawnSync('docker', ['build', '-t', tag, '.'], { timeout: 900_000, encoding: 'utf8' })
      expect(build.status, build.stderr).toBe(0)
      try {
        const version = spawnSync('docker', ['run', '--rm', tag, '--version'], { encoding: 'utf8' })
        expect(version.stdout.trim(), version.stderr).toBe(VERSION)
        const user = spawnSync('docker', ['run', '--rm', '--entrypoint', 'id', tag, '-u'], {
          encoding: 'utf8',
        })
        expect(user.stdout.trim()).not.toBe('0')
        const inspect = spawnSync(
          'docker',
          ['image', 'inspect', tag, '--format', '{{json .Config.Healthcheck}}'],
          {
            encoding: 'utf8',
          },
        )
        expect(inspect.stdout).toContain('/readyz')
      } finally {
        spawnSync('docker', ['image', 'rm', '-f', tag])
      }
    }, 900_000)
  },
)
