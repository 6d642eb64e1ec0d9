import { expect, it } from 'vitest'
import { firstDocumentOfTheDocs } from '../helpers/docs-examples.js'
import { startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { createSource, submitMapping } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

// docs/mapping.md shows a first document that works as it is; this keeps it working.
describeEachDialect('the first document of docs/mapping.md', (env) => {
  withWorker(env)

  it('is accepted by a fresh workspace and imports the entry the docs show', async () => {
    const source = await createSource(env())
    await submitMapping(env(), source.id, firstDocumentOfTheDocs())
    const started = await startExecution(env(), source.id)
    const sent = await env().call('POST', started.links.submitResults, {
      body: {
        data: { hardDrives: [{ id: 'D1', label: 'Boot', status: 'In use' }] },
        clientGeneratedId: 'first',
        completed: true,
      },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    expect(status.status).toBe('DONE')
    expect(status.progressResult.objectTypeResultMap).toMatchObject({
      [Object.keys(status.progressResult.objectTypeResultMap)[0]!]: { objectsCreated: 1 },
    })
    expect(status.progressResult.errorMessages).toBeNull()
  })
})
