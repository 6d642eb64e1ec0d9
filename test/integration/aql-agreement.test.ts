import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import type { AqlCatalog } from '../../src/domain/aql/catalog.js'
import { matchesAql } from '../../src/domain/aql/evaluate-memory.js'
import type { AqlRecord, AqlResolver } from '../../src/domain/aql/record.js'
import { sortRecords } from '../../src/domain/aql/sort-records.js'
import { AppError } from '../../src/domain/errors.js'
import { bootstrap, type Bootstrapped } from '../../src/main.js'
import type { Services } from '../../src/services/services.js'
import { DEFAULT_ORDER } from '../../src/store/aql/compile-order.js'
import { aqlQueryArb } from '../helpers/aql-query-arbitrary.js'
import { buildRepository, loadRecords, repositoryArb } from '../helpers/aql-repository.js'
import { ADMIN_TOKEN, describeEachDialect } from '../helpers/test-env.js'

/**
 * The two evaluators agree: for generated repositories and generated queries, the compiled SQL returns exactly
 * the objects matchesAql accepts, in sortRecords' order (AQL's default order, label then id, when the query has
 * none), with the same total, and every page is the same slice. Two workspaces are filled, so a query that
 * leaked across workspaces would fail too. On PostgreSQL it runs once more in a database whose default collation
 * is a locale (ICU en-US), where only explicit code point collation keeps text order and ranges right.
 */

interface Fixture {
  ws: string
  schemaName: string
  catalog: AqlCatalog
  records: AqlRecord[]
  resolver: AqlResolver
}

const RUNS = 300

async function buildFixtures(services: Services, defaultWorkspace: string): Promise<Fixture[]> {
  const second = await services.workspaces.ensureDefault('aql-agreement-second')
  const fixtures: Fixture[] = []
  for (const [i, ws] of [defaultWorkspace, second.workspace.id].entries()) {
    const [spec] = fc.sample(repositoryArb, { seed: 4242 + i, numRuns: 1 })
    // Attributes indexed in one workspace are scanned in the other (see buildRepository).
    const seed = await buildRepository(services, ws, spec!, i === 0 ? 'AGA' : 'AGB', i === 0 ? 0 : 1)
    const catalog = await services.aql.catalog(ws)
    fixtures.push({
      ws,
      schemaName: seed.schema.name,
      catalog,
      ...(await loadRecords(services, ws, catalog)),
    })
  }
  return fixtures
}

/** Whether SQL answers `text` as memory does (all rows, total, one page); false when the checker refuses it. */
async function agrees(
  services: Services,
  f: Fixture,
  text: string,
  startAt: number,
  maxResults: number,
): Promise<boolean> {
  let prepared
  try {
    prepared = await services.aql.prepare(f.ws, text, { catalog: f.catalog })
  } catch (error) {
    // Generated texts may ask what the checker refuses (e.g. "2" and "many" for a text and an integer).
    if (error instanceof AppError && error.status === 400) return false
    throw error
  }
  const matching = f.records.filter((r) => matchesAql(prepared.query, r, f.resolver))
  const expected = sortRecords(matching, prepared.query.orderBy ?? DEFAULT_ORDER, f.resolver).map((r) => r.id)
  const all = await services.aql.run(f.ws, prepared, { startAt: 0, maxResults: 1000 })
  expect(
    all.rows.map((r) => Number(r.id)),
    text,
  ).toEqual(expected)
  expect(all.total, text).toBe(expected.length)
  const page = await services.aql.run(f.ws, prepared, { startAt, maxResults })
  expect(
    page.rows.map((r) => Number(r.id)),
    `${text} [${startAt}, +${maxResults}]`,
  ).toEqual(expected.slice(startAt, startAt + maxResults))
  return true
}

/**
 * Texts whose case folding SQL's lower() gets wrong (É, Ä, ß and their cases, in select, textarea and text
 * attributes), in tests and orders: on the attributes scanned from the objects' rows they need intake_fold.
 */
const FOLDING = [
  'Tags = "émile"',
  'Tags = "ÉMILE"',
  'Tags in ("émile", "SS")',
  'Tags startswith "ÉM"',
  'Tags like "MIL"',
  'Tags endswith "ß"',
  'Vendor = "äpfel"',
  'Vendor != "ÄPFEL"',
  'Vendor like "PF"',
  'Name like "a" order by Tags',
  'Name like "a" order by Tags desc',
  'objectType = Device order by Vendor',
  'objectType = Device order by Vendor desc',
  'Tags is not EMPTY order by Tags',
  'Devices.Tags = "émile"',
  'objectType = Rack order by Devices.Vendor desc',
]

/**
 * Key tests in any case, through `in`, `!=`, paths and orders: the compiled SQL compares the stored key with the one
 * key the text can match (key-equality.ts), with no index on the folded key (migration 0027). The keys are AGA-n
 * (first workspace) and AGB-n; `ı`, `İ`, `ａ` (fullwidth) and Cyrillic `а` fold to no ASCII text and match nothing.
 */
