import { describe, expect, it } from 'vitest'
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/engine/engine-types.js'
import { compilePlans, type PlanCatalog } from '../../../src/engine/type-plan.js'
import { entryHash } from '../../../src/engine/decide.js'
import type {
  NormalizedDocument,
  NormalizedObjectTypeMapping,
} from '../../../src/domain/mapping/document.types.js'
import type { ObjectTypeDef } from '../../../src/domain/schema/types.js'
import { attribute, mapOne, mapped, plan } from './plan-builder.js'

function type(id: number, externalId: string, name: string): ObjectTypeDef {
  return {
    id,
    objectSchemaId: 1,
    parentObjectTypeId: null,
    externalId,
    name,
    description: '',
    iconKey: null,
    position: id,
  }
}

function mapping(
  objectTypeExternalId: string,
  attrs: { externalId: string; iql?: string }[],
  extra: Partial<NormalizedObjectTypeMapping> = {},
): NormalizedObjectTypeMapping {
  return {
    objectTypeExternalId,
    objectTypeName: objectTypeExternalId,
    selector: objectTypeExternalId,
    description: '',
    attributesMapping: attrs.map((a, i) => ({
      attributeExternalId: a.externalId,
      attributeName: a.externalId,
      attributeLocators: [a.externalId],
      externalIdPart: i === 0,
      objectMappingIQL: a.iql ?? null,
    })),
    selectorQlQuery: null,
    missingObjects: null,
    emptyValues: null,
    unknownValues: null,
    matchIdentifierIgnoreCase: null,
    disabled: false,
    ...extra,
  }
}

describe('compilePlans', () => {
  const drive = type(1, 'hd', 'Hard Drive')
  const os = type(2, 'os', 'Operating System')
  const vendor = type(3, 'vendor', 'Vendor')
  const catalog: PlanCatalog = {
    typesByExternalId: new Map([drive, os, vendor].map((t) => [t.externalId!, t])),
    attributesByType: new Map([
      [
        1,
        [
          attribute('DUID', 'text', { externalId: 'hd-id', objectTypeId: 1, label: true }),
          attribute('OS', 'referenced_object', {
            externalId: 'hd-os',
            objectTypeId: 1,
            referenceObjectTypeId: 2,
          }),
          attribute('Backup', 'referenced_object', {
            externalId: 'hd-backup',
            objectTypeId: 1,
            referenceObjectTypeId: 1,
          }),
        ],
      ],
      [
        2,
        [
          attribute('Name', 'text', { externalId: 'os-name', objectTypeId: 2 }),
          attribute('Vendor', 'referenced_object', {
            externalId: 'os-vendor',
            objectTypeId: 2,
            referenceObjectTypeId: 3,
          }),
        ],
      ],
      [3, [attribute('Name', 'text', { externalId: 'vendor-name', objectTypeId: 3 })]],
    ]),
  }
  const doc = (mappings: NormalizedObjectTypeMapping[]): NormalizedDocument => ({
    objectSchema: { name: 'S', description: '' },
    objectTypes: [],
    icons: [],
    statuses: [],
    objectTypeMappings: mappings,
  })
  const hd = mapping('hd', [{ externalId: 'hd-id' }, { externalId: 'hd-os' }, { externalId: 'hd-backup' }])
  const osm = mapping('os', [{ externalId: 'os-name' }, { externalId: 'os-vendor' }])
  const vm = mapping('vendor', [{ externalId: 'vendor-name' }])

  it('orders a type before the types whose references need it, transitively', () => {
    const plans = compilePlans(doc([hd, osm, vm]), catalog, DEFAULT_ENGINE_SETTINGS)
    expect(plans.map((p) => p.type.name)).toEqual(['Vendor', 'Operating System', 'Hard Drive'])
  })

  it('keeps document order where references do not force another (self-references included)', () => {
    const plans = compilePlans(doc([vm, hd]), catalog, DEFAULT_ENGINE_SETTINGS)
    expect(plans.map((p) => p.type.name)).toEqual(['Vendor', 'Hard Drive'])
  })

  it('leaves disabled mappings out', () => {
    const plans = compilePlans(doc([hd, { ...osm, disabled: true }]), catalog, DEFAULT_ENGINE_SETTINGS)
    expect(plans.map((p) => p.type.name)).toEqual(['Hard Drive'])
  })

  it('takes the source defaults unless the mapping overrides them', () => {
    const settings = {
      ...DEFAULT_ENGINE_SETTINGS,
      emptyValues: 'REMOVE' as const,
      unknownValues: 'ADD' as const,
      matchIdentifierIgnoreCase: true,
    }
    const [fromSource] = compilePlans(doc([vm]), catalog, settings)
    expect(fromSource).toMatchObject({ emptyValues: 'REMOVE', unknownValues: 'ADD', ignoreCase: true })
    const [overridden] = compilePlans(
      doc([{ ...vm, emptyValues: 'IGNORE', unknownValues: 'IGNORE', matchIdentifierIgnoreCase: false }]),
      catalog,
      settings,
    )
    expect(overridden).toMatchObject({ emptyValues: 'IGNORE', unknownValues: 'IGNORE', ignoreCase: false })
    expect(overridden!.missing).toMatchObject({ policy: 'IGNORE', threshold: 0, thresholdType: 'RUNS' })
  })

  it('refuses a mapping that names a type or an attribute the schema lacks', () => {
    expect(() => compilePlans(doc([mapping('nope', [])]), catalog, DEFAULT_ENGINE_SETTINGS)).toThrow(/nope/)
    expect(() =>
      compilePlans(
        doc([mapping('vendor', [{ externalId: 'missing-attr' }])]),
        catalog,
        DEFAULT_ENGINE_SETTINGS,
      ),
    ).toThrow(/missing-attr/)
  })
})

describe('entryHash', () => {
  const id = attribute('Id', 'text')
  const size = attribute('Size', 'integer')
  const owner = attribute('Owner', 'referenced_object')
  const attrs = [
    { attribute: id, locators: ['id'], identity: true },
    { attribute: size, locators: ['size'] },
    { attribute: owner, locators: ['owner'] },
  ]
  const p = plan(attrs)
  const hash = (entry: Record<string, unknown>, q = p) => entryHash(q, mapped(mapOne(q, entry)))

  it('is equal for entries that map to the same values, however the source spells them', () => {
    expect(hash({ id: 'a', size: 5, owner: 'bob' })).toBe(hash({ id: ' a ', size: '5', owner: ' bob' }))
  })

  it('changes when a value changes', () => {
    expect(hash({ id: 'a', size: 5 })).not.toBe(hash({ id: 'a', size: 6 }))
  })

  it('changes when a reference text changes (so the reference is resolved again)', () => {
    expect(hash({ id: 'a', owner: 'bob' })).not.toBe(hash({ id: 'a', owner: 'alice' }))
  })

  it('depends on the empty-values policy, so switching it re-examines every object', () => {
    const entry = { id: 'a', size: 5 }
    expect(hash(entry, plan(attrs, { emptyValues: 'IGNORE' }))).not.toBe(
      hash(entry, plan(attrs, { emptyValues: 'REMOVE' })),
    )
  })
})
