import { describe, expect, it } from 'vitest'
import { parseSimpleReferenceQuery } from '../../src/engine/reference-query.js'

describe('parseSimpleReferenceQuery', () => {
  it.each([
    ['Name Like ${os}', { target: { kind: 'attribute', name: 'Name' }, operator: 'like', placeholder: 'os' }],
    [
      '"Serial Number" == ${serial}',
      { target: { kind: 'attribute', name: 'Serial Number' }, operator: '==', placeholder: 'serial' },
    ],
    [
      '"Name" IN (${models${0}})',
      { target: { kind: 'attribute', name: 'Name' }, operator: 'in', placeholder: 'models' },
    ],
    ['Key = ${parent}', { target: { kind: 'key' }, operator: '=', placeholder: 'parent' }],
    ['label = ${p}', { target: { kind: 'label' }, operator: '=', placeholder: 'p' }],
    ['"label" = ${p}', { target: { kind: 'attribute', name: 'label' }, operator: '=', placeholder: 'p' }],
  ])('recognises %s', (query, expected) => {
    expect(parseSimpleReferenceQuery(query)).toEqual(expected)
  })

  it.each([
    'Name = ${a} AND Size > 3',
    'Name in ${x}',
    'Name = (${x})',
    'objectType = Host',
    'Name = "fixed"',
  ])('leaves %s to the AQL evaluator', (query) => {
    expect(parseSimpleReferenceQuery(query)).toBeNull()
  })
})
