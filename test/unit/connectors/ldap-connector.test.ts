import { Client } from 'ldapts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordBatch } from '../../../src/connectors/connector.js'
import type { LdapConfig } from '../../../src/connectors/ldap/ldap.config.js'
import { ldapConnector } from '../../../src/connectors/ldap/ldap.connector.js'
import {
  ADMIN_DN,
  ADMIN_PASSWORD,
  BASE_DN,
  bulkPeople,
  READER_DN,
  READER_PASSWORD,
  startSlapd,
  type Slapd,
} from '../../helpers/slapd.js'
import { signal } from './helpers.js'

/** The server stops searches of non-root users at this many entries; ou=bulk holds more. */
const SIZE_LIMIT = 40
const BULK = 130

let slapd: Slapd
beforeAll(async () => {
  slapd = await startSlapd({ sizeLimit: SIZE_LIMIT, extraLdif: bulkPeople(BULK), tls: true })
})
afterAll(async () => slapd?.remove())

function config(overrides: Partial<LdapConfig> = {}): LdapConfig {
  return {
    url: slapd.url,
    startTls: false,
    bindDn: READER_DN,
    bindPassword: READER_PASSWORD,
    baseDn: BASE_DN,
    pageSize: 25,
    binaryAttributes: [],
    connectTimeoutMs: 2_000,
    timeoutMs: 10_000,
    roots: {
      users: { baseDn: `ou=people,${BASE_DN}`, scope: 'one', filter: '(objectClass=inetOrgPerson)' },
      groups: {
        baseDn: `ou=groups,${BASE_DN}`,
        scope: 'sub',
        filter: '(objectClass=groupOfNames)',
        attributes: ['cn', 'description', 'member', 'memberOf'],
      },
    },
    ...overrides,
  }
}

async function readAll(cfg: LdapConfig, options: { batchSize?: number; cursor?: string } = {}) {
  const batches: RecordBatch[] = []
  for await (const batch of ldapConnector.read(cfg, {
    batchSize: options.batchSize ?? 100,
    signal: signal(),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  })) {
    batches.push(batch)
  }
  const of = (root: string) =>
    batches.flatMap((b) => (b.data[root] as Record<string, unknown>[] | undefined) ?? [])
  return { batches, of }
}

const byUid = (entries: Record<string, unknown>[]) => new Map(entries.map((e) => [e.uid as string, e]))

