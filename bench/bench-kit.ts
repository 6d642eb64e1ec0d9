/** What the benchmark parts share: the admin token, result checks and formatting, RSS and stall watching, a client. */
import fs from 'node:fs'
import http from 'node:http'
import type { ImportResult, TypeResult } from '../src/engine/result.js'

export const BENCH_TOKEN = 'bench-admin-token-0123456789'

export type Phases = Pick<
  TypeResult,
  | 'readExternalDataTimeInMs'
  | 'mapExternalDataTimeInMs'
  | 'decidingActionsTimeInMs'
  | 'writeInsightDataTimeInMs'
  | 'postFunctionTimeInMs'
>

export const phasesOf = (t: TypeResult): Phases => ({
  readExternalDataTimeInMs: t.readExternalDataTimeInMs,
  mapExternalDataTimeInMs: t.mapExternalDataTimeInMs,
  decidingActionsTimeInMs: t.decidingActionsTimeInMs,
  writeInsightDataTimeInMs: t.writeInsightDataTimeInMs,
  postFunctionTimeInMs: t.postFunctionTimeInMs,
})

/** read / map / decide / write / post, in seconds. */
export const phaseText = (p: Phases): string =>
  [
    p.readExternalDataTimeInMs,
    p.mapExternalDataTimeInMs,
    p.decidingActionsTimeInMs,
    p.writeInsightDataTimeInMs,
    p.postFunctionTimeInMs,
  ]
    .map((ms) => (ms / 1000).toFixed(1))
    .join(' / ')

export const countersOf = (t: TypeResult, problems: number): string =>
  `+${t.objectsCreated} ~${t.objectsUpdated} =${t.objectsIdentical} -${t.objectsMissingDeleted} refs ${t.objectsWithUpdatedReferences} problems ${problems}`

/** Fails loudly unless the one type's result is a clean first load of n entries. */
export function expectFirstLoad(what: string, result: ImportResult, n: number): TypeResult {
  const types = Object.values(result.objectTypeResultMap)
  const t = types[0]
  if (types.length !== 1 || !t || t.objectsCreated !== n || t.entriesInSource !== n) {
    throw new Error(
      `${what}: expected ${n} objects created, got ${JSON.stringify(types.map((x) => ({ created: x.objectsCreated, entries: x.entriesInSource })))} (${result.problemCount} problems)`,
    )
  }
  return t
}

/** The one type's result of a re-import of the same n entries: every object identical. */
export function expectUnchanged(what: string, result: ImportResult, n: number): TypeResult {
  const types = Object.values(result.objectTypeResultMap)
  const t = types[0]
  if (types.length !== 1 || !t || t.objectsIdentical !== n || t.entriesInSource !== n) {
    throw new Error(
      `${what}: expected ${n} objects identical, got ${JSON.stringify(types.map((x) => ({ identical: x.objectsIdentical, entries: x.entriesInSource })))} (${result.problemCount} problems)`,
    )
  }
  return t
}

/** Samples this process's RSS every `everyMs` while `fn` runs. */
export async function withPeakRss<T>(
  fn: () => Promise<T>,
  everyMs = 50,
): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), everyMs)
  try {
    const value = await fn()
    return { value, peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) }
  } finally {
    clearInterval(timer)
  }
}

/** Watches the event loop: answers the longest gap between two ticks of a 100 ms timer, less the 100 ms. */
export function stallTracker(): { stop: () => number } {
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last - 100)
    last = now
  }, 100)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.max(longest, performance.now() - last - 100, 0)
    },
  }
}

/** A request body: JSON to serialise, text already serialised (JSON), or a file streamed from disk. */
export type BenchBody = { json: unknown } | { text: string } | { file: string; contentType: string }

/** One client over one keep-alive connection (node:http, maxSockets 1), with the admin token. */
export function httpClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  let connections = 0
  const call = (method: string, url: string, body?: BenchBody): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${BENCH_TOKEN}` }
      let text: string | undefined
      if (body && 'file' in body) {
        headers['content-type'] = body.contentType
        headers['content-length'] = fs.statSync(body.file).size
      } else if (body) {
        text = 'text' in body ? body.text : JSON.stringify(body.json)
        headers['content-type'] = 'application/json'
        headers['content-length'] = Buffer.byteLength(text)
      }
      const req = http.request(url, { method, agent, headers }, (res) => {
        const parts: Buffer[] = []
        res.on('data', (part: Buffer) => parts.push(part))
        res.on('error', reject)
        res.on('end', () => {
          const raw = Buffer.concat(parts).toString('utf8')
          let parsed: unknown = raw
          try {
            parsed = raw === '' ? null : JSON.parse(raw)
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed })
        })
      })
      req.on('socket', () => {
        if (!req.reusedSocket) connections++
      })
      req.on('error', reject)
      if (body && 'file' in body) {
        const stream = fs.createReadStream(body.file, { highWaterMark: 1 << 20 })
        stream.on('error', reject)
        stream.pipe(req)
      } else req.end(text)
    })
  /** The call, failing loudly unless it answers `status`. */
  const expect = async <T = unknown>(
    status: number,
    method: string,
    url: string,
    body?: BenchBody,
  ): Promise<T> => {
    const res = await call(method, url, body)
    if (res.status !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`)
    }
    return res.body as T
  }
  return { call, expect, connections: () => connections, close: () => agent.destroy() }
}

/**
 * A pull import as a client runs it: POST import/start, poll the progress every `pollMs` until it ends (anything but
 * COMPLETED throws), then the execution's result (checked as a first load of `n` objects) and its run time; the
 * peak RSS of the process while it ran.
 */
export async function timedPullImport(
  client: ReturnType<typeof httpClient>,
  api: string,
  sourceId: string,
  n: number,
  what: string,
  pollMs: number,
) {
  const measured = await withPeakRss(async () => {
    const t0 = performance.now()
    const started = await client.expect<{ resourceId: string }>(
      200,
      'POST',
      `${api}/import/start/${sourceId}`,
    )
    for (;;) {
      const res = await client.call('GET', `${api}/progress/category/imports/${started.resourceId}`)
      const status = (res.body as { status?: string }).status
      if (res.status === 200 && status !== 'PENDING' && status !== 'IN_PROGRESS') {
        if (status !== 'COMPLETED') throw new Error(`${what} ended ${JSON.stringify(res.body)}`)
        break
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
    const importSeconds = (performance.now() - t0) / 1000
    const base = `${api}/importsource/${sourceId}/executions/${started.resourceId}`
    const status = await client.expect<{ progressResult: ImportResult }>(200, 'GET', `${base}/status`)
    const type = expectFirstLoad(what, status.progressResult, n)
    const execution = await client.expect<{ started: string; finished: string }>(200, 'GET', base)
    return {
      importSeconds,
      runSeconds: (Date.parse(execution.finished) - Date.parse(execution.started)) / 1000,
      counters: countersOf(type, status.progressResult.problemCount),
    }
  })
  return { ...measured.value, peakRssMb: measured.peakMb }
}
