import { expect, it } from 'vitest'
import {
  createFileSource,
  generateAndPutMapping,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import { seedSource, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

const LONE_HIGH = '\ud800'
const LONE_LOW = '\udc00'

/** One push execution of `drives` (seed mapping: hardDrives, identity `id`); answers its end status and problems. */
async function push(env: TestEnv, sourceId: string, drives: Json[]) {
  const e = await startExecution(env, sourceId)
  // JSON.stringify writes a lone surrogate as the escape \ud800: the body is valid JSON of invalid Unicode.
  const res = await env.call('POST', e.links.submitResults, {
    body: { data: { hardDrives: drives }, completed: true },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const end = await waitForEnd(env, e.links.getExecutionStatus)
  const problems = await env.call(
    'GET',
    `${env.api}/importsource/${sourceId}/executions/${e.executionId ?? end.id}/problems`,
  )
  return { end, problems: problems.body }
}

const drive = (id: string) => ({ id, label: `drive ${id}`, files: [] })

describeEachDialect('identities with invalid Unicode', (env) => {
  withWorker(env)

  it('a pushed identity with a lone surrogate is an entry problem, and re-imports of the same data stay DONE', async () => {
    const source = await seedSource(env())
    const data = [drive('HD-ok'), drive(`HD-${LONE_HIGH}-a`), drive(`HD-b-${LONE_LOW}`)]
    const first = await push(env(), source.id, data)
    expect(first.end.status, JSON.stringify(first.end)).toBe('DONE')
    const second = await push(env(), source.id, data)
    expect(second.end.status, JSON.stringify(second.end)).toBe('DONE')
    const third = await push(env(), source.id, data)
    expect(third.end.status, JSON.stringify(third.end)).toBe('DONE')
    const counters = Object.values(third.end.progressResult.objectTypeResultMap as Record<string, Json>).find(
      (t) => t.objectTypeName === 'Hard Drive',
    )!
    expect(counters).toMatchObject({ objectsCreated: 0, objectsIdentical: 1 })
    expect(counters.entriesWithProblems).toBe(2)
    const codes = (third.problems.values as Json[]).map((p) => [p.code, p.message])
    // Two entries, each refused in its identity and in its label (which repeats the id), then dropped for the
    // identity they no longer have; the mapping's `status` column is absent from every entry.
    const refused = codes.filter(([code]) => code === 'INVALID_VALUE')
    expect(refused).toHaveLength(4)
    for (const [, message] of refused) expect(message).toMatch(/surrogate/i)
    expect(codes.filter(([code]) => code === 'EMPTY_EXTERNAL_ID')).toHaveLength(2)
    expect(codes.map(([code]) => code).sort()).toEqual([
      'EMPTY_EXTERNAL_ID',
      'EMPTY_EXTERNAL_ID',
      'INVALID_VALUE',
      'INVALID_VALUE',
      'INVALID_VALUE',
      'INVALID_VALUE',
      'LOCATOR_READ_NOTHING',
    ])
    // Nothing was stored with a replacement character in its identity.
    const stored = await env()
      .booted.services.store.db.selectFrom('object')
      .select('identity')
      .where('import_source_no', '=', numberOf(source.id))
      .execute()
    expect(stored.map((o) => o.identity)).toEqual(['HD-ok'])
  })

  for (const [encoding, bytes] of [
    // CESU-8: a surrogate encoded as three UTF-8-like bytes — the decoder makes U+FFFD of each.
    [
      'utf-8',
      Buffer.concat([
        Buffer.from('id,name\nA-'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from(',one\nB,two\n'),
      ]),
    ],
    // UTF-16LE with an unpaired high surrogate.
    [
      'utf-16le',
      Buffer.concat([
        Buffer.from('id,name\nA-', 'utf16le'),
        Buffer.from([0x00, 0xd8]),
        Buffer.from(',one\nB,two\n', 'utf16le'),
      ]),
    ],
  ] as const) {
    it(`a CSV (${encoding}) whose identity holds undecodable bytes re-imports as identical`, async () => {
      const source = await createFileSource(env(), 'csv', { config: { encoding } })
      expect((await putFile(env(), source.id, bytes, { 'content-type': 'text/csv' })).status).toBe(200)
      await generateAndPutMapping(env(), source.id)
      for (let run = 0; run < 3; run++) {
        const started = await startImport(env(), source.id)
        const done = await waitForStatus(env(), started.resourceId)
        expect(done.status, JSON.stringify(done)).toBe('COMPLETED')
        const e = await env().call(
          'GET',
          `${env().api}/importsource/${source.id}/executions/${started.resourceId}`,
        )
        expect(e.body.counters).toMatchObject(
          run === 0 ? { objectsCreated: 2 } : { objectsCreated: 0, objectsIdentical: 2 },
        )
      }
    })
  }
})
