import type { DataChunk, EngineSettings, EntryProblem } from '../../../src/engine/engine-types.js'
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/engine/engine-types.js'
import { mapEntry, type MapContext, type MapOutcome } from '../../../src/engine/map-entry.js'
import { compileLocator, splitSelector } from '../../../src/engine/selector.js'
import type { AttributePlan, TypePlan } from '../../../src/engine/type-plan.js'
import { DEFAULT_MISSING_OBJECTS } from '../../../src/domain/mapping/document.types.js'
import type { AttributeDef, AttributeKind, CanonicalValue } from '../../../src/domain/schema/types.js'

/** Hand-built TypePlans for unit tests of mapping: no schema, no database. */

const TYPE_ID = 10
let nextAttributeId = 100

export function attribute(
  name: string,
  kind: AttributeKind,
  extra: Partial<AttributeDef> = {},
): AttributeDef {
  const id = nextAttributeId++
  return {
    id,
    objectTypeId: TYPE_ID,
    externalId: `attr/${id}`,
    name,
    description: '',
    kind,
    label: false,
    minimumCardinality: 0,
    maximumCardinality: 1,
    unique: false,
    indexed: false,
    indexState: 'none',
    referenceObjectTypeId: kind === 'referenced_object' ? 99 : null,
    allowedValues: [],
    position: id,
    ...extra,
  }
}

export interface MappedAttribute {
  attribute: AttributeDef
  locators: string[]
  identity?: boolean
  query?: string
}

export interface PlanOptions {
  selector?: string
  emptyValues?: 'IGNORE' | 'REMOVE'
  unknownValues?: 'IGNORE' | 'ADD'
  ignoreCase?: boolean
  /** Attributes of the type that no mapping names. */
  unmapped?: AttributeDef[]
}

export function plan(mapped: MappedAttribute[], options: PlanOptions = {}): TypePlan {
  const attributes: AttributePlan[] = mapped.map((m) => ({
    attribute: m.attribute,
    readers: m.locators.map(compileLocator),
    identity: m.identity === true,
    referenceQuery: m.query ?? null,
    locatorNames: m.locators,
    readSomething: m.locators.map(() => false),
  }))
  const all = [...mapped.map((m) => m.attribute), ...(options.unmapped ?? [])]
  const selector = options.selector ?? 'items'
  return {
    type: {
      id: TYPE_ID,
      objectSchemaId: 1,
      parentObjectTypeId: null,
      externalId: 'type/test',
      name: 'Test Type',
      description: '',
      iconKey: null,
      position: 0,
    },
    mapping: {
      objectTypeExternalId: 'type/test',
      objectTypeName: 'Test Type',
      selector,
      description: '',
      attributesMapping: mapped.map((m) => ({
        attributeExternalId: m.attribute.externalId!,
        attributeName: m.attribute.name,
        attributeLocators: m.locators,
        externalIdPart: m.identity === true,
        objectMappingIQL: m.query ?? null,
      })),
      selectorQlQuery: null,
      missingObjects: null,
      emptyValues: null,
      unknownValues: null,
      matchIdentifierIgnoreCase: null,
      disabled: false,
    },
    selector: splitSelector(selector),
    attributes,
    labelAttribute: all.find((a) => a.label) ?? null,
    allAttributes: new Map(all.map((a) => [a.id, a])),
    emptyValues: options.emptyValues ?? 'IGNORE',
    unknownValues: options.unknownValues ?? 'IGNORE',
    ignoreCase: options.ignoreCase ?? false,
    missing: DEFAULT_MISSING_OBJECTS,
    selectorQlQuery: null,
  }
}

export interface MapRun {
  outcome: MapOutcome
  problems: EntryProblem[]
}

/** Maps one entry with the given settings (ISO dates, SKIP_VALUE and concatenator `-` unless overridden). */
export function mapOne(
  p: TypePlan,
  entry: DataChunk,
  settings: Partial<EngineSettings> = {},
  statusNames: readonly string[] = [],
): MapRun {
  const merged: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...settings }
  const problems: EntryProblem[] = []
  const ctx: MapContext = {
    settings: merged,
    concatenator: merged.concatenator,
    coerceOptions: {
      ...(merged.dateFormat ? { dateFormat: merged.dateFormat } : {}),
      ...(merged.dateTimeFormat ? { dateTimeFormat: merged.dateTimeFormat } : {}),
      ...(merged.zone ? { zone: merged.zone } : {}),
    },
    statusNames,
    problems,
  }
  return { outcome: mapEntry(p, entry, 'items[0]', ctx), problems }
}

/** The values of a mapped outcome (fails the test when the entry was not mapped). */
export function mappedValues(run: MapRun): ReadonlyMap<number, CanonicalValue[]> {
  if (run.outcome.kind !== 'mapped') throw new Error(`expected a mapped entry, got ${run.outcome.kind}`)
  return run.outcome.mapped.values
}

export function mapped(run: MapRun) {
  if (run.outcome.kind !== 'mapped') throw new Error(`expected a mapped entry, got ${run.outcome.kind}`)
  return run.outcome.mapped
}
