import { expect, it } from 'vitest'
import type { DataChunk } from '../../src/engine/engine-types.js'
import { engineSource, type TypeSpec } from '../helpers/engine-documents.js'
import { sourceUrl, waitForEnd, withWorker } from '../helpers/executions.js'
import { createSource, type Json } from '../helpers/import-sources.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'

// Issue 19's four features and the #11 read path, built apart: plan → apply, revert, the mass-delete guard and
// provenance must work with each other (and keep the exact per-type counts right).

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
    { name: 'Place', type: 'text', locators: ['place'] },
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

const PEOPLE = [{ name: 'Ann' }, { name: 'Bob' }]
/** Hosts H<from>…H<to>, size = i, place P, owned by Ann. */
const hosts = (from: number, to: number, patch: (i: number) => Json = () => ({})): DataChunk => ({
  people: PEOPLE,
  hosts: Array.from({ length: to - from + 1 }, (_, k) => ({
    serial: `H${from + k}`,
    size: from + k,
    place: 'P',
    owner: 'Ann',
    ...patch(from + k),
  })),
})

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

interface Entry {
  objectTypeAttributeId: string
  source: 'manual' | { id: string; name: string | null }
  executionId: string | null
}

describeEachDialect('issue 19 features together', (env) => {
  withWorker(env)
  const e = (): TestEnv => env()
  const services = () => e().booted.services
  const ws = () => e().workspaceId

  /** Starts a push execution, sends one chunk, answers its id and settled resource (not waiting for DONE). */
  async function pushed(sourceId: string, data: DataChunk, dryRun = false) {
    const start = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions`, { body: { dryRun } })
    expect(start.status, JSON.stringify(start.body)).toBe(200)
    const id = start.body.executionId as string
    const sent = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions/${id}/data`, {
      body: { data, completed: true },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const deadline = Date.now() + 20_000
    for (;;) {
      const res = await e().call('GET', `${sourceUrl(e(), sourceId)}/executions/${id}`)
      if (!['INGESTING', 'PROCESSING'].includes(res.body.status)) return { id, execution: res.body as Json }
      if (Date.now() > deadline) throw new Error(`execution still ${res.body.status}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  async function push(sourceId: string, data: DataChunk, dryRun = false): Promise<string> {
    const { id, execution } = await pushed(sourceId, data, dryRun)
    expect(execution.status, JSON.stringify(execution)).toBe('DONE')
    return id
  }

  async function revert(sourceId: string, id: string) {
    const res = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions/${id}/revert`, { body: {} })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const status = await waitForEnd(e(), `${sourceUrl(e(), sourceId)}/executions/${res.body.id}/status`)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    return res.body.id as string
  }

  async function apply(sourceId: string, planId: string) {
    const res = await e().call('POST', `${sourceUrl(e(), sourceId)}/executions/${planId}/apply`, { body: {} })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const id = res.body.executionId as string
    const status = await waitForEnd(e(), `${sourceUrl(e(), sourceId)}/executions/${id}/status`)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    expect(status.progressResult.planDrift ?? null).toBeNull()
    return { id, status }
  }

  const objectId = async (typeId: number, label: string): Promise<string | null> => {
    const res = await e().call('POST', `${e().api}/object/aql`, {
      body: { qlQuery: `objectTypeId = ${typeId} AND label = "${label}"` },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return (res.body.values[0]?.id as string | undefined) ?? null
  }

  /** GET object/{id}?include=provenance: attribute id → entry. */
  const provenance = async (id: string): Promise<Map<number, Entry>> => {
    const res = await e().call('GET', `${e().api}/object/${id}?include=provenance`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return new Map((res.body.provenance as Entry[]).map((x) => [Number(x.objectTypeAttributeId), x]))
  }

  /** The type's objectCount, the total of `objectTypeId = X`, and the rows really there. */
  async function counts(typeId: number) {
    const type = await e().call('GET', `${e().api}/objecttype/${typeId}`)
    const aql = await e().call('POST', `${e().api}/object/aql?maxResults=1`, {
      body: { qlQuery: `objectTypeId = ${typeId}` },
    })
    const rows = await services()
      .store.db.selectFrom('object')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('object_type_id', '=', typeId)
      .executeTakeFirstOrThrow()
    return { type: type.body.objectCount as number, total: aql.body.total as number, rows: Number(rows.n) }
  }

  /** Every object of the schema as GET object answers it (without times): what a revert must restore. */
  async function state(schemaId: number) {
    const rows = await services()
      .store.db.selectFrom('object')
      .select('id')
      .where('object_schema_id', '=', schemaId)
      .orderBy('id')
      .execute()
    const out = []
    for (const r of rows) {
      const res = await e().call('GET', `${e().api}/object/${r.id}`)
      expect(res.status).toBe(200)
      out.push(strip(res.body))
    }
    return out
  }

  it('a revert is a writer of its own: restored and re-created values name it, the rest keep their writer', async () => {
    const s = await engineSource(services(), ws(), [person, host])
    const hostType = s.typeId('Host')
    const size = s.attributeId('Host.Size')
    const place = s.attributeId('Host.Place')
    const owner = s.attributeId('Host.Owner')
    const first = await push(s.source.id, hosts(1, 3))
    // H1 resized and re-owned, H2 untouched, H3 removed, H4 created.
    const v2 = hosts(1, 4, (i) => (i === 1 ? { size: 100, owner: 'Bob' } : {}))
    const second = await push(s.source.id, {
      ...v2,
      hosts: (v2.hosts as Json[]).filter((h) => h.serial !== 'H3'),
    })
    const h1 = (await objectId(hostType, 'H1'))!
    const h3 = await objectId(hostType, 'H3')
    expect(h3).toBeNull()
    expect((await provenance(h1)).get(size)?.executionId).toBe(second)

    const r = await revert(s.source.id, second)
    const p1 = await provenance(h1)
    expect(p1.get(size)).toMatchObject({ executionId: r, source: { id: s.source.id } })
    expect(p1.get(owner)).toMatchObject({ executionId: r, source: { id: s.source.id } })
    expect(p1.get(place)?.executionId).toBe(first)
    const recreated = (await objectId(hostType, 'H3'))!
    const p3 = await provenance(recreated)
    for (const a of [size, place, owner]) expect(p3.get(a)?.executionId, String(a)).toBe(r)
    expect(await objectId(hostType, 'H4')).toBeNull()
    expect(await counts(hostType)).toEqual({ type: 3, total: 3, rows: 3 })

    // A later import of the source overwrites what the revert restored (the revert writes as that source).
    const third = await push(
      s.source.id,
      hosts(1, 3, (i) => (i === 1 ? { size: 7 } : {})),
    )
    expect((await provenance(h1)).get(size)?.executionId).toBe(third)
  })

  it('the exact per-type counts follow the revert of a removal and the revert of that revert', async () => {
    const s = await engineSource(services(), ws(), [person, host])
    const hostType = s.typeId('Host')
    await push(s.source.id, hosts(1, 5))
    expect(await counts(hostType)).toEqual({ type: 5, total: 5, rows: 5 })
    const removal = await push(s.source.id, hosts(1, 2))
    expect(await counts(hostType)).toEqual({ type: 2, total: 2, rows: 2 })
    const undo = await revert(s.source.id, removal)
    expect(await counts(hostType)).toEqual({ type: 5, total: 5, rows: 5 })
    // The revert of the revert removes them again.
    await revert(s.source.id, undo)
    expect(await counts(hostType)).toEqual({ type: 2, total: 2, rows: 2 })
  })

  it('a first load reverted leaves the type empty and counted 0', async () => {
    const s = await engineSource(services(), ws(), [person, host])
    const first = await push(s.source.id, hosts(1, 4))
    await revert(s.source.id, first)
    expect(await counts(s.typeId('Host'))).toEqual({ type: 0, total: 0, rows: 0 })
    expect(await counts(s.typeId('Person'))).toEqual({ type: 0, total: 0, rows: 0 })
  })

  it('a HELD execution keeps the source busy for apply and revert; it cannot be reverted; apply and revert are not guarded', async () => {
    const s = await engineSource(services(), ws(), [person, host], {
      settings: { deleteGuard: { maxPercent: 50 } },
    })
    const hostType = s.typeId('Host')
    const first = await push(s.source.id, hosts(1, 12))
    const before = await state(s.schemaId)
    // The dry run removes 9 of 12 (75 %): it is not held, it reports the guard's numbers.
    const { execution: dry } = await pushed(s.source.id, hosts(1, 3), true)
    expect(dry.status).toBe('DONE')
    const planId = dry.id as string
    const dryStatus = await e().call('GET', `${sourceUrl(e(), s.source.id)}/executions/${planId}/status`)
    expect(dryStatus.body.progressResult.deleteGuard).toEqual(
      expect.arrayContaining([expect.objectContaining({ objectTypeId: hostType, toRemove: 9, over: true })]),
    )

    const { id: heldId, execution: held } = await pushed(s.source.id, hosts(1, 3))
    expect(held.status).toBe('HELD')
    const applyRes = await e().call('POST', `${sourceUrl(e(), s.source.id)}/executions/${planId}/apply`, {
      body: {},
    })
    expect(applyRes.status, JSON.stringify(applyRes.body)).toBe(409)
    expect(applyRes.body.error.details).toMatchObject({ executionId: heldId })
    const revertFirst = await e().call('POST', `${sourceUrl(e(), s.source.id)}/executions/${first}/revert`, {
      body: {},
    })
    expect(revertFirst.status, JSON.stringify(revertFirst.body)).toBe(409)
    expect(revertFirst.body.error.details).toMatchObject({ executionId: heldId })
    const revertHeld = await e().call('POST', `${sourceUrl(e(), s.source.id)}/executions/${heldId}/revert`, {
      body: {},
    })
    expect(revertHeld.status).toBe(409)
    expect(revertHeld.body.error.code).toBe('REVERT_NOT_ALLOWED')
    expect(revertHeld.body.error.details.reason).toMatch(/held by the mass-delete guard/)

    const reject = await e().call('POST', `${sourceUrl(e(), s.source.id)}/executions/${heldId}/reject`, {
      body: {},
    })
    expect(reject.status, JSON.stringify(reject.body)).toBeLessThan(300)
    // The operator reviewed the plan: its apply removes the 9 without a hold, and its revert brings them back.
    const applied = await apply(s.source.id, planId)
    expect(await counts(hostType)).toEqual({ type: 3, total: 3, rows: 3 })
    const kinds = await e().call('GET', `${sourceUrl(e(), s.source.id)}/executions/${applied.id}`)
    expect(kinds.body.kind).toBe('apply')
    await revert(s.source.id, applied.id)
    expect(await counts(hostType)).toEqual({ type: 12, total: 12, rows: 12 })
    expect(await state(s.schemaId)).toEqual(before)
  })

  it('an apply writes provenance as the apply execution; dry run → apply → revert gives the state before', async () => {
    const s = await engineSource(services(), ws(), [person, host])
    const hostType = s.typeId('Host')
    await push(s.source.id, hosts(1, 4))
    const before = await state(s.schemaId)
    const planId = await push(
      s.source.id,
      hosts(2, 5, (i) => (i === 2 ? { size: 20, owner: 'Bob' } : {})),
      true,
    )
    const applied = await apply(s.source.id, planId)
    const p2 = await provenance((await objectId(hostType, 'H2'))!)
    expect(p2.get(s.attributeId('Host.Size'))).toMatchObject({ executionId: applied.id })
    expect(p2.get(s.attributeId('Host.Owner'))).toMatchObject({ executionId: applied.id })
    expect(
      (await provenance((await objectId(hostType, 'H5'))!)).get(s.attributeId('Host.Place')),
    ).toMatchObject({ executionId: applied.id })
    await revert(s.source.id, applied.id)
    expect(await state(s.schemaId)).toEqual(before)
    expect(await counts(hostType)).toEqual({ type: 4, total: 4, rows: 4 })
  })

  it('values kept by precedence are not planned changes, and the apply of such a plan finds no drift', async () => {
    const hr = await engineSource(services(), ws(), [person, host], {
      settings: { precedence: { attributes: { 'Host.Place': 10 } } },
    })
    const hostType = hr.typeId('Host')
    await push(hr.source.id, hosts(1, 2))
    const other = await createSource(e(), {
      name: 'Discovery',
      objectSchemaId: hr.schemaId,
      settings: { precedence: { matchObjectsOf: [hr.source.id] } },
    })
    // Discovery maps HR's types: HR's own document, as GET schema-and-mapping answers it, adopts them by externalId.
    const hrDocument = await e().call('GET', `${sourceUrl(e(), hr.source.id)}/schema-and-mapping`)
    expect(hrDocument.status, JSON.stringify(hrDocument.body)).toBe(200)
    const put = await e().call('PUT', `${sourceUrl(e(), other.id)}/mapping`, { body: hrDocument.body })
    expect(put.status, JSON.stringify(put.body)).toBe(204)
    // Discovery would move both hosts to Q (kept: HR owns Place at 10 > 0) and resize H1.
    const planId = await push(
      other.id,
      hosts(1, 2, (i) => ({ place: 'Q', ...(i === 1 ? { size: 11 } : {}) })),
      true,
    )
    const plan = await e().call('GET', `${sourceUrl(e(), other.id)}/executions/${planId}/plan?maxResults=100`)
    expect(plan.status, JSON.stringify(plan.body)).toBe(200)
    const planned = JSON.stringify(plan.body.changes)
    expect(plan.body.counts[String(hostType)]).toMatchObject({ update: 1 })
    expect(planned).not.toContain('"Q"')
    const applied = await apply(other.id, planId)
    const h1 = (await objectId(hostType, 'H1'))!
    const p = await provenance(h1)
    expect(p.get(hr.attributeId('Host.Size'))).toMatchObject({ executionId: applied.id })
    expect(p.get(hr.attributeId('Host.Place'))?.source).toMatchObject({ id: hr.source.id })
  })
})
