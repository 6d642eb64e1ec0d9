/**
 * Repository scenario: objects created one by one through ObjectService (the API's write path) and read back
 * through GET object/{id}.
 */
import { loadConfig } from '../src/config/config.js'
import { buildApp } from '../src/http/app.js'
import { bootstrap } from '../src/main.js'

const READS = 500

export interface RepositoryRow {
  engine: string
  scenario: string
  count: number
  seconds: number
  rate: string
  extra: string
}

export async function benchRepository(
  name: string,
  env: Record<string, string>,
  N: number,
): Promise<RepositoryRow[]> {
  const booted = await bootstrap(
    loadConfig({ ...env, INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent' }),
  )
  const { services } = booted
  const ws = booted.workspaceId
  const schema = await services.schemas.createSchema(ws, { name: 'Bench', objectSchemaKey: 'BEN' })
  const type = await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Device' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Name', kind: 'text', label: true })
  await services.schemas.createAttribute(ws, type.id, { name: 'Size', kind: 'integer' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Bought', kind: 'date' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Owner', kind: 'email' })
  await services.schemas.createAttribute(ws, type.id, { name: 'IP', kind: 'ipaddress' })

  const t0 = performance.now()
  const ids: number[] = []
  await services.store.db.transaction().execute(async (trx) => {
    const objects = services.objects.in(trx)
    for (let i = 0; i < N; i++) {
      const o = await objects.create(ws, {
        objectTypeId: type.id,
        attributes: [
          { attribute: 'Name', values: [`device-${i}`] },
          { attribute: 'Size', values: [i * 1024] },
          { attribute: 'Bought', values: ['2024-01-15'] },
          { attribute: 'Owner', values: [`user${i % 100}@example.com`] },
          { attribute: 'IP', values: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] },
        ],
      })
      ids.push(o.id)
    }
  })
  const writeSeconds = (performance.now() - t0) / 1000

  const app = await buildApp(services)
  const api = `/jsm/assets/workspace/${ws}/v1`
  const latencies: number[] = []
  for (let i = 0; i < READS; i++) {
    const id = ids[(i * 7919) % ids.length]!
    const s = performance.now()
    const res = await app.inject({
      method: 'GET',
      url: `${api}/object/${id}`,
      headers: { authorization: 'Bearer bench-admin-token-0123456789' },
    })
    latencies.push(performance.now() - s)
    if (res.statusCode !== 200) throw new Error(`read failed: ${res.statusCode}`)
  }
  await app.close()
  await booted.close()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]!.toFixed(2)
  const readSeconds = latencies.reduce((a, b) => a + b, 0) / 1000
  return [
    {
      engine: name,
      scenario: 'object create via service (one transaction, 5 attributes)',
      count: N,
      seconds: writeSeconds,
      rate: `${Math.round(N / writeSeconds)} objects/s`,
      extra: '',
    },
    {
      engine: name,
      scenario: 'GET object/{id} (inject)',
      count: READS,
      seconds: readSeconds,
      rate: `${Math.round(READS / readSeconds)} req/s`,
      extra: `p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
    },
  ]
}

export function repositoryTable(rows: readonly RepositoryRow[]): string {
  return [
    '| engine | scenario | n | seconds | rate | latency |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.count} | ${r.seconds.toFixed(2)} | ${r.rate} | ${r.extra} |`,
    ),
  ].join('\n')
}
