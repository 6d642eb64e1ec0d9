import type {
  NormalizedDocument,
  NormalizedObjectTypeMapping,
  MissingObjectsSetting,
} from '../domain/mapping/document.types.js'
import { DEFAULT_MISSING_OBJECTS } from '../domain/mapping/document.types.js'
import { attributeKey } from '../domain/mapping/mapping-keys.js'
import type { AttributeDef, ObjectTypeDef } from '../domain/schema/types.js'
import type { AttributeShaper } from '../domain/mapping/attribute-shaping.js'
import { compileAttributeShaping, compileEntryCondition } from '../domain/mapping/attribute-shaping.js'
import type { EntryPredicate } from '../domain/mapping/entry-condition.js'
import type { EngineSettings } from './engine-types.js'
import { compileLocator, splitSelector } from './selector.js'

/** One mapped attribute, compiled: its definition, locator readers and reference template. */
export interface AttributePlan {
  attribute: AttributeDef
  readers: ((entry: Record<string, unknown>) => unknown)[]
  identity: boolean
  /** objectMappingIQL of a referenced_object attribute. */
  referenceQuery: string | null
  /** Name of the first locator, used for `${…}` placeholders. */
  locatorNames: string[]
  /** Conditional values, transformations and default value, compiled once; null when the mapping has none. */
  shape?: AttributeShaper | null
  /** Per locator: whether it read a value in some entry of this execution (set while mapping). */
  readSomething: boolean[]
  /**
   * The readers of the fields its shaping reads of the entry (conditions, templates), each compiled once: with the
   * locators' values, what the source fingerprint hashes (source-fingerprint.ts). Undefined when it reads none.
   */
  shapeReaders?: ((entry: Record<string, unknown>) => unknown)[]
}

/** Everything the engine needs to turn entries of one object type mapping into objects. */
export interface TypePlan {
  type: ObjectTypeDef
  mapping: NormalizedObjectTypeMapping
  selector: string[]
  attributes: AttributePlan[]
  labelAttribute: AttributeDef | null
  /** Every attribute of the type, mapped or not (by id). */
  allAttributes: Map<number, AttributeDef>
  emptyValues: 'IGNORE' | 'REMOVE'
  unknownValues: 'IGNORE' | 'ADD'
  ignoreCase: boolean
  missing: MissingObjectsSetting
  selectorQlQuery: string | null
  /** The mapping's entry filter, compiled once; null = every entry is mapped. */
  condition?: EntryPredicate | null
}

export interface PlanCatalog {
  typesByExternalId: Map<string, ObjectTypeDef>
  attributesByType: Map<number, AttributeDef[]>
}

/**
 * Compiles the enabled mappings of a document, in dependency order: a type comes before the types whose
 * references point at it (cycles and self-references keep document order; references resolve in a later pass).
 */
export function compilePlans(
  document: NormalizedDocument,
  catalog: PlanCatalog,
  settings: EngineSettings,
): TypePlan[] {
  const plans: TypePlan[] = []
  const shaping = {
    concatenator: settings.concatenator.replace(/\\s/g, ' '),
    zone: settings.zone,
    locator: compileLocator,
  }
  for (const mapping of document.objectTypeMappings) {
    if (mapping.disabled) continue
    const type = catalog.typesByExternalId.get(mapping.objectTypeExternalId)
    if (!type)
      throw new Error(`mapping names object type ${mapping.objectTypeExternalId}, which the schema lacks`)
    const attrs = catalog.attributesByType.get(type.id) ?? []
    const byExternalId = new Map(attrs.map((a) => [attributeKey(a), a]))
    const attributes: AttributePlan[] = mapping.attributesMapping.map((m) => {
      const attribute = byExternalId.get(m.attributeExternalId)
      if (!attribute)
        throw new Error(`mapping names attribute ${m.attributeExternalId}, which ${type.name} lacks`)
      // Every field the shaping reads of an entry goes through its locator compiler: recorded here.
      const shapeReaders: ((entry: Record<string, unknown>) => unknown)[] = []
      const locator = (name: string): ((entry: Record<string, unknown>) => unknown) => {
        const read = compileLocator(name)
        shapeReaders.push(read)
        return read
      }
      return {
        attribute,
        readers: m.attributeLocators.map(compileLocator),
        identity: m.externalIdPart,
        referenceQuery: m.objectMappingIQL,
        locatorNames: m.attributeLocators,
        shape: compileAttributeShaping(m, { ...shaping, locator }),
        readSomething: m.attributeLocators.map(() => false),
        ...(shapeReaders.length ? { shapeReaders } : {}),
      }
    })
    plans.push({
      type,
      mapping,
      selector: splitSelector(mapping.selector),
      attributes,
      labelAttribute: attrs.find((a) => a.label) ?? null,
      allAttributes: new Map(attrs.map((a) => [a.id, a])),
      emptyValues: mapping.emptyValues ?? settings.emptyValues,
      unknownValues: mapping.unknownValues ?? settings.unknownValues,
      ignoreCase: mapping.matchIdentifierIgnoreCase ?? settings.matchIdentifierIgnoreCase,
      missing: mapping.missingObjects ?? DEFAULT_MISSING_OBJECTS,
      selectorQlQuery: mapping.selectorQlQuery,
      condition: mapping.condition === undefined ? null : compileEntryCondition(mapping.condition, shaping),
    })
  }
  return dependencyOrder(plans)
}

function dependencyOrder(plans: TypePlan[]): TypePlan[] {
  const byType = new Map(plans.map((p) => [p.type.id, p]))
  const out: TypePlan[] = []
  const state = new Map<number, 'visiting' | 'done'>()
  const visit = (p: TypePlan): void => {
    if (state.get(p.type.id)) return
    state.set(p.type.id, 'visiting')
    for (const a of p.attributes) {
      const target = a.attribute.referenceObjectTypeId
      const dep = target === null ? undefined : byType.get(target)
      if (dep && dep !== p) visit(dep)
    }
    state.set(p.type.id, 'done')
    out.push(p)
  }
  plans.forEach(visit)
  return out
}
