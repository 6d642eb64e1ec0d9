// The read + map worker of bench/engine/map-worker-e2e.ts `--dist` (branch mapworker): plain JavaScript over the
// built engine (`npx tsc -p tsconfig.build.json` first), so that the worker starts as a product's would (no tsx
// loader). workerData: { dist, csv, document, catalog, inflight }; posts one MappedColumns per CSV chunk, then
// { done, cpuUs, startUs }. The plan is compiled here from serializable inputs (the normalized document and the
// catalog's types and attributes). With `stored` also each entry's stored values JSON and folded label.
import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

const { dist, csv, document, catalog, inflight, stored } = workerData
const threadCpuUs = () => Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000
const { csvConnector } = await import(`${dist}/connectors/csv/csv.connector.js`)
const { compilePlans } = await import(`${dist}/engine/type-plan.js`)
const { DEFAULT_ENGINE_SETTINGS } = await import(`${dist}/engine/engine-types.js`)
const { mapEntry } = await import(`${dist}/engine/map-entry.js`)
const { entriesForMapping } = await import(`${dist}/engine/selector.js`)
const { planSeed } = await import(`${dist}/engine/source-fingerprint.js`)
const { encodeMapped } = await import(`${dist}/engine/mapped-transfer.js`)

const plan = compilePlans(document, catalog, DEFAULT_ENGINE_SETTINGS)[0]
const ctx = {
  settings: DEFAULT_ENGINE_SETTINGS,
  concatenator: '-',
  coerceOptions: {},
  statusNames: catalog.statusNames,
  problems: [],
}
const seed = planSeed(plan, ctx)
const root = plan.selector[0]
let credit = inflight
let wake = null
parentPort.on('message', () => {
  credit++
  wake?.()
})
const startUs = threadCpuUs()
const offsets = new Map()
const signal = new globalThis.AbortController().signal
for await (const batch of csvConnector.read({ path: csv }, { batchSize: 1000, signal })) {
  const chunk = { [root]: batch.data.rows }
  const sel = entriesForMapping(chunk, plan.selector, plan.mapping.objectTypeExternalId, [], offsets)
  const mapped = []
  for (let i = 0; i < sel.length; i++) {
    const o = mapEntry(plan, sel.take(i), sel.paths[i], ctx, seed, sel.indexes[i])
    if (o.kind === 'mapped') mapped.push(o.mapped)
  }
  offsets.set(root, (offsets.get(root) ?? 0) + batch.data.rows.length)
  if (mapped.length === 0) continue
  while (credit === 0) await new Promise((r) => (wake = r))
  wake = null
  credit--
  parentPort.postMessage(encodeMapped(plan, mapped, { stored }))
}
parentPort.postMessage({ done: true, cpuUs: threadCpuUs() - startUs, startUs })
parentPort.removeAllListeners('message')
