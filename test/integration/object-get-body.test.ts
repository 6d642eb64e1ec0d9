import { expect, it } from 'vitest'
import { seedRepository } from '../helpers/factories.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

/**
 * GET object/{id} writes its answer as JSON text (src/http/presenters/object-json.ts) instead of presenting the
 * object and serializing it by the ObjectResource schema. These pin that answer: its exact content for an object
 * with every kind of value, and its exact bytes, which must be what the schema serializer makes of the presented
 * object — `?include=provenance` still goes that way, and adds `provenance` as the schema's last key.
 */
describeEachDialect('GET object/{id} answers exactly the Object resource', (env) => {
  let seeding: ReturnType<typeof seedRepository> | undefined
  const seeded = () => {
    const e = env()
    return (seeding ??= seedRepository(e.booted.services, e.workspaceId, 'GBX'))
  }

  async function create(objectTypeId: number, values: [number, unknown[]][]): Promise<string> {
    const e = env()
    const res = await e.call('POST', `${e.api}/object/create`, {
      body: {
        objectTypeId,
        attributes: values.map(([id, vs]) => ({
          objectTypeAttributeId: id,
          objectAttributeValues: vs.map((value) => ({ value })),
        })),
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body.id as string
  }

  async function text(path: string): Promise<{ status: number; type: string | null; body: string }> {
    const res = await fetch(`${env().api}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() }
  }

  /** The answer, checked byte for byte against the schema serializer's (through ?include=provenance). */
  async function getBoth(id: string): Promise<string> {
    const plain = await text(`/object/${id}`)
    expect(plain.status, plain.body).toBe(200)
    expect(plain.type).toBe('application/json; charset=utf-8')
    const withProvenance = await text(`/object/${id}?include=provenance`)
    expect(withProvenance.status, withProvenance.body).toBe(200)
    const cut = withProvenance.body.lastIndexOf(',"provenance":')
    expect(cut).toBeGreaterThan(0)
    expect(plain.body).toBe(`${withProvenance.body.slice(0, cut)}}`)
    return plain.body
  }

  it('an object with every kind of value, unicode and several values: the content, and the bytes', async () => {
    const e = env()
    const repo = await seeded()
    const owner = await create(repo.person.id, [
      [repo.personName.id, ['Zoë "Q" Ångström \\ 東京 😀']],
      [repo.email.id, ['zoe@example.com']],
    ])
    const id = await create(repo.hardware.id, [
      [repo.attrs.name.id, ['srv-ünï "one"']],
      [repo.attrs.notes.id, ['line 1\nline 2\ttab\u0001 </script>']],
      [repo.attrs.size.id, [42]],
      [repo.attrs.weight.id, [2.5]],
      [repo.attrs.active.id, [true]],
      [repo.attrs.bought.id, ['2024-02-29']],
      [repo.attrs.backupAt.id, ['23:15']],
      [repo.attrs.seen.id, ['2024-03-01T10:00:00Z']],
      [repo.attrs.site.id, ['https://example.com/a?b=c&d=é']],
      [repo.attrs.contact.id, ['ops@example.com']],
      [repo.attrs.vendor.id, ['Lenovo']],
      [repo.attrs.ip.id, ['10.0.0.2', '10.0.0.1', '::1']],
      [repo.attrs.owner.id, [owner]],
      [repo.attrs.state.id, ['Retired']],
      [repo.attrs.serial.id, ['SN-1']],
    ])
    const body = await getBoth(id)
    const o = JSON.parse(body)
    const ws = e.workspaceId
    const values = (attributeId: number) =>
      o.attributes.find(
        (a: { objectTypeAttributeId: string }) => a.objectTypeAttributeId === String(attributeId),
      )?.objectAttributeValues
    expect(Object.keys(o)).toEqual([
      'workspaceId',
      'globalId',
      'id',
      'label',
      'objectKey',
      'avatar',
      'objectType',
      'created',
      'updated',
      'hasAvatar',
      'timestamp',
      'importSourceId',
      'attributes',
      '_links',
    ])
    expect(o).toMatchObject({
      workspaceId: ws,
      globalId: `${ws}:${id}`,
      id,
      label: 'srv-ünï "one"',
      avatar: {
        workspaceId: ws,
        globalId: `${ws}:${id}`,
        url16: '',
        url48: '',
        url72: '',
        url144: '',
        url288: '',
        objectId: id,
      },
      objectType: {
        workspaceId: ws,
        id: String(repo.hardware.id),
        name: 'Hardware',
        iconKey: null,
        icon: { id: '', name: '', url16: '', url48: '' },
        objectSchemaId: String(repo.schema.id),
        inherited: false,
        abstractObjectType: false,
        parentObjectTypeInherited: false,
      },
      hasAvatar: false,
      timestamp: Date.parse(o.updated),
      importSourceId: null,
      _links: { self: `${e.api}/object/${id}` },
    })
    expect(o.objectType.objectCount).toBeGreaterThanOrEqual(1)
    expect(o.attributes[0]).toEqual({
      workspaceId: ws,
      globalId: `${ws}:${id}:${repo.attrs.name.id}`,
      id: `${id}-${repo.attrs.name.id}`,
      objectTypeAttributeId: String(repo.attrs.name.id),
      objectId: id,
      objectAttributeValues: [
        {
          value: 'srv-ünï "one"',
          displayValue: 'srv-ünï "one"',
          searchValue: 'srv-ünï "one"',
          referencedType: false,
        },
      ],
    })
    expect(o.attributes).toHaveLength(15)
    expect(values(repo.attrs.notes.id)[0].value).toBe('line 1\nline 2\ttab\u0001 </script>')
    expect(values(repo.attrs.size.id)).toEqual([
      { value: 42, displayValue: '42', searchValue: '42', referencedType: false },
    ])
    expect(values(repo.attrs.weight.id)[0]).toMatchObject({ value: 2.5, displayValue: '2.5' })
    expect(values(repo.attrs.active.id)[0]).toMatchObject({ value: true, displayValue: 'true' })
    expect(values(repo.attrs.ip.id).map((v: { value: string }) => v.value)).toHaveLength(3)
    expect(values(repo.attrs.owner.id)).toEqual([
      {
        value: owner,
        displayValue: 'Zoë "Q" Ångström \\ 東京 😀',
        searchValue: expect.any(String),
        referencedType: true,
        referencedObject: {
          id: owner,
          label: 'Zoë "Q" Ångström \\ 東京 😀',
          objectKey: expect.any(String),
          objectTypeId: String(repo.person.id),
        },
      },
    ])
    expect(values(repo.attrs.state.id)).toEqual([
      {
        value: 'Retired',
        displayValue: 'Retired',
        searchValue: 'Retired',
        referencedType: false,
        status: { id: expect.any(String), name: 'Retired', category: 0 },
      },
    ])
  })

  it('a child type (parentObjectTypeId), a global status, and an object with only its label', async () => {
    const e = env()
    const repo = await seeded()
    const attribute = (name: string, kind: 'text' | 'status', extra: Record<string, unknown> = {}) =>
      e.booted.services.schemas.createAttribute(e.workspaceId, repo.laptop.id, { name, kind, ...extra })
    const lapName = await attribute('Name', 'text', { label: true })
    const lapState = await attribute('State', 'status')
    const laptop = await create(repo.laptop.id, [
      [lapName.id, ['lap-1']],
      [lapState.id, ['Running']],
    ])
    const o = JSON.parse(await getBoth(laptop))
    expect(o.objectType).toMatchObject({
      id: String(repo.laptop.id),
      parentObjectTypeId: String(repo.hardware.id),
    })
    // An optional key: written after the required ones, as the schema serializer does.
    expect(Object.keys(o.objectType).at(-1)).toBe('parentObjectTypeId')
    expect(
      o.attributes.map((a: { objectAttributeValues: unknown[] }) => a.objectAttributeValues),
    ).toContainEqual([
      {
        value: 'Running',
        displayValue: 'Running',
        searchValue: 'Running',
        referencedType: false,
        status: { id: expect.any(String), name: 'Running', category: 1 },
      },
    ])
    const bare = await create(repo.hardware.id, [[repo.attrs.name.id, ['bare']]])
    expect(JSON.parse(await getBoth(bare)).attributes).toHaveLength(1)
  })

  it('an unknown object still answers 404 with the error envelope', async () => {
    const res = await text('/object/999999999')
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: expect.any(String) } })
  })
})
