import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { DataChunk } from '../../src/engine/engine-types.js'
import {
  engineSource,
  objectByIdentity,
  storedObjects,
  storedProblems,
  type TypeSpec,
} from '../helpers/engine-documents.js'
import { repositorySnapshot } from '../helpers/engine-snapshot.js'
import { sourceUrl, waitForEnd, withWorker } from '../helpers/executions.js'
import {
  createFileSource,
  generateAndPutMapping,
  hostsCsv,
  objectCount,
  putFile,
  waitForStatus,
} from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
}

const host: TypeSpec = {
  key: 'host',
  name: 'Host',
  selector: 'hosts',
  attributes: [
    { name: 'Serial', type: 'text', label: true, identity: true, locators: ['serial'] },
    { name: 'Size', type: 'integer', locators: ['size'] },
    {
      name: 'Owner',
      type: 'referenced_object',
      ref: 'person',
      locators: ['owner'],
      iql: 'Name = ${owner}',
    },
  ],
  options: { missingObjects: { policy: 'REMOVE' } },
}

/** Hosts H1…Hn (size = i), owned by Ann, plus Ann and Bob. */
function hosts(n: number, size: (i: number) => number = (i) => i, owner = 'Ann', from = 1): DataChunk {
  return {
    people: [{ name: 'Ann' }, { name: 'Bob' }, { name: 'Cy' }],
    hosts: Array.from({ length: n }, (_, k) => ({ serial: `H${from + k}`, size: size(from + k), owner })),
  }
}

