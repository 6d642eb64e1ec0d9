import { expect, it } from 'vitest'
import { TokenService, VERIFIED_TOKEN_TTL_MS } from '../../src/services/token.service.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('verified tokens are remembered briefly, never past a revocation', (env) => {
  it('refuses a revoked token at once in the process that revoked it, though it had just been verified', async () => {
    const { tokens } = env().booted.services
    const { token, info } = await tokens.createWorkspaceToken({
      workspaceId: env().workspaceId,
      name: 'reader',
      scopes: ['read:cmdb-object:jira'],
    })
    const list = `${env().api}/objectschema/list`
    expect((await env().call('GET', list, { token })).status).toBe(200)
    expect((await env().call('GET', list, { token })).status).toBe(200)
    await tokens.revoke(env().workspaceId, info.id)
    expect((await env().call('GET', list, { token })).status).toBe(401)
  })

  it('refuses the previous container token at once when the source gets a new one', async () => {
    const { tokens } = env().booted.services
    const source = await env().call('POST', `${env().api}/importsource`, {
      body: { name: 'cached container token', type: 'external' },
    })
    expect(source.status).toBe(201)
    const first = await tokens.createContainerToken(env().workspaceId, source.body.id)
    expect(await tokens.authenticate(first.token)).toMatchObject({ kind: 'container' })
    const second = await tokens.createContainerToken(env().workspaceId, source.body.id)
    expect(await tokens.authenticate(first.token)).toBeNull()
    expect(await tokens.authenticate(second.token)).toMatchObject({ kind: 'container' })
  })

  it('refuses a token revoked by another process once VERIFIED_TOKEN_TTL_MS has passed', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const db = env().booted.services.store.db
    const tokens = new TokenService(db, () => new Date(now))
    const { token, info } = await tokens.createWorkspaceToken({
      workspaceId: env().workspaceId,
      name: 'elsewhere',
      scopes: ['read:cmdb-object:jira'],
    })
    expect(await tokens.authenticate(token)).toMatchObject({ tokenId: info.id })
    // Another process (a second server, `intake worker`) revokes it: only the database knows.
    await db
      .updateTable('api_token')
      .set({ revoked_at: new Date(now).toISOString() })
      .where('id', '=', info.id)
      .execute()
    now += VERIFIED_TOKEN_TTL_MS
    expect(await tokens.authenticate(token)).toBeNull()
  })

  it('answers without awaiting only what authenticate() would: verified, unexpired, unrevoked tokens', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const db = env().booted.services.store.db
    const tokens = new TokenService(db, () => new Date(now))
    const made = async (name: string) =>
      tokens.createWorkspaceToken({ workspaceId: env().workspaceId, name, scopes: ['read:cmdb-object:jira'] })
    const { token, info } = await made('fast path')
    // Never verified yet, or not a token at all: only authenticate() can tell.
    expect(tokens.verifiedPrincipal(token)).toBeNull()
    expect(tokens.verifiedPrincipal('itk_no-such-token-000000')).toBeNull()
    expect(await tokens.authenticate(token)).toMatchObject({ tokenId: info.id })
    expect(tokens.verifiedPrincipal(token)).toMatchObject({ tokenId: info.id })
    // Expired: asked again (and another process's revocation is seen then).
    now += VERIFIED_TOKEN_TTL_MS
    expect(tokens.verifiedPrincipal(token)).toBeNull()
    expect(await tokens.authenticate(token)).toMatchObject({ tokenId: info.id })
    // Revoked in this process: refused at once, though it had just been verified.
    const other = await made('revoked')
    expect(await tokens.authenticate(other.token)).toMatchObject({ tokenId: other.info.id })
    await tokens.revoke(env().workspaceId, other.info.id)
    expect(tokens.verifiedPrincipal(token)).toBeNull()
    expect(tokens.verifiedPrincipal(other.token)).toBeNull()
    expect(await tokens.authenticate(other.token)).toBeNull()
  })
})
