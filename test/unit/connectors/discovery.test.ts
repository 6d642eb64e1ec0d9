import { describe, expect, it } from 'vitest'
import type { SourceSchema } from '../../../src/connectors/connector.js'
import { csvConnector } from '../../../src/connectors/csv/csv.connector.js'
import { FieldCollector, generateDocument, humanize, inferKind } from '../../../src/connectors/discovery.js'
import { jsonConnector } from '../../../src/connectors/json/json.connector.js'
import { CONNECTOR_TYPES, connectorFor } from '../../../src/connectors/registry.js'
import { xlsxConnector } from '../../../src/connectors/xlsx/xlsx.connector.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { CONTEXT } from '../mapping-document/helpers.js'
import { fixture, signal } from './helpers.js'

describe('kind inference', () => {
  it.each([
    [['1', '-20', '+3'], 'integer'],
    [['0', '1', '1'], 'integer'],
    [['1.5', '2', '1e3'], 'double'],
    [['true', 'false', 'Yes', 'no'], 'boolean'],
    [['2024-01-02', '1999-12-31'], 'date'],
    [['2024-01-02T10:00:00Z', '2024-01-02 10:00', '2024-01-03'], 'date_time'],
    [['10.0.0.1', '::1', '2001:db8::1'], 'ipaddress'],
    [['a@example.com', 'b.c@example.org'], 'email'],
    [['https://example.com/x', 'http://a.test'], 'url'],
    [['007', '12'], 'text'],
    [['2024-02-30'], 'text'],
    [['1', 'x'], 'text'],
    [['x'.repeat(256)], 'textarea'],
    [[], 'text'],
    [['', '  '], 'text'],
  ])('%j → %s', (values, kind) => {
    expect(inferKind(values)).toBe(kind)
  })

  it('takes typed values as they are: numbers, booleans, Dates', () => {
    expect(inferKind([1, 2, 3])).toBe('integer')
    expect(inferKind([1, 2.5])).toBe('double')
    expect(inferKind([true, false])).toBe('boolean')
    expect(inferKind([new Date(Date.UTC(2024, 0, 1))])).toBe('date')
    expect(inferKind([new Date(Date.UTC(2024, 0, 1, 5))])).toBe('date_time')
    expect(inferKind([{ a: 1 }])).toBe('text')
  })

  it('counts empty values per field, missing keys included, and keeps up to five distinct samples', () => {
    const collector = new FieldCollector('items')
    for (let i = 0; i < 8; i++) collector.add(i % 2 ? { a: String(i % 7), b: '' } : { a: String(i % 7) })
    const [root] = collector.roots()
    expect(root).toMatchObject({ name: 'items', sampledEntries: 8 })
    expect(root!.fields).toEqual([
      { name: 'a', type: 'integer', samples: ['0', '1', '2', '3', '4'], empty: 0, multiple: false },
      { name: 'b', type: 'text', samples: [], empty: 8, multiple: false },
    ])
  })

  it('makes a field multiple for arrays and for strings the engine splits on ||', () => {
    const collector = new FieldCollector('rows')
    collector.add({ a: ['10.0.0.1', '10.0.0.2'], b: 'x || y', c: 'plain' })
    const fields = Object.fromEntries(collector.roots()[0]!.fields.map((f) => [f.name, f]))
    expect(fields.a).toMatchObject({ type: 'ipaddress', multiple: true })
    expect(fields.b).toMatchObject({ type: 'text', multiple: true, samples: ['x', 'y'] })
    expect(fields.c).toMatchObject({ multiple: false })
  })

  it('humanizes root names for type names', () => {
    expect(humanize('hardDrives')).toBe('Hard Drives')
    expect(humanize('hardDrives.files')).toBe('Files')
    expect(humanize('disk_label')).toBe('Disk label')
  })
})

