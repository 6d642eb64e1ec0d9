import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../src/config/config.js'

describe('loadConfig', () => {
  it('defaults to SQLite under ./data on 127.0.0.1:8080', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      maxBodyBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      workerConcurrency: 1,
    })
    expect(c.database).toEqual({
      dialect: 'sqlite',
      url: path.resolve('data/intake.db'),
      sqliteCacheMb: 16,
      sqliteApiCacheMb: 4,
    })
    expect(Object.isFrozen(c)).toBe(true)
    expect(Object.isFrozen(c.database)).toBe(true)
  })

  it('takes PostgreSQL from a postgres:// DATABASE_URL and SQLite from sqlite:<file>', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({
      dialect: 'postgres',
      url: 'postgres://u@h:5432/db',
    })
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).database.dialect).toBe('postgres')
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      dialect: 'sqlite',
      url: '/tmp/x.db',
      sqliteCacheMb: 16,
      sqliteApiCacheMb: 4,
    })
    expect(loadConfig({ INTAKE_DATA_DIR: '/srv/intake' }).database.url).toBe('/srv/intake/intake.db')
  })

  it('strips a trailing slash from INTAKE_PUBLIC_URL and treats blank values as unset', () => {
    expect(loadConfig({ INTAKE_PUBLIC_URL: 'https://intake.example.com/' }).publicUrl).toBe(
      'https://intake.example.com',
    )
    expect(loadConfig({ PORT: '  ', LOG_LEVEL: '' })).toMatchObject({ port: 8080, logLevel: 'info' })
  })

  it('lists every problem at once, each with name, value and what is expected', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: '80a',
        DATABASE_URL: 'mysql://x',
        INTAKE_ADMIN_TOKEN: 'short',
        INTAKE_WORKSPACE_ID: 'bad id!',
        INTAKE_PUBLIC_URL: 'ftp://x',
        INTAKE_MAX_BODY_BYTES: '-1',
        INTAKE_WORKER_CONCURRENCY: '0',
        LOG_LEVEL: 'verbose',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems.map((p) => p.name).sort()).toEqual(
      [
        'DATABASE_URL',
        'INTAKE_ADMIN_TOKEN',
        'INTAKE_MAX_BODY_BYTES',
        'INTAKE_PUBLIC_URL',
        'INTAKE_WORKER_CONCURRENCY',
        'INTAKE_WORKSPACE_ID',
        'LOG_LEVEL',
        'PORT',
      ].sort(),
    )
    expect(problems.find((p) => p.name === 'PORT')).toEqual({
      name: 'PORT',
      value: '80a',
      expected: 'an integer from 0 to 65535',
    })
    expect(problems.find((p) => p.name === 'INTAKE_ADMIN_TOKEN')?.value).toBe('***')
    expect((error as Error).message).toContain('LOG_LEVEL="verbose"')
  })

  it.each([
    ['PORT', '65536'],
    ['PORT', '1.5'],
    ['INTAKE_MAX_BODY_BYTES', '100'],
    ['INTAKE_WORKER_CONCURRENCY', '65'],
    ['DATABASE_URL', 'postgres://'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
  })
})
