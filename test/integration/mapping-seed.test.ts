import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import {
  createSource,
  mappingFixture,
  readSchema,
  submitMapping,
  type Json,
} from '../helpers/import-sources.js'

const pick = (attributes: Json[]) =>
  attributes.map((a) => ({
    externalId: a.externalId,
    name: a.name,
    description: a.description,
    kind: a.kind,
    label: a.label,
    minimumCardinality: a.minimumCardinality,
    maximumCardinality: a.maximumCardinality,
    uniqueAttribute: a.uniqueAttribute,
    allowedValues: a.allowedValues,
  }))

// Seed 001: the PUT example, then the PATCH example, verbatim (test/fixtures/mapping), through HTTP.
describeEachDialect('seed schema + mapping end to end', (env) => {
  let source: Json
  let schemaId: string
  const url = () => `${env().api}/importsource/${source.id}`

  beforeAll(async () => {
    // The PUT example's status attribute allows "Schema Scope Status" and "Global Scope Status", which Assets has
    // before the import; here they are made global statuses of the workspace first (the schema does not exist yet).
    for (const name of ['Schema Scope Status', 'Global Scope Status']) {
      const res = await env().call('POST', `${env().api}/status/create`, {
        body: { name, category: 'active' },
      })
      expect(res.status).toBe(201)
    }
    source = await createSource(env(), { name: 'Disk Analysis Tool import' })
  })

  describe('PUT', () => {
    it('moves configstatus from MISSING_MAPPING to IDLE and creates the schema DAT', async () => {
      expect((await env().call('GET', `${url()}/configstatus`)).body).toEqual({ status: 'MISSING_MAPPING' })
      await submitMapping(env(), source.id, mappingFixture('seed-put.json'))
      expect((await env().call('GET', `${url()}/configstatus`)).body).toEqual({ status: 'IDLE' })
      const got = await env().call('GET', url())
      expect(got.body).toMatchObject({ mappingVersion: 1, importStatus: { validationStatusType: 'VALID' } })
      schemaId = got.body.objectSchemaId
      const schema = await env().call('GET', `${env().api}/objectschema/${schemaId}`)
      expect(schema.body).toMatchObject({
        name: 'Disk Analysis Tool',
        objectSchemaKey: 'DAT',
        description: 'Data imported from The Disk Analysis Tool',
        objectTypeCount: 2,
      })
    })

    it('creates Hard Drive with File as its child', async () => {
      const { types } = await readSchema(env(), schemaId)
      expect(types.map((t) => [t.name, t.externalId, t.description])).toEqual([
        ['Hard Drive', 'object-type/hard-drive', 'A hard drive found during scanning'],
        ['File', 'object-type/file', 'A file present in a hard drive'],
      ])
      expect(types[0]!.parentObjectTypeId).toBeUndefined()
      expect(types[1]!.parentObjectTypeId).toBe(types[0]!.id)
    })

    it('creates the attributes of Hard Drive', async () => {
      const { attributes } = await readSchema(env(), schemaId)
      expect(pick(attributes.get('Hard Drive')!)).toEqual([
        {
          externalId: 'object-type-attribute/duid',
          name: 'DUID',
          description: 'Device Unique Identifier',
          kind: 'text',
          label: true,
          minimumCardinality: 1,
          maximumCardinality: 1,
          uniqueAttribute: false,
          allowedValues: [],
        },
        {
          externalId: 'object-type-attribute/disk-label',
          name: 'Disk Label',
          description: 'Hard drive label',
          kind: 'text',
          label: false,
          minimumCardinality: 1,
          maximumCardinality: 1,
          uniqueAttribute: false,
          allowedValues: [],
        },
        {
          externalId: 'object-type-attribute/status',
          name: 'HardDriveStatus',
          description: 'The hard drive status',
          kind: 'status',
          label: false,
          minimumCardinality: 0,
          maximumCardinality: 1,
          uniqueAttribute: false,
          allowedValues: ['Schema Scope Status', 'Global Scope Status', 'New Status'],
        },
      ])
    })

    it('creates the attributes of File', async () => {
      const { attributes } = await readSchema(env(), schemaId)
      expect(
        pick(attributes.get('File')!).map((a) => [
          a.externalId,
          a.name,
          a.kind,
          a.label,
          a.minimumCardinality,
        ]),
      ).toEqual([
        ['object-type-attribute/path', 'Path', 'text', true, 1],
        ['object-type-attribute/size', 'Size', 'integer', false, 1],
      ])
    })

    it('creates New Status as a status of the schema', async () => {
      const statuses = await env().booted.services.schemas.listStatuses(env().workspaceId, Number(schemaId))
      expect(statuses.filter((s) => s.objectSchemaId === Number(schemaId))).toMatchObject([
        { name: 'New Status', description: '', category: 'active' },
      ])
    })

    it('refuses a second PUT with 409 "A mapping already exists for this import"', async () => {
      const res = await env().call('PUT', `${url()}/mapping`, { body: mappingFixture('seed-put.json') })
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({
        code: 409,
        message: expect.stringMatching(/^A mapping already exists for this import; change it with PATCH/),
        error: { code: 'MAPPING_EXISTS' },
      })
    })
  })

  describe('PATCH', () => {
    it('applies the seed PATCH example', async () => {
      await submitMapping(env(), source.id, mappingFixture('seed-patch.json'), 'PATCH')
      expect((await env().call('GET', url())).body.mappingVersion).toBe(2)
    })

    it('adds Folder under Hard Drive, next to File', async () => {
      const { types, attributes } = await readSchema(env(), schemaId)
      expect(types.map((t) => t.name)).toEqual(['Hard Drive', 'File', 'Folder'])
      expect(types[2]!).toMatchObject({ externalId: 'object-type/folder', parentObjectTypeId: types[0]!.id })
      expect(pick(attributes.get('Folder')!)).toEqual([
        {
          externalId: 'object-type-attribute/folder-name',
          name: 'Name',
          description: 'Folder name',
          kind: 'text',
          label: true,
          minimumCardinality: 0,
          maximumCardinality: 1,
          uniqueAttribute: false,
          allowedValues: [],
        },
      ])
    })

    it('adds Manufacturer to Hard Drive and keeps its other attributes as they were', async () => {
      const { attributes } = await readSchema(env(), schemaId)
      const hardDrive = pick(attributes.get('Hard Drive')!)
      expect(hardDrive.map((a) => a.name)).toEqual(['DUID', 'Disk Label', 'HardDriveStatus', 'Manufacturer'])
      expect(hardDrive[3]).toMatchObject({ kind: 'text', label: false, description: 'Manufacturer name' })
      expect(hardDrive[0]).toMatchObject({ label: true, minimumCardinality: 1 })
      expect(hardDrive[2]!.allowedValues).toHaveLength(3)
    })

    it("changes File's Path description and keeps Size", async () => {
      const { attributes } = await readSchema(env(), schemaId)
      expect(
        pick(attributes.get('File')!).map((a) => [a.name, a.description, a.label, a.minimumCardinality]),
      ).toEqual([
        ['Path', 'Updated description for the path attribute', true, 1],
        ['Size', 'Size of the file', false, 1],
      ])
    })

    it('replaces the mappings of Hard Drive and Folder and keeps the one of File', async () => {
      const res = await env().call('GET', `${url()}/schema-and-mapping`)
      expect(res.status).toBe(200)
      const mappings = res.body.mapping.objectTypeMappings as Json[]
      expect(mappings.map((m) => [m.objectTypeName, m.selector])).toEqual([
        ['Hard Drive', 'hardDrives'],
        ['File', 'hardDrives.files'],
        ['Folder', 'hardDrives.folders'],
      ])
      expect(mappings[0]!.attributesMapping.map((e: Json) => [e.attributeName, e.externalIdPart])).toEqual([
        ['DUID', true],
        ['Disk Label', false],
        ['Manufacturer', false],
      ])
    })
  })

  describe('GET schema-and-mapping', () => {
    it('answers the document as Assets does: Key first, explicit members, the real schema name', async () => {
      const renamed = await env().booted.services.schemas.updateSchema(env().workspaceId, Number(schemaId), {
        name: 'Disks',
      })
      expect(renamed).toBeUndefined()
      const res = await env().call('GET', `${url()}/schema-and-mapping`)
      const again = await env().call('GET', `${url()}/mapping`)
      expect(again.body).toEqual(res.body)
      expect(res.body.schema.objectSchema.name).toBe('Disks')
      const hardDrive = res.body.schema.objectSchema.objectTypes[0]
      expect(hardDrive.attributes[0]).toEqual({
        name: 'Key',
        description: '',
        type: 'text',
        label: false,
        minimumCardinality: 1,
        maximumCardinality: 1,
        unique: false,
      })
      expect(hardDrive.children.map((c: Json) => c.name)).toEqual(['File', 'Folder'])
      expect(res.body.schema.statusSchema.statuses).toEqual([
        { name: 'New Status', description: '', category: 'active' },
      ])
    })

    it('can be PATCHed back unchanged: 204 and nothing changes', async () => {
      const before = await env().call('GET', `${url()}/schema-and-mapping`)
      const sourceBefore = await env().call('GET', url())
      const typesBefore = await readSchema(env(), schemaId)
      await submitMapping(env(), source.id, before.body, 'PATCH')
      expect((await env().call('GET', `${url()}/schema-and-mapping`)).body).toEqual(before.body)
      expect((await env().call('GET', url())).body).toEqual(sourceBefore.body)
      const typesAfter = await readSchema(env(), schemaId)
      expect(typesAfter.types).toEqual(typesBefore.types)
      expect([...typesAfter.attributes]).toEqual([...typesBefore.attributes])
    })

    it("accepts the seed's GET example as a PATCH (cardinality may change)", async () => {
      await submitMapping(env(), source.id, mappingFixture('seed-get-example.json'), 'PATCH')
      const { attributes } = await readSchema(env(), schemaId)
      const diskLabel = attributes.get('Hard Drive')!.find((a) => a.name === 'Disk Label')
      expect(diskLabel).toMatchObject({ minimumCardinality: 0 })
      expect(attributes.get('Hard Drive')!.some((a) => a.name === 'Key')).toBe(false)
    })

    it('changes the descriptions of the schema, a type and a status by PATCH', async () => {
      await submitMapping(
        env(),
        source.id,
        {
          schema: {
            objectSchema: {
              description: 'Disks and files',
              objectTypes: [
                { externalId: 'object-type/hard-drive', name: 'Hard Drive', description: 'A disk' },
              ],
            },
            statusSchema: {
              statuses: [{ name: 'New Status', description: 'Just seen', category: 'pending' }],
            },
          },
        },
        'PATCH',
      )
      const schema = await env().call('GET', `${env().api}/objectschema/${schemaId}`)
      expect(schema.body.description).toBe('Disks and files')
      const { types } = await readSchema(env(), schemaId)
      expect(types[0]).toMatchObject({ name: 'Hard Drive', description: 'A disk' })
      const statuses = await env().booted.services.schemas.listStatuses(env().workspaceId, Number(schemaId))
      expect(statuses.find((s) => s.name === 'New Status')).toMatchObject({
        description: 'Just seen',
        category: 'pending',
      })
    })
  })
})
