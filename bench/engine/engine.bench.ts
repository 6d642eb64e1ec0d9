import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TypeResult } from '../../src/engine/result.js'
import { countersOf, phasesOf, withPeakRss, type Phases } from '../bench-kit.js'
import { postgresBaseline, sqliteBaseline } from './baselines.js'
import { againstTarget, PHASES, phaseBudget, ratioTarget, type BenchEngine } from './budgets.js'
import { engineFirstLoad, engineRunner } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'
import { shapedHardwareDocument } from './shaping.bench.js'

export interface EngineBenchRow {
  engine: BenchEngine
  scenario: string
  rows: number
  seconds: number
  baselineSeconds: number
  phases: Phases
  /**
   * The part of `seconds` no phase of the table counts: what runs before the engine's transaction (the benchmark's
   * execution row, the catalog read and the mapping's compilation; a selectorQlQuery's filter time too, which the
   * benchmark's mapping has none of). Printed so that the phases and this add up to the total.
   */
  otherMs: number
  counters: string
  peakRssMb: number
}

/** Milliseconds of a run of `seconds` that none of the table's phases counts. */
export function outsidePhases(seconds: number, t: TypeResult): number {
  return seconds * 1000 - PHASES.reduce((sum, p) => sum + t[p.field], 0)
}

/**
 * The engine benchmark on one database: first load, re-import unchanged, re-import with 10 % changed, 5 % gone
 * (policy REMOVE) and 5 % new — each beside its raw baseline measured in the same run; then the first load again on
 * a fresh database with five transformation steps on every attribute (its map phase beside the first load's).
 */
export async function benchEngine(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
  {
    firstOnly = false,
    shaped: shapedScenario = true,
  }: {
    /** The first load and its baseline alone: no re-imports, no transformation run. */
    firstOnly?: boolean
    /** false: leave out the first load with transformation steps (a fresh database and a whole first load more). */
    shaped?: boolean
  } = {},
): Promise<EngineBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-engine-bench-'))
  const files = {
    first: path.join(dir, 'first.csv'),
    changed: path.join(dir, 'changed.csv'),
  }
  const firstRows = writeCsv(files.first, { n })
  const changedRows = writeCsv(files.changed, {
    n,
    changedEvery: 10,
    goneEvery: 20,
    extra: Math.floor(n / 20),
  })
  const { runOnce, close } = await engineRunner(env)
  const baseline = (csv: string): Promise<number> =>
    engine === 'sqlite'
      ? sqliteBaseline(csv, path.join(dir, 'baseline.db'))
      : postgresBaseline(csv, env.DATABASE_URL!)

  const rows: EngineBenchRow[] = []
  const scenarios: [string, string, number][] = [
    ['first load', files.first, firstRows],
    ['re-import unchanged', files.first, firstRows],
    ['re-import 10% changed, 5% gone, 5% new', files.changed, changedRows],
  ].slice(0, firstOnly ? 1 : 3) as [string, string, number][]
  try {
    for (const [scenario, csv, count] of scenarios) {
      const baselineSeconds = await baseline(csv)
      const start = performance.now()
      const { value: result, peakMb } = await withPeakRss(() => runOnce(csv))
      const seconds = (performance.now() - start) / 1000
      const t = Object.values(result.objectTypeResultMap)[0]!
      const row: EngineBenchRow = {
        engine,
        scenario,
        rows: count,
        seconds,
        baselineSeconds,
        phases: phasesOf(t),
        otherMs: outsidePhases(seconds, t),
        counters: countersOf(t, result.problemCount),
        peakRssMb: peakMb,
      }
      log(
        `${engine} ${scenario}: ${seconds.toFixed(1)} s (baseline ${baselineSeconds.toFixed(1)} s) ${row.counters}`,
      )
      rows.push(row)
    }
    if (firstOnly || !shapedScenario) return rows
    const scenario = 'first load, 5 transformation steps per attribute'
    const shaped = await engineFirstLoad(env, files.first, firstRows, shapedHardwareDocument())
    const row: EngineBenchRow = {
      engine,
      scenario,
      rows: firstRows,
      seconds: shaped.seconds,
      baselineSeconds: rows[0]!.baselineSeconds,
      phases: phasesOf(shaped.type),
      otherMs: outsidePhases(shaped.seconds, shaped.type),
      counters: countersOf(shaped.type, 0),
      peakRssMb: shaped.peakMb,
    }
    log(`${engine} ${scenario}: ${shaped.seconds.toFixed(1)} s ${row.counters}`)
    rows.push(row)
  } finally {
    await close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/**
 * Two tables: seconds, rows/s and the ratio to the baseline next to the issue's target ratio; then each phase in µs
 * per entry next to its budget (over budget in bold with ✗), and `other`, the time outside every phase, so that
 * each row adds up to its total.
 */
export function engineTable(rows: EngineBenchRow[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1)
  const us = (r: EngineBenchRow, ms: number) => (ms * 1000) / r.rows
  return [
    `| engine | scenario | rows | engine s | rows/s | baseline s | ratio vs target | ${PHASES.map((p) => p.name).join(' / ')} / other s | peak RSS MB | result |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds)} | ${r.baselineSeconds.toFixed(1)} | ${againstTarget(r.seconds / r.baselineSeconds, ratioTarget(r.engine, r.scenario), 2, '×')} | ${[...PHASES.map((p) => r.phases[p.field]), r.otherMs].map(s).join(' / ')} | ${r.peakRssMb} | ${r.counters} |`,
    ),
    '',
    `| engine | scenario | ${PHASES.map((p) => `${p.name} µs/entry`).join(' | ')} | other µs/entry | total µs/entry |`,
    `| --- | --- | ${PHASES.map(() => '---:').join(' | ')} | ---: | ---: |`,
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${PHASES.map((p) => againstTarget(us(r, r.phases[p.field]), phaseBudget(p.name, r.engine, r.scenario), 2)).join(' | ')} | ${us(r, r.otherMs).toFixed(2)} | ${us(r, r.seconds * 1000).toFixed(2)} |`,
    ),
  ].join('\n')
}