describe('LDAP connector: reading a real slapd', () => {
  it('yields each root’s entries with dn, multi-values as arrays, GUID and SID text, ISO dates', async () => {
    const { of } = await readAll(config({ roots: { users: config().roots.users! } }))
    const users = byUid(of('users'))
    expect([...users.keys()].sort()).toEqual(['alice', 'bob', 'carol'])
    expect(users.get('alice')).toMatchObject({
      dn: `uid=alice,ou=people,${BASE_DN}`,
      cn: 'Alice Smith',
      mail: ['alice@example.org', 'a.smith@example.org'],
      employeeNumber: '1001',
      objectGUID: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      objectSid: 'S-1-5-21-1004336348-1177238915-682003330-1103',
      whenCreated: '2024-01-15T10:20:30Z',
      objectClass: ['inetOrgPerson', 'intakeAdEntry'],
    })
    expect(users.get('bob')).toMatchObject({
      objectGUID: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
      objectSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
      whenCreated: '2023-06-01T06:30:00.500Z',
      mail: 'bob@example.org',
    })
    // No value → no key; the userPassword of the reader account is never readable (ACL), nor asked for.
    expect(users.get('carol')).not.toHaveProperty('mail')
  })

  it('answers memberOf (operational, when asked) and member as DNs equal to the groups’ and people’s dn', async () => {
    const withMemberOf = config({
      roots: {
        users: { ...config().roots.users!, attributes: ['uid', 'cn', 'memberOf'] },
        groups: config().roots.groups!,
      },
    })
    const { of } = await readAll(withMemberOf)
    const users = byUid(of('users'))
    const groups = new Map(of('groups').map((g) => [g.cn as string, g]))
    expect(users.get('alice')!.memberOf).toEqual([`cn=staff,ou=groups,${BASE_DN}`])
    expect(users.get('carol')!.memberOf).toEqual([`cn=admins,ou=groups,${BASE_DN}`])
    expect(groups.get('staff')!.member).toEqual([
      `uid=alice,ou=people,${BASE_DN}`,
      `uid=bob,ou=people,${BASE_DN}`,
      `cn=admins,ou=groups,${BASE_DN}`,
    ])
    // The nested group: admins is a member of staff, and says so.
    expect(groups.get('admins')).toMatchObject({
      dn: `cn=admins,ou=groups,${BASE_DN}`,
      member: [`uid=carol,ou=people,${BASE_DN}`],
      memberOf: [groups.get('staff')!.dn],
    })
    // Every DN a membership names is the dn of an entry read.
    const dns = new Set([...of('users'), ...of('groups')].map((e) => e.dn))
    for (const g of groups.values()) for (const m of g.member as string[]) expect(dns).toContain(m)
  })

  it('reads past the server’s size limit with paged results, in batches of at most batchSize', async () => {
    const bulk = config({
      roots: { bulk: { baseDn: `ou=bulk,${BASE_DN}`, scope: 'one', filter: '(uid=*)', attributes: ['uid'] } },
    })
    // The limit is real: the same search without paging stops at it.
    const client = new Client({ url: slapd.url })
    await client.bind(READER_DN, READER_PASSWORD)
    await expect(
      client.search(`ou=bulk,${BASE_DN}`, { scope: 'one', filter: '(uid=*)' }),
    ).rejects.toMatchObject({ code: 4 })
    await client.unbind()

    const { batches, of } = await readAll(bulk, { batchSize: 30 })
    const uids = of('bulk').map((e) => e.uid as string)
    expect(uids).toHaveLength(BULK)
    expect(new Set(uids).size).toBe(BULK)
    expect(batches.every((b) => (b.data.bulk as unknown[]).length <= 30)).toBe(true)
    expect(batches.map((b) => b.cursor)).toEqual(['bulk:30', 'bulk:60', 'bulk:90', 'bulk:120', 'bulk:130'])
  })

  it('resumes after a cursor: the roots before it are done, that root skips what was consumed', async () => {
    const all = await readAll(config(), { batchSize: 2 })
    const rest = await readAll(config(), { batchSize: 2, cursor: all.batches[0]!.cursor })
    expect(rest.batches.map((b) => b.data)).toEqual(all.batches.slice(1).map((b) => b.data))
    const groupsOnly = await readAll(config(), { cursor: 'groups:0' })
    expect(groupsOnly.of('users')).toEqual([])
    expect(groupsOnly.of('groups')).toHaveLength(2)
    await expect(readAll(config(), { cursor: 'nope:3' })).rejects.toMatchObject({
      code: 'SOURCE_CURSOR_INVALID',
    })
  })

  it('stops when its signal aborts, and closes the connection', async () => {
    const controller = new AbortController()
    const bulk = config({
      roots: { bulk: { baseDn: `ou=bulk,${BASE_DN}`, scope: 'one', filter: '(uid=*)' } },
    })
    let seen = 0
    const reading = (async () => {
      for await (const batch of ldapConnector.read(bulk, { batchSize: 10, signal: controller.signal })) {
        seen += (batch.data.bulk as unknown[]).length
        controller.abort()
      }
    })()
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' })
    expect(seen).toBe(10)
  })
})

describe('LDAP connector: discovery', () => {
  it('answers each root’s attributes with inferred types, samples and multi-values', async () => {
    const schema = await ldapConnector.discoverSchema(
      config({
        roots: {
          users: { ...config().roots.users!, attributes: ['*', 'memberOf'] },
          groups: config().roots.groups!,
        },
      }),
      { sampleSize: 100, signal: signal() },
    )
    expect(schema.roots.map((r) => [r.name, r.sampledEntries])).toEqual([
      ['users', 3],
      ['groups', 2],
    ])
    const users = new Map(schema.roots[0]!.fields.map((f) => [f.name, f]))
    expect(users.get('dn')).toMatchObject({ type: 'text', multiple: false, empty: 0 })
    expect(users.get('whenCreated')).toMatchObject({ type: 'date_time', empty: 1 })
    expect(users.get('employeeNumber')).toMatchObject({ type: 'integer' })
    expect(users.get('mail')).toMatchObject({ type: 'email', multiple: true, empty: 1 })
    expect(users.get('memberOf')).toMatchObject({ multiple: true })
    expect(users.get('objectGUID')!.samples).toContain('3f2504e0-4f89-11d3-9a0c-0305e82c3301')
    const groups = new Map(schema.roots[1]!.fields.map((f) => [f.name, f]))
    expect(groups.get('member')).toMatchObject({ type: 'text', multiple: true })
  })

  it('samples at most sampleSize entries, past the server’s size limit too', async () => {
    const schema = await ldapConnector.discoverSchema(
      config({ roots: { bulk: { baseDn: `ou=bulk,${BASE_DN}`, scope: 'one', filter: '(uid=*)' } } }),
      { sampleSize: 55, signal: signal() },
    )
    expect(schema.roots[0]!.sampledEntries).toBe(55)
  })
})

