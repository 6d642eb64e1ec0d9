import { afterAll, beforeAll, expect, it } from 'vitest'
import { sourceUrl, waitForEnd, withWorker } from '../helpers/executions.js'
import { generateAndPutMapping, waitForStatus } from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import {
  createdSqlSource,
  createSourceDatabase,
  loadHosts,
  type SourceDatabase,
} from '../helpers/sql-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const ROWS = 12

describeEachDialect('plan → apply of an incremental SQL source', (env) => {
  withWorker(env)
  let db: SourceDatabase
  beforeAll(async () => {
    db = await createSourceDatabase('postgres')
    await loadHosts(db, ROWS)
  })
  afterAll(async () => db?.drop())

  const start = async (e: TestEnv, sourceId: string, body?: Json): Promise<string> => {
    const res = await e.call('POST', `${e.api}/import/start/${sourceId}`, body ? { body } : {})
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect((await waitForStatus(e, res.body.resourceId)).status).toBe('COMPLETED')
    return res.body.executionUUID as string
  }
  const typeResult = async (e: TestEnv, sourceId: string, id: string): Promise<Json> => {
    const res = await e.call('GET', `${sourceUrl(e, sourceId)}/executions/${id}/status`)
    return Object.values(res.body.progressResult.objectTypeResultMap)[0] as Json
  }

  it('applies the rows the dry run read and commits its high-water mark, as a real run would', async () => {
    const e = env()
    const source = await createdSqlSource(e, {
      ...db.connection,
      roots: { hosts: { table: 'hosts', incremental: { column: 'updated_at' } } },
    })
    await generateAndPutMapping(e, source.id)
    await start(e, source.id)
    await db.exec(`update hosts set cpu = 99, updated_at = '2024-03-01 12:00:00' where id in (4, 5)`)
    const planId = await start(e, source.id, { dryRun: true })
    const plan = await e.call('GET', `${sourceUrl(e, source.id)}/executions/${planId}/plan`)
    expect(plan.body.counts).toEqual({ [Object.keys(plan.body.counts)[0]!]: { update: 2 } })
    // The source moves on after the plan: the apply still applies the two planned rows only.
    await db.exec(`update hosts set cpu = 77, updated_at = '2024-04-01 12:00:00' where id = 6`)
    const applied = await e.call('POST', `${sourceUrl(e, source.id)}/executions/${planId}/apply`, {
      body: {},
    })
    expect(applied.status, JSON.stringify(applied.body)).toBe(202)
    const applyId = applied.body.executionId as string
    const end = await waitForEnd(e, `${sourceUrl(e, source.id)}/executions/${applyId}/status`)
    expect(end.status).toBe('DONE')
    expect(await typeResult(e, source.id, applyId)).toMatchObject({ objectsUpdated: 2 })
    const state = await e.booted.services.store.db
      .selectFrom('import_source_read_state')
      .select(['execution_id', 'state'])
      .where('import_source_id', '=', source.id)
      .executeTakeFirstOrThrow()
    expect(state.execution_id).toBe(applyId)
    // The next run reads from the dry run's mark: the two rows at it and host 6 changed since.
    const next = await start(e, source.id)
    expect(await typeResult(e, source.id, next)).toMatchObject({ entriesInSource: 3, objectsUpdated: 1 })
  })
})
