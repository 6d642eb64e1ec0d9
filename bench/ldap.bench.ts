/**
 * The LDAP-source benchmark (issue 16): N people (inetOrgPerson, ten attributes) in a throwaway OpenLDAP slapd
 * (test/helpers/slapd.ts; loaded with slapadd before the server starts, timed apart), imported through the API of a
 * real, listening Intake server exactly as a client does: create an `ldap` source (bind password encrypted with a
 * generated INTAKE_SECRET_KEY), PUT the mapping, POST import/start, poll the progress every 250 ms until COMPLETED,
 * check N created. Beside it, in the same run and on a fresh database, the engine's own first load of the same N
 * entries as CSV rows with the same mapping: the ratio source import / engine first load. Peak RSS is sampled in
 * this process (server + worker + the small client); slapd runs in its own process and is not counted.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../src/config/config.js'
import { startServer } from '../src/http/server.js'
import { BASE_DN, READER_DN, READER_PASSWORD, startSlapd } from '../test/helpers/slapd.js'
import { BENCH_TOKEN, httpClient, timedPullImport } from './bench-kit.js'
import { engineFirstLoad, HARDWARE_ROOT } from './engine/engine-runner.js'
import { freshDatabase } from './scratch.js'

const POLL_MS = 250
const PAGE_SIZE = 1000
const PEOPLE_DN = `ou=bench,${BASE_DN}`
const TITLES = ['Engineer', 'Analyst', 'Manager', 'Technician', 'Consultant']
const CITIES = ['Berlin', 'Lyon', 'Oslo', 'Porto', 'Turin', 'Ghent']
/** The LDAP attributes read, and the CSV header of the engine baseline. */
const ATTRIBUTES = [
  'uid',
  'cn',
  'sn',
  'givenName',
  'mail',
  'employeeNumber',
  'title',
  'departmentNumber',
  'telephoneNumber',
  'l',
]

export interface LdapBenchRow {
  engine: string
  entries: number
  /** Writing the LDIF and slapadd (not part of the ratio). */
  loadSeconds: number
  /** POST import/start → COMPLETED, and the run as the execution records it. */
  importSeconds: number
  runSeconds: number
  /** The engine's first load of the same entries as a CSV, on a fresh database. */
  engineSeconds: number
  peakRssMb: number
  enginePeakRssMb: number
  counters: string
}

/** Person i's attribute values, in ATTRIBUTES order (no commas: they go into a CSV unquoted). */
function person(i: number): string[] {
  return [
    `p${i}`,
    `Person ${i}`,
    `Surname${i % 9973}`,
    `Given${i % 997}`,
    `p${i}@example.org`,
    String(i),
    TITLES[i % TITLES.length]!,
    `D${i % 200}`,
    `+49 30 ${String(i).padStart(7, '0')}`,
    CITIES[i % CITIES.length]!,
  ]
}

function peopleLdif(n: number): string {
  const parts = [`dn: ${PEOPLE_DN}\nobjectClass: organizationalUnit\nou: bench\n`]
  for (let i = 0; i < n; i++) {
    const values = person(i)
    parts.push(
      `dn: uid=p${i},${PEOPLE_DN}\nobjectClass: inetOrgPerson\n` +
        ATTRIBUTES.map((a, j) => `${a}: ${values[j]}\n`).join(''),
    )
  }
  return parts.join('\n')
}

function writePeopleCsv(file: string, n: number): void {
  const fd = fs.openSync(file, 'w')
  let buffer = ATTRIBUTES.join(',') + '\n'
  for (let i = 0; i < n; i++) {
    buffer += person(i).join(',') + '\n'
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer)
      buffer = ''
    }
  }
  fs.writeSync(fd, buffer)
  fs.closeSync(fd)
}

const attr = (id: string, name: string, type: string, extra: Record<string, unknown> = {}) => ({
  externalId: `person/${id}`,
  name,
  description: '',
  type,
  ...extra,
})
const mapped = (id: string, name: string, locator: string, extra: Record<string, unknown> = {}) => ({
  attributeExternalId: `person/${id}`,
  attributeName: name,
  attributeLocators: [locator],
  ...extra,
})

