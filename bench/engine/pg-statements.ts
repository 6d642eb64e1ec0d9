/**
 * Where the PostgreSQL engine's time goes, statement by statement: `npx tsx bench/engine/pg-statements.ts
 * --rows=100000`. Runs the engine benchmark's first load, unchanged re-import and 10 %-changed re-import on a scratch
 * database and prints, per statement shape, calls, rows sent, wall time and the server backend's CPU time (read
 * from /proc/<backend pid>/stat before and after each statement, so the machine's other load counts less than in
 * wall time; needs the server on this machine). COPY statements count until the server acknowledged their end.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freshDatabase } from '../scratch.js'
import { engineRunner } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TICK_MS = 1000 / 100

interface Stat {
  calls: number
  wallMs: number
  cpuMs: number
}
let stats = new Map<string, Stat>()
/** This process's CPU time during the scenario (ms). */
let nodeCpuMs = 0

/** utime + stime of a process in ms (0 when it cannot be read). */
function cpuOf(pid: number | undefined): number {
  if (!pid) return 0
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return 0
  }
}

/** A statement's shape: whitespace collapsed, literals and parameters folded, cut to 110 characters. */
function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '$')
    .replace(/\b\d+\b/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 110)
}

function record(key: string, wall: number, cpu: number): void {
  let s = stats.get(key)
  if (!s) stats.set(key, (s = { calls: 0, wallMs: 0, cpuMs: 0 }))
  s.calls++
  s.wallMs += wall
  s.cpuMs += cpu
}

const original = pg.Client.prototype.query
pg.Client.prototype.query = function (this: pg.Client & { processID?: number }, ...args: unknown[]) {
  const first = args[0] as { text?: string; on?: unknown } | string
  const text = typeof first === 'string' ? first : (first?.text ?? '')
  const pid = this.processID
  const t0 = performance.now()
  const c0 = cpuOf(pid)
  const out = (original as (...a: unknown[]) => unknown).apply(this, args)
  const done = (): void => record(shape(text), performance.now() - t0, cpuOf(pid) - c0)
  if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(done, done)
  else if (out && typeof (out as NodeJS.EventEmitter).on === 'function') {
    const stream = out as NodeJS.EventEmitter
    stream.on('finish', done)
  }
  return out
} as typeof original

function table(title: string, total: number): void {
  const rows = [...stats].sort((a, b) => b[1].cpuMs + b[1].wallMs - (a[1].cpuMs + a[1].wallMs))
  let wall = 0
  let cpu = 0
  for (const [, s] of rows) {
    wall += s.wallMs
    cpu += s.cpuMs
  }
  console.log(
    `\n### ${title}: ${(total / 1000).toFixed(1)} s in all; in statements: wall ${(wall / 1000).toFixed(1)} s, server CPU ${(cpu / 1000).toFixed(1)} s (${((cpu * 1000) / n).toFixed(1)} µs/entry); this process's CPU ${(nodeCpuMs / 1000).toFixed(1)} s (${((nodeCpuMs * 1000) / n).toFixed(1)} µs/entry)`,
  )
  console.log('| statement | calls | wall s | wall µs/entry | server CPU s | CPU µs/entry |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const [k, s] of rows.slice(0, 30)) {
    if (s.wallMs < 5) continue
    console.log(
      `| \`${k.replace(/\|/g, '/')}\` | ${s.calls} | ${(s.wallMs / 1000).toFixed(2)} | ${((s.wallMs * 1000) / n).toFixed(2)} | ${(s.cpuMs / 1000).toFixed(2)} | ${((s.cpuMs * 1000) / n).toFixed(2)} |`,
    )
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-pgstat-'))
const first = path.join(dir, 'first.csv')
const changed = path.join(dir, 'changed.csv')
writeCsv(first, { n })
writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
const db = await freshDatabase({ DATABASE_URL: admin })
const runner = await engineRunner(db.env)
const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1]
try {
  const scenarios: [string, string][] = [
    ['first load', first],
    ['re-import unchanged', first],
    ['re-import 10% changed', changed],
  ]
  for (const [name, csv] of scenarios) {
    stats = new Map()
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const result = await runner.runOnce(csv)
    const cpu = process.cpuUsage(cpu0)
    nodeCpuMs = (cpu.user + cpu.system) / 1000
    const t = Object.values(result.objectTypeResultMap)[0]!
    const phases = [
      t.readExternalDataTimeInMs,
      t.mapExternalDataTimeInMs,
      t.decidingActionsTimeInMs,
      t.writeInsightDataTimeInMs,
      t.postFunctionTimeInMs,
    ]
      .map((ms) => ((ms * 1000) / n).toFixed(1))
      .join(' / ')
    if (!only || name.startsWith(only))
      table(`${name} (read / map / decide / write / post µs/entry: ${phases})`, performance.now() - t0)
  }
} finally {
  await runner.close()
  await db.drop()
  fs.rmSync(dir, { recursive: true, force: true })
  pg.Client.prototype.query = original
}
