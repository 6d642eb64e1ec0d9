import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { seedRepository } from '../helpers/factories.js'

describeEachDialect('object repository service', (env) => {
  let seed: Awaited<ReturnType<typeof seedRepository>>
  beforeAll(async () => {
    seed = await seedRepository(env().booted.services, env().workspaceId)
  })

  it('keeps the type tree with parents before children and counts', async () => {
    const { schemas } = env().booted.services
    const types = await schemas.listTypes(env().workspaceId, seed.schema.id)
    expect(types.map((t) => t.name)).toEqual(['Person', 'Hardware', 'Laptop'])
    expect(types.find((t) => t.name === 'Laptop')?.parentObjectTypeId).toBe(seed.hardware.id)
    const view = await schemas.viewSchema(env().workspaceId, seed.schema.id)
    expect(view.objectTypeCount).toBe(3)
  })

  it('creates an object with a value of every type, canonicalised, with key PREFIX-n and the label', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    const ada = await objects.create(ws, {
      objectTypeId: seed.person.id,
      attributes: [
        { attribute: 'Name', values: ['Ada'] },
        { attribute: 'email', values: ['ada@example.com'] },
      ],
    })
    expect(ada.objectKey).toMatch(/^HW-\d+$/)
    expect(ada.label).toBe('Ada')
    const a = seed.attrs
    const box = await objects.create(ws, {
      objectTypeId: seed.hardware.id,
      attributes: [
        { attribute: a.name.id, values: ['Box 1'] },
        { attribute: a.notes.id, values: ['long\ntext'] },
        { attribute: a.size.id, values: ['512'] },
        { attribute: a.weight.id, values: [1.25] },
        { attribute: a.active.id, values: [true] },
        { attribute: a.bought.id, values: ['2024-02-29'] },
        { attribute: a.backupAt.id, values: ['23:15'] },
        { attribute: a.seen.id, values: ['2024-05-01T12:00:00+02:00'] },
        { attribute: a.site.id, values: ['https://example.com/x'] },
        { attribute: a.contact.id, values: ['ops@example.com'] },
        { attribute: a.vendor.id, values: ['dell'] },
        { attribute: a.ip.id, values: ['10.0.0.1', '2001:DB8:0:0:0:0:0:1'] },
        { attribute: a.owner.id, values: [ada.id] },
        { attribute: a.state.id, values: ['retired'] },
      ],
    })
    const v = (id: number) => box.values.get(id)
    expect(v(a.size.id)).toEqual([512])
    expect(v(a.weight.id)).toEqual([1.25])
    expect(v(a.active.id)).toEqual([true])
    expect(v(a.bought.id)).toEqual(['2024-02-29'])
    expect(v(a.backupAt.id)).toEqual(['23:15:00'])
    expect(v(a.seen.id)).toEqual(['2024-05-01T10:00:00.000Z'])
    expect(v(a.vendor.id)).toEqual(['Dell'])
    expect(v(a.ip.id)).toEqual(['10.0.0.1', '2001:db8::1'])
    expect(v(a.owner.id)).toEqual([ada.id])
    expect(v(a.state.id)).toEqual(['Retired'])
    expect(box.referenced.get(ada.id)?.label).toBe('Ada')
    const reread = await objects.get(ws, box.id)
    expect(reread.values).toEqual(box.values)
  })

  it('rejects each bad value with a typed error naming the attribute and the value', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    const a = seed.attrs
    const bad: [number, unknown, string][] = [
      [a.size.id, 'twelve', 'INVALID_ATTRIBUTE_VALUE'],
      [a.bought.id, '2023-02-30', 'INVALID_ATTRIBUTE_VALUE'],
      [a.contact.id, 'ops@', 'INVALID_ATTRIBUTE_VALUE'],
      [a.site.id, 'example.com', 'INVALID_ATTRIBUTE_VALUE'],
      [a.ip.id, '300.1.1.1', 'INVALID_ATTRIBUTE_VALUE'],
      [a.vendor.id, 'Apple', 'INVALID_ATTRIBUTE_VALUE'],
      [a.state.id, 'Flying', 'INVALID_ATTRIBUTE_VALUE'],
      [a.owner.id, 999999, 'INVALID_REFERENCE'],
    ]
    for (const [attribute, value, code] of bad) {
      const error = await objects
        .create(ws, {
          objectTypeId: seed.hardware.id,
          attributes: [
            { attribute: a.name.id, values: ['X'] },
            { attribute, values: [value] },
          ],
        })
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect(error, `value ${String(value)}`).toMatchObject({ code })
      expect((error as Error).message).toContain(String(value))
    }
    await expect(
      objects.create(ws, {
        objectTypeId: seed.hardware.id,
        attributes: [{ attribute: a.name.id, values: ['A', 'B'] }],
      }),
    ).rejects.toMatchObject({ code: 'CARDINALITY_VIOLATION' })
    await expect(
      objects.create(ws, { objectTypeId: seed.hardware.id, attributes: [] }),
    ).rejects.toMatchObject({
      code: 'CARDINALITY_VIOLATION',
      details: { attribute: 'Name', min: 1 },
    })
    await expect(
      objects.create(ws, {
        objectTypeId: seed.hardware.id,
        attributes: [{ attribute: 'Colour', values: ['red'] }],
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_ATTRIBUTE' })
  })

  it('refuses a reference to an object of the wrong type', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    const other = await objects.create(ws, {
      objectTypeId: seed.hardware.id,
      attributes: [{ attribute: 'Name', values: ['Not a person'] }],
    })
    await expect(
      objects.create(ws, {
        objectTypeId: seed.hardware.id,
        attributes: [
          { attribute: 'Name', values: ['Y'] },
          { attribute: 'Owner', values: [other.id] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REFERENCE' })
  })

  it('keeps unique attribute values unique within the type, case-insensitively', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    await objects.create(ws, {
      objectTypeId: seed.hardware.id,
      attributes: [
        { attribute: 'Name', values: ['S1'] },
        { attribute: 'Serial', values: ['ABC-1'] },
      ],
    })
    await expect(
      objects.create(ws, {
        objectTypeId: seed.hardware.id,
        attributes: [
          { attribute: 'Name', values: ['S2'] },
          { attribute: 'Serial', values: ['abc-1'] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'ATTRIBUTE_VALUE_NOT_UNIQUE' })
  })

  it('updates only the named attributes, moves the label and changes the content hash', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    const o = await objects.create(ws, {
      objectTypeId: seed.hardware.id,
      attributes: [
        { attribute: 'Name', values: ['Old'] },
        { attribute: 'Size', values: [1] },
      ],
    })
    const u = await objects.update(ws, o.id, [{ attribute: 'Name', values: ['New'] }])
    expect(u.label).toBe('New')
    expect(u.values.get(seed.attrs.size.id)).toEqual([1])
    await expect(objects.update(ws, o.id, [{ attribute: 'Name', values: [] }])).rejects.toMatchObject({
      code: 'CARDINALITY_VIOLATION',
    })
  })

  it('never reuses an object key, even after deletion', async () => {
    const { objects } = env().booted.services
    const ws = env().workspaceId
    const first = await objects.create(ws, { objectTypeId: seed.laptop.id, attributes: [] })
    await objects.remove(ws, first.id)
    const second = await objects.create(ws, { objectTypeId: seed.laptop.id, attributes: [] })
    const n = (k: string) => Number(k.split('-')[1])
    expect(n(second.objectKey)).toBe(n(first.objectKey) + 1)
    await expect(objects.get(ws, first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('rejects bad definitions: schema key, duplicate names, cardinality, reference target', async () => {
    const { schemas } = env().booted.services
    const ws = env().workspaceId
    await expect(schemas.createSchema(ws, { name: 'X', objectSchemaKey: 'lower' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ field: 'objectSchemaKey' }] },
    })
    await expect(schemas.createSchema(ws, { name: 'Dup', objectSchemaKey: 'HW' })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await expect(
      schemas.createType(ws, { objectSchemaId: seed.schema.id, name: 'person' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(
      schemas.createAttribute(ws, seed.person.id, {
        name: 'Bad',
        kind: 'text',
        minimumCardinality: 3,
        maximumCardinality: 2,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(
      schemas.createAttribute(ws, seed.person.id, { name: 'Ref', kind: 'referenced_object' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ field: 'referenceObjectTypeId' }] },
    })
    await expect(
      schemas.createStatus(ws, { objectSchemaId: null, name: 'X', category: 'active' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('moves the label role when a second label attribute is created', async () => {
    const { schemas } = env().booted.services
    const ws = env().workspaceId
    const t = await schemas.createType(ws, { objectSchemaId: seed.schema.id, name: 'Labelled' })
    await schemas.createAttribute(ws, t.id, { name: 'A', kind: 'text', label: true })
    await schemas.createAttribute(ws, t.id, { name: 'B', kind: 'text', label: true })
    const attrs = await schemas.listAttributes(ws, t.id)
    expect(attrs.filter((x) => x.label).map((x) => x.name)).toEqual(['B'])
  })
})