describe('the generated schema + mapping document', () => {
  it('passes the project document validation for a discovered CSV', async () => {
    const schema = await csvConnector.discoverSchema(
      { path: fixture('csv/basic.csv') },
      { sampleSize: 10, signal: signal() },
    )
    const document = generateDocument(schema, { objectTypeName: 'Server' })
    const result = validateDocument(document, CONTEXT)
    expect(result.ok ? [] : result.problems).toEqual([])
    const types = (document.schema as any).objectSchema.objectTypes
    expect(types).toHaveLength(1)
    expect(types[0].name).toBe('Server')
    const attrs = Object.fromEntries(types[0].attributes.map((a: any) => [a.name, a]))
    expect(attrs.id).toMatchObject({ type: 'integer', label: false, minimumCardinality: 1 })
    expect(attrs.name).toMatchObject({ type: 'text', label: true })
    expect(attrs.tags).toMatchObject({ maximumCardinality: -1 })
    const [mapping] = (document.mapping as any).objectTypeMappings
    expect(mapping.selector).toBe('rows')
    expect(
      mapping.attributesMapping.filter((m: any) => m.externalIdPart).map((m: any) => m.attributeLocators),
    ).toEqual([['id']])
  })

  it('passes validation for a discovered JSON file: one type per root, nested roots as dotted selectors', async () => {
    const schema = await jsonConnector.discoverSchema(
      { path: fixture('json/inventory.json') },
      {
        sampleSize: 10,
        signal: signal(),
      },
    )
    const document = generateDocument(schema, {})
    const result = validateDocument(document, CONTEXT)
    expect(result.ok ? [] : result.problems).toEqual([])
    const mappings = (document.mapping as any).objectTypeMappings
    expect(mappings.map((m: any) => [m.objectTypeName, m.selector])).toEqual([
      ['Hard Drives', 'hardDrives'],
      ['Files', 'hardDrives.files'],
      ['Operating Systems', 'operatingSystems'],
    ])
    const os = mappings[2].attributesMapping
    // No id-like field: the first field is the identity, and `name` the label.
    expect(os.find((m: any) => m.externalIdPart).attributeLocators).toEqual(['name'])
    const drive = mappings[0].attributesMapping.map((m: any) => m.attributeLocators[0])
    expect(drive).toContain('dimensions.width')
  })

  it('passes validation for a discovered workbook', async () => {
    const schema = await xlsxConnector.discoverSchema(
      { path: fixture('xlsx/inventory.xlsx'), sheet: 'Inventory' },
      { sampleSize: 10, signal: signal() },
    )
    const result = validateDocument(
      generateDocument(schema, { objectTypeName: 'Asset', objectSchemaName: 'Inventory' }),
      CONTEXT,
    )
    expect(result.ok ? [] : result.problems).toEqual([])
  })

  it('picks an id-like column for the identity and a name-like column for the label', () => {
    const field = (name: string) => ({ name, type: 'text' as const, samples: [], empty: 0, multiple: false })
    const schema: SourceSchema = {
      roots: [
        {
          name: 'rows',
          sampledEntries: 1,
          fields: [field('paid'), field('Title'), field('deviceId'), field('Title ')],
        },
      ],
    }
    const document = generateDocument(schema, { objectTypeName: 'Device' })
    const result = validateDocument(document, CONTEXT)
    expect(result.ok ? [] : result.problems).toEqual([])
    const [mapping] = (document.mapping as any).objectTypeMappings
    expect(mapping.attributesMapping.find((m: any) => m.externalIdPart).attributeLocators).toEqual([
      'deviceId',
    ])
    const attributes = (document.schema as any).objectSchema.objectTypes[0].attributes
    expect(attributes.find((a: any) => a.label).name).toBe('Title')
  })

  it('prefers an identity every sampled entry has over an id-like field with gaps', () => {
    const field = (name: string, empty: number) => ({
      name,
      type: 'text' as const,
      samples: [],
      empty,
      multiple: false,
    })
    const identityOf = (fields: ReturnType<typeof field>[]) => {
      const document = generateDocument({ roots: [{ name: 'users', sampledEntries: 3, fields }] })
      const [mapping] = (document.mapping as any).objectTypeMappings
      return mapping.attributesMapping.find((m: any) => m.externalIdPart).attributeLocators[0]
    }
    // A directory: objectGUID on some entries only, dn on all.
    expect(identityOf([field('dn', 0), field('cn', 0), field('objectGUID', 1)])).toBe('dn')
    expect(identityOf([field('dn', 0), field('objectGUID', 0)])).toBe('objectGUID')
    expect(identityOf([field('serialId', 1), field('hostId', 0)])).toBe('hostId')
    // Nothing complete: as before, the id-like field.
    expect(identityOf([field('name', 1), field('deviceId', 2)])).toBe('deviceId')
  })
})

describe('the connector registry', () => {
  it('has a connector for each pull source type: files, databases, directories, REST endpoints', () => {
    expect(CONNECTOR_TYPES).toEqual(['csv', 'json', 'xlsx', 'sql', 'ldap', 'rest'])
    for (const type of CONNECTOR_TYPES) expect(connectorFor(type).type).toBe(type)
  })
})
