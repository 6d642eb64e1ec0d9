import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('token API: an admin creates, lists and revokes workspace tokens', (env) => {
  it('answers the secret once, lists the token without it, and a revoked token stops working at once', async () => {
    const created = await env().call('POST', `${env().api}/tokens`, {
      body: { name: 'reporting', scopes: ['read:cmdb-object:jira'] },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const { id, token } = created.body
    expect(token).toMatch(/^itk_/)
    expect(created.body).toMatchObject({
      name: 'reporting',
      scopes: ['read:cmdb-object:jira'],
      revoked: null,
    })

    expect((await env().call('GET', `${env().api}/objectschema/list`, { token })).status).toBe(200)
    // Its scope is read only: not the token routes.
    const forbidden = await env().call('GET', `${env().api}/tokens`, { token })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error.code).toBe('FORBIDDEN')

    const list = await env().call('GET', `${env().api}/tokens`)
    expect(list.status).toBe(200)
    const listed = list.body.values.find((t: any) => t.id === id)
    expect(listed).toMatchObject({ name: 'reporting', revoked: null })
    expect(listed.prefix.length).toBeGreaterThan(0)
    expect(JSON.stringify(list.body)).not.toContain(token)

    const revoked = await env().call('DELETE', `${env().api}/tokens/${id}`)
    expect(revoked.status).toBe(204)
    expect(revoked.body).toBeNull()
    const refused = await env().call('GET', `${env().api}/objectschema/list`, { token })
    expect(refused.status).toBe(401)
    expect(refused.body.error.code).toBe('AUTH_REQUIRED')
    const again = await env().call('DELETE', `${env().api}/tokens/${id}`)
    expect(again.status).toBe(404)
    const after = (await env().call('GET', `${env().api}/tokens`)).body.values.find((t: any) => t.id === id)
    expect(after.revoked).not.toBeNull()
  })

  it('refuses an unknown scope, an empty name and a malformed id, naming the field', async () => {
    const scope = await env().call('POST', `${env().api}/tokens`, { body: { name: 'x', scopes: ['root'] } })
    expect(scope.status).toBe(400)
    expect(JSON.stringify(scope.body)).toContain('scopes')
    const name = await env().call('POST', `${env().api}/tokens`, { body: { name: '', scopes: ['admin'] } })
    expect(name.status).toBe(400)
    expect(JSON.stringify(name.body)).toContain('name')
    const id = await env().call('DELETE', `${env().api}/tokens/not-a-uuid`)
    expect(id.status).toBe(400)
    expect(JSON.stringify(id.body)).toContain('tokenId')
  })
})
