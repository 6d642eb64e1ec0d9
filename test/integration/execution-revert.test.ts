import { expect, it } from 'vitest'
import { importStore } from '../../src/store/import-store.js'
import { engineCatalogPort } from '../../src/services/engine-ports.js'
import { runRevert } from '../../src/services/revert/revert-run.js'
import { revertTarget } from '../../src/services/revert/revert.service.js'
import { engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { repositorySnapshot } from '../helpers/engine-snapshot.js'
import { sourceUrl, waitForEnd, withWorker } from '../helpers/executions.js'
import { danglingReferences } from '../helpers/dangling-references.js'
import { describeEachDialect } from '../helpers/test-env.js'
import { otherWorkspace } from '../helpers/import-sources.js'

const person: TypeSpec = {
  key: 'person',
  name: 'Person',
  selector: 'people',
  attributes: [{ name: 'Name', type: 'text', label: true, identity: true, locators: ['name'] }],
  options: { missingObjects: { policy: 'REMOVE' } },
}

function host(missingObjects: Record<string, unknown> = { policy: 'REMOVE' }): TypeSpec {
  return {
    key: 'host',
    name: 'Host',
    selector: 'hosts',
    attributes: [
      { name: 'Serial', type: 'text', identity: true, locators: ['serial'] },
      { name: 'Name', type: 'text', label: true, locators: ['name'] },
      { name: 'Size', type: 'integer', indexed: true, locators: ['size'] },
      { name: 'Notes', type: 'text', indexed: true, locators: ['notes'] },
      {
        name: 'Owner',
        type: 'referenced_object',
        ref: 'person',
        locators: ['owner'],
        iql: 'Name = ${owner}',
      },
    ],
    options: { missingObjects, emptyValues: 'REMOVE' },
  }
}

const PEOPLE = [{ name: 'Ann' }, { name: 'Bob' }]
const V1 = {
  people: PEOPLE,
  hosts: [
    { serial: 'A', name: 'alpha', size: 1, notes: 'n', owner: 'Ann' },
    { serial: 'B', name: 'beta', size: 2, notes: 'n', owner: 'Bob' },
    { serial: 'C', name: 'gamma', size: 3 },
  ],
}
/** A renamed and resized, its notes cleared, re-linked to Bob; B identical; C missing (removed); D new. */
const V2 = {
  people: PEOPLE,
  hosts: [
    { serial: 'A', name: 'alpha-2', size: 10, owner: 'Bob' },
    { serial: 'B', name: 'beta', size: 2, notes: 'n', owner: 'Bob' },
    { serial: 'D', name: 'delta', size: 4, notes: 'new', owner: 'Ann' },
  ],
}

const strip = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(strip)
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !['created', 'updated', 'timestamp'].includes(k))
        .map(([k, x]) => [k, strip(x)]),
    )
  return v
}

/** While set, the worker's reverts wait after their first step until it is resolved (a cancel test). */
let gate: { reached: () => void; open: Promise<void> } | null = null

