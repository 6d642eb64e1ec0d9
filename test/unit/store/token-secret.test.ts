import { describe, expect, it } from 'vitest'
import {
  displayPrefix,
  generateSecret,
  hashSecret,
  hashesEqual,
} from '../../../src/domain/auth/token-secret.js'
import { hasScope } from '../../../src/domain/auth/scopes.js'

describe('token secrets and scopes', () => {
  it('generates distinct 256-bit secrets with a prefix and stores only a SHA-256 hash', () => {
    const a = generateSecret('itk_')
    const b = generateSecret('itk_')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^itk_[A-Za-z0-9_-]{43}$/)
    expect(hashSecret(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashSecret(a)).not.toContain(a.slice(4))
    expect(hashesEqual(hashSecret(a), hashSecret(a))).toBe(true)
    expect(hashesEqual(hashSecret(a), hashSecret(b))).toBe(false)
    expect(displayPrefix(a, 'generated')).toBe(a.slice(0, 10))
    expect(displayPrefix('my-own-chosen-admin-secret', 'chosen')).toBe('')
  })

  it('lets admin pass every scope and container tokens none', () => {
    const admin = {
      kind: 'workspace' as const,
      tokenId: 't',
      workspaceId: 'w',
      scopes: new Set(['admin' as const]),
    }
    const reader = {
      kind: 'workspace' as const,
      tokenId: 't',
      workspaceId: 'w',
      scopes: new Set(['read:cmdb-object:jira' as const]),
    }
    const container = { kind: 'container' as const, tokenId: 't', workspaceId: 'w', importSourceId: 's' }
    expect(hasScope(admin, 'write:cmdb-object:jira')).toBe(true)
    expect(hasScope(reader, 'read:cmdb-object:jira')).toBe(true)
    expect(hasScope(reader, 'write:cmdb-object:jira')).toBe(false)
    expect(hasScope(container, 'read:cmdb-object:jira')).toBe(false)
  })
})
