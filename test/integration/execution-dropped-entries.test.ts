import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { type Json } from '../helpers/import-sources.js'
import { seedSource, sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { counters, engineSource, storedObjects, type TypeSpec } from '../helpers/engine-documents.js'
import { runEngine } from '../helpers/engine-fixtures.js'

const byType = (body: Json, name: string): Json =>
  Object.values(body.progressResult.objectTypeResultMap as Record<string, Json>).find(
    (t) => t.objectTypeName === name,
  )!

// Issue 12 item 1: nothing a mapping drops is silent — dropped entries and locators that read nothing are problems,
// and an execution of which no entry became an object is not a success.
describeEachDialect('execution: dropped entries are reported', (env) => {
  withWorker(env)
  let source: Json

  beforeAll(async () => {
    source = await seedSource(env())
  })

  const run = async (data: Json): Promise<{ status: Json; problems: Json[] }> => {
    const started = await startExecution(env(), source.id)
    const sent = await env().call('POST', started.links.submitResults, {
      body: { data, clientGeneratedId: 'c1', completed: true },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    const problems = await env().call(
      'GET',
      `${sourceUrl(env(), source.id)}/executions/${status.executionId}/problems?limit=100`,
    )
    expect(problems.status, JSON.stringify(problems.body)).toBe(200)
    return { status, problems: problems.body.values as Json[] }
  }

  it('fails an execution whose identity locator reads nothing, naming the locator, the closest key and each entry', async () => {
    const { status, problems } = await run({
      hardDrives: [
        { ID: 'a', label: 'first' },
        { ID: 'b', label: 'second' },
      ],
    })
    expect(status.status).toBe('FAILED')
    const result = status.progressResult
    expect(result.result).toBe('FAILED')
    expect(result.errorMessages).toMatch(/Every one of the 2 entries was dropped/)
    expect(result.errorMessages).toContain('2 emptyExternalIdEntries')
    expect(byType(status, 'Hard Drive').emptyExternalIdEntries).toBe(2)
    expect(byType(status, 'Hard Drive').errorMessages).toContain('None of the 2 entries became an object')
    expect(result).toMatchObject({
      entriesProcessed: 2,
      entriesCreated: 0,
      entriesUpdated: 0,
      entriesFailed: 2,
    })
    const locator = problems.find((p) => p.code === 'LOCATOR_READ_NOTHING' && p.message.startsWith('DUID'))
    expect(locator?.message).toBe(
      'DUID: locator "id" read no value in any of the 2 entries; did you mean "ID"?',
    )
    expect(locator?.location).toBe('selector hardDrives')
    const empty = problems.filter((p) => p.code === 'EMPTY_EXTERNAL_ID')
    expect(empty.map((p) => p.location)).toEqual(['hardDrives[0]', 'hardDrives[1]'])
    expect(empty[0]!.message).toContain('a part of it has no value, or a value that was refused (DUID (id))')
  })

  it('lists duplicates and skipped entries as problems and answers every summary sum on a DONE execution', async () => {
    const { status, problems } = await run({
      hardDrives: [
        { id: 'A', label: 'a', files: [{ path: '/one', size: 1 }] },
        { id: 'A', label: 'again' },
        { id: 'B', label: '' },
        { id: 'C', label: 'c' },
      ],
    })
    expect(status.status).toBe('DONE')
    expect(status.progressResult.result).toBe('OK')
    expect(byType(status, 'Hard Drive')).toMatchObject({
      entriesInSource: 4,
      objectsCreated: 2,
      duplicateEnries: 1,
      entriesSkipped: 1,
    })
    expect(status.progressResult).toMatchObject({
      entriesProcessed: 5,
      entriesCreated: 3,
      entriesUpdated: 0,
      entriesFailed: 2,
    })
    const at = (code: string) => problems.filter((p) => p.code === code).map((p) => p.location)
    expect(at('DUPLICATE_ENTRY')).toEqual(['hardDrives[1]'])
    expect(at('MISSING_REQUIRED_VALUE')).toEqual(['hardDrives[2]'])
    // The status locator of the seed mapping reads nothing in these entries: said once, for that attribute.
    expect(problems.filter((p) => p.code === 'LOCATOR_READ_NOTHING').map((p) => p.attribute)).toEqual([
      'HardDriveStatus',
    ])

    const again = await run({ hardDrives: [{ id: 'A', label: 'a' }] })
    expect(again.status.progressResult).toMatchObject({ entriesProcessed: 1, entriesUpdated: 0 })
  })
})

const hosts: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [{ name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] }],
  options: { missingObjects: { policy: 'REMOVE', threshold: 1, thresholdType: 'RUNS' } },
}

describeEachDialect('import engine: a type of which every entry was dropped', (env) => {
  it('leaves the stored objects of that type alone even under missingObjects REMOVE', async () => {
    const services = env().booted.services
    const s = await engineSource(services, env().workspaceId, [hosts])
    await runEngine(services, env().workspaceId, s.source.id, [{ hosts: [{ serial: 'A' }, { serial: 'B' }] }])
    const result = await runEngine(services, env().workspaceId, s.source.id, [
      { hosts: [{ Serial: 'A' }, { Serial: 'B' }] },
    ])
    expect(result.result).toBe('FAILED')
    expect(counters(result, 'Host')).toMatchObject({ emptyExternalIdEntries: 2, objectsMissingDeleted: 0 })
    expect((await storedObjects(services, s.typeId('Host'))).map((o) => o.identity)).toEqual(['A', 'B'])
  })
})