describe('LDAP connector: testConnection says what is wrong', () => {
  const check = (cfg: LdapConfig) => ldapConnector.testConnection(cfg, signal())

  it('answers ok for a reachable server, valid credentials, existing base DNs and valid filters', async () => {
    expect(await check(config())).toEqual({ ok: true })
    expect(await check(config({ bindDn: ADMIN_DN, bindPassword: ADMIN_PASSWORD }))).toEqual({ ok: true })
  })

  it('names an unreachable host', async () => {
    const closed = await startSlapd()
    const url = closed.url
    await closed.remove()
    const answer = await check(config({ url }))
    expect(answer).toMatchObject({ ok: false, code: 'HOST_UNREACHABLE' })
    expect((answer as { message: string }).message).toMatch(
      /does not answer at ldap:\/\/127\.0\.0\.1:\d+.*check the host and port/,
    )
  })

  it('names invalid credentials without echoing the password, and a bind DN without a password', async () => {
    const wrong = await check(config({ bindPassword: 'not-the-password' }))
    expect(wrong).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
    expect((wrong as { message: string }).message).toContain(READER_DN)
    expect((wrong as { message: string }).message).not.toContain('not-the-password')
    const { bindPassword: _, ...noPassword } = config()
    expect(await check(noPassword)).toMatchObject({ ok: false, code: 'AUTH_FAILED' })
  })

  it('names a base DN that does not exist, with the root', async () => {
    const answer = await check(
      config({ roots: { users: { baseDn: `ou=nobody,${BASE_DN}`, scope: 'sub', filter: '(uid=*)' } } }),
    )
    expect(answer).toMatchObject({ ok: false, code: 'BASE_DN_NOT_FOUND' })
    expect((answer as { message: string }).message).toContain(`ou=nobody,${BASE_DN}`)
    expect((answer as { message: string }).message).toContain('root "users"')
  })

  it('names an invalid filter', async () => {
    const answer = await check(
      config({ roots: { users: { scope: 'sub', filter: '(&(objectClass=person)(uid=*)' } } }),
    )
    expect(answer).toMatchObject({ ok: false, code: 'FILTER_INVALID' })
    expect((answer as { message: string }).message).toContain('(&(objectClass=person)(uid=*)')
    expect(await check(config({ roots: { users: { scope: 'sub', filter: '(cn~x)' } } }))).toMatchObject({
      ok: false,
      code: 'FILTER_INVALID',
    })
  })
})

describe('LDAP connector: TLS', () => {
  const users = () => ({ users: config().roots.users! })

  it('reads over StartTLS and over ldaps://, verifying the server certificate against tls.ca', async () => {
    const startTls = config({
      startTls: true,
      tls: { rejectUnauthorized: true, ca: slapd.caPem! },
      roots: users(),
    })
    expect(await ldapConnector.testConnection(startTls, signal())).toEqual({ ok: true })
    expect((await readAll(startTls)).of('users')).toHaveLength(3)
    const ldaps = config({
      url: slapd.ldapsUrl!,
      tls: { rejectUnauthorized: true, ca: slapd.caPem! },
      roots: users(),
    })
    expect(await ldapConnector.testConnection(ldaps, signal())).toEqual({ ok: true })
    expect((await readAll(ldaps)).of('users')).toHaveLength(3)
  })

  it('answers TLS_FAILED for a certificate it cannot verify, and accepts it with rejectUnauthorized false', async () => {
    const untrusted = await ldapConnector.testConnection(
      config({ url: slapd.ldapsUrl!, roots: users() }),
      signal(),
    )
    expect(untrusted).toMatchObject({ ok: false, code: 'TLS_FAILED' })
    expect((untrusted as { message: string }).message).toMatch(/tls\.ca/)
    const startTls = await ldapConnector.testConnection(config({ startTls: true, roots: users() }), signal())
    expect(startTls).toMatchObject({ ok: false, code: 'TLS_FAILED' })
    const lax = config({ url: slapd.ldapsUrl!, tls: { rejectUnauthorized: false }, roots: users() })
    expect(await ldapConnector.testConnection(lax, signal())).toEqual({ ok: true })
  })
})

describe('LDAP connector: the server going away', () => {
  it('fails the read with CONNECTION_LOST, naming the root and how far it got', async () => {
    const doomed = await startSlapd({ extraLdif: bulkPeople(60) })
    try {
      const cfg = config({
        url: doomed.url,
        pageSize: 10,
        roots: { bulk: { baseDn: `ou=bulk,${BASE_DN}`, scope: 'one', filter: '(uid=*)' } },
      })
      let seen = 0
      const reading = (async () => {
        for await (const batch of ldapConnector.read(cfg, { batchSize: 10, signal: signal() })) {
          seen += (batch.data.bulk as unknown[]).length
          if (seen === 10) await doomed.stop()
        }
      })()
      const error = await reading.then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toMatchObject({
        code: 'LDAP_SOURCE_FAILED',
        details: { code: 'CONNECTION_LOST', root: 'bulk' },
      })
      expect((error as Error).message).toMatch(/connection to the directory server was lost/i)
      expect(seen).toBeLessThan(60)
    } finally {
      await doomed.remove()
    }
  })
})
