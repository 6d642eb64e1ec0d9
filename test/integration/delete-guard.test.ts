import { expect, it, vi } from 'vitest'
import { buildCli } from '../../src/cli/cli.js'
import { engineDocument, tag, type TypeSpec } from '../helpers/engine-documents.js'
import { withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  objectCount,
  putFile,
  startImport,
  waitForStatus,
} from '../helpers/file-imports.js'
import { createSource, otherWorkspace, submitMapping, type Json } from '../helpers/import-sources.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

const REMOVE = { policy: 'REMOVE', threshold: 1, thresholdType: 'RUNS' }
const MARK = { policy: 'UPDATE', attributeName: 'State', value: 'Gone', threshold: 1, thresholdType: 'RUNS' }

function hosts(missingObjects: Record<string, unknown>): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
      { name: 'State', type: 'text', locators: ['state'] },
    ],
    options: { missingObjects },
  }
}

const serials = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `H${from + i}`)

describeEachDialect('mass-delete guard', (env) => {
  withWorker(env)
  const e = () => env()

  /** An external source with a Host type (missingObjects as given) and its own guard, if any. */
  async function pushSource(missing: Record<string, unknown>, deleteGuard?: unknown) {
    const source = await createSource(e(), deleteGuard === undefined ? {} : { settings: { deleteGuard } })
    await submitMapping(e(), source.id, engineDocument(tag(), [hosts(missing)]))
    const read = await e().call('GET', `${e().api}/importsource/${source.id}`)
    return { id: source.id as string, schemaId: read.body.objectSchemaId as string }
  }

  const executionUrl = (sourceId: string, id: string) =>
    `${e().api}/importsource/${sourceId}/executions/${id}`

  /** Polls the execution until it leaves INGESTING and PROCESSING; answers its resource. */
  async function settled(sourceId: string, id: string): Promise<Json> {
    const deadline = Date.now() + 20_000
    for (;;) {
      const res = await e().call('GET', executionUrl(sourceId, id))
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      if (!['INGESTING', 'PROCESSING'].includes(res.body.status)) return res.body as Json
      if (Date.now() > deadline) throw new Error(`execution still ${res.body.status}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** One push execution of the given hosts; answers the settled execution. */
  async function push(sourceId: string, list: string[], body: Json = {}): Promise<Json> {
    const start = await e().call('POST', `${e().api}/importsource/${sourceId}/executions`, { body })
    expect(start.status, JSON.stringify(start.body)).toBe(200)
    const id = start.body.executionId as string
    const data = { hosts: list.map((serial) => ({ serial, state: 'Seen' })) }
    const sent = await e().call('POST', `${executionUrl(sourceId, id)}/data`, {
      body: { data, completed: true },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    return settled(sourceId, id)
  }

  const states = async (schemaId: string): Promise<Record<string, string>> => {
    const rows = await e()
      .booted.services.store.db.selectFrom('object')
      .innerJoin('object_type', 'object_type.id', 'object.object_type_id')
      .select(['object.label', 'object.attribute_values'])
      .where('object_type.object_schema_id', '=', Number(schemaId))
      .execute()
    return Object.fromEntries(
      rows.map((r) => [r.label, JSON.stringify(r.attribute_values).includes('Gone') ? 'Gone' : 'Seen']),
    )
  }

  it('holds a push that would remove 60 % of a type over maxPercent 50: nothing removed, numbers shown', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    expect((await push(s.id, serials(1, 10))).status).toBe('DONE')
    const held = await push(s.id, serials(1, 4))
    expect(held.status).toBe('HELD')
    expect(held.hold.types).toEqual([
      expect.objectContaining({
        objectTypeName: 'Host',
        owned: 10,
        toRemove: 6,
        toMark: 0,
        limit: 5,
        over: true,
      }),
    ])
    expect(held.hold.guard).toEqual({ maxPercent: 50 })
    expect(held.finished).toBeNull()
    expect(await objectCount(e(), s.schemaId)).toBe(10)
    // The Assets shape answers PROCESSING (its clients know no HELD) with Intake's own status beside it.
    const status = await e().call('GET', `${executionUrl(s.id, held.id)}/status`)
    expect(status.body).toMatchObject({ status: 'PROCESSING', intakeStatus: 'HELD' })
    expect(status.body.hold.types[0].toRemove).toBe(6)
    const progress = await e().call('GET', `${executionUrl(s.id, held.id)}/progress`)
    expect(progress.body).toMatchObject({ status: 'PAUSED', intakeStatus: 'HELD' })
    // The source is busy while held: configstatus RUNNING, a new execution 409.
    expect((await e().call('GET', `${e().api}/importsource/${s.id}/configstatus`)).body.status).toBe(
      'RUNNING',
    )
    const second = await e().call('POST', `${e().api}/importsource/${s.id}/executions`, { body: {} })
    expect(second.status).toBe(409)
    expect(second.body.errorCode).toBe('IN_PROGRESS')
  })

  it('approve commits exactly the held removals (DONE); a second approve is 409', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const held = await push(s.id, serials(1, 4))
    expect(held.status).toBe('HELD')
    const approved = await e().call('POST', `${executionUrl(s.id, held.id)}/approve`)
    expect(approved.status, JSON.stringify(approved.body)).toBe(200)
    const done = await settled(s.id, held.id)
    expect(done.status).toBe('DONE')
    expect(done.counters.objectsMissingDeleted).toBe(6)
    expect(Object.keys(await states(s.schemaId)).sort()).toEqual(serials(1, 4).sort())
    expect(done.hold.decisions).toEqual([
      expect.objectContaining({
        action: 'approved',
        by: expect.stringMatching(/^token:/),
        limits: expect.any(Object),
      }),
    ])
    const again = await e().call('POST', `${executionUrl(s.id, held.id)}/approve`)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('EXECUTION_NOT_HELD')
    // The source is free again.
    expect((await push(s.id, serials(1, 4))).status).toBe('DONE')
  })

  it('reject ends the held execution CANCELLED with its reason; nothing written', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const held = await push(s.id, serials(1, 4))
    const rejected = await e().call('POST', `${executionUrl(s.id, held.id)}/reject`, {
      body: { reason: 'the export was truncated' },
    })
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200)
    expect(rejected.body.status).toBe('CANCELLED')
    expect(rejected.body.failureReason).toContain('the export was truncated')
    expect(rejected.body.hold.decisions[0]).toMatchObject({
      action: 'rejected',
      reason: 'the export was truncated',
    })
    expect(await objectCount(e(), s.schemaId)).toBe(10)
    expect((await e().call('POST', `${executionUrl(s.id, held.id)}/reject`)).status).toBe(409)
    expect((await e().call('POST', `${executionUrl(s.id, held.id)}/approve`)).status).toBe(409)
  })

  it('maxObjects holds over a count; below the threshold nothing is held', async () => {
    const s = await pushSource(REMOVE, { maxObjects: 3, minObjects: 0 })
    await push(s.id, serials(1, 10))
    const under = await push(s.id, serials(1, 7))
    expect(under.status).toBe('DONE')
    expect(under.counters.objectsMissingDeleted).toBe(3)
    const over = await push(s.id, serials(1, 3))
    expect(over.status).toBe('HELD')
    expect(over.hold.types[0]).toMatchObject({ owned: 7, toRemove: 4, limit: 3 })
    expect(await objectCount(e(), s.schemaId)).toBe(7)
    // An Assets client's cancel (DELETE) ends a held execution too.
    expect((await e().call('DELETE', executionUrl(s.id, over.id))).status).toBe(200)
    expect((await settled(s.id, over.id)).status).toBe('CANCELLED')
    expect(await objectCount(e(), s.schemaId)).toBe(7)
  })

  it('counts objects marked missing (UPDATE) like removals', async () => {
    const s = await pushSource(MARK, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const held = await push(s.id, serials(1, 3))
    expect(held.status).toBe('HELD')
    expect(held.hold.types[0]).toMatchObject({ owned: 10, toRemove: 0, toMark: 7 })
    expect(Object.values(await states(s.schemaId))).not.toContain('Gone')
    await e().call('POST', `${executionUrl(s.id, held.id)}/approve`)
    expect((await settled(s.id, held.id)).status).toBe('DONE')
    expect(Object.values(await states(s.schemaId)).filter((v) => v === 'Gone')).toHaveLength(7)
    // Objects already marked are not marked again: the next run changes nothing and is not held.
    const next = await push(s.id, serials(1, 3))
    expect(next.status).toBe('DONE')
    expect(next.counters.objectsMissingUpdated).toBe(0)
  })

  it('an approval allows exactly the held numbers: more removals at the re-run hold again', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const held = await push(s.id, serials(1, 4))
    // As if the hold had counted one object fewer (say one more went missing after the hold): the re-run's six
    // removals are more than the five approved.
    await e()
      .booted.services.store.db.updateTable('execution')
      .set({
        hold: JSON.stringify({
          ...held.hold,
          types: held.hold.types.map((t: Json) => ({ ...t, toRemove: 5 })),
        }),
      })
      .where('id', '=', held.id)
      .execute()
    await e().call('POST', `${executionUrl(s.id, held.id)}/approve`)
    const again = await settled(s.id, held.id)
    expect(again.status).toBe('HELD')
    expect(again.hold.types[0]).toMatchObject({ toRemove: 6, approved: 5, over: true })
    expect(again.hold.decisions).toHaveLength(1)
    expect(await objectCount(e(), s.schemaId)).toBe(10)
  })

  it('the workspace default applies to a source without a guard; the source’s own guard wins', async () => {
    const put = await e().call('PUT', `${e().api}/settings`, { body: { deleteGuard: { maxObjects: 2 } } })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    expect((await e().call('GET', `${e().api}/settings`)).body).toEqual({ deleteGuard: { maxObjects: 2 } })
    try {
      const plain = await pushSource(REMOVE)
      await push(plain.id, serials(1, 10))
      const held = await push(plain.id, serials(1, 7))
      expect(held.status).toBe('HELD')
      expect(held.hold.guard).toEqual({ maxObjects: 2 })
      const own = await pushSource(REMOVE, { maxPercent: 50 })
      await push(own.id, serials(1, 10))
      expect((await push(own.id, serials(1, 7))).status).toBe('DONE')
    } finally {
      await e().call('PUT', `${e().api}/settings`, { body: { deleteGuard: null } })
    }
    expect((await e().call('GET', `${e().api}/settings`)).body).toEqual({ deleteGuard: null })
  })

  it('a dry run is never held: its result carries the numbers', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const dry = await push(s.id, serials(1, 4), { dryRun: true })
    expect(dry.status).toBe('DONE')
    const status = await e().call('GET', `${executionUrl(s.id, dry.id)}/status`)
    expect(status.body.progressResult.deleteGuard).toEqual([
      expect.objectContaining({ owned: 10, toRemove: 6, over: true }),
    ])
    expect(await objectCount(e(), s.schemaId)).toBe(10)
  })

  it('refuses bad guard settings with 400 naming the field', async () => {
    const bad = await e().call('POST', `${e().api}/importsource`, {
      body: { name: 'bad guard', type: 'external', settings: { deleteGuard: { maxPercent: 150 } } },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('maxPercent')
    const empty = await e().call('PUT', `${e().api}/settings`, { body: { deleteGuard: { minObjects: 3 } } })
    expect(empty.status).toBe(400)
    expect(JSON.stringify(empty.body)).toContain('body.deleteGuard')
    const unknown = await e().call('PUT', `${e().api}/settings`, { body: { deleteGuard: { maxPct: 3 } } })
    expect(unknown.status).toBe(400)
  })

  it('approve and reject answer 404 for another workspace’s execution, 403 for the container token', async () => {
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const held = await push(s.id, serials(1, 4))
    const other = await otherWorkspace(e(), `guard-${tag()}`)
    for (const action of ['approve', 'reject']) {
      const res = await e().call(
        'POST',
        `${other.api}/importsource/${s.id}/executions/${held.id}/${action}`,
        {
          token: other.token,
        },
      )
      expect(res.status, action).toBe(404)
    }
    // The source's container token (the pushing client) cannot approve its own mass deletion.
    const container = (await e().call('POST', `${e().api}/importsource/${s.id}/token`)).body.token as string
    const byClient = await e().call('POST', `${executionUrl(s.id, held.id)}/approve`, { token: container })
    expect(byClient.status).toBe(403)
    expect((await settled(s.id, held.id)).status).toBe('HELD')
  })

  it('a CSV source’s approval reads the file the held run read, even after a new upload', async () => {
    const source = await createFileSource(e(), 'csv', { settings: { deleteGuard: { maxPercent: 50 } } })
    const csv = (list: string[]) => ['id,name', ...list.map((s) => `${s},Host ${s}`)].join('\n') + '\n'
    expect((await putFile(e(), source.id, csv(serials(1, 10)), {}, '?name=hosts.csv')).status).toBe(200)
    const proposed = await e().call(
      'GET',
      `${e().api}/importsource/${source.id}/discover?generate=true&objectSchemaName=Held%20${tag()}`,
    )
    const doc = proposed.body.document as Json
    doc.mapping.objectTypeMappings[0].missingObjects = REMOVE
    await submitMapping(e(), source.id, doc)
    const first = await startImport(e(), source.id)
    expect((await waitForStatus(e(), first.resourceId)).status).toBe('COMPLETED')
    const schemaId = (await e().call('GET', `${e().api}/importsource/${source.id}`)).body.objectSchemaId
    expect(await objectCount(e(), schemaId)).toBe(10)

    await putFile(e(), source.id, csv(serials(1, 3)), {}, '?name=hosts.csv')
    const second = await startImport(e(), source.id)
    const held = await waitForStatus(e(), second.resourceId, ['PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'])
    expect(held).toMatchObject({ status: 'PAUSED', intakeStatus: 'HELD' })
    expect(held.hold.types[0]).toMatchObject({ owned: 10, toRemove: 7 })
    // Meanwhile a new file (all ten hosts again): the approval still applies what was held.
    expect((await putFile(e(), source.id, csv(serials(1, 10)), {}, '?name=hosts.csv')).status).toBe(200)
    const url = `${e().api}/importsource/${source.id}/executions/${second.resourceId}`
    const resume = await e().call('POST', `${e().api}/progress/category/imports/${second.resourceId}/resume`)
    expect(resume.status).toBe(409)
    expect((await e().call('POST', `${url}/approve`)).status).toBe(200)
    expect((await waitForStatus(e(), second.resourceId)).status).toBe('COMPLETED')
    expect(await objectCount(e(), schemaId)).toBe(3)
  })

  it('the CLI lists the held numbers and approves or rejects', async () => {
    const cli = async (...args: string[]) => {
      let out = ''
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out += String(chunk)
        return true
      })
      const server = ['--url', e().baseUrl, '--token', ADMIN_TOKEN, '--workspace', e().workspaceId]
      try {
        await buildCli().parseAsync(['node', 'intake', ...args, ...server])
      } finally {
        write.mockRestore()
      }
      const code = process.exitCode
      process.exitCode = 0
      return { out, code }
    }
    const s = await pushSource(REMOVE, { maxPercent: 50 })
    await push(s.id, serials(1, 10))
    const first = await push(s.id, serials(1, 4))
    const list = await cli('executions', '--source', s.id)
    expect(list.code).toBe(0)
    expect(list.out).toMatch(new RegExp(`${first.id}\\s+HELD.*Host 6/10>5`))
    const rejected = await cli('executions', 'reject', s.id, first.id, '--reason', 'not today')
    expect(rejected.out).toContain('rejected, CANCELLED')
    expect((await settled(s.id, first.id)).failureReason).toContain('not today')
    const second = await push(s.id, serials(1, 4))
    expect(second.status).toBe('HELD')
    const approved = await cli('executions', 'approve', s.id, second.id)
    expect(approved.code).toBe(0)
    expect(approved.out).toContain('approved')
    expect((await settled(s.id, second.id)).status).toBe('DONE')
    expect(await objectCount(e(), s.schemaId)).toBe(4)
  })
})
