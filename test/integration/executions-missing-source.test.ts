import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { createSource, otherWorkspace } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('GET importsource/{id}/executions of a missing or foreign source', (env) => {
  it('answers 404 like its siblings, for a missing source and for a source of another workspace', async () => {
    const missing = randomUUID()
    for (const path of ['/executions', '/executions/status', '/configstatus']) {
      const res = await env().call('GET', `${env().api}/importsource/${missing}${path}`)
      expect(res.status, path).toBe(404)
    }
    const other = await otherWorkspace(env(), 'ws-exec-list')
    const foreign = await createSource(env(), {}, { api: other.api, token: other.token })
    const res = await env().call('GET', `${env().api}/importsource/${foreign.id}/executions`)
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'Import source' } })
    const own = await env().call('GET', `${other.api}/importsource/${foreign.id}/executions`, {
      token: other.token,
    })
    expect(own.status).toBe(200)
    expect(own.body).toMatchObject({ total: 0, values: [] })
  })
})
