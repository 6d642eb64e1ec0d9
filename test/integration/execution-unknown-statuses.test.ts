import { expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { engineDocument, storedObjects, tag } from '../helpers/engine-documents.js'

// Issue 12 item 4: under unknownValues ADD, a value that cannot be a status name is a problem of its entry.
describeEachDialect('execution: unknown statuses under unknownValues ADD', (env) => {
  withWorker(env)

  it('reports a value that cannot become a status for its attribute, adds the valid one and goes on', async () => {
    const source = await createSource(env())
    const t = tag()
    const document = engineDocument(
      t,
      [
        {
          key: 'host',
          name: 'Host',
          selector: 'hosts',
          attributes: [
            { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
            { name: 'State', type: 'status', locators: ['state'] },
          ],
          options: { unknownValues: 'ADD' },
        },
      ],
      [{ name: 'Running' }],
    )
    await submitMapping(env(), source.id, document)
    const started = await startExecution(env(), source.id)
    const data = {
      hosts: [
        { serial: 'A', state: 'In repair (2)' },
        { serial: 'B', state: 'Scrapped' },
        { serial: 'C', state: 'Running' },
      ],
    }
    const sent = await env().call('POST', started.links.submitResults, {
      body: { data, clientGeneratedId: 'c1', completed: true },
    })
    expect(sent.status).toBe(200)
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    expect(status.progressResult.entriesCreated).toBe(3)

    const problems = await env().call(
      'GET',
      `${sourceUrl(env(), source.id)}/executions/${status.executionId}/problems`,
    )
    expect(problems.body.values.map((p: Json) => [p.location, p.code, p.attribute, p.value])).toEqual([
      ['hosts[0]', 'INVALID_STATUS_NAME', 'State', 'In repair (2)'],
    ])

    const services = env().booted.services
    const { objectSchemaId } = (await env().call('GET', sourceUrl(env(), source.id))).body as Json
    const statuses = (await services.schemas.listStatuses(env().workspaceId, Number(objectSchemaId))).map(
      (s) => s.name,
    )
    expect(statuses).toContain('Scrapped')
    expect(statuses.some((s) => s.startsWith('In repair'))).toBe(false)
    const types = await services.schemas.listTypes(env().workspaceId, Number(objectSchemaId))
    const attrs = await services.schemas.attributesOfTypes([types[0]!.id])
    const state = attrs.find((a) => a.name === 'State')!.id
    const objects = await storedObjects(services, types[0]!.id)
    expect(objects.map((o) => [o.identity, o.values[state]])).toEqual([
      ['A', undefined],
      ['B', ['Scrapped']],
      ['C', ['Running']],
    ])
  })
})
