import { afterAll, beforeAll, expect, it } from 'vitest'
import { startBackground, type Background } from '../../src/main.js'
import { eventually } from '../helpers/callback-server.js'
import { FAST } from '../helpers/executions.js'
import { generateAndPutMapping, objectCount, waitForStatus } from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { createSchedule, inSeconds, schedulesUrl } from '../helpers/schedules.js'
import {
  createdSqlSource,
  createSourceDatabase,
  loadHosts,
  type SourceDatabase,
} from '../helpers/sql-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

describeEachDialect('sql sources: a schedule starts a database import like a file import', (env) => {
  let background: Background | undefined
  let db: SourceDatabase | undefined
  beforeAll(async () => {
    db = await createSourceDatabase('postgres')
    await loadHosts(db, 9)
    background = startBackground(env().booted.services, { ...FAST, schedulerTickMs: 100 })
  })
  afterAll(async () => {
    await background?.stop()
    await db?.drop()
  })

  it('runs a ONCE schedule of a sql source to COMPLETED', async () => {
    const source = await createdSqlSource(env(), { ...db!.connection, roots: { hosts: { table: 'hosts' } } })
    await generateAndPutMapping(env(), source.id)
    const schedule = await createSchedule(env(), source.id, { runFrequency: 'ONCE', startTime: inSeconds(2) })
    const run = await eventually(async () => {
      const res = await env().call('GET', `${schedulesUrl(env(), source.id)}/${schedule.id}/runs`)
      const [first] = res.body.values as Json[]
      return first && first.outcome !== 'pending' ? first : undefined
    }, 'the scheduled run')
    expect(run).toMatchObject({ outcome: 'started' })
    expect((await waitForStatus(env(), run.executionId as string)).status).toBe('COMPLETED')
    const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
    expect(await objectCount(env(), schemaId)).toBe(9)
  }, 30_000)
})
