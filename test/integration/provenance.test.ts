import { Value } from '@sinclair/typebox/value'
import { beforeAll, describe, expect, it } from 'vitest'
import { AttributeProvenanceResource } from '../../src/http/schemas/provenance.schema.js'
import { engineDocument, tag, type TypeSpec } from '../helpers/engine-documents.js'
import { sourceUrl, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { createSource, submitMapping, type Json } from '../helpers/import-sources.js'
import { describeEachDialect } from '../helpers/test-env.js'

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
    { name: 'Owner', type: 'text', locators: ['owner'] },
    { name: 'Location', type: 'text', locators: ['location'] },
    { name: 'Admin', type: 'referenced_object', ref: 'person', locators: ['admin'], iql: 'Name = ${admin}' },
  ],
}

interface Entry {
  objectTypeAttributeId: string
  source: 'manual' | { id: string; name: string | null }
  executionId: string | null
  actor?: string
  writtenAt: string
}

// Issue 19 item 4: every attribute value knows who last wrote it, and a source's precedence per attribute decides
// whether another source (or a manual edit) is overwritten.
describeEachDialect('provenance and precedence', (env) => {
  withWorker(env)
  let hr: Json
  let discovery: Json
  let attrs: Record<string, string>
  let hostTypeId: string

  const run = async (sourceId: string, data: Json) => {
    const started = await startExecution(env(), sourceId)
    const sent = await env().call('POST', started.links.submitResults, {
      body: { data, clientGeneratedId: 'c1', completed: true },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const status = await waitForEnd(env(), started.links.getExecutionStatus)
    expect(status.status, JSON.stringify(status)).toBe('DONE')
    const problems = await env().call(
      'GET',
      `${sourceUrl(env(), sourceId)}/executions/${status.executionId}/problems?limit=100`,
    )
    const host = Object.values(status.progressResult.objectTypeResultMap as Record<string, Json>).find(
      (t) => t.objectTypeName === 'Host',
    )!
    return { id: status.executionId as string, host, problems: problems.body.values as Json[] }
  }

  const objectId = async (label: string): Promise<string> => {
    const res = await env().call('POST', `${env().api}/object/aql`, {
      body: { qlQuery: `objectTypeId = ${hostTypeId} AND label = "${label}"` },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.values).toHaveLength(1)
    return res.body.values[0].id as string
  }

  /** GET object/{id}?include=provenance: attribute name → entry, each checked against the published schema. */
  const provenance = async (label: string) => {
    const res = await env().call('GET', `${env().api}/object/${await objectId(label)}?include=provenance`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const out: Record<string, Entry> = {}
    for (const e of res.body.provenance as Entry[]) {
      expect(Value.Check(AttributeProvenanceResource, e), JSON.stringify(e)).toBe(true)
      const name = Object.entries(attrs).find(([, id]) => id === e.objectTypeAttributeId)?.[0]
      out[name ?? e.objectTypeAttributeId] = e
    }
    return out
  }

  const valueOf = async (label: string, attribute: string): Promise<unknown[]> => {
    const res = await env().call('GET', `${env().api}/object/${await objectId(label)}`)
    const a = (res.body.attributes as Json[]).find((x) => x.objectTypeAttributeId === attrs[attribute])
    return (a?.objectAttributeValues ?? []).map((v: Json) => v.referencedObject?.label ?? v.value)
  }

  const source = (s: Json, executionId: string) => ({
    source: { id: s.id, name: s.name },
    executionId,
  })

  beforeAll(async () => {
    hr = await createSource(env(), {
      name: 'HR feed',
      settings: { precedence: { attributes: { 'Host.Owner': 10 } } },
    })
    const t = tag()
    await submitMapping(env(), hr.id, engineDocument(t, [person, host]))
    const schemaId = (await env().call('GET', sourceUrl(env(), hr.id))).body.objectSchemaId as number
    discovery = await createSource(env(), {
      name: 'Discovery',
      objectSchemaId: schemaId,
      settings: {
        defaultHandleEmptyValues: 'REMOVE',
        precedence: { attributes: { 'Host.Location': 5 }, matchObjectsOf: [hr.id] },
      },
    })
    // The same types by externalId: Discovery's first mapping adopts HR's types instead of creating its own.
    await submitMapping(env(), discovery.id, engineDocument(t, [person, host]))
    const types = await env().call('GET', `${env().api}/objectschema/${schemaId}/objecttypes/flat`)
    expect((types.body as Json[]).map((x) => x.name).sort()).toEqual(['Host', 'Person'])
    hostTypeId = (types.body as Json[]).find((x) => x.name === 'Host')!.id
    const list = await env().call('GET', `${env().api}/objecttype/${hostTypeId}/attributes`)
    attrs = Object.fromEntries((list.body as Json[]).map((a) => [a.name, a.id as string]))
  })

  describe('in order', () => {
    let first: string
    let second: string

    it('a first load writes every attribute with the source and execution', async () => {
      const r = await run(hr.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', owner: 'alice', location: 'Rack 1', admin: 'p1' }],
      })
      first = r.id
      expect(r.host.objectsCreated).toBe(1)
      expect(r.host.attributesKeptByPrecedence).toBe(0)
      const p = await provenance('h1')
      for (const name of ['Serial', 'Owner', 'Location', 'Admin'])
        expect(p[name], name).toMatchObject(source(hr, first))
      // Without the parameter the answer has no provenance member.
      const plain = await env().call('GET', `${env().api}/object/${await objectId('h1')}`)
      expect(plain.body.provenance).toBeUndefined()
    })

    it('a second source changes only what precedence allows, reports what it kept, and only those move', async () => {
      // Owner is empty here and Discovery removes empty values: HR's Owner (precedence 10 > 0) is kept.
      // Location: Discovery's precedence 5 beats HR's 0. Admin: 0 = 0, the last writer wins.
      const r = await run(discovery.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', location: 'Rack 9', admin: 'p2' }],
      })
      second = r.id
      expect(r.host).toMatchObject({ objectsCreated: 0, objectsUpdated: 1, attributesKeptByPrecedence: 1 })
      const kept = r.problems.filter((x) => x.code === 'KEPT_BY_PRECEDENCE')
      expect(kept).toHaveLength(1)
      expect(kept[0]!.message).toBe(
        'Owner: 1 value not changed because import source "HR feed" wrote it with precedence 10 > 0',
      )
      expect(await valueOf('h1', 'Owner')).toEqual(['alice'])
      expect(await valueOf('h1', 'Location')).toEqual(['Rack 9'])
      expect(await valueOf('h1', 'Admin')).toEqual(['p2'])
      const p = await provenance('h1')
      expect(p.Serial).toMatchObject(source(hr, first))
      expect(p.Owner).toMatchObject(source(hr, first))
      expect(p.Location).toMatchObject(source(discovery, second))
      expect(p.Admin).toMatchObject(source(discovery, second))
    })

    it('a lower source does not overwrite the higher one; at equal precedence the last writer wins', async () => {
      const r = await run(hr.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', owner: 'carol', location: 'Rack 1', admin: 'p1' }],
      })
      expect(r.host.attributesKeptByPrecedence).toBe(1)
      expect(r.problems.find((x) => x.code === 'KEPT_BY_PRECEDENCE')?.message).toBe(
        'Location: 1 value not changed because import source "Discovery" wrote it with precedence 5 > 0',
      )
      expect(await valueOf('h1', 'Owner')).toEqual(['carol'])
      expect(await valueOf('h1', 'Location')).toEqual(['Rack 9'])
      expect(await valueOf('h1', 'Admin')).toEqual(['p1'])
      const p = await provenance('h1')
      expect(p.Owner).toMatchObject(source(hr, r.id))
      expect(p.Location).toMatchObject(source(discovery, second))
      expect(p.Admin).toMatchObject(source(hr, r.id))
    })

    it('an edit through the object API is "manual"; overwriteManual false keeps it, the default overwrites it', async () => {
      const id = await objectId('h1')
      const put = await env().call('PUT', `${env().api}/object/${id}`, {
        body: {
          attributes: [{ objectTypeAttributeId: attrs.Owner, objectAttributeValues: [{ value: 'dave' }] }],
        },
      })
      expect(put.status, JSON.stringify(put.body)).toBe(200)
      const p = await provenance('h1')
      expect(p.Owner).toMatchObject({ source: 'manual', executionId: null })
      expect(p.Owner!.actor).toMatch(/^token:/)
      expect(p.Location).toMatchObject(source(discovery, second))

      const patch = await env().call('PATCH', sourceUrl(env(), hr.id), {
        body: { settings: { precedence: { attributes: { 'Host.Owner': 10 }, overwriteManual: false } } },
      })
      expect(patch.status, JSON.stringify(patch.body)).toBe(200)
      expect(patch.body.precedence).toMatchObject({
        overwriteManual: false,
        attributes: { 'Host.Owner': 10 },
      })
      const kept = await run(hr.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', owner: 'carol', location: 'Rack 1', admin: 'p1' }],
      })
      expect(kept.host.attributesKeptByPrecedence).toBe(2)
      expect(kept.problems.map((x) => x.message)).toContain(
        'Owner: 1 value not changed because it was written through the object API (manual) and overwriteManual is false',
      )
      expect(await valueOf('h1', 'Owner')).toEqual(['dave'])

      await env().call('PATCH', sourceUrl(env(), hr.id), {
        body: { settings: { precedence: { attributes: { 'Host.Owner': 10 } } } },
      })
      const overwritten = await run(hr.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', owner: 'carol', location: 'Rack 1', admin: 'p1' }],
      })
      expect(await valueOf('h1', 'Owner')).toEqual(['carol'])
      expect((await provenance('h1')).Owner).toMatchObject(source(hr, overwritten.id))
    })

    it('an identical re-import writes nothing and leaves provenance as it was', async () => {
      const before = await provenance('h1')
      const r = await run(hr.id, {
        people: [{ name: 'p1' }, { name: 'p2' }],
        hosts: [{ serial: 'h1', owner: 'carol', location: 'Rack 1', admin: 'p1' }],
      })
      expect(r.host.objectsUpdated).toBe(0)
      expect(await provenance('h1')).toEqual(before)
    })
  })

  it('refuses a malformed precedence with a 400 naming the field', async () => {
    const bad = await env().call('PATCH', sourceUrl(env(), hr.id), {
      body: { settings: { precedence: { attributes: { Owner: 3 } } } },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('body.settings.precedence.attributes')
    const wrongType = await env().call('PATCH', sourceUrl(env(), hr.id), {
      body: { settings: { precedence: { default: 'high' } } },
    })
    expect(wrongType.status).toBe(400)
    expect(JSON.stringify(wrongType.body)).toContain('body.settings.precedence.default')
    const param = await env().call('GET', `${env().api}/object/1?include=everything`)
    expect(param.status).toBe(400)
  })
})
