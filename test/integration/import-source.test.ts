import { beforeAll, describe, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { createSource, otherWorkspace, submitMapping, type Json } from '../helpers/import-sources.js'

const SMALL_DOC = (suffix: string) => ({
  schema: {
    objectSchema: {
      name: `Small ${suffix}`,
      description: '',
      objectTypes: [
        {
          externalId: `type/${suffix}`,
          name: 'Thing',
          description: '',
          attributes: [{ externalId: `attr/${suffix}-name`, name: 'Name', description: '', type: 'text' }],
        },
      ],
    },
  },
  mapping: {
    objectTypeMappings: [
      {
        objectTypeExternalId: `type/${suffix}`,
        objectTypeName: 'Thing',
        selector: 'things',
        description: '',
        attributesMapping: [
          {
            attributeExternalId: `attr/${suffix}-name`,
            attributeName: 'Name',
            attributeLocators: ['name'],
            externalIdPart: true,
          },
        ],
      },
    ],
  },
})

describeEachDialect('import sources', (env) => {
  describe('create and read', () => {
    it('creates an external source with the default settings (201, ImportSourceResponse fields)', async () => {
      const created = await createSource(env(), { name: ' Disk tool ', description: 'From the scanner' })
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(created).toMatchObject({
        workspaceId: env().workspaceId,
        name: 'Disk tool',
        description: 'From the scanner',
        type: 'external',
        importSourceModuleKey: 'rlabs-import-type-external',
        defaultConcatenator: ',',
        defaultHandleEmptyValues: 'IGNORE',
        defaultHandleUnknownValues: 'IGNORE',
        defaultMatchIdentifierIgnoreCase: false,
        zone: 'UTC',
        importStatus: {
          configurationStatusType: 'ENABLED',
          validationStatusType: 'INVALID_CONFIGURATION',
          name: 'Enabled',
        },
        importSpecificConfiguration: '{}',
        enabled: true,
        tokenGenerated: false,
        configStatus: 'MISSING_MAPPING',
        mappingVersion: 0,
        mappingUpdated: null,
      })
      expect(created).not.toHaveProperty('objectSchemaId')
      expect(created).not.toHaveProperty('dateFormat')
      const got = await env().call('GET', `${env().api}/importsource/${created.id}`)
      expect(got.status).toBe(200)
      expect(got.body).toEqual(created)
    })

    it('keeps settings and config given at creation', async () => {
      const created = await createSource(env(), {
        settings: {
          defaultConcatenator: '\\s',
          defaultHandleEmptyValues: 'REMOVE',
          defaultHandleUnknownValues: 'ADD',
          dateFormat: 'dd/MM/yyyy',
          dateTimeFormat: "yyyy-MM-dd'T'HH:mm:ss'Z'",
          zone: 'Europe/Berlin',
        },
        config: { note: 'pushed by the scanner' },
        enabled: false,
      })
      expect(created).toMatchObject({
        defaultConcatenator: '\\s',
        defaultHandleEmptyValues: 'REMOVE',
        defaultHandleUnknownValues: 'ADD',
        dateFormat: 'dd/MM/yyyy',
        dateTimeFormat: "yyyy-MM-dd'T'HH:mm:ss'Z'",
        zone: 'Europe/Berlin',
        config: { note: 'pushed by the scanner' },
        importSpecificConfiguration: '{"note":"pushed by the scanner"}',
        enabled: false,
        configStatus: 'DISABLED',
      })
    })

    it('checks the connector config of a pull source at creation, naming the field', async () => {
      const sql = await env().call('POST', `${env().api}/importsource`, { body: { name: 'x', type: 'sql' } })
      expect(sql.status).toBe(400)
      expect(JSON.stringify(sql.body.error.details)).toContain('body.config.driver')
    })

    it('answers 400 naming the field for bad bodies', async () => {
      const cases: [unknown, string][] = [
        [{ type: 'external' }, 'body.name'],
        [{ name: 'x', type: 'ftp' }, 'body.type'],
        [{ name: 'x', type: 'external', colour: 'red' }, 'body.colour'],
        [{ name: 'x', type: 'external', settings: { defaultHandleEmptyValues: 'KEEP' } }, 'body.settings'],
        [
          { name: 'x', type: 'external', settings: { dateFormat: 'yyyy-MM-dd G' } },
          'body.settings.dateFormat',
        ],
        [{ name: 'x', type: 'external', settings: { zone: 'Mars/Olympus' } }, 'body.settings.zone'],
        [{ name: '   ', type: 'external' }, 'body.name'],
        [{ name: 'x', type: 'external', config: [] }, 'body.config'],
      ]
      for (const [body, field] of cases) {
        const res = await env().call('POST', `${env().api}/importsource`, { body })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.body.error.code).toBe('VALIDATION_FAILED')
        expect(res.body.error.details.problems.map((p: Json) => p.field).join(' ')).toContain(field)
      }
      const malformed = await env().call('POST', `${env().api}/importsource`, { body: '{"name":' })
      expect(malformed.body.error.code).toBe('MALFORMED_BODY')
    })

    it('lists sources in pages', async () => {
      const ws = await otherWorkspace(env(), 'ws-list')
      for (const name of ['a', 'b', 'c'])
        await createSource(env(), { name }, { api: ws.api, token: ws.token })
      const first = await env().call('GET', `${ws.api}/importsource?maxResults=2`, { token: ws.token })
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false })
      expect(first.body.values.map((s: Json) => s.name)).toEqual(['a', 'b'])
      const second = await env().call('GET', `${ws.api}/importsource?startAt=2&maxResults=2`, {
        token: ws.token,
      })
      expect(second.body).toMatchObject({ total: 3, isLast: true })
      expect(second.body.values.map((s: Json) => s.name)).toEqual(['c'])
      expect(
        (await env().call('GET', `${ws.api}/importsource?maxResults=0`, { token: ws.token })).status,
      ).toBe(400)
    })
  })

  describe('change, config status and delete', () => {
    let source: Json
    const url = () => `${env().api}/importsource/${source.id}`
    beforeAll(async () => {
      source = await createSource(env(), { name: 'Changing' })
    })

    it('PATCH changes name, settings (merged) and config', async () => {
      const res = await env().call('PATCH', url(), {
        body: {
          name: 'Changed',
          settings: { zone: 'America/New_York', dateFormat: 'MM/dd/yyyy' },
          config: { a: 1 },
        },
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        name: 'Changed',
        zone: 'America/New_York',
        dateFormat: 'MM/dd/yyyy',
        defaultConcatenator: ',',
        config: { a: 1 },
      })
      const back = await env().call('PATCH', url(), { body: { settings: { dateFormat: null } } })
      expect(back.body).not.toHaveProperty('dateFormat')
      expect(back.body.zone).toBe('America/New_York')
    })

    it('PATCH answers 400 for bad bodies', async () => {
      for (const body of [
        {},
        { type: 'csv' },
        { enabled: 'no' },
        { settings: { zone: 'Nowhere' } },
        { name: '' },
      ]) {
        const res = await env().call('PATCH', url(), { body })
        expect(res.status, JSON.stringify(body)).toBe(400)
        expect(res.body.error.code).toBe('VALIDATION_FAILED')
      }
    })

    it('configstatus moves MISSING_MAPPING → DISABLED → MISSING_MAPPING → IDLE → DISABLED → IDLE', async () => {
      const status = async () => (await env().call('GET', `${url()}/configstatus`)).body
      expect(await status()).toEqual({ status: 'MISSING_MAPPING' })
      await env().call('PATCH', url(), { body: { enabled: false } })
      expect(await status()).toEqual({ status: 'DISABLED' })
      await env().call('PATCH', url(), { body: { enabled: true } })
      expect(await status()).toEqual({ status: 'MISSING_MAPPING' })
      await submitMapping(env(), source.id, SMALL_DOC('changing'))
      expect(await status()).toEqual({ status: 'IDLE' })
      const disabled = await env().call('PATCH', url(), { body: { enabled: false } })
      expect(disabled.body.importStatus).toMatchObject({
        configurationStatusType: 'DISABLED',
        validationStatusType: 'VALID',
      })
      expect(await status()).toEqual({ status: 'DISABLED' })
      await env().call('PATCH', url(), { body: { enabled: true } })
      expect(await status()).toEqual({ status: 'IDLE' })
    })

    it('DELETE removes the source and revokes its token; the schema and its objects stay', async () => {
      const schemaId = (await env().call('GET', url())).body.objectSchemaId
      const types = await env().call('GET', `${env().api}/objectschema/${schemaId}/objecttypes/flat`)
      const attrs = await env().call('GET', `${env().api}/objecttype/${types.body[0].id}/attributes`)
      const object = await env().call('POST', `${env().api}/object/create`, {
        body: {
          objectTypeId: types.body[0].id,
          attributes: [
            { objectTypeAttributeId: attrs.body[0].id, objectAttributeValues: [{ value: 'one' }] },
          ],
        },
      })
      expect(object.status).toBe(201)
      const token = (await env().call('POST', `${url()}/token`)).body.token
      expect((await env().call('DELETE', url())).status).toBe(204)
      expect((await env().call('GET', url())).status).toBe(404)
      expect((await env().call('DELETE', url())).status).toBe(404)
      expect((await env().call('GET', `${env().baseUrl}/jsm/assets/v1/imports/info`, { token })).status).toBe(
        401,
      )
      expect((await env().call('GET', `${env().api}/objectschema/${schemaId}`)).status).toBe(200)
      expect((await env().call('GET', `${env().api}/object/${object.body.id}`)).status).toBe(200)
    })

    it('answers 400 for a malformed source id on every route', async () => {
      const bad = `${env().api}/importsource/not-a-uuid`
      const routes: [string, string, unknown?][] = [
        ['GET', bad],
        ['PATCH', bad, { name: 'x' }],
        ['DELETE', bad],
        ['POST', `${bad}/token`],
        ['GET', `${bad}/token`],
        ['GET', `${bad}/configstatus`],
        ['PUT', `${bad}/mapping`, {}],
        ['PATCH', `${bad}/mapping`, {}],
        ['GET', `${bad}/mapping`],
        ['GET', `${bad}/schema-and-mapping`],
        ['GET', `${bad}/mapping/progress/also-bad`],
      ]
      for (const [method, path, body] of routes) {
        const res = await env().call(method, path, body === undefined ? {} : { body })
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(res.body.error.code).toBe('VALIDATION_FAILED')
      }
    })
  })
})