describeEachDialect('revert an execution', (env) => {
  withWorker(env, {
    reverts: {
      afterStep: async () => {
        const g = gate
        if (!g) return
        gate = null
        g.reached()
        await g.open
      },
    },
  })
  const services = () => env().booted.services
  const ws = () => env().workspaceId

  async function source(types: TypeSpec[] = [person, host()]) {
    return engineSource(services(), ws(), types)
  }

  /** Pushes one chunk through the API and waits for the execution's end; answers its id and status body. */
  async function push(sourceId: string, data: unknown, body: Record<string, unknown> = {}) {
    const started = await env().call('POST', `${sourceUrl(env(), sourceId)}/executions`, { body })
    expect(started.status, JSON.stringify(started.body)).toBe(200)
    const id = started.body.executionId as string
    const sent = await env().call('POST', `${sourceUrl(env(), sourceId)}/executions/${id}/data`, {
      body: { data, completed: true },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const status = await waitForEnd(env(), `${sourceUrl(env(), sourceId)}/executions/${id}/status`)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    return { id, status }
  }

  const revertUrl = (sourceId: string, id: string) => `${sourceUrl(env(), sourceId)}/executions/${id}/revert`

  /** POST revert; expects 202 and waits for the revert's end. */
  async function revert(sourceId: string, id: string, body?: unknown) {
    const res = await env().call('POST', revertUrl(sourceId, id), body === undefined ? {} : { body })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    expect(res.body).toMatchObject({ kind: 'revert', revertsExecutionId: id })
    const status = await waitForEnd(env(), `${sourceUrl(env(), sourceId)}/executions/${res.body.id}/status`)
    return { id: res.body.id as string, status }
  }

  /** Every object of the source's schema as GET object answers it, plus AQL answers: what a revert must restore. */
  async function state(s: Awaited<ReturnType<typeof source>>) {
    const rows = await services()
      .store.db.selectFrom('object')
      .select('id')
      .where('object_schema_id', '=', s.schemaId)
      .orderBy('id')
      .execute()
    const objects = []
    for (const r of rows) {
      const res = await env().call('GET', `${env().api}/object/${r.id}`)
      expect(res.status).toBe(200)
      objects.push(strip(res.body))
    }
    const aql = async (qlQuery: string) => {
      const res = await env().call('POST', `${env().api}/object/aql`, { body: { qlQuery } })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return (res.body.values as { objectKey: string }[]).map((o) => o.objectKey).sort()
    }
    const host = `objectSchemaId = ${s.schemaId} AND objectType = Host`
    return {
      objects,
      aql: {
        size: await aql(`${host} AND Size = 10`),
        small: await aql(`${host} AND Size < 3`),
        notes: await aql(`${host} AND Notes = "n"`),
        named: await aql(`${host} AND Name = "alpha"`),
        label: await aql(`${host} AND label = "alpha-2"`),
        owner: await aql(`${host} AND Owner = Bob`),
        people: await aql(`objectSchemaId = ${s.schemaId} AND objectType = Person`),
      },
    }
  }

  async function problems(sourceId: string, id: string) {
    const res = await env().call('GET', `${sourceUrl(env(), sourceId)}/executions/${id}/problems`)
    expect(res.status).toBe(200)
    return res.body.values as { code: string; location: string; message: string }[]
  }

  it('restores exactly the state before an execution that created, updated, re-linked and removed objects', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const before = await state(s)
    const second = await push(s.source.id, V2)
    const changed = await state(s)
    expect(changed).not.toEqual(before)

    const r = await revert(s.source.id, second.id)
    expect(r.status.status).toBe('DONE')
    const result = r.status.progressResult
    expect(result.revert).toMatchObject({
      revertsExecutionId: second.id,
      objectsDeleted: 1,
      objectsRecreated: 1,
      objectsRestored: 1,
      referencesRestored: 1,
      conflictsSkipped: 0,
    })
    const hostResult = Object.values(result.objectTypeResultMap as Record<string, any>).find(
      (t) => t.objectTypeName === 'Host',
    )
    expect(hostResult).toMatchObject({
      objectsCreated: 1,
      objectsMissingDeleted: 1,
      objectsUpdated: 1,
      objectsWithUpdatedReferences: 1,
    })
    expect(await state(s)).toEqual(before)

    // The revert is an execution like any other: listed, and the reverted one names it.
    const list = await env().call('GET', `${sourceUrl(env(), s.source.id)}/executions`)
    expect(list.body.values[0]).toMatchObject({ id: r.id, kind: 'revert', revertsExecutionId: second.id })
    expect(list.body.values[1]).toMatchObject({ id: second.id, revertedBy: r.id })

    // The next import of the same data does the same again.
    const again = await push(s.source.id, V2)
    const hostAgain = Object.values(
      again.status.progressResult.objectTypeResultMap as Record<string, any>,
    ).find((t) => t.objectTypeName === 'Host')
    expect(hostAgain).toMatchObject({ objectsCreated: 1, objectsUpdated: 1, objectsMissingDeleted: 1 })
    const redone = (await state(s)) as { objects: any[]; aql: Record<string, string[]> }
    expect(redone.aql).toEqual(changed.aql)
  })

  it('deletes every object a first load created, and a re-run creates them again', async () => {
    const s = await source()
    const empty = await state(s)
    const first = await push(s.source.id, V1)
    const r = await revert(s.source.id, first.id)
    expect(r.status.status).toBe('DONE')
    expect(r.status.progressResult.revert).toMatchObject({ objectsDeleted: 5 })
    expect(await state(s)).toEqual(empty)
    // The hosts' references to the people went with them (no foreign key deletes them on PostgreSQL since 0023).
    expect(await danglingReferences(services().store.db)).toBe(0)
    const indexRows = await services()
      .store.db.selectFrom('object_value')
      .select('object_id')
      .where('attribute_id', 'in', [s.attributeId('Host.Size'), s.attributeId('Host.Name')])
      .execute()
    expect(indexRows).toEqual([])
    const again = await push(s.source.id, V1)
    expect(again.status.progressResult.entriesCreated).toBe(5)
  })

  it('shows a host created with its owner as one creation in its history; a later re-link is a change a revert undoes', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const a = (
      await services()
        .store.db.selectFrom('object')
        .select('id')
        .where('object_type_id', '=', s.typeId('Host'))
        .where('identity', '=', 'A')
        .executeTakeFirstOrThrow()
    ).id
    const history = async () => {
      const res = await env().call('GET', `${env().api}/object/${a}/history?asc=true`)
      expect(res.status).toBe(200)
      return (
        res.body as { type: number; affectedAttribute?: string; oldValue?: string; newValue?: string }[]
      ).map((h) => [h.type, h.affectedAttribute, h.oldValue, h.newValue])
    }
    expect(await history()).toEqual([[0, undefined, undefined, undefined]])
    const before = await state(s)
    const relink = await push(s.source.id, {
      ...V1,
      hosts: [{ ...V1.hosts[0]!, owner: 'Bob' }, ...V1.hosts.slice(1)],
    })
    expect(await history()).toEqual([
      [0, undefined, undefined, undefined],
      [1, 'Owner', 'Ann', 'Bob'],
    ])
    await revert(s.source.id, relink.id)
    expect(await state(s)).toEqual(before)
  })

  it('gives removed objects back with the references other objects had to them', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const before = await state(s)
    // Bob goes missing and is removed; B still names him (its entry is identical, so it is not re-resolved).
    const second = await push(s.source.id, { people: [{ name: 'Ann' }], hosts: V1.hosts })
    expect((await state(s)).aql.owner).toEqual([])
    await revert(s.source.id, second.id)
    expect(await state(s)).toEqual(before)
  })

  it('restores the attribute a missing-object update set', async () => {
    const s = await source([person, host({ policy: 'UPDATE', attributeName: 'Notes', value: 'missing' })])
    await push(s.source.id, V1)
    const before = await state(s)
    const second = await push(s.source.id, { people: PEOPLE, hosts: V1.hosts.slice(1) })
    expect(second.status.progressResult.objectTypeResultMap).toBeDefined()
    const r = await revert(s.source.id, second.id)
    expect(r.status.progressResult.revert.objectsRestored).toBe(1)
    expect(await state(s)).toEqual(before)
  })

  it('reverting the revert redoes the execution; a second revert of either is refused with 409', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const second = await push(s.source.id, V2)
    const after = await state(s)
    const r = await revert(s.source.id, second.id)
    const twice = await env().call('POST', revertUrl(s.source.id, second.id), { body: {} })
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('REVERT_NOT_ALLOWED')

    const rr = await revert(s.source.id, r.id)
    expect(rr.status.status).toBe('DONE')
    expect(await state(s)).toEqual(after)
    expect((await env().call('POST', revertUrl(s.source.id, r.id), { body: {} })).status).toBe(409)
    // Its revert was reverted: the execution may be reverted again.
    const third = await revert(s.source.id, second.id)
    expect(third.status.status, JSON.stringify(third.status)).toBe('DONE')
  })

  it('answers 409 REVERT_CONFLICT for objects a later execution or the object API changed, writing nothing; force reverts the rest', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const second = await push(s.source.id, V2)
    // A later execution changes A again; by hand, D gets another size.
    const third = await push(s.source.id, {
      ...V2,
      hosts: [{ ...V2.hosts[0], size: 11 }, ...V2.hosts.slice(1)],
    })
    const [a, d] = await Promise.all(
      ['alpha-2', 'delta'].map(async (label) =>
        services()
          .store.db.selectFrom('object')
          .select(['id', 'object_key'])
          .where('object_schema_id', '=', s.schemaId)
          .where('label', '=', label)
          .executeTakeFirstOrThrow(),
      ),
    )
    const put = await env().call('PUT', `${env().api}/object/${d!.id}`, {
      body: {
        attributes: [
          { objectTypeAttributeId: s.attributeId('Host.Size'), objectAttributeValues: [{ value: '44' }] },
        ],
      },
    })
    expect(put.status, JSON.stringify(put.body)).toBe(200)
    const executions = (await env().call('GET', `${sourceUrl(env(), s.source.id)}/executions`)).body.total
    const snapshot = await repositorySnapshot(services())

    const refused = await env().call('POST', revertUrl(s.source.id, second.id), { body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('REVERT_CONFLICT')
    expect(refused.body.error.details.total).toBe(2)
    const conflicts = refused.body.error.details.conflicts as {
      objectId: number
      key: string
      reason: string
    }[]
    expect(conflicts.map((c) => c.key).sort()).toEqual([a!.object_key, d!.object_key].sort())
    expect(conflicts.find((c) => c.key === a!.object_key)!.reason).toContain(third.id)
    expect(conflicts.find((c) => c.key === d!.object_key)!.reason).toContain('object API')
    expect((await env().call('GET', `${sourceUrl(env(), s.source.id)}/executions`)).body.total).toBe(
      executions,
    )
    expect(await repositorySnapshot(services())).toEqual(snapshot)

    const forced = await revert(s.source.id, second.id, { force: true })
    expect(forced.status.status).toBe('DONE')
    expect(forced.status.progressResult.revert).toMatchObject({ conflictsSkipped: 2, objectsRecreated: 1 })
    const skipped = await problems(s.source.id, forced.id)
    expect(
      skipped
        .filter((p) => p.code === 'REVERT_CONFLICT')
        .map((p) => p.location)
        .sort(),
    ).toEqual([a!.object_key, d!.object_key].sort())
    const now = await state(s)
    // A and D kept their later values; C is back.
    expect(now.aql.size).toEqual([])
    expect(now.objects.some((o: any) => o.label === 'gamma')).toBe(true)
    expect(now.objects.some((o: any) => o.label === 'delta')).toBe(true)
  })

  it('refuses dry runs, running executions and unknown ones; a run that changed nothing reverts to nothing', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const dry = await push(s.source.id, V2, { dryRun: true })
    const refused = await env().call('POST', revertUrl(s.source.id, dry.id), { body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('REVERT_NOT_ALLOWED')
    const unknown = await env().call(
      'POST',
      revertUrl(s.source.id, '00000000-0000-4000-8000-000000000000'),
      {},
    )
    expect(unknown.status).toBe(404)
    // Another workspace's token does not reach this workspace's execution (its own workspace has no such source).
    const other = await otherWorkspace(env(), `ws-revert-${env().dialect}`)
    const foreign = await env().call(
      'POST',
      `${other.api}/importsource/${s.source.id}/executions/${dry.id}/revert`,
      { token: other.token, body: {} },
    )
    expect(foreign.status).toBe(404)
    const ingesting = await env().call('POST', `${sourceUrl(env(), s.source.id)}/executions`, { body: {} })
    const running = await env().call('POST', revertUrl(s.source.id, ingesting.body.executionId), { body: {} })
    expect(running.status).toBe(409)
    await env().call('DELETE', `${sourceUrl(env(), s.source.id)}/executions/${ingesting.body.executionId}`)
    const bad = await env().call('POST', revertUrl(s.source.id, dry.id), { body: { force: 'yes' } })
    expect(bad.status).toBe(400)

    const same = await push(s.source.id, V1)
    const before = await state(s)
    const r = await revert(s.source.id, same.id)
    expect(r.status.status).toBe('DONE')
    expect(r.status.progressResult.revert).toMatchObject({
      objectsDeleted: 0,
      objectsRecreated: 0,
      objectsRestored: 0,
      referencesRestored: 0,
    })
    expect(await state(s)).toEqual(before)
  })

  it('an object edited by hand stays a conflict after its execution was reverted with force and that revert reverted', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const second = await push(s.source.id, V2)
    const d = await services()
      .store.db.selectFrom('object')
      .select(['id', 'object_key'])
      .where('object_schema_id', '=', s.schemaId)
      .where('label', '=', 'delta')
      .executeTakeFirstOrThrow()
    const put = await env().call('PUT', `${env().api}/object/${d.id}`, {
      body: {
        attributes: [
          { objectTypeAttributeId: s.attributeId('Host.Size'), objectAttributeValues: [{ value: '44' }] },
        ],
      },
    })
    expect(put.status).toBe(200)
    const r = await revert(s.source.id, second.id, { force: true })
    await revert(s.source.id, r.id)
    const refused = await env().call('POST', revertUrl(s.source.id, second.id), { body: {} })
    expect(refused.status, JSON.stringify(refused.body)).toBe(409)
    expect(refused.body.error.details.conflicts.map((c: { key: string }) => c.key)).toEqual([d.object_key])
  })

  it('a revert cancelled while it runs writes nothing and leaves the execution revertible', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const second = await push(s.source.id, V2)
    const after = await state(s)
    let open!: () => void
    const reached = new Promise<void>((resolve) => {
      gate = { reached: resolve, open: new Promise<void>((o) => (open = o)) }
    })
    const res = await env().call('POST', revertUrl(s.source.id, second.id), { body: {} })
    expect(res.status).toBe(202)
    await reached
    const cancel = env().call('DELETE', `${sourceUrl(env(), s.source.id)}/executions/${res.body.id}`)
    await new Promise((r) => setTimeout(r, 100))
    open()
    expect((await cancel).status).toBe(200)
    const status = await waitForEnd(
      env(),
      `${sourceUrl(env(), s.source.id)}/executions/${res.body.id}/status`,
    )
    expect(status.status).toBe('CANCELLED')
    expect(await state(s)).toEqual(after)
    const again = await revert(s.source.id, second.id)
    expect(again.status.status).toBe('DONE')
  })

  it('is atomic: a failure in the middle of the writes leaves the repository as it was', async () => {
    const s = await source()
    await push(s.source.id, V1)
    const second = await push(s.source.id, V2)
    const snapshot = await repositorySnapshot(services())
    const row = await services()
      .store.db.selectFrom('execution')
      .selectAll()
      .where('id', '=', second.id)
      .executeTakeFirstOrThrow()
    const store = services().store
    for (const step of ['recreate', 'restore', 'references', 'delete'] as const) {
      await expect(
        runRevert(
          {
            store: importStore(store),
            catalog: engineCatalogPort(store),
            afterStep: (at) => {
              if (at === step) throw new Error(`injected after ${at}`)
            },
          },
          {
            workspaceId: ws(),
            importSourceId: s.source.id,
            executionId: second.id,
            target: await revertTarget(store.db, row),
            objectSchemaId: s.schemaId,
            force: false,
          },
        ),
      ).rejects.toThrow(`injected after ${step}`)
      expect(await repositorySnapshot(services())).toEqual(snapshot)
    }
  })
})
