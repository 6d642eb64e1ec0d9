import { describe, expect, it } from 'vitest'
import type { AttributeDef, ObjectTypeDef } from '../../../src/domain/schema/types.js'
import { planUpload } from '../../../src/domain/upload-job/upload-plan.js'
import { uploadRowPreparer } from '../../../src/domain/upload-job/upload-rows.js'
import { localeReader } from '../../../src/domain/upload-job/locale-values.js'

const type: ObjectTypeDef = {
  id: 7,
  objectSchemaId: 1,
  parentObjectTypeId: null,
  externalId: null,
  name: 'Laptop',
  description: '',
  iconKey: null,
  position: 0,
}
let next = 100
const attr = (name: string, kind: AttributeDef['kind'], extra: Partial<AttributeDef> = {}): AttributeDef => ({
  id: next++,
  objectTypeId: 7,
  externalId: null,
  name,
  description: '',
  kind,
  label: false,
  indexed: false,
  indexState: 'none',
  minimumCardinality: 0,
  maximumCardinality: 1,
  unique: false,
  referenceObjectTypeId: null,
  allowedValues: [],
  position: 0,
  ...extra,
})
const attributes = [
  attr('Name', 'text', { label: true }),
  attr('Serial', 'text', { unique: true }),
  attr('Price', 'double'),
  attr('Seen', 'date_time'),
]
const header = ['serial', 'name', 'price', 'seen']
const plan = (mapping: Record<string, unknown>) =>
  planUpload({ type, schemaName: 'S', attributes, header, mapping })

describe('upload mapping plans', () => {
  it('identifies objects by the unique attribute’s column, else by the label’s', () => {
    expect(plan({ 1: 'Serial', 2: 'Name' }).identity).toMatchObject({ index: 1, attribute: 'Serial' })
    expect(plan({ 2: 'name', 3: 'Price' }).identity).toMatchObject({ index: 2, attribute: 'Name' })
  })

  it('maps types and attributes without externalIds by their ids, and nothing removes missing objects', () => {
    const m = plan({ 1: 'Serial', 2: 'Name' }).document.objectTypeMappings[0]!
    expect(m.objectTypeExternalId).toBe('intake:object-type/7')
    expect(m.attributesMapping[0]).toMatchObject({ attributeLocators: ['serial'], externalIdPart: true })
    expect(m.missingObjects).toBeNull()
  })

  it.each([
    [{ 5: 'Name' }, 'mapping.5', /column 5 does not exist: the file has 4 columns/],
    [{ 0: 'Name' }, 'mapping.0', /column number starting at 1/],
    [{ one: 'Name' }, 'mapping.one', /column number/],
    [{ 1: 'Colour' }, 'mapping.1', /"Colour" does not exist on Laptop/],
    [{ 1: 'Name', 2: 'Name' }, 'mapping.2', /already mapped from column 1/],
    [{ 1: 42 }, 'mapping.1', /must name a property/],
    [{ 3: 'Price' }, 'mapping', /map a column to "Serial" or "Name"/],
    [{}, 'mapping', /maps no column/],
  ])('refuses %j naming %s', (mapping, field, message) => {
    expect(() => plan(mapping)).toThrow(message)
    try {
      plan(mapping)
    } catch (error) {
      expect((error as { details: { field: string } }).details.field).toBe(field)
    }
  })
})

describe('upload rows', () => {
  const { columns } = plan({ 1: 'Serial', 2: 'Name', 3: 'Price', 4: 'Seen' })

  it('rewrites locale numbers and date-times, adding the offset, and leaves the rest to the engine', () => {
    const prepare = uploadRowPreparer(columns, localeReader('de-DE'), 60)
    const { rows, problems } = prepare(
      [
        { serial: 'A', name: 'a', price: '1.234,5', seen: '31.12.2024 10:00' },
        { serial: 'B', name: 'b', price: 'abc', seen: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
      ],
      0,
    )
    expect(problems).toEqual([])
    expect(rows[0]).toMatchObject({ price: '1234.5', seen: '2024-12-31T10:00:00+01:00' })
    expect(rows[1]).toMatchObject({ price: 'abc', seen: '2024-01-02T03:04:05+01:00' })
  })
})
