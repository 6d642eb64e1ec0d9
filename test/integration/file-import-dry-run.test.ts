import { expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  objectCount,
  putFile,
  waitForStatus,
} from '../helpers/file-imports.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('file imports: a dry run plans and writes nothing', (env) => {
  withWorker(env)

  it('answers the plan and the counters of import/start {"dryRun": true}, and the repository stays empty', async () => {
    const source = await createFileSource(env(), 'csv')
    const put = await putFile(
      env(),
      source.id,
      hostsCsv(3),
      { 'content-type': 'text/csv' },
      '?name=hosts.csv',
    )
    expect(put.status).toBe(200)
    await generateAndPutMapping(env(), source.id)
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId

    const started = await env().call('POST', `${env().api}/import/start/${source.id}`, {
      body: { dryRun: true },
    })
    expect(started.status, JSON.stringify(started.body)).toBe(200)
    const id = started.body.executionUUID as string
    expect((await waitForStatus(env(), id)).status).toBe('COMPLETED')

    const status = await env().call('GET', `${env().api}/importsource/${source.id}/executions/${id}/status`)
    const result = status.body.progressResult
    const [typeId, counters] = Object.entries(result.objectTypeResultMap as Record<string, any>)[0]!
    expect(counters.objectsCreated).toBe(3)
    expect(result.plan[typeId]).toHaveLength(3)
    expect(result.plan[typeId][0]).toMatchObject({ operation: 'create', identity: 'h1' })
    const listed = await env().call('GET', `${env().api}/importsource/${source.id}/executions/${id}`)
    expect(listed.body.dryRun).toBe(true)
    expect(await objectCount(env(), schemaId)).toBe(0)

    // The real run afterwards creates what the plan said.
    const real = await env().call('POST', `${env().api}/import/start/${source.id}`)
    expect((await waitForStatus(env(), real.body.executionUUID)).status).toBe('COMPLETED')
    expect(await objectCount(env(), schemaId)).toBe(3)
  })

  it('refuses a dryRun that is not a boolean, naming the field', async () => {
    const source = await createFileSource(env(), 'csv')
    const res = await env().call('POST', `${env().api}/import/start/${source.id}`, {
      body: { dryRun: 'maybe' },
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('dryRun')
  })
})
