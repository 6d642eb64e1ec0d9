// The unchanged re-import's check in a worker (bench/engine/map-worker-reimport.ts; branch mapworker): parses the
// CSV over the built engine (dist/, with bench/engine/map-worker-engine.patch), and per entry makes its source
// fingerprint and identity (from its first chunk on) and asks the owned table's lookup arrays (sent by the engine
// once it read the table; chunks parsed before wait as 16 bytes an entry) as OwnedTable.find + sameSource do. Posts per CSV chunk the table entries of its entries ({ at: Int32Array },
// transferred). An entry that is not identical (or a repeat) fails the run: the benchmark re-imports an unchanged
// file. workerData: { dist, csv, document, catalog, settings, inflight }.
import fs from 'node:fs'
import { setImmediate } from 'node:timers'
import { parentPort, workerData } from 'node:worker_threads'

const { dist, csv, document, catalog, settings, inflight } = workerData
const threadCpuUs = () => Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000
const { csvConnector } = await import(`${dist}/connectors/csv/csv.connector.js`)
const { compilePlans } = await import(`${dist}/engine/type-plan.js`)
const { entryIdentity } = await import(`${dist}/engine/map-entry.js`)
const { entriesForMapping } = await import(`${dist}/engine/selector.js`)
const { sourceFingerprint } = await import(`${dist}/engine/source-fingerprint.js`)
const { identityFingerprint } = await import(`${dist}/engine/owned-table.js`)

const plan = compilePlans(document, catalog, settings)[0]
const ctx = {
  settings,
  concatenator: settings.concatenator.replace(/\\s/g, ' '),
  coerceOptions: {
    ...(settings.dateFormat ? { dateFormat: settings.dateFormat } : {}),
    ...(settings.dateTimeFormat ? { dateTimeFormat: settings.dateTimeFormat } : {}),
    ...(settings.zone ? { zone: settings.zone } : {}),
  },
  statusNames: catalog.statusNames,
  problems: [],
}
const root = plan.selector[0]
const AMBIGUOUS = 1 << 15
let credit = inflight
let wake = null
let table = null
parentPort.on('message', (m) => {
  if (m && typeof m === 'object' && 'slots' in m) table = m
  else credit++
  wake?.()
})
const startUs = threadCpuUs()
const FP = new Int32Array(2)
const PRINT = new Int32Array(2)
/**
 * Table position of the identity fingerprint (low, high), as OwnedTable.find. The chunks parsed before the engine
 * sent the table (it reads it when the run starts) wait as four words per entry: identity fingerprint and source
 * fingerprint (16 bytes an entry), so that parsing overlaps the table's read.
 */
function find(low, high) {
  const { slots, low: lows, high: highs, tail } = table
  const mask = slots.length - 1
  for (let s = low & mask; ; s = (s + 1) & mask) {
    const e = slots[s] - 1
    if (e < 0) return -1
    if (lows[e] === low && highs[e] === high) return tail[e] & AMBIGUOUS ? -2 : e
  }
}
/** Answers a parsed chunk's words against the table and posts its positions (when the engine has credit). */
async function post(words) {
  const k = words.length / 4
  const at = new Int32Array(k)
  const s = table.source
  for (let i = 0; i < k; i++) {
    const e = find(words[4 * i], words[4 * i + 1])
    if (e < 0 || s[2 * e] !== words[4 * i + 2] || s[2 * e + 1] !== words[4 * i + 3])
      throw new Error(`entry ${i} of a chunk is not identical (this benchmark re-imports an unchanged file)`)
    at[i] = e
  }
  while (credit === 0) await new Promise((r) => (wake = r))
  wake = null
  credit--
  parentPort.postMessage({ at }, [at.buffer])
}
const waiting = []
const offsets = new Map()
const signal = new globalThis.AbortController().signal
for await (const batch of csvConnector.read({ path: csv }, { batchSize: 1000, signal })) {
  const chunk = { [root]: batch.data.rows }
  const sel = entriesForMapping(chunk, plan.selector, plan.mapping.objectTypeExternalId, [], offsets)
  const words = new Int32Array(4 * sel.length)
  for (let i = 0; i < sel.length; i++) {
    const entry = sel.take(i)
    if (!sourceFingerprint(plan, entry, ctx, PRINT)) throw new Error('an entry without a source fingerprint')
    identityFingerprint(entryIdentity(plan, entry, ctx), FP)
    words[4 * i] = FP[0]
    words[4 * i + 1] = FP[1]
    words[4 * i + 2] = PRINT[0]
    words[4 * i + 3] = PRINT[1]
  }
  offsets.set(root, (offsets.get(root) ?? 0) + batch.data.rows.length)
  if (table === null) {
    waiting.push(words)
    // Let the table's message in between chunks.
    await new Promise((r) => setImmediate(r))
    continue
  }
  while (waiting.length) await post(waiting.shift())
  await post(words)
}
while (table === null) await new Promise((r) => (wake = r))
while (waiting.length) await post(waiting.shift())
parentPort.postMessage({ done: true, cpuUs: threadCpuUs() - startUs })
parentPort.removeAllListeners('message')
