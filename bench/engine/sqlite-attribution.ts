/**
 * Attribution of a SQLite engine run, statement by statement (the counterpart of pg-write-attribution.ts):
 * `npx tsx bench/engine/sqlite-attribution.ts --rows=200000 [--reimport]`. `--reimport`: the first load and the
 * unchanged re-import run unmeasured, then the engine benchmark's re-import with 10 % changed, 5 % gone and 5 % new
 * is attributed. For each statement shape: calls, wall time and this process's CPU inside the call (better-sqlite3
 * is synchronous: the statement's whole work). `iterate` is counted by its calls only (its rows are read later).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { engineRunner } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'
import { wallByPhase } from './statement-phases.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 200000)
const reimport = process.argv.includes('--reimport')

interface Stat {
  calls: number
  wallMs: number
  cpuMs: number
}
const stats = new Map<string, Stat>()
let measuring = false

function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\?(, ?\?)+/g, '?,…')
    .replace(/\(\?,…\)(, ?\(\?,…\))+/g, '(?,…),…')
    .replace(/\b\d+\b/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 110)
}

const cpuMs = (): number => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

/** The engine's phase (onProgress): reading (read, map, decide, write), then missing, references, finishing. */
let phase = 'reading'

function count(text: string, wall: number, cpu: number): void {
  if (!measuring) return
  const key = `${phase}: ${text}`
  let s = stats.get(key)
  if (!s) stats.set(key, (s = { calls: 0, wallMs: 0, cpuMs: 0 }))
  s.calls++
  s.wallMs += wall
  s.cpuMs += cpu
}

const proto = SqliteDatabase.prototype as unknown as {
  prepare: (s: string) => SqliteDatabase.Statement
  exec: (s: string) => unknown
}
const prepare = proto.prepare
proto.prepare = function (this: unknown, text: string) {
  const st = prepare.call(this, text)
  const key = shape(text)
  for (const m of ['run', 'all', 'get', 'iterate'] as const) {
    const f = (st as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!
    ;(st as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      const c = cpuMs()
      const t = performance.now()
      try {
        return f.apply(st, a)
      } finally {
        count(key, performance.now() - t, cpuMs() - c)
      }
    }
  }
  return st
}
const exec = proto.exec
proto.exec = function (this: unknown, text: string) {
  const c = cpuMs()
  const t = performance.now()
  try {
    return exec.call(this, text)
  } finally {
    count(shape(text), performance.now() - t, cpuMs() - c)
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sqlattr-'))
const first = path.join(dir, 'first.csv')
writeCsv(first, { n })
const changed = path.join(dir, 'changed.csv')
if (reimport) writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
const runner = await engineRunner({ INTAKE_DATA_DIR: dir })
try {
  if (reimport) for (let i = 0; i < 2; i++) await runner.runOnce(first)
  measuring = true
  const t0 = performance.now()
  const c0 = cpuMs()
  phase = 'reading'
  // The process's CPU per phase (better-sqlite3 is synchronous: the statements' work included).
  const phaseCpu = new Map<string, number>()
  let mark = cpuMs()
  const result = await runner.runOnce(reimport ? changed : first, {
    onProgress: (p) => {
      if (p.phase === phase) return
      const now = cpuMs()
      phaseCpu.set(phase, (phaseCpu.get(phase) ?? 0) + now - mark)
      mark = now
      phase = p.phase
    },
  })
  phaseCpu.set(phase, (phaseCpu.get(phase) ?? 0) + cpuMs() - mark)
  const total = performance.now() - t0
  const cpu = cpuMs() - c0
  measuring = false
  const t = Object.values(result.objectTypeResultMap)[0]!
  const per = (x: number): string => ((x * 1000) / n).toFixed(2)
  const phases = [
    t.readExternalDataTimeInMs,
    t.mapExternalDataTimeInMs,
    t.decidingActionsTimeInMs,
    t.writeInsightDataTimeInMs,
    t.postFunctionTimeInMs,
  ]
    .map(per)
    .join(' / ')
  let wall = 0
  for (const s of stats.values()) wall += s.wallMs
  console.log(
    `${reimport ? 're-import 10 % changed, 5 % gone, 5 % new of' : 'first load'} ${n}: ${(total / 1000).toFixed(2)} s; ` +
      `phases read / map / decide / write / post µs/entry ${phases}; CPU ${per(cpu)} µs/entry; in statements ${per(wall)} µs/entry; ` +
      `created ${t.objectsCreated} updated ${t.objectsUpdated} identical ${t.objectsIdentical} removed ${t.objectsMissingDeleted} relinked ${t.objectsWithUpdatedReferences}`,
  )
  console.log(
    `process CPU by phase µs/entry: ${[...phaseCpu].map(([p, ms]) => `${p} ${per(ms)}`).join(', ')}`,
  )
  console.log(wallByPhase(stats, per))
  console.log('| statement | calls | wall µs/e | CPU µs/e |')
  console.log('| --- | ---: | ---: | ---: |')
  for (const [k, s] of [...stats].sort((a, b) => b[1].wallMs - a[1].wallMs)) {
    if ((s.wallMs * 1000) / n < 0.02) continue
    console.log(`| \`${k.replace(/\|/g, '/')}\` | ${s.calls} | ${per(s.wallMs)} | ${per(s.cpuMs)} |`)
  }
} finally {
  await runner.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