describeEachDialect('plan → apply', (env) => {
  withWorker(env)
  const services = () => env().booted.services
  const ws = () => env().workspaceId
  const e = (): TestEnv => env()

  /** A push execution through the HTTP API with these chunks; answers its id once it ended. */
  async function push(sourceId: string, data: DataChunk[], dryRun = false): Promise<string> {
    const start = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions`, { body: { dryRun } })
    expect(start.status, JSON.stringify(start.body)).toBe(200)
    const id = start.body.executionId as string
    for (let i = 0; i < data.length; i++) {
      const res = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions/${id}/data`, {
        body: { data: data[i], clientGeneratedId: `c${i}`, completed: i === data.length - 1 },
      })
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
    }
    const end = await waitForEnd(e(), `${sourceUrl(e(), sourceId)}/executions/${id}/status`)
    expect(end.status, JSON.stringify(end)).toBe('DONE')
    return id
  }

  const planUrl = (sourceId: string, id: string, query = '') =>
    `${sourceUrl(e(), sourceId)}/executions/${id}/plan${query}`
  const apply = (sourceId: string, id: string, body?: unknown) =>
    e().call('POST', `${sourceUrl(e(), sourceId)}/executions/${id}/apply`, body === undefined ? {} : { body })

  async function applied(sourceId: string, id: string, body?: unknown): Promise<Json> {
    const res = await apply(sourceId, id, body)
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const end = await waitForEnd(e(), `${sourceUrl(e(), sourceId)}/executions/${res.body.executionId}/status`)
    return { ...end, executionId: res.body.executionId as string }
  }

  /** A source with 30 hosts imported, and a dry run that updates 25 of them, creates 5 and removes 5. */
  async function planned() {
    const s = await engineSource(services(), ws(), [person, host])
    await push(s.source.id, [hosts(30)])
    const next = hosts(30, (i) => (i <= 25 ? i * 10 : i), 'Bob', 6)
    const planId = await push(s.source.id, [next], true)
    return { s, planId, next }
  }

  it('stores the complete plan beyond 20 changes per type and answers it paged and filtered', async () => {
    const { s, planId } = await planned()
    const host = String(s.typeId('Host'))
    const first = await e().call('GET', planUrl(s.source.id, planId, '?maxResults=10'))
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    // 6…30: 20 updates (6…25 resized, all re-owned) + 5 owner-only; 31…35 created; 1…5 removed.
    expect(first.body.counts[host]).toEqual({ update: 20, create: 5, delete: 5, references: 30 })
    expect(first.body).toMatchObject({ status: 'ready', startAt: 0, maxResults: 10, isLast: false })
    expect(first.body.total).toBe(60)
    expect(first.body.changes).toHaveLength(10)
    const all = []
    for (let at = 0; ; at += 25) {
      const page = await e().call('GET', planUrl(s.source.id, planId, `?startAt=${at}&maxResults=25`))
      all.push(...page.body.changes)
      if (page.body.isLast) break
    }
    expect(all.map((c) => c.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    const updates = await e().call(
      'GET',
      planUrl(s.source.id, planId, `?operation=update&objectTypeId=${host}&maxResults=1000`),
    )
    expect(updates.body.total).toBe(20)
    const h6 = await objectByIdentity(services(), s.typeId('Host'), 'H6')
    expect(updates.body.changes).toContainEqual(
      expect.objectContaining({
        objectId: h6.id,
        identity: 'H6',
        differences: { Size: { before: [6], after: [60] } },
      }),
    )
    const creates = await e().call('GET', planUrl(s.source.id, planId, '?operation=create'))
    expect(creates.body.changes.map((c: any) => [c.identity, c.objectId])).toEqual(
      [31, 32, 33, 34, 35].map((i) => [`H${i}`, null]),
    )
    // The inline plan of the result stays the first 20 per type.
    const status = await e().call('GET', `${sourceUrl(e(), s.source.id)}/executions/${planId}/status`)
    expect(status.body.progressResult.plan[host]).toHaveLength(20)
    expect(status.body.progressResult.planned.total).toBe(60)
  })

  it('applies exactly the planned creates, updates, removals and reference changes', async () => {
    const { s, planId } = await planned()
    const end = await applied(s.source.id, planId)
    expect(end.status, JSON.stringify(end)).toBe('DONE')
    const objects = await storedObjects(services(), s.typeId('Host'))
    expect(objects.map((o: any) => o.identity).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `H${i + 6}`).sort(),
    )
    const h6 = await objectByIdentity(services(), s.typeId('Host'), 'H6')
    expect(h6.values[String(s.attributeId('Host.Size'))]).toEqual([60])
    const result = end.progressResult
    const hostResult = result.objectTypeResultMap[String(s.typeId('Host'))]
    expect(hostResult).toMatchObject({ objectsCreated: 5, objectsUpdated: 20, objectsMissingDeleted: 5 })
    // The plan is applied; the apply execution has its change log (it is revertible).
    const plan = await e().call('GET', planUrl(s.source.id, planId))
    expect(plan.body).toMatchObject({ status: 'applied', appliedExecutionId: end.executionId, total: 60 })
    expect(fs.existsSync(path.join(services().plans.dir(planId), 'input.ndjson.gz'))).toBe(false)
    const log = await services()
      .store.db.selectFrom('change_batch')
      .select(['operation'])
      .where('execution_id', '=', end.executionId)
      .execute()
    expect(new Set(log.map((r) => r.operation))).toEqual(
      new Set(['create-range', 'update', 'delete', 'references']),
    )
    // A plan applies at most once.
    const again = await apply(s.source.id, planId)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('PLAN_ALREADY_APPLIED')
  })

  it('refuses with 409 PLAN_DRIFT listing an object changed by hand since the plan, and writes nothing', async () => {
    const { s, planId } = await planned()
    const h7 = await objectByIdentity(services(), s.typeId('Host'), 'H7')
    const size = s.attributeId('Host.Size')
    const put = await e().call('PUT', `${e().api}/object/${h7.id}`, {
      body: { attributes: [{ objectTypeAttributeId: size, objectAttributeValues: [{ value: '777' }] }] },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const before = await repositorySnapshot(services())
    const res = await apply(s.source.id, planId)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('PLAN_DRIFT')
    expect(res.body.error.details.total).toBe(1)
    expect(res.body.error.details.drifted).toEqual([
      expect.objectContaining({ objectId: h7.id, identity: 'H7', changed: ['values'] }),
    ])
    expect(await repositorySnapshot(services())).toEqual(before)
    // replan applies what the same stored input gives now, and says what differs from the plan.
    const end = await applied(s.source.id, planId, { onDrift: 'replan' })
    expect(end.status).toBe('DONE')
    expect(end.progressResult.planDrift.total).toBe(1)
    const now = await objectByIdentity(services(), s.typeId('Host'), 'H7')
    expect(now.values[String(size)]).toEqual([70])
  })

  it('fails the apply with PLAN_DRIFT, its differences as problems, when the engine does otherwise than the plan', async () => {
    const { s, planId } = await planned()
    // Bob is not touched by the plan (the pre-check passes), but the planned owner changes point at him.
    const bob = await objectByIdentity(services(), s.typeId('Person'), 'Bob')
    expect((await e().call('DELETE', `${e().api}/object/${bob.id}`)).status).toBe(204)
    const before = await repositorySnapshot(services())
    const res = await apply(s.source.id, planId)
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const end = await waitForEnd(
      e(),
      `${sourceUrl(e(), s.source.id)}/executions/${res.body.executionId}/status`,
    )
    expect(end.status).toBe('FAILED')
    const execution = await e().call(
      'GET',
      `${sourceUrl(e(), s.source.id)}/executions/${res.body.executionId}`,
    )
    // Bob is created again (not planned) and the 30 owner changes point at the new Bob (not as planned).
    expect(execution.body.failureReason).toMatch(/^PLAN_DRIFT: 31 changes of the apply differ from the plan/)
    // Nothing written but the apply's problems.
    const { execution_problem: _problems, ...after } = await repositorySnapshot(services())
    const { execution_problem: _before, ...was } = before
    expect(after).toEqual(was)
    const problems = await storedProblems(services(), res.body.executionId)
    expect(problems).toHaveLength(31)
    expect(problems.every((p) => p.code === 'PLAN_DRIFT')).toBe(true)
    const messages = problems.map((p) => p.message)
    expect(
      messages.filter((m) => m.startsWith('Change made differently from the plan: references of ')),
    ).toHaveLength(30)
    expect(messages).toContain('Change made that the plan did not list: create of identity Bob')
    // The plan was not applied: it is still ready.
    const plan = await e().call('GET', planUrl(s.source.id, planId))
    expect(plan.body.status).toBe('ready')
  })

  it('refuses a plan whose mapping changed, a real run, and answers 404 for another source', async () => {
    const { s, planId } = await planned()
    const other = await engineSource(services(), ws(), [person, host])
    expect((await e().call('GET', planUrl(other.source.id, planId))).status).toBe(404)
    expect((await apply(other.source.id, planId)).status).toBe(404)
    const real = await push(other.source.id, [hosts(1)])
    const notPlan = await apply(other.source.id, real)
    expect(notPlan.status).toBe(409)
    expect(notPlan.body.error.code).toBe('PLAN_NOT_AVAILABLE')
    await services().importSources.update(ws(), s.source.id, {
      settings: { defaultConcatenator: '+' },
    } as never)
    const res = await apply(s.source.id, planId)
    expect(res.status, JSON.stringify(res.body)).toBe(409)
    expect(res.body.error.code).toBe('PLAN_MAPPING_CHANGED')
  })

  it('refuses an expired plan with 410 and the worker housekeeping purges its changes and input', async () => {
    const { s, planId } = await planned()
    const dir = services().plans.dir(planId)
    expect(fs.existsSync(path.join(dir, 'input.ndjson.gz'))).toBe(true)
    await services()
      .store.db.updateTable('plan')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('execution_id', '=', planId)
      .execute()
    const res = await apply(s.source.id, planId)
    expect(res.status).toBe(410)
    expect(res.body.error.code).toBe('PLAN_EXPIRED')
    // A spool left by a dry run that never stored its plan goes too, once older than the TTL.
    const orphan = services().plans.dir('00000000-0000-4000-8000-000000000000')
    fs.mkdirSync(orphan, { recursive: true })
    const old = new Date(Date.now() - 25 * 3_600_000)
    fs.utimesSync(orphan, old, old)
    // …but not the spool of a dry run still writing it.
    const running = services().plans.dir('00000000-0000-4000-8000-000000000001')
    fs.mkdirSync(running, { recursive: true })
    fs.writeFileSync(path.join(running, 'changes.ndjson'), '{}\n')
    fs.utimesSync(running, old, old)
    expect(await services().plans.purgeExpired()).toBeGreaterThanOrEqual(2)
    expect(fs.existsSync(dir)).toBe(false)
    expect(fs.existsSync(orphan)).toBe(false)
    expect(fs.existsSync(running)).toBe(true)
    fs.rmSync(running, { recursive: true })
    const rows = await services()
      .store.db.selectFrom('plan_change')
      .select('seq')
      .where('execution_id', '=', planId)
      .execute()
    expect(rows).toEqual([])
    const plan = await e().call('GET', planUrl(s.source.id, planId))
    expect(plan.body).toMatchObject({ status: 'expired', total: 0, changes: [] })
  })

  it('applies the spooled input even after the dry run’s chunks were purged', async () => {
    const { s, planId } = await planned()
    await services()
      .store.db.updateTable('execution_chunk')
      .set({ payload: null })
      .where('execution_id', '=', planId)
      .execute()
    const end = await applied(s.source.id, planId)
    expect(end.status, JSON.stringify(end)).toBe('DONE')
    expect(await objectByIdentity(services(), s.typeId('Host'), 'H35')).toBeDefined()
  })

  it('applies a CSV source’s planned rows even when its file was replaced after the dry run', async () => {
    const source = await createFileSource(e(), 'csv')
    expect(
      (await putFile(e(), source.id, hostsCsv(25), { 'content-type': 'text/csv' }, '?name=h.csv')).status,
    ).toBe(200)
    await generateAndPutMapping(e(), source.id)
    const schemaId = (await e().call('GET', `${e().api}/importsource/${source.id}`)).body.objectSchemaId
    const started = await e().call('POST', `${e().api}/import/start/${source.id}`, { body: { dryRun: true } })
    expect(started.status, JSON.stringify(started.body)).toBe(200)
    const planId = started.body.executionUUID as string
    expect((await waitForStatus(e(), planId)).status).toBe('COMPLETED')
    const plan = await e().call('GET', planUrl(source.id, planId, '?maxResults=1000'))
    expect(plan.body.total).toBe(25)
    expect(
      (await putFile(e(), source.id, hostsCsv(3, 500), { 'content-type': 'text/csv' }, '?name=h.csv')).status,
    ).toBe(200)
    const end = await applied(source.id, planId)
    expect(end.status, JSON.stringify(end)).toBe('DONE')
    expect(await objectCount(e(), schemaId)).toBe(25)
    const identities = await services()
      .store.db.selectFrom('object')
      .select('identity')
      .where('import_source_no', '=', numberOf(source.id))
      .execute()
    expect(identities.map((r) => r.identity).sort()).toEqual(
      plan.body.changes.map((c: any) => c.identity).sort(),
    )
  })

  it('lists an object whose reference was changed by hand as drifted (references)', async () => {
    const { s, planId } = await planned()
    const h8 = await objectByIdentity(services(), s.typeId('Host'), 'H8')
    const cy = await objectByIdentity(services(), s.typeId('Person'), 'Cy')
    const put = await e().call('PUT', `${e().api}/object/${h8.id}`, {
      body: {
        attributes: [
          {
            objectTypeAttributeId: s.attributeId('Host.Owner'),
            objectAttributeValues: [{ value: String(cy.id) }],
          },
        ],
      },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const res = await apply(s.source.id, planId)
    expect(res.status).toBe(409)
    expect(res.body.error.details.drifted).toEqual([
      expect.objectContaining({ objectId: h8.id, changed: ['references'] }),
    ])
  })

  it('leaves nothing when the apply is cancelled, and the plan stays applicable', async () => {
    const { s, planId } = await planned()
    const before = await repositorySnapshot(services())
    const res = await apply(s.source.id, planId)
    expect(res.status).toBe(202)
    const cancel = await e().call(
      'DELETE',
      `${sourceUrl(e(), s.source.id)}/executions/${res.body.executionId}`,
    )
    expect(cancel.status, JSON.stringify(cancel.body)).toBeLessThan(300)
    const end = await waitForEnd(
      e(),
      `${sourceUrl(e(), s.source.id)}/executions/${res.body.executionId}/status`,
    )
    // A cancel either reaches the job before it starts or rolls its transaction back: nothing is written.
    if (end.status === 'CANCELLED') {
      expect(await repositorySnapshot(services())).toEqual(before)
      expect((await e().call('GET', planUrl(s.source.id, planId))).body.status).toBe('ready')
      expect((await applied(s.source.id, planId)).status).toBe('DONE')
    } else expect(end.status).toBe('DONE')
    expect((await e().call('GET', planUrl(s.source.id, planId))).body.status).toBe('applied')
  })

  it('refuses a malformed apply body or plan query with 400 naming the field', async () => {
    const { s, planId } = await planned()
    const body = await apply(s.source.id, planId, { onDrift: 'sometimes' })
    expect(body.status).toBe(400)
    expect(body.body.message).toContain('onDrift')
    const extra = await apply(s.source.id, planId, { force: true })
    expect(extra.status).toBe(400)
    const query = await e().call('GET', planUrl(s.source.id, planId, '?operation=rename'))
    expect(query.status).toBe(400)
    expect(query.body.message).toContain('operation')
    expect((await e().call('GET', planUrl(s.source.id, planId, '?maxResults=1001'))).status).toBe(400)
  })
})
