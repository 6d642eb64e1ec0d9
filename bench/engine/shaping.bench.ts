/**
 * What value shaping costs the engine per entry: the hardware mapping of the engine benchmark mapped in process
 * (mapEntry, as the engine calls it) over the same rows twice, once as it is and once with five transformation
 * steps on every attribute. No database: only the mapping is measured, the cost the issue budgets
 * (at most +1 µs per attribute per entry for five steps).
 */
import type { TransformStep } from '../../src/domain/mapping/shaping.types.js'
import { DEFAULT_ENGINE_SETTINGS, type EntryProblem } from '../../src/engine/engine-types.js'
import { mapEntry, type MapContext } from '../../src/engine/map-entry.js'
import type { TypePlan } from '../../src/engine/type-plan.js'
import { HEADER, row, STATUSES } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'
import { benchPlan, normalizedDocument } from './map.bench.js'

/** Five steps that leave the benchmark's values valid for their types (so both runs store the same objects). */
export const FIVE_STEPS: TransformStep[] = [
  { type: 'trim' },
  { type: 'replace', find: '  ', replacement: ' ' },
  { type: 'lookup', table: { 'n/a': '', unknown: '', '-': '' } },
  { type: 'substring', start: 0, length: 200 },
  { type: 'pad', length: 1, fill: '0' },
]

export interface ShapingBenchRow {
  rows: number
  attributes: number
  plainUsPerEntry: number
  shapedUsPerEntry: number
  /** (shaped − plain) / attributes. */
  extraUsPerAttribute: number
  /** The five compiled steps alone, per attribute value: what the difference above measures, without mapEntry. */
  stepsUsPerAttribute: number
}

/** µs per entry of mapping `entries` with `plan`: the best of `passes` passes after a warm-up pass. */
function timeMapping(plan: TypePlan, entries: Record<string, unknown>[], passes: number): number {
  const problems: EntryProblem[] = []
  const ctx: MapContext = {
    settings: DEFAULT_ENGINE_SETTINGS,
    concatenator: '-',
    coerceOptions: {},
    statusNames: STATUSES,
    problems,
  }
  let best = Infinity
  for (let pass = 0; pass <= passes; pass++) {
    const start = performance.now()
    for (let i = 0; i < entries.length; i++) {
      const outcome = mapEntry(plan, entries[i]!, 'x', ctx)
      if (outcome.kind !== 'mapped') throw new Error(`entry ${i} was not mapped: ${outcome.kind}`)
    }
    const ms = performance.now() - start
    if (pass > 0) best = Math.min(best, ms)
  }
  if (problems.length) throw new Error(`mapping problems: ${JSON.stringify(problems.slice(0, 3))}`)
  return (best * 1000) / entries.length
}

/** The engine benchmark's hardware document with FIVE_STEPS on every attribute (and externalIds of its own). */
export function shapedHardwareDocument(): typeof hardwareDocument {
  const document = JSON.parse(
    JSON.stringify(hardwareDocument).replaceAll('"hw/', '"hw5/'),
  ) as typeof hardwareDocument
  document.schema.objectSchema.name = 'Hardware bench, shaped'
  for (const m of document.mapping.objectTypeMappings[0]!.attributesMapping)
    Object.assign(m, { transformations: FIVE_STEPS })
  return document
}

export function benchShaping(n: number, passes = 3): ShapingBenchRow {
  const entries = Array.from({ length: n }, (_, i) => {
    const values = row(i)
    return Object.fromEntries(HEADER.map((h, c) => [h, values[c]!]))
  })
  const plain = benchPlan(normalizedDocument(hardwareDocument))
  const shaped = benchPlan(normalizedDocument(shapedHardwareDocument()))
  // Interleaved rounds, the best of each kept: the machine is shared, and noise only ever adds time.
  let plainUs = Infinity
  let shapedUs = Infinity
  let stepsUs = Infinity
  for (let round = 0; round < 10; round++) {
    plainUs = Math.min(plainUs, timeMapping(plain, entries, passes))
    shapedUs = Math.min(shapedUs, timeMapping(shaped, entries, passes))
    stepsUs = Math.min(stepsUs, timeSteps(shaped, entries, passes))
  }
  const attributes = plain.attributes.length
  return {
    rows: n,
    attributes,
    plainUsPerEntry: plainUs,
    shapedUsPerEntry: shapedUs,
    extraUsPerAttribute: (shapedUs - plainUs) / attributes,
    stepsUsPerAttribute: stepsUs,
  }
}

/** µs per attribute value of running the compiled shapers alone over what the locators read. */
function timeSteps(plan: TypePlan, entries: Record<string, unknown>[], passes: number): number {
  const shapers = plan.attributes.map((a) => ({ read: a.readers[0]!, shape: a.shape! }))
  let best = Infinity
  let sink = 0
  for (let pass = 0; pass <= passes; pass++) {
    const start = performance.now()
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      for (let j = 0; j < shapers.length; j++) {
        const v = shapers[j]!.shape(shapers[j]!.read(entry), entry)
        if (typeof v === 'string') sink += v.length
      }
    }
    const ms = performance.now() - start
    if (pass > 0) best = Math.min(best, ms)
  }
  if (sink === 0) throw new Error('the steps produced nothing')
  return (best * 1000) / (entries.length * shapers.length)
}

export function shapingTable(r: ShapingBenchRow): string {
  const f = (x: number) => x.toFixed(2)
  return [
    '| rows | attributes | mapping µs/entry, as is | with 5 steps per attribute | extra µs per attribute per entry | the 5 steps alone, µs per attribute value |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${r.rows} | ${r.attributes} | ${f(r.plainUsPerEntry)} | ${f(r.shapedUsPerEntry)} | ${f(r.extraUsPerAttribute)} | ${f(r.stepsUsPerAttribute)} |`,
  ].join('\n')
}
