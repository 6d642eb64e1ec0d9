import { describe, expect, it } from 'vitest'
import { FieldCollector, generateDocument } from '../../../src/connectors/discovery.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'

const CONTEXT = { importSourceId: '4d4095c3-cb7c-4d59-9b75-a381ea4b1975' }

function discover(rows: Record<string, unknown>[]) {
  const collector = new FieldCollector('rows')
  for (const row of rows) collector.add(row)
  return { roots: collector.roots() }
}

describe('discovery proposes date transformations for dates it recognises', () => {
  it('a column of dd/MM/yyyy dates becomes a date attribute read through a date step, and the document is valid', () => {
    const schema = discover([
      { id: '1', bought: '24/12/2025', code: '01/02/2024' },
      { id: '2', bought: '01/02/2024', code: '03/04/2024' },
      { id: '3', bought: '', code: '05/06/2024' },
    ])
    const fields = Object.fromEntries(schema.roots[0]!.fields.map((f) => [f.name, f]))
    expect(fields.bought).toMatchObject({ type: 'text', dateFormat: 'dd/MM/yyyy' })
    // Days never above 12: dd/MM or MM/dd — ambiguous, so nothing is proposed.
    expect(fields.code).not.toHaveProperty('dateFormat')
    expect(fields.id).not.toHaveProperty('dateFormat')

    const document = generateDocument(schema) as any
    const bought = document.schema.objectSchema.objectTypes[0].attributes.find(
      (a: any) => a.name === 'bought',
    )
    expect(bought.type).toBe('date')
    const mapping = document.mapping.objectTypeMappings[0].attributesMapping.find(
      (m: any) => m.attributeLocators[0] === 'bought',
    )
    expect(mapping.transformations).toEqual([{ type: 'date', from: 'dd/MM/yyyy' }])
    const code = document.mapping.objectTypeMappings[0].attributesMapping.find(
      (m: any) => m.attributeLocators[0] === 'code',
    )
    expect(code).not.toHaveProperty('transformations')
    const result = validateDocument(document, CONTEXT)
    expect(result.ok ? [] : result.problems).toEqual([])
  })

  it('recognises dd.MM.yyyy and MM/dd/yyyy, and nothing once a value is not a date in the format', () => {
    const formats = (values: unknown[]) =>
      discover(values.map((v) => ({ d: v }))).roots[0]!.fields[0]!.dateFormat
    expect(formats(['31.12.2025', '01.01.2026'])).toBe('dd.MM.yyyy')
    expect(formats(['12/31/2025', '01/01/2026'])).toBe('MM/dd/yyyy')
    expect(formats(['31.12.2025', 'soon'])).toBeUndefined()
    expect(formats(['31.02.2025'])).toBeUndefined()
    expect(formats(['2025-12-31'])).toBeUndefined()
  })
})