/** One type of ten attributes; the selector is the engine runner's root, so the CSV baseline uses it as is. */
const peopleDocument = {
  schema: {
    objectSchema: {
      name: 'People bench',
      description: 'npm run bench -- --only=ldap',
      objectTypes: [
        {
          externalId: 'person/person',
          name: 'Person',
          description: '',
          attributes: [
            attr('uid', 'UID', 'text', { unique: true }),
            attr('cn', 'Name', 'text', { label: true }),
            attr('sn', 'Surname', 'text'),
            attr('givenName', 'Given name', 'text'),
            attr('mail', 'Email', 'email'),
            attr('employeeNumber', 'Employee number', 'integer'),
            attr('title', 'Title', 'select'),
            attr('department', 'Department', 'text'),
            attr('phone', 'Phone', 'text'),
            attr('city', 'City', 'select'),
          ],
        },
      ],
    },
  },
  mapping: {
    objectTypeMappings: [
      {
        objectTypeExternalId: 'person/person',
        objectTypeName: 'Person',
        selector: HARDWARE_ROOT,
        description: '',
        missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' },
        unknownValues: 'ADD',
        attributesMapping: [
          mapped('uid', 'UID', 'uid', { externalIdPart: true }),
          mapped('cn', 'Name', 'cn'),
          mapped('sn', 'Surname', 'sn'),
          mapped('givenName', 'Given name', 'givenName'),
          mapped('mail', 'Email', 'mail'),
          mapped('employeeNumber', 'Employee number', 'employeeNumber'),
          mapped('title', 'Title', 'title'),
          mapped('department', 'Department', 'departmentNumber'),
          mapped('phone', 'Phone', 'telephoneNumber'),
          mapped('city', 'City', 'l'),
        ],
      },
    ],
  },
}

/** The directory through the API on a fresh database: create, map, start, poll until COMPLETED. */
async function importThroughApi(
  env: Record<string, string>,
  url: string,
  n: number,
): Promise<{ importSeconds: number; runSeconds: number; peakRssMb: number; counters: string }> {
  const db = await freshDatabase(env)
  const client = httpClient()
  try {
    const server = await startServer(
      loadConfig({
        ...db.env,
        INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
        INTAKE_SECRET_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'silent',
        PORT: '0',
        HOST: '127.0.0.1',
      }),
    )
    try {
      const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
      const source = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
        json: {
          name: 'LDAP bench',
          type: 'ldap',
          config: {
            url,
            bindDn: READER_DN,
            bindPassword: READER_PASSWORD,
            baseDn: BASE_DN,
            pageSize: PAGE_SIZE,
            roots: {
              [HARDWARE_ROOT]: {
                baseDn: PEOPLE_DN,
                scope: 'one',
                filter: '(objectClass=inetOrgPerson)',
                attributes: ATTRIBUTES,
              },
            },
          },
        },
      })
      await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, { json: peopleDocument })
      return await timedPullImport(client, api, source.id, n, 'ldap source import', POLL_MS)
    } finally {
      client.close()
      await server.stop()
    }
  } finally {
    await db.drop()
  }
}

export async function benchLdap(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (line: string) => void,
): Promise<LdapBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-ldap-bench-'))
  try {
    const csv = path.join(dir, 'people.csv')
    writePeopleCsv(csv, n)
    const first = await engineFirstLoad(env, csv, n, peopleDocument)
    log(`  engine first load of ${n} rows: ${first.seconds.toFixed(1)} s`)
    const t0 = performance.now()
    const slapd = await startSlapd({ extraLdif: peopleLdif(n), seedWith: 'slapadd' })
    try {
      const loadSeconds = (performance.now() - t0) / 1000
      log(`  slapd: loaded ${n} entries in ${loadSeconds.toFixed(1)} s`)
      const run = await importThroughApi(env, slapd.url, n)
      log(
        `  ldap: imported in ${run.importSeconds.toFixed(1)} s (${(run.importSeconds / first.seconds).toFixed(2)}×)`,
      )
      return [
        {
          engine,
          entries: n,
          loadSeconds,
          importSeconds: run.importSeconds,
          runSeconds: run.runSeconds,
          engineSeconds: first.seconds,
          peakRssMb: run.peakRssMb,
          enginePeakRssMb: first.peakMb,
          counters: run.counters,
        },
      ]
    } finally {
      await slapd.remove()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function ldapTable(rows: LdapBenchRow[]): string {
  const head =
    '| Intake on | entries | load into slapd | import/start → COMPLETED | entries/s | run | engine first load | ratio | peak RSS (engine alone) | counters |'
  const rule = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
  const body = rows.map(
    (r) =>
      `| ${r.engine} | ${r.entries} | ${r.loadSeconds.toFixed(1)} s | ${r.importSeconds.toFixed(2)} s | ` +
      `${Math.round(r.entries / r.importSeconds)} | ${r.runSeconds.toFixed(2)} s | ${r.engineSeconds.toFixed(2)} s | ` +
      `${(r.importSeconds / r.engineSeconds).toFixed(2)}× | ${r.peakRssMb} MB (${r.enginePeakRssMb} MB) | ${r.counters} |`,
  )
  return [head, rule, ...body].join('\n')
}
