import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { withWorker } from '../helpers/executions.js'
import { progressUrl, startImport, waitForStatus } from '../helpers/file-imports.js'
import type { Json } from '../helpers/import-sources.js'
import { BASE_DN, bulkPeople, READER_DN, READER_PASSWORD, startSlapd, type Slapd } from '../helpers/slapd.js'
import { describeEachDialect, type TestEnv } from '../helpers/test-env.js'
import { batchGate } from '../helpers/batch-gate.js'

/**
 * An `ldap` source end to end through the real HTTP server and worker, against a real slapd: create, test,
 * discover, generate + PUT, start, COMPLETED with counters and values, group memberships (memberOf and nested
 * groups) as resolved references; the directory stopped under a running import fails it with the reason.
 */

const SECRET_KEY = 'a1'.repeat(32)
const SIZE_LIMIT = 20

let slapd: Slapd
beforeAll(async () => {
  slapd = await startSlapd({ sizeLimit: SIZE_LIMIT, extraLdif: bulkPeople(45) })
})
afterAll(async () => slapd?.remove())

const directoryConfig = (url: string, roots: Json): Json => ({
  url,
  bindDn: READER_DN,
  bindPassword: READER_PASSWORD,
  baseDn: BASE_DN,
  pageSize: 10,
  roots,
})

const PEOPLE_AND_GROUPS = {
  users: {
    baseDn: `ou=people,${BASE_DN}`,
    scope: 'one',
    filter: '(objectClass=inetOrgPerson)',
    attributes: ['*', 'memberOf'],
  },
  groups: {
    baseDn: `ou=groups,${BASE_DN}`,
    filter: '(objectClass=groupOfNames)',
    attributes: ['cn', 'description', 'member', 'memberOf'],
  },
}

