/**
 * The push path alone, for A/B runs: `npx tsx bench/push-ingest.ts --rows=100000 [--root=DIR] [--pg] [--cpu-prof]`.
 * Starts `DIR/dist/cli/bin.js serve` (default: this checkout, built) as `npm start` does, pushes the hardware rows
 * in chunks of 1,000 (bench/http.bench.ts), and prints the ingest (wall seconds and the server's CPU seconds from
 * /proc/<pid>/stat, per entry), the processing after it, and the engine's read phase per entry.
 */
import os from 'node:os'
import path from 'node:path'
import { httpClient } from './bench-kit.js'
import { pushHardware } from './http.bench.js'
import { scratchDatabases } from './scratch.js'
import { startServerProcess } from './server-process.js'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const n = Number(arg('rows') ?? 100_000)
const root = path.resolve(arg('root') ?? '.')
const pgUrl = process.argv.includes('--pg')
  ? (process.env.INTAKE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  : undefined
const label = arg('label') ?? path.basename(root)
const log = (s: string): void => void process.stderr.write(`${s}\n`)

for (const db of await scratchDatabases(pgUrl)) {
  if (pgUrl && db.name === 'sqlite') {
    await db.drop()
    continue
  }
  const here = process.cwd()
  const profileDir = path.resolve('bench/out/profiles')
  process.chdir(root)
  const server = await startServerProcess(db.env, {
    nodeArgs: process.argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  })
  process.chdir(here)
  const client = httpClient()
  try {
    const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
    const cpu0 = server.cpuSeconds()
    let cpuIngest = 0
    const push = await pushHardware(client, api, n, label, log, () => {
      cpuIngest = server.cpuSeconds() - cpu0
    })
    const cpuAll = server.cpuSeconds() - cpu0
    const us = (s: number) => ((s * 1e6) / n).toFixed(2)
    const read = push.type.readExternalDataTimeInMs / 1000
    process.stdout.write(
      `${label} ${db.name} rows=${n} ingest ${push.ingestSeconds.toFixed(2)} s (${us(push.ingestSeconds)} µs/entry, client ${push.clientSeconds.toFixed(2)} s) ` +
        `server CPU ingest ${cpuIngest.toFixed(2)} s (${us(cpuIngest)} µs/entry) | processing ${push.processingSeconds.toFixed(2)} s, server CPU ${(cpuAll - cpuIngest).toFixed(2)} s | engine read ${read.toFixed(2)} s (${us(read)} µs/entry) | end to end ${push.endToEndSeconds.toFixed(2)} s | load ${os.loadavg()[0]!.toFixed(2)}\n`,
    )
  } finally {
    client.close()
    await server.stop()
    await db.drop()
  }
}