const KEYS = [
  'Key = "aga-1"',
  'Key = "AgA-2"',
  'Key = "AGB-3"',
  'Key != "aga-1"',
  'Key != "AGA-2"',
  'Key in ("aga-1", "AGA-3", "agb-1", "Agb-2", "ı")',
  'Key not in ("aga-1", "aGa-2")',
  'Key in ("İ", "ａga-1", "аga-1")',
  'Key = "ａga-1"',
  'Key == "aga-1"',
  'Key == "AGA-1"',
  'Key like "a-1"',
  'Key startswith "AGA-1"',
  'Key > "AGA-2"',
  'Key is not EMPTY order by Key desc',
  'objectType = Device order by Key',
  'Owner.Key = "aga-2"',
  'Owner.Key in ("AGA-1", "aga-2", "agb-2")',
  'Devices.Key != "aga-5"',
  'objectType = Device order by Owner.Key desc',
]

/**
 * Label attributes: the single-valued text Name of Person, Device, Laptop and Rack is answered from the object rows'
 * label_ci (index state `label`, no index rows), Group's multi-valued Name and Port's integer Number from index rows
 * — alone and mixed in one test. Objects without a Name have their key as label: `Name = "aga-1"` must not match
 * them, `Name is EMPTY` must; some labels look like keys ("AGA-3", "agb-2").
 */
const LABELS = [
  'Name = "aga-1"',
  'Name = "AGA-3"',
  'Name == "AGA-3"',
  'Name = "agb-2"',
  'Name in ("aga-1", "AGA-2", "aga-3", "alpha", "agb-1", "agb-2")',
  'Name != "aga-3"',
  'Name not in ("alpha", "aga-1")',
  'Name like "aga"',
  'Name like "a-"',
  'Name startswith "AG"',
  'Name endswith "-3"',
  'Name is EMPTY',
  'Name is not EMPTY order by Name',
  'Name is EMPTY order by Name desc',
  'Name > "beta" order by Name desc',
  'objectType = Device AND Name = "alpha"',
  'objectType = Group AND Name = "alpha"',
  'objectType in (Person, Group) order by Name',
  'objectType = Rack order by Name desc',
  'Owner.Name = "alpha"',
  'Owner.Name is EMPTY',
  'Devices.Name like "a"',
  'objectType = Rack order by Devices.Name',
  'object having inboundReferences(Name = "alpha")',
  'object having outboundReferences(Name is EMPTY)',
  'Number = 9',
  'Number in (0, 1, 2) order by Number desc',
  'Number is EMPTY',
  'label = "aga-1"',
  'Name = "alpha" OR Number = 2 order by Name',
]

async function checkAgreement(services: Services, f: Fixture, runs: number): Promise<void> {
  for (const text of LABELS) expect(await agrees(services, f, text, 0, 1000), text).toBe(true)
  for (const text of FOLDING) expect(await agrees(services, f, text, 0, 1000), text).toBe(true)
  for (const text of KEYS) expect(await agrees(services, f, text, 0, 1000), text).toBe(true)
  let checked = 0
  await fc.assert(
    fc.asyncProperty(
      aqlQueryArb(f.schemaName),
      fc.nat(30),
      fc.integer({ min: 1, max: 7 }),
      async (text, startAt, maxResults) => {
        if (await agrees(services, f, text, startAt, maxResults)) checked++
      },
    ),
    { numRuns: runs },
  )
  // The generator must mostly produce queries the checker accepts, or the property proves little.
  expect(checked).toBeGreaterThan(runs * 0.8)
}

describeEachDialect('AQL: SQL agrees with the in-memory evaluator', (env) => {
  let fixtures: Fixture[] = []

  beforeAll(async () => {
    fixtures = await buildFixtures(env().booted.services, env().workspaceId)
  })

  it('has a repository worth querying in each workspace', () => {
    for (const f of fixtures) expect(f.records.length).toBeGreaterThan(15)
  })

  for (const index of [0, 1]) {
    // Scanned attributes (half of them) cost more than index reads: room for a loaded machine.
    it(
      `gives the same objects, order, total and pages in workspace ${index + 1}`,
      { timeout: 120_000 },
      async () => {
        await checkAgreement(env().booted.services, fixtures[index]!, RUNS)
      },
    )
  }
})

describe.runIf(inject('pgUrl') !== '')(
  'AQL: SQL agrees with memory [postgres, ICU en-US default collation]',
  () => {
    const name = `intake_t_${randomBytes(6).toString('hex')}`
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-test-'))
    let booted: Bootstrapped | undefined
    let fixtures: Fixture[] = []

    const admin = async (statement: string): Promise<void> => {
      const client = new pg.Client({ connectionString: inject('pgUrl') })
      await client.connect()
      try {
        await client.query(statement)
      } finally {
        await client.end()
      }
    }

    beforeAll(async () => {
      await admin(
        `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`,
      )
      const url = new URL(inject('pgUrl'))
      url.pathname = `/${name}`
      const env = { INTAKE_DATA_DIR: dataDir, DATABASE_URL: url.toString(), INTAKE_ADMIN_TOKEN: ADMIN_TOKEN }
      booted = await bootstrap(loadConfig({ ...env, LOG_LEVEL: 'silent' }))
      fixtures = await buildFixtures(booted.services, booted.workspaceId)
    })

    afterAll(async () => {
      await booted?.close()
      await admin(`drop database if exists ${name} with (force)`)
      fs.rmSync(dataDir, { recursive: true, force: true })
    })

    it('gives the same objects, order, total and pages', async () => {
      await checkAgreement(booted!.services, fixtures[0]!, RUNS)
    })
  },
)
