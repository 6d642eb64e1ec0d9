import { expect, it } from 'vitest'
import {
  ensureSeedStatuses,
  seedSource,
  SEED_CHUNK,
  sourceUrl,
  startExecution,
  withWorker,
} from '../helpers/executions.js'
import { createSource, mappingFixture } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, describeEachDialect, type TestEnv } from '../helpers/test-env.js'

/** The raw answer: status, body text and content type (env.call would turn '' and 'null' both into null). */
async function raw(
  env: TestEnv,
  method: string,
  url: string,
  body?: unknown,
  redirect: 'follow' | 'manual' = 'follow',
) {
  const res = await fetch(url, {
    method,
    redirect,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') }
}

describeEachDialect('routes the Assets docs answer without content', (env) => {
  withWorker(env)

  it('progress, data, cancel (both paths), history/failed and history/completed answer an empty body', async () => {
    const e = env()
    const source = await seedSource(e)
    const base = `${sourceUrl(e, source.id)}/executions`

    const first = await startExecution(e, source.id)
    const progress = await raw(e, 'PUT', `${base}/${first.executionId}/progress`, {
      steps: { total: 3, current: 1, description: 'Reading' },
    })
    const data = await raw(e, 'POST', `${base}/${first.executionId}/data`, {
      ...SEED_CHUNK,
      completed: false,
    })
    const cancel = await raw(e, 'DELETE', `${base}/${first.executionId}`)
    expect([progress, data, cancel]).toEqual([
      { status: 200, text: '', type: null },
      { status: 200, text: '', type: null },
      { status: 200, text: '', type: null },
    ])

    const second = await startExecution(e, source.id)
    expect(await raw(e, 'DELETE', `${base}/${second.executionId}/cancel`)).toEqual({
      status: 200,
      text: '',
      type: null,
    })

    const third = await startExecution(e, source.id)
    const failed = await raw(e, 'POST', `${base}/${third.executionId}/history/failed`, {
      failureReason: 'the client gave up',
    })
    expect(failed).toMatchObject({ status: 204, text: '' })

    const fourth = await startExecution(e, source.id)
    const completed = await raw(e, 'POST', `${base}/${fourth.executionId}/history/completed`)
    expect(completed).toMatchObject({ status: 204, text: '' })
  })

  it('mapping PUT (204), PATCH with async=true (303) and DELETE importsource answer an empty body', async () => {
    const e = env()
    await ensureSeedStatuses(e)
    const source = await createSource(e)
    // Own externalIds: the first test's source holds the seed's.
    const doc = JSON.parse(
      JSON.stringify(mappingFixture('seed-put.json')).replaceAll('"object-type', '"ea-object-type'),
    )
    doc.schema.objectSchema.name = `Empty answers ${Math.random().toString(36).slice(2, 8)}`
    const put = await raw(e, 'PUT', `${sourceUrl(e, source.id)}/mapping`, doc)
    expect(put).toEqual({ status: 204, text: '', type: null })
    const patch = await raw(e, 'PATCH', `${sourceUrl(e, source.id)}/mapping?async=true`, doc, 'manual')
    expect(patch).toEqual({ status: 303, text: '', type: null })
    await e.booted.services.mappings.idle()
    const removed = await raw(e, 'DELETE', sourceUrl(e, source.id))
    expect(removed).toEqual({ status: 204, text: '', type: null })
  })
})
