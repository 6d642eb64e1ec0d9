import { describe, expect, it } from 'vitest'
import { configStatus } from '../../../src/domain/import-source/config-status.js'
import { DEFAULT_SETTINGS } from '../../../src/domain/import-source/import-source.types.js'
import { deriveSchemaKey } from '../../../src/domain/import-source/schema-key.js'
import {
  concatenatorText,
  effectiveMappingOptions,
  mergeSettings,
  settingsFromStored,
} from '../../../src/domain/import-source/settings.js'
import type { NormalizedObjectTypeMapping } from '../../../src/domain/mapping/document.types.js'

describe('deriveSchemaKey', () => {
  it.each([
    ['Disk Analysis Tool', 'DAT'],
    ['Inventory', 'INV'],
    ['  network   devices ', 'ND'],
    ['Ünïcode Naïve Tool', 'UNT'],
    ['2024 servers', 'SER'],
    ['A', 'IMP'],
    ['---', 'IMP'],
    ['One Two Three Four Five Six Seven Eight Nine Ten Eleven', 'OTTFFSSEN'],
  ])('%s → %s', (name, key) => {
    expect(deriveSchemaKey(name, [])).toBe(key)
  })

  it('adds digits on collision, case-insensitively, within 10 characters', () => {
    expect(deriveSchemaKey('Disk Analysis Tool', ['DAT'])).toBe('DAT2')
    expect(deriveSchemaKey('Disk Analysis Tool', ['dat', 'DAT2', 'DAT3'])).toBe('DAT4')
    const long = 'One Two Three Four Five Six Seven Eight Nine'
    const taken = ['OTTFFSSEN', ...Array.from({ length: 8 }, (_, i) => `OTTFFSSEN${i + 2}`)]
    expect(deriveSchemaKey(long, taken)).toBe('OTTFFSSE10')
  })
})

describe('settings', () => {
  it('merges a change into the base and keeps the rest', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, { zone: 'Europe/Berlin', dateFormat: 'dd.MM.yyyy' })
    expect(merged).toEqual({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, zone: 'Europe/Berlin', dateFormat: 'dd.MM.yyyy' },
    })
  })

  it('reports every bad member with its field', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, {
      zone: 'Atlantis/Capital',
      dateFormat: 'yyyy G',
      dateTimeFormat: '  ',
      defaultConcatenator: 'x'.repeat(33),
    })
    expect(merged.ok).toBe(false)
    if (merged.ok) return
    expect(merged.problems.map((p) => p.field)).toEqual([
      'settings.defaultConcatenator',
      'settings.dateFormat',
      'settings.dateTimeFormat',
      'settings.zone',
    ])
    expect(merged.problems[1]?.message).toContain('unsupported pattern letter "G"')
  })

  it('reads stored settings with defaults for what is missing or unknown', () => {
    expect(settingsFromStored({ zone: 'Asia/Tokyo', defaultHandleEmptyValues: 'KEEP' })).toEqual({
      ...DEFAULT_SETTINGS,
      zone: 'Asia/Tokyo',
    })
    expect(settingsFromStored(null)).toEqual(DEFAULT_SETTINGS)
  })

  it('reads \\s as a space and drops surrounding quotes of a concatenator', () => {
    expect(concatenatorText('\\s')).toBe(' ')
    expect(concatenatorText('"\\s-\\s"')).toBe(' - ')
    expect(concatenatorText(',')).toBe(',')
  })
})

describe('effectiveMappingOptions', () => {
  const mapping: NormalizedObjectTypeMapping = {
    objectTypeExternalId: 't',
    objectTypeName: 'T',
    selector: 'ts',
    description: '',
    attributesMapping: [],
    selectorQlQuery: null,
    missingObjects: null,
    emptyValues: null,
    unknownValues: null,
    matchIdentifierIgnoreCase: null,
    disabled: false,
  }
  const settings = {
    ...DEFAULT_SETTINGS,
    defaultConcatenator: '\\s',
    defaultHandleEmptyValues: 'REMOVE' as const,
    defaultMatchIdentifierIgnoreCase: true,
  }

  it('takes the source defaults where the mapping sets nothing', () => {
    expect(effectiveMappingOptions(mapping, settings)).toEqual({
      concatenator: ' ',
      emptyValues: 'REMOVE',
      unknownValues: 'IGNORE',
      matchIdentifierIgnoreCase: true,
      missingObjects: {
        policy: 'IGNORE',
        attributeName: null,
        attributeExternalId: null,
        value: null,
        threshold: 0,
        thresholdType: 'RUNS',
      },
      selectorQlQuery: null,
      disabled: false,
      dateFormat: null,
      dateTimeFormat: null,
      zone: 'UTC',
    })
  })

  it("lets the mapping's extensions win", () => {
    const options = effectiveMappingOptions(
      {
        ...mapping,
        emptyValues: 'IGNORE',
        unknownValues: 'ADD',
        matchIdentifierIgnoreCase: false,
        disabled: true,
      },
      settings,
    )
    expect(options).toMatchObject({
      emptyValues: 'IGNORE',
      unknownValues: 'ADD',
      matchIdentifierIgnoreCase: false,
      disabled: true,
    })
  })
})

describe('configStatus', () => {
  it.each([
    [{ enabled: true, hasMapping: true, running: true }, 'RUNNING'],
    [{ enabled: false, hasMapping: true, running: true }, 'RUNNING'],
    [{ enabled: false, hasMapping: false, running: false }, 'DISABLED'],
    [{ enabled: true, hasMapping: false, running: false }, 'MISSING_MAPPING'],
    [{ enabled: true, hasMapping: true, running: false }, 'IDLE'],
  ])('%o → %s', (state, status) => {
    expect(configStatus(state)).toBe(status)
  })
})
