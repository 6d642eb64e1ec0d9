import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { aesGcmSecretBox } from '../../../src/services/secret-box.js'
import { SECRET_MASK, SourceConfigSecrets } from '../../../src/services/source-config-secrets.js'
import { loadConfig } from '../../../src/config/config.js'

const fields = ['password', 'auth.clientSecret']
const secrets = (key: Uint8Array | null = randomBytes(32)) =>
  new SourceConfigSecrets(key === null ? null : aesGcmSecretBox(key), (type) =>
    type === 'sql' ? fields : [],
  )

describe('secrets of source configs', () => {
  it('stores secrets sealed (no plaintext in the stored JSON) and opens them for the connector', () => {
    const s = secrets()
    const stored = s.seal(
      'sql',
      'src-1',
      { host: 'db', password: 'hunter2', auth: { clientSecret: 'cs' } },
      null,
    )
    const json = JSON.stringify(stored)
    expect(json).not.toContain('hunter2')
    expect(json).not.toContain('"cs"')
    expect(stored.host).toBe('db')
    expect(s.open('sql', 'src-1', stored)).toEqual({
      host: 'db',
      password: 'hunter2',
      auth: { clientSecret: 'cs' },
    })
  })

  it('masks stored secrets in what the API answers, and leaves absent ones absent', () => {
    const s = secrets()
    const stored = s.seal('sql', 'src-1', { host: 'db', password: 'hunter2' }, null)
    expect(s.mask('sql', stored)).toEqual({ host: 'db', password: SECRET_MASK })
  })

  it('keeps the stored secret when the mask is sent back, and refuses the mask when nothing is stored', () => {
    const s = secrets()
    const stored = s.seal('sql', 'src-1', { password: 'hunter2' }, null)
    const again = s.seal('sql', 'src-1', { host: 'other', password: SECRET_MASK }, stored)
    expect(s.open('sql', 'src-1', again)).toEqual({ host: 'other', password: 'hunter2' })
    expect(() => s.seal('sql', 'src-1', { password: SECRET_MASK }, null)).toThrow(/none is stored/)
    expect(s.open('sql', 'src-1', s.seal('sql', 'src-1', { host: 'x' }, stored))).toEqual({ host: 'x' })
  })

  it('refuses to store a secret without a key (409 SECRET_KEY_MISSING), but a config without secrets is fine', () => {
    const s = secrets(null)
    expect(() => s.seal('sql', 'src-1', { password: 'p' }, null)).toThrow(
      expect.objectContaining({ code: 'SECRET_KEY_MISSING', status: 409 }),
    )
    expect(s.seal('sql', 'src-1', { host: 'h' }, null)).toEqual({ host: 'h' })
  })

  it('does not open a secret with another key, or copied to another source', () => {
    const stored = secrets().seal('sql', 'src-1', { password: 'p' }, null)
    expect(() => secrets().open('sql', 'src-1', stored)).toThrow(
      expect.objectContaining({ code: 'SECRET_UNREADABLE' }),
    )
    const key = randomBytes(32)
    const mine = secrets(key).seal('sql', 'src-1', { password: 'p' }, null)
    expect(() => secrets(key).open('sql', 'src-2', mine)).toThrow(/cannot be decrypted/)
    expect(() => secrets(null).open('sql', 'src-1', mine)).toThrow(/cannot be decrypted/)
  })

  it('reads INTAKE_SECRET_KEY as hex or base64 of 32 bytes and rejects anything else without echoing it', () => {
    const key = randomBytes(32)
    expect(Buffer.from(loadConfig({ INTAKE_SECRET_KEY: key.toString('hex') }).secretKey!)).toEqual(key)
    expect(Buffer.from(loadConfig({ INTAKE_SECRET_KEY: key.toString('base64') }).secretKey!)).toEqual(key)
    expect(loadConfig({}).secretKey).toBeNull()
    expect(() => loadConfig({ INTAKE_SECRET_KEY: 'too-short-secret' })).toThrow(/INTAKE_SECRET_KEY="\*\*\*"/)
  })
})
