import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { ImportSourceService } from '../../src/services/import-source.service.js'
import { MappingService } from '../../src/services/mapping.service.js'
import { createSource, otherWorkspace } from '../helpers/import-sources.js'

const SMALL_DOC = {
  schema: {
    objectSchema: {
      name: 'Small',
      description: '',
      objectTypes: [
        {
          externalId: 'type/small',
          name: 'Thing',
          description: '',
          attributes: [{ externalId: 'attr/small-name', name: 'Name', description: '', type: 'text' }],
        },
      ],
    },
  },
  mapping: { objectTypeMappings: [] },
}

describeEachDialect('import sources: workspaces and scopes', (env) => {
  it("answers 404 for another workspace's source, by id and by path", async () => {
    const ws = await otherWorkspace(env(), 'ws-foreign')
    const foreign = await createSource(env(), {}, { api: ws.api, token: ws.token })
    for (const path of ['', '/configstatus', '/token', '/schema-and-mapping']) {
      const byId = await env().call('GET', `${env().api}/importsource/${foreign.id}${path}`)
      expect(byId.status, path).toBe(404)
      const byPath = await env().call('GET', `${ws.api}/importsource/${foreign.id}${path}`)
      expect(byPath.status, path).toBe(404)
    }
    const put = await env().call('PUT', `${env().api}/importsource/${foreign.id}/mapping`, {
      body: SMALL_DOC,
    })
    expect(put.status).toBe(404)
  })

  it('needs import:import-configuration:cmdb (403 with only the read scope, 401 without a token)', async () => {
    const { token } = await env().booted.services.tokens.createWorkspaceToken({
      workspaceId: env().workspaceId,
      name: 'reader',
      scopes: ['read:cmdb-object:jira'],
    })
    const source = await createSource(env())
    expect((await env().call('GET', `${env().api}/importsource`, { token })).status).toBe(403)
    expect((await env().call('GET', `${env().api}/importsource/${source.id}`, { token })).status).toBe(403)
    expect((await env().call('GET', `${env().api}/importsource`, { token: null })).status).toBe(401)
    const { token: importer } = await env().booted.services.tokens.createWorkspaceToken({
      workspaceId: env().workspaceId,
      name: 'importer',
      scopes: ['import:import-configuration:cmdb'],
    })
    expect(
      (await env().call('GET', `${env().api}/importsource/${source.id}`, { token: importer })).status,
    ).toBe(200)
    expect((await env().call('GET', `${env().api}/objectschema/list`, { token: importer })).status).toBe(403)
  })

  it('while the running probe says so: configstatus RUNNING, DELETE and mapping changes 409', async () => {
    const source = await createSource(env())
    const { store, tokens, schemas, clock } = env().booted.services
    const running = new ImportSourceService(store.db, tokens, clock, {
      isRunning: async (_ws, id) => id === source.id,
    })
    const mappings = new MappingService(store.db, running, schemas, clock)
    const ws = env().workspaceId
    expect(await running.configStatus(ws, source.id)).toBe('RUNNING')
    await expect(running.remove(ws, source.id)).rejects.toMatchObject({
      code: 'IMPORT_SOURCE_RUNNING',
      status: 409,
    })
    await expect(mappings.submit(ws, source.id, 'PUT', SMALL_DOC)).rejects.toMatchObject({
      code: 'IMPORT_SOURCE_RUNNING',
    })
    const view = await running.view(ws, source.id)
    expect(view.configStatus).toBe('RUNNING')
    expect((await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)).body.status).toBe(
      'MISSING_MAPPING',
    )
  })
})
