import { beforeAll, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { startExecutionWorker } from '../../src/jobs/execution-worker.js'
import { jobQueue } from '../../src/jobs/job-queue.js'
import { bootstrap } from '../../src/main.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'
import { type Json } from '../helpers/import-sources.js'
import { FAST, seedSource, waitForEnd } from '../helpers/executions.js'

const drives = (from: number, n: number) => ({
  hardDrives: Array.from({ length: n }, (_, i) => ({
    id: `R-${from + i}`,
    label: `r ${from + i}`,
    files: [],
  })),
})

/** A server of its own on the environment's database: start it, use it, stop it like a process would. */
async function instance(config: Parameters<typeof bootstrap>[0]) {
  const booted = await bootstrap(config)
  const app = await buildApp(booted.services)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as Json) }
  }
  return { booted, call, stop: async () => (await app.close(), await booted.close()) }
}

describeEachDialect('execution: restarts', (env) => {
  let source: Json
  const path = () => `/jsm/assets/workspace/${env().workspaceId}/v1/importsource/${source.id}/executions`

  beforeAll(async () => {
    source = await seedSource(env())
  })

  it('a restart while ingesting loses no accepted chunk, and the client continues', async () => {
    const first = await instance(env().config)
    const started = await first.call('POST', path())
    const id = started.body!.executionId as string
    expect(
      (await first.call('POST', `${path()}/${id}/data`, { data: drives(0, 3), clientGeneratedId: 'a' }))
        .status,
    ).toBe(200)
    await first.stop()

    const second = await instance(env().config)
    const worker = startExecutionWorker(second.booted.services, FAST)
    try {
      expect((await second.call('GET', `${path()}/${id}/status`)).body).toMatchObject({ status: 'INGESTING' })
      // The client re-sends the chunk it is unsure about, then goes on.
      expect(
        (await second.call('POST', `${path()}/${id}/data`, { data: drives(0, 3), clientGeneratedId: 'a' }))
          .status,
      ).toBe(200)
      await second.call('POST', `${path()}/${id}/data`, {
        data: drives(3, 2),
        clientGeneratedId: 'b',
        completed: true,
      })
      let status: Json = {}
      for (let i = 0; i < 500 && status.status !== 'DONE'; i++) {
        status = (await second.call('GET', `${path()}/${id}/status`)).body!
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(status).toMatchObject({ status: 'DONE', progressResult: { totalNumberEntriesInImport: 5 } })
    } finally {
      await worker.stop()
      await second.stop()
    }
  })

  it('a worker shut down mid-processing rolls back and puts the job back; the next worker finishes it', async () => {
    const e = (await env().call('POST', `${env().baseUrl}${path()}`)).body as Json
    for (let c = 0; c < 10; c++)
      await env().call('POST', e.links.submitResults, { body: { data: drives(1000 + c * 5000, 5000) } })
    await env().call('POST', e.links.submitResults, { body: { completed: true } })
    const first = startExecutionWorker(env().booted.services, FAST)
    for (;;) {
      const s = await env().call('GET', e.links.getExecutionStatus)
      if (s.body.progressResult.engineProgress || s.body.status !== 'PROCESSING') break
      await new Promise((r) => setImmediate(r))
    }
    await first.stop()
    expect((await env().call('GET', e.links.getExecutionStatus)).body.status).toBe('PROCESSING')
    const [job] = await jobQueue.bySubject(env().booted.services.store.db, e.executionId)
    expect(job).toMatchObject({ state: 'pending', attempts: 0, last_error: 'worker shut down' })
    const written = await env()
      .booted.services.store.db.selectFrom('object')
      .select('id')
      .where('label', '=', 'R-1000')
      .execute()
    expect(written).toEqual([])

    const second = startExecutionWorker(env().booted.services, FAST)
    const status = await waitForEnd(env(), e.links.getExecutionStatus, 60_000)
    await second.stop()
    expect(status.status).toBe('DONE')
    expect(status.progressResult.totalNumberEntriesInImport).toBe(50_000)
  }, 90_000)
})
