import { beforeAll, expect, it } from 'vitest'
import { type Json } from '../helpers/import-sources.js'
import { SEED_CHUNK, seedSource, waitForEnd, withWorker } from '../helpers/executions.js'
import { describeEachDialect } from '../helpers/test-env.js'

// A container token is a push credential: it runs the workflow imports/info hands it, and nothing more.
describeEachDialect(
  'container tokens: the whole Assets import workflow, but not the source itself',
  (env) => {
    withWorker(env)
    let source: Json
    let token: string
    const as = (method: string, url: string, body?: unknown) =>
      env().call(method, url, body === undefined ? { token } : { token, body })

    beforeAll(async () => {
      source = await seedSource(env())
      const issued = await env().call('POST', `${env().api}/importsource/${source.id}/token`)
      expect(issued.status).toBe(200)
      token = issued.body.token
    })

    it('runs imports/info → status → mapping → start → data and progress → status, executions, cancel', async () => {
      const info = await as('GET', `${env().baseUrl}/jsm/assets/v1/imports/info`)
      expect(info.status).toBe(200)
      const { getStatus, mapping, start } = info.body.links as {
        getStatus: string
        mapping: string
        start: string
      }
      expect((await as('GET', getStatus)).body.status).toBe('IDLE')

      const doc = await as('GET', mapping.replace(/\/mapping$/, '/schema-and-mapping'))
      expect(doc.status).toBe(200)
      const patched = await as('PATCH', mapping, doc.body)
      expect(patched.status, JSON.stringify(patched.body)).toBe(204)
      expect((await as('GET', mapping)).status).toBe(200)

      const started = await as('POST', start)
      expect(started.status, JSON.stringify(started.body)).toBe(200)
      const links = started.body.links as Record<
        'submitProgress' | 'submitResults' | 'getExecutionStatus',
        string
      >
      expect((await as('PUT', links.submitProgress, { steps: { total: 2, current: 1 } })).status).toBe(200)
      expect((await as('POST', links.submitResults, SEED_CHUNK)).status).toBe(200)
      const ended = await waitForEnd(env(), links.getExecutionStatus)
      expect(ended.status).toBe('DONE')
      expect((await as('GET', links.getExecutionStatus)).body.status).toBe('DONE')
      const list = await as('GET', start)
      expect(list.status).toBe(200)
      expect(list.body.values.map((e: Json) => e.id)).toContain(started.body.executionId)
      expect((await as('GET', `${start}/${started.body.executionId}`)).status).toBe(200)
      expect((await as('GET', `${start}/${started.body.executionId}/problems`)).status).toBe(200)

      const second = await as('POST', start)
      expect(second.status).toBe(200)
      expect((await as('GET', getStatus)).body.status).toBe('RUNNING')
      expect((await as('DELETE', second.body.links.cancel)).status).toBe(200)
      expect((await as('GET', second.body.links.getExecutionStatus)).body.status).toBe('CANCELLED')

      const third = await as('POST', start)
      const failed = await as('POST', `${start}/${third.body.executionId}/history/failed`, {
        failureReason: 'the client gave up',
      })
      expect(failed.status).toBe(204)
      expect((await as('GET', `${env().api}/importsource/${source.id}`)).status).toBe(200)
    })

    it('cannot disable, change, delete or re-token its source (403); a workspace token still can', async () => {
      const url = `${env().api}/importsource/${source.id}`
      const refused: [string, string, unknown?][] = [
        ['PATCH', url, { enabled: false }],
        ['PATCH', url, { name: 'taken over' }],
        ['DELETE', url],
        ['POST', `${url}/token`],
      ]
      for (const [method, target, body] of refused) {
        const res = await as(method, target, body)
        expect(res.status, `${method} ${target}`).toBe(403)
        expect(res.body.error.code).toBe('FORBIDDEN')
      }
      const after = await env().call('GET', url)
      expect(after.body).toMatchObject({ name: source.name })
      expect((await env().call('GET', `${url}/configstatus`)).body.status).toBe('IDLE')
      expect((await as('GET', `${url}/configstatus`)).status).toBe(200)

      const disabled = await env().call('PATCH', url, { body: { enabled: false } })
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200)
      expect((await env().call('GET', `${url}/configstatus`)).body.status).toBe('DISABLED')
    })
  },
)
