/**
 * The push path alone, for A/B runs: `npx tsx bench/push-ingest.ts --rows=100000 [--root=DIR] [--pg] [--cpu-prof]
 * [--ingest-only]`. Starts `DIR/dist/cli/bin.js serve` (default: this checkout, built) as `npm start` does, pushes
 * the hardware rows in chunks of 1,000 (bench/http.bench.ts), and prints the ingest (wall seconds and the server's
 * CPU seconds from /proc/<pid>/stat, per entry), the processing after it, and the engine's read phase per entry.
 * `--ingest-only`: the bodies are built before the clock starts, none completes the execution, which is cancelled
 * at the end: the ingest alone, measured without the client's work. Each run also prints the engine's phases in
 * µs/entry (wall) and the server's peak RSS; with `--node-arg=--trace-gc` the server's collections (count and ms of
 * pause per kind, from its log). `BENCH_NODE_START` replaces npm start's node flags (bench/server-process.ts).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { hardwareDocument } from './engine/hardware-mapping.js'
import { httpClient, phasesOf } from './bench-kit.js'
import { chunkBodies, pushHardware } from './http.bench.js'
import { scratchDatabases } from './scratch.js'
import { startServerProcess, type ServerProcess } from './server-process.js'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const n = Number(arg('rows') ?? 100_000)
const root = path.resolve(arg('root') ?? '.')
const pgUrl = process.argv.includes('--pg')
  ? (process.env.INTAKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  : undefined
const label = arg('label') ?? path.basename(root)
const log = (s: string): void => void process.stderr.write(`${s}\n`)
const us = (s: number) => ((s * 1e6) / n).toFixed(2)

/** CPU seconds (utime + stime) of a process's main thread, and of its other threads (V8's, libuv's). */
function threadCpu(pid: number): { main: number; other: number } {
  const cpu = { main: 0, other: 0 }
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      cpu[tid === String(pid) ? 'main' : 'other'] += (Number(fields[11]) + Number(fields[12])) / 100
    } catch {
      // The thread ended.
    }
  }
  return cpu
}

/** The server's garbage collections from its `--trace-gc` lines: count and ms of pause per kind. */
function gcSummary(logFile: string): string {
  const kinds = new Map<string, { count: number; ms: number }>()
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    const m = /ms: (Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep)\b.*?MB, ([\d.]+) \//.exec(line)
    if (!m) continue
    const k = kinds.get(m[1]!) ?? { count: 0, ms: 0 }
    k.count++
    k.ms += Number(m[2])
    kinds.set(m[1]!, k)
  }
  return [...kinds].map(([kind, k]) => `${kind} ${k.count}× ${k.ms.toFixed(0)} ms`).join(', ')
}

/** Posts every chunk (none completing) and cancels: wall and server CPU seconds of the posts alone. */
async function ingestOnly(client: ReturnType<typeof httpClient>, api: string, server: ServerProcess) {
  const bodies = [...chunkBodies(n)].map((b) => b.replace(/"completed":true}$/, '"completed":false}'))
  const source = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
    json: { name: 'ingest bench', type: 'external' },
  })
  await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, { json: hardwareDocument })
  const started = await client.expect<{ links: { submitResults: string; cancel: string } }>(
    200,
    'POST',
    `${api}/importsource/${source.id}/executions`,
  )
  const cpu0 = server.cpuSeconds()
  const th0 = threadCpu(server.pid)
  const t0 = performance.now()
  for (const text of bodies) {
    const res = await client.call('POST', started.links.submitResults, { text })
    if (res.status !== 200) throw new Error(`chunk: ${res.status} ${JSON.stringify(res.body)}`)
  }
  const wall = (performance.now() - t0) / 1000
  const cpu = server.cpuSeconds() - cpu0
  const th1 = threadCpu(server.pid)
  await client.expect(200, 'DELETE', started.links.cancel)
  return { wall, cpu, main: th1.main - th0.main }
}

for (const db of await scratchDatabases(pgUrl)) {
  if (pgUrl && db.name === 'sqlite') {
    await db.drop()
    continue
  }
  const here = process.cwd()
  const profileDir = path.resolve('bench/out/profiles')
  process.chdir(root)
  const extraEnv = Object.fromEntries(
    process.argv.filter((a) => a.startsWith('--env=')).map((a) => a.slice('--env='.length).split('=', 2)),
  )
  const server = await startServerProcess(db.env, {
    extraEnv,
    nodeArgs: [
      ...(process.argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...process.argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length)),
    ],
  })
  process.chdir(here)
  const client = httpClient()
  try {
    const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
    if (process.argv.includes('--ingest-only')) {
      const { wall, cpu, main } = await ingestOnly(client, api, server)
      process.stdout.write(
        `${label} ${db.name} rows=${n} ingest only ${wall.toFixed(2)} s (${us(wall)} µs/entry), server CPU ${cpu.toFixed(2)} s (${us(cpu)} µs/entry; main thread ${main.toFixed(2)} s, ${us(main)} µs/entry) | load ${os.loadavg()[0]!.toFixed(2)}\n`,
      )
      continue
    }
    const cpu0 = server.cpuSeconds()
    let cpuIngest = 0
    const push = await pushHardware(client, api, n, label, log, () => {
      cpuIngest = server.cpuSeconds() - cpu0
    })
    const cpuAll = server.cpuSeconds() - cpu0
    const read = push.type.readExternalDataTimeInMs / 1000
    const phases = Object.values(phasesOf(push.type))
      .map((ms) => us(ms / 1000))
      .join(' / ')
    process.stdout.write(
      `${label} ${db.name} rows=${n} ingest ${push.ingestSeconds.toFixed(2)} s (${us(push.ingestSeconds)} µs/entry, client ${push.clientSeconds.toFixed(2)} s) ` +
        `server CPU ingest ${cpuIngest.toFixed(2)} s (${us(cpuIngest)} µs/entry) | processing ${push.processingSeconds.toFixed(2)} s, server CPU ${(cpuAll - cpuIngest).toFixed(2)} s | engine read ${read.toFixed(2)} s (${us(read)} µs/entry; read / map / decide / write / post ${phases} µs/entry, run ${push.runSeconds.toFixed(2)} s, queue ${push.queueSeconds.toFixed(2)} s) | end to end ${push.endToEndSeconds.toFixed(2)} s | peak RSS ${server.peakRssMb()} MB | load ${os.loadavg()[0]!.toFixed(2)}\n`,
    )
  } finally {
    client.close()
    await server.stop()
    const keep = arg('keep-log')
    if (keep) fs.copyFileSync(server.logFile, keep)
    if (process.argv.includes('--node-arg=--trace-gc'))
      process.stdout.write(`server GC: ${gcSummary(server.logFile)}\n`)
    await db.drop()
  }
}
