import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { type Json } from '../helpers/import-sources.js'
import {
  objectsOf,
  SEED_CHUNK,
  seedSource,
  startExecution,
  waitForEnd,
  withWorker,
} from '../helpers/executions.js'

const typeResults = (body: Json) =>
  Object.values(body.progressResult.objectTypeResultMap as Record<string, Json>).map((t) => ({
    name: t.objectTypeName,
    entriesInSource: t.entriesInSource,
    objectsCreated: t.objectsCreated,
    objectsUpdated: t.objectsUpdated,
    objectsIdentical: t.objectsIdentical,
    objectsMissingUpdated: t.objectsMissingUpdated,
    objectsMissingDeleted: t.objectsMissingDeleted,
    duplicateEnries: t.duplicateEnries,
    emptyLabelEntries: t.emptyLabelEntries,
    emptyExternalIdEntries: t.emptyExternalIdEntries,
    objectsFilteredWithQlQuery: t.objectsFilteredWithQlQuery,
  }))

const counts = (name: string, created: number, updated: number, identical: number) => ({
  name,
  entriesInSource: 1,
  objectsCreated: created,
  objectsUpdated: updated,
  objectsIdentical: identical,
  objectsMissingUpdated: 0,
  objectsMissingDeleted: 0,
  duplicateEnries: 0,
  emptyLabelEntries: 0,
  emptyExternalIdEntries: 0,
  objectsFilteredWithQlQuery: 0,
})

// Seed 001 end to end: PUT the mapping, POST executions, POST the data chunk with completed: true, poll status.
describeEachDialect('execution: the seed flow', (env) => {
  withWorker(env)
  let source: Json

  beforeAll(async () => {
    source = await seedSource(env())
  })

  const run = async (chunk: Json): Promise<Json> => {
    const started = await startExecution(env(), source.id)
    const sent = await env().call('POST', started.links.submitResults, { body: chunk })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    return waitForEnd(env(), started.links.getExecutionStatus)
  }

  it('answers the four absolute links, result success and the execution id', async () => {
    const res = await env().call('POST', `${env().api}/importsource/${source.id}/executions`)
    expect(res.status).toBe(200)
    const id = res.body.executionId as string
    const e = `${env().api}/importsource/${source.id}/executions/${id}`
    expect(res.body).toEqual({
      links: {
        submitProgress: `${e}/progress`,
        submitResults: `${e}/data`,
        getExecutionStatus: `${e}/status`,
        cancel: e,
      },
      result: 'success',
      executionId: id,
    })
    expect((await env().call('DELETE', res.body.links.cancel)).status).toBe(200)
  })

  it('processes the seed chunk to DONE with every counter of both object types', async () => {
    const status = await run(SEED_CHUNK)
    expect(status.status).toBe('DONE')
    expect(status.progressResult).toMatchObject({
      type: 'IMPORT',
      result: 'OK',
      status: 'FINISHED',
      importSourceId: source.id,
      objectSchemaId: source.objectSchemaId === undefined ? expect.anything() : Number(source.objectSchemaId),
      totalNumberEntriesInImport: 2,
      populatedObjectTypes: expect.arrayContaining(['Hard Drive', 'File']),
      errorMessages: null,
    })
    expect(typeResults(status).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      counts('File', 1, 0, 0),
      counts('Hard Drive', 1, 0, 0),
    ])
    const objects = await objectsOf(env().booted.services, env().workspaceId, Number(source.objectSchemaId))
    expect(objects.map((o) => [o.type, o.label])).toEqual([
      ['Hard Drive', 'Hard drive ID'],
      ['File', '/file/path'],
    ])
  })

  it('counts the same data again as identical', async () => {
    const status = await run({ ...SEED_CHUNK, clientGeneratedId: 'again' })
    expect(status.status).toBe('DONE')
    expect(typeResults(status).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      counts('File', 0, 0, 1),
      counts('Hard Drive', 0, 0, 1),
    ])
  })

  it('counts changed data as updated', async () => {
    const changed = structuredClone(SEED_CHUNK) as Json
    changed.data.hardDrives[0].label = 'Relabelled drive'
    changed.data.hardDrives[0].files[0].size = 99
    const status = await run(changed)
    expect(typeResults(status).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      counts('File', 0, 1, 0),
      counts('Hard Drive', 0, 1, 0),
    ])
  })

  it('lists the executions newest first with their counters, and answers the latest status', async () => {
    const list = await env().call('GET', `${env().api}/importsource/${source.id}/executions?maxResults=2`)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ startAt: 0, maxResults: 2, total: 4, isLast: false })
    expect(list.body.values[0]).toMatchObject({ status: 'DONE', chunks: 1, counters: { objectsUpdated: 2 } })
    expect(list.body.values[1]).toMatchObject({ status: 'DONE', counters: { objectsIdentical: 2 } })
    const latest = await env().call('GET', `${env().api}/importsource/${source.id}/executions/status`)
    expect(latest.body).toMatchObject({ executionId: list.body.values[0].id, status: 'DONE' })
    const one = await env().call(
      'GET',
      `${env().api}/importsource/${source.id}/executions/${list.body.values[0].id}`,
    )
    expect(one.body).toMatchObject({ id: list.body.values[0].id, scheduled: false, dryRun: false })
  })

  it('shows the submitted chunks and the seed 000 progress shape of a finished execution', async () => {
    const latest = await env().call('GET', `${env().api}/importsource/${source.id}/executions/status`)
    const base = `${env().api}/importsource/${source.id}/executions/${latest.body.executionId}`
    const data = await env().call('GET', `${base}/data`)
    expect(data.body).toMatchObject({ total: 1, values: [{ seq: 1, clientGeneratedId: 'a-unique-id' }] })
    expect(data.body.values[0].data.hardDrives[0].label).toBe('Relabelled drive')
    const progress = await env().call('GET', `${base}/progress`)
    expect(progress.body).toMatchObject({
      progressInPercent: 100,
      resourceId: latest.body.executionId,
      category: 'imports',
      status: 'COMPLETED',
      numberOfSteps: 6,
      currentStep: 6,
      executionUUID: latest.body.executionId,
    })
  })

  describe('dry run', () => {
    it('ends DONE with the plan and writes nothing', async () => {
      const started = await startExecution(env(), source.id, { dryRun: true })
      const changed = structuredClone(SEED_CHUNK) as Json
      changed.data.hardDrives[0].label = 'Dry label'
      await env().call('POST', started.links.submitResults, { body: changed })
      const status = await waitForEnd(env(), started.links.getExecutionStatus)
      expect(status.status).toBe('DONE')
      expect(status.progressResult.dryRun).toBe(true)
      expect(status.progressResult.plan).toBeDefined()
      const objects = await objectsOf(env().booted.services, env().workspaceId, Number(source.objectSchemaId))
      expect(JSON.stringify(objects)).not.toContain('Dry label')
    })
  })
})
