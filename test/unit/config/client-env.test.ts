import { describe, expect, it } from 'vitest'
import { ConfigError, loadClientEnv } from '../../../src/config/config.js'

describe('loadClientEnv', () => {
  it('reads INTAKE_URL, INTAKE_TOKEN and INTAKE_WORKSPACE_ID, blank as unset', () => {
    expect(
      loadClientEnv({ INTAKE_URL: ' http://h:1 ', INTAKE_TOKEN: 'itk_a', INTAKE_WORKSPACE_ID: '' }),
    ).toEqual({ url: 'http://h:1', token: 'itk_a', workspaceId: null })
    expect(loadClientEnv({})).toEqual({ url: null, token: null, workspaceId: null })
  })

  it('refuses an INTAKE_URL that is not an http(s) URL, naming the variable', () => {
    expect(() => loadClientEnv({ INTAKE_URL: '127.0.0.1:8080' })).toThrow(ConfigError)
    expect(() => loadClientEnv({ INTAKE_URL: '127.0.0.1:8080' })).toThrow(/INTAKE_URL="127.0.0.1:8080"/)
  })
})