async function createLdapSource(env: TestEnv, config: Json): Promise<Json> {
  const res = await env.call('POST', `${env.api}/importsource`, {
    body: { name: `directory ${Math.random().toString(36).slice(2, 8)}`, type: 'ldap', config },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}

const attr = (externalId: string, name: string, type: string, extra: Json = {}): Json => ({
  externalId,
  name,
  description: `${name} from the directory`,
  type,
  ...extra,
})
const map = (externalId: string, name: string, locator: string, extra: Json = {}): Json => ({
  attributeExternalId: externalId,
  attributeName: name,
  attributeLocators: [locator],
  ...extra,
})

/** Users and groups keyed by DN; a user's groups and a group's parent groups are references found by DN. */
function membershipDocument(schemaName: string): Json {
  return {
    schema: {
      objectSchema: {
        name: schemaName,
        description: 'People and groups from the directory',
        objectTypes: [
          {
            externalId: 'ot/group',
            name: 'Group',
            description: 'A directory group',
            attributes: [
              attr('group/dn', 'DN', 'text', { unique: true }),
              attr('group/name', 'Name', 'text', { label: true }),
              attr('group/description', 'Description', 'text'),
              attr('group/parents', 'Member of', 'referenced_object', {
                referenceObjectTypeExternalId: 'ot/group',
                maximumCardinality: -1,
              }),
            ],
          },
          {
            externalId: 'ot/user',
            name: 'User',
            description: 'A person in the directory',
            attributes: [
              attr('user/dn', 'DN', 'text', { unique: true }),
              attr('user/name', 'Name', 'text', { label: true }),
              attr('user/mail', 'Email', 'email', { maximumCardinality: -1 }),
              attr('user/guid', 'GUID', 'text'),
              attr('user/sid', 'SID', 'text'),
              attr('user/created', 'Created', 'date_time'),
              attr('user/number', 'Employee number', 'integer'),
              attr('user/groups', 'Groups', 'referenced_object', {
                referenceObjectTypeExternalId: 'ot/group',
                maximumCardinality: -1,
              }),
            ],
          },
        ],
      },
    },
    mapping: {
      objectTypeMappings: [
        {
          objectTypeExternalId: 'ot/group',
          objectTypeName: 'Group',
          selector: 'groups',
          description: 'groupOfNames entries',
          attributesMapping: [
            map('group/dn', 'DN', 'dn', { externalIdPart: true }),
            map('group/name', 'Name', 'cn'),
            map('group/description', 'Description', 'description'),
            map('group/parents', 'Member of', 'memberOf', { objectMappingIQL: 'DN = ${memberOf}' }),
          ],
        },
        {
          objectTypeExternalId: 'ot/user',
          objectTypeName: 'User',
          selector: 'users',
          description: 'inetOrgPerson entries',
          attributesMapping: [
            map('user/dn', 'DN', 'dn', { externalIdPart: true }),
            map('user/name', 'Name', 'cn'),
            map('user/mail', 'Email', 'mail'),
            map('user/guid', 'GUID', 'objectGUID'),
            map('user/sid', 'SID', 'objectSid'),
            map('user/created', 'Created', 'whenCreated'),
            map('user/number', 'Employee number', 'employeeNumber'),
            map('user/groups', 'Groups', 'memberOf', { objectMappingIQL: 'DN = ${memberOf}' }),
          ],
        },
      ],
    },
  }
}

/** The objects of a type as label → { attribute name → values as text }. */
async function objectsOf(
  env: TestEnv,
  schemaId: string,
  type: string,
): Promise<Map<string, Record<string, string[]>>> {
  const res = await env.call('POST', `${env.api}/object/aql?maxResults=1000&includeAttributes=true`, {
    body: { qlQuery: `objectSchemaId = ${schemaId} AND objectType = "${type}"` },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const byId = new Map<string, string>()
  for (const type of res.body.objectTypeAttributes ?? []) byId.set(String(type.id), type.name)
  const out = new Map<string, Record<string, string[]>>()
  for (const object of res.body.values as Json[]) {
    const values: Record<string, string[]> = {}
    for (const a of object.attributes as Json[]) {
      const name =
        a.objectTypeAttribute?.name ??
        byId.get(String(a.objectTypeAttributeId)) ??
        String(a.objectTypeAttributeId)
      values[name] = (a.objectAttributeValues as Json[]).map((v) =>
        String(v.referencedObject?.label ?? v.value),
      )
    }
    out.set(object.label, values)
  }
  return out
}

describeEachDialect(
  'LDAP sources end to end',
  (env) => {
    const gate = batchGate()
    withWorker(env, {
      fileImports: { batchSize: 5, beforeBatch: (id, i, signal) => gate.hook(id, i, signal) },
    })
    beforeEach(() => gate.release())

    it('creates, tests, discovers, generates a mapping PUT accepts, and imports past the size limit', async () => {
      const source = await createLdapSource(
        env(),
        directoryConfig(slapd.url, {
          people: {
            baseDn: `ou=bulk,${BASE_DN}`,
            scope: 'one',
            filter: '(uid=*)',
            attributes: ['uid', 'cn', 'employeeNumber'],
          },
        }),
      )
      // The bind password is write-only.
      expect(source.config.bindPassword).toBe('********')
      const got = await env().call('GET', `${env().api}/importsource/${source.id}`)
      expect(JSON.stringify(got.body)).not.toContain(READER_PASSWORD)

      const test = await env().call('POST', `${env().api}/importsource/${source.id}/test`)
      expect(test.status).toBe(200)
      expect(test.body).toEqual({ ok: true })

      const found = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/discover?generate=true&objectSchemaName=Bulk%20${env().dialect}`,
      )
      expect(found.status, JSON.stringify(found.body)).toBe(200)
      const fields = new Map((found.body.roots[0].fields as Json[]).map((f) => [f.name, f]))
      expect([...fields.keys()].sort()).toEqual(['cn', 'dn', 'employeeNumber', 'uid'])
      expect(fields.get('employeeNumber')).toMatchObject({ type: 'integer' })
      const put = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, {
        body: found.body.document,
      })
      expect(put.status, JSON.stringify(put.body)).toBe(204)

      const started = await startImport(env(), source.id)
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status, JSON.stringify(done)).toBe('COMPLETED')
      const execution = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${started.resourceId}`,
      )
      // 45 entries through a reader whose searches the server stops at 20.
      expect(execution.body.counters).toMatchObject({ objectsCreated: 45 })

      const again = await startImport(env(), source.id)
      await waitForStatus(env(), again.resourceId)
      const second = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${again.resourceId}`,
      )
      expect(second.body.counters).toMatchObject({ objectsCreated: 0, objectsIdentical: 45 })
    })

    it('imports people and nested groups with values, and resolves memberships as references', async () => {
      const source = await createLdapSource(env(), directoryConfig(slapd.url, PEOPLE_AND_GROUPS))
      const doc = membershipDocument(`Directory ${env().dialect}`)
      const put = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: doc })
      expect(put.status, JSON.stringify(put.body)).toBe(204)
      const started = await startImport(env(), source.id)
      const done = await waitForStatus(env(), started.resourceId)
      expect(done.status, JSON.stringify(done)).toBe('COMPLETED')
      const problems = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${started.resourceId}/problems`,
      )
      expect(problems.body.total, JSON.stringify(problems.body)).toBe(0)

      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      const users = await objectsOf(env(), schemaId, 'User')
      const groups = await objectsOf(env(), schemaId, 'Group')
      expect([...users.keys()].sort()).toEqual(['Alice Smith', 'Bob Jones', 'Carol White'])
      expect(users.get('Alice Smith')).toMatchObject({
        DN: [`uid=alice,ou=people,${BASE_DN}`],
        Email: ['alice@example.org', 'a.smith@example.org'],
        GUID: ['3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
        SID: ['S-1-5-21-1004336348-1177238915-682003330-1103'],
        'Employee number': ['1001'],
        Groups: ['staff'],
      })
      expect(users.get('Alice Smith')!.Created![0]).toMatch(/^2024-01-15T10:20:30/)
      expect(users.get('Carol White')!.Groups).toEqual(['admins'])
      // The nested group: admins is a member of staff.
      expect(groups.get('admins')!['Member of']).toEqual(['staff'])
      expect(groups.get('staff')!['Member of'] ?? []).toEqual([])
    })

    it('runs the worked example of docs/sources.md: the generated document plus memberships by dn', async () => {
      const source = await createLdapSource(env(), directoryConfig(slapd.url, PEOPLE_AND_GROUPS))
      const found = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/discover?generate=true&objectSchemaName=Example%20${env().dialect}`,
      )
      expect(found.status, JSON.stringify(found.body)).toBe(200)
      const doc = found.body.document
      const [users, groups] = doc.schema.objectSchema.objectTypes as Json[]
      expect(users!.externalId).toMatch(/object-type\/users$/)
      expect(groups!.externalId).toMatch(/object-type\/groups$/)
      const reference = (externalId: string, name: string) => ({
        externalId,
        name,
        description: 'memberOf',
        type: 'referenced_object',
        referenceObjectTypeExternalId: groups!.externalId,
        maximumCardinality: -1,
      })
      users!.attributes.push(reference(`${users!.externalId}/attribute/groups-ref`, 'Groups'))
      groups!.attributes.push(reference(`${groups!.externalId}/attribute/parents-ref`, 'Parent groups'))
      const [usersMapping, groupsMapping] = doc.mapping.objectTypeMappings as Json[]
      expect(usersMapping!.attributesMapping.find((m: Json) => m.externalIdPart).attributeLocators).toEqual([
        'dn',
      ])
      usersMapping!.attributesMapping.push({
        attributeExternalId: `${users!.externalId}/attribute/groups-ref`,
        attributeName: 'Groups',
        attributeLocators: ['memberOf'],
        objectMappingIQL: 'dn = ${memberOf}',
      })
      groupsMapping!.attributesMapping.push({
        attributeExternalId: `${groups!.externalId}/attribute/parents-ref`,
        attributeName: 'Parent groups',
        attributeLocators: ['memberOf'],
        objectMappingIQL: 'dn = ${memberOf}',
      })
      const put = await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: doc })
      expect(put.status, JSON.stringify(put.body)).toBe(204)
      const started = await startImport(env(), source.id)
      expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
      const problems = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${started.resourceId}/problems`,
      )
      expect(problems.body.total, JSON.stringify(problems.body)).toBe(0)
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId
      const people = await objectsOf(env(), schemaId, users!.name)
      const teams = await objectsOf(env(), schemaId, groups!.name)
      const alice = people.get(`uid=alice,ou=people,${BASE_DN}`)!
      expect(alice.Groups).toEqual([`cn=staff,ou=groups,${BASE_DN}`])
      expect(alice.mail).toEqual(['alice@example.org', 'a.smith@example.org'])
      expect(teams.get(`cn=admins,ou=groups,${BASE_DN}`)!['Parent groups']).toEqual([
        `cn=staff,ou=groups,${BASE_DN}`,
      ])
    })

    it('pauses (nothing written), resumes with the searches from their beginning, and cancels', async () => {
      const source = await createLdapSource(
        env(),
        directoryConfig(slapd.url, {
          people: {
            baseDn: `ou=bulk,${BASE_DN}`,
            scope: 'one',
            filter: '(uid=*)',
            attributes: ['uid', 'cn'],
          },
        }),
      )
      const found = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/discover?generate=true&objectSchemaName=Paused%20${env().dialect}`,
      )
      await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, { body: found.body.document })
      const typeName = found.body.document.schema.objectSchema.objectTypes[0].name
      const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body.objectSchemaId

      const reached = gate.holdAt(3)
      const started = await startImport(env(), source.id)
      await reached
      const paused = await env().call('POST', `${progressUrl(env(), started.resourceId)}/pause`)
      expect(paused.body.status).toBe('PAUSED')
      gate.release()
      expect((await objectsOf(env(), schemaId, typeName)).size).toBe(0)
      const resumed = await env().call('POST', `${progressUrl(env(), started.resourceId)}/resume`)
      expect(resumed.status).toBe(200)
      expect((await waitForStatus(env(), started.resourceId)).status).toBe('COMPLETED')
      expect((await objectsOf(env(), schemaId, typeName)).size).toBe(45)

      const reachedAgain = gate.holdAt(2)
      const next = await startImport(env(), source.id)
      await reachedAgain
      const cancelled = await env().call('POST', `${progressUrl(env(), next.resourceId)}/cancel`)
      expect(cancelled.body.status).toBe('CANCELLED')
      gate.release()
      const execution = await env().call(
        'GET',
        `${env().api}/importsource/${source.id}/executions/${next.resourceId}/status`,
      )
      expect(execution.body.status).toBe('CANCELLED')
    })

    it('fails the execution with the reason when the directory server stops under a running import', async () => {
      const doomed = await startSlapd({ extraLdif: bulkPeople(60) })
      try {
        const source = await createLdapSource(
          env(),
          directoryConfig(doomed.url, {
            people: { baseDn: `ou=bulk,${BASE_DN}`, scope: 'one', filter: '(uid=*)' },
          }),
        )
        const found = await env().call(
          'GET',
          `${env().api}/importsource/${source.id}/discover?generate=true&objectSchemaName=Doomed%20${env().dialect}`,
        )
        expect(found.status, JSON.stringify(found.body)).toBe(200)
        await env().call('PUT', `${env().api}/importsource/${source.id}/mapping`, {
          body: found.body.document,
        })
        const reached = gate.holdAt(2)
        const started = await startImport(env(), source.id)
        await reached
        await doomed.stop()
        gate.release()
        const end = await waitForStatus(env(), started.resourceId)
        expect(end.status).toBe('FAILED')
        expect(end.currentWorkDescription).toMatch(/connection to the directory server was lost/i)
        const schemaId = (await env().call('GET', `${env().api}/importsource/${source.id}`)).body
          .objectSchemaId
        // Nothing of the failed run was written.
        expect(
          (await objectsOf(env(), schemaId, found.body.document.schema.objectSchema.objectTypes[0].name))
            .size,
        ).toBe(0)
        const progress = await env().call('GET', progressUrl(env(), started.resourceId))
        expect(progress.body.status).toBe('FAILED')
      } finally {
        await doomed.remove()
      }
    })
  },
  { INTAKE_SECRET_KEY: SECRET_KEY },
)
