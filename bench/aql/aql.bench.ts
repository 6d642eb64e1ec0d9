import { sql } from 'kysely'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { loadAqlRepository } from './aql-data.js'

/**
 * AQL first-page latency over `n` stored objects, through the service (AqlService.search: check, count, one page
 * of 25, the page's objects read), not HTTP. Each query runs once cold, then RUNS times; the median is reported.
 * Targets (issue 3) at 1M objects: `objectType = X AND "Attr" = value` < 50 ms, `label like` < 500 ms; (issue 11)
 * equality on an indexed attribute (Serial) < 20 ms, on an unindexed one (Inventory, scanned) < 1 s.
 */

export interface AqlBenchRow {
  engine: string
  query: string
  total: number
  coldMs: number
  medianMs: number
  target: string
}

const RUNS = 7

export async function benchAql(
  engine: string,
  env: Record<string, string>,
  n: number,
  log: (line: string) => void = () => undefined,
): Promise<AqlBenchRow[]> {
  const booted = await bootstrap(
    loadConfig({ ...env, INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent' }),
  )
  try {
    const { services } = booted
    log(`${engine}: loading ${n} objects`)
    const repo = await loadAqlRepository(services, booted.workspaceId, n, log)
    if (engine === 'postgres') {
      // What autovacuum does shortly after a bulk load; SQLite keeps no statistics unless asked, so it gets none.
      await sql`analyze`.execute(services.store.db)
    }
    const middle = repo.persons + Math.floor(repo.devices / 2)
    const serial = `SN-${String(middle).padStart(7, '0')}`
    const inventory = `INV-${String(middle).padStart(7, '0')}`
    const queries: [string, string][] = [
      [`objectType = Device AND Serial = "${serial}"`, '< 50 ms'],
      // The same equality on an indexed attribute (Serial) and an unindexed one (Inventory): issue 11's targets.
      [`Serial = "${serial}"`, 'indexed < 20 ms'],
      [`Inventory = "${inventory}"`, 'unindexed < 1 s'],
      [`objectType = Device AND Inventory = "${inventory}"`, 'unindexed < 1 s'],
      [`Inventory = "${inventory.toLowerCase()}"`, 'unindexed < 1 s'],
      [`objectType = Device AND Owner = "${repo.personLabel}"`, ''],
      ['objectType = Device AND Vendor = "Vendor 3"', ''],
      ['label like "abc"', '< 500 ms'],
      ['objectType = Device', ''],
      [`Key = "AQB-${middle}"`, ''],
      ['objectType = Device AND Size >= 999000 order by Size desc', ''],
      ['objectType = Device AND Bought >= "2024-12-01" AND Vendor in ("Vendor 1", "Vendor 2")', ''],
      [`object having inboundReferences(Serial = "${serial}")`, ''],
      ['objectType = Device AND Vendor = "Vendor 3" order by Serial desc', ''],
      // The label attribute (Name) by name: answered from object.label_ci, or from its index rows before 0030.
      [`Name = "${repo.deviceLabel}"`, ''],
      [`objectType = Device AND Name = "${repo.deviceLabel.toUpperCase()}"`, ''],
      [`Name in ("${repo.deviceLabel}", "${repo.personLabel}")`, ''],
      ['Name like "abc"', ''],
      ['Name startswith "dev-zz"', ''],
      [`objectType = Device AND Owner.Name = "${repo.personLabel}"`, ''],
      ['objectType = Person AND Name is not EMPTY', ''],
    ]
    const rows: AqlBenchRow[] = []
    for (const [query, target] of queries) {
      const time = async () => {
        const s = performance.now()
        const page = await services.aql.search(repo.ws, query, { startAt: 0, maxResults: 25 })
        return { ms: performance.now() - s, total: page.total }
      }
      const cold = await time()
      const times: number[] = []
      for (let i = 0; i < RUNS; i++) times.push((await time()).ms)
      times.sort((a, b) => a - b)
      const row = { engine, query, total: cold.total, coldMs: cold.ms, medianMs: times[RUNS >> 1]!, target }
      log(`  ${row.medianMs.toFixed(1)} ms (cold ${row.coldMs.toFixed(1)}) ${row.total} ${query}`)
      rows.push(row)
    }
    return rows
  } finally {
    await booted.close()
  }
}

export function aqlTable(n: number, rows: readonly AqlBenchRow[]): string {
  return [
    `AQL over ${n} objects (service: check + count + first page of 25 + reading the page's objects; median of ${RUNS} after one cold run)`,
    '',
    '| engine | query | matches | median ms | cold ms | target |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | \`${r.query}\` | ${r.total} | ${r.medianMs.toFixed(1)} | ${r.coldMs.toFixed(1)} | ${r.target} |`,
    ),
  ].join('\n')
}
