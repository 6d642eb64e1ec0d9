import { describe, expect, it } from 'vitest'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { toWireDocument } from '../../../src/domain/mapping/to-wire-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { at, baseDocument, CONTEXT, expectOk, expectProblems, list } from '../mapping-document/helpers.js'

const OTM = '/mapping/objectTypeMappings/0'
const NAME = `${OTM}/attributesMapping/0`

/** The base document with shaping members on the Host mapping's Name attribute mapping (and the type mapping). */
function withShaping(attribute: Record<string, unknown>, type: Record<string, unknown> = {}) {
  const doc = baseDocument()
  const mapping = at(doc, 'mapping', 'objectTypeMappings', 0)
  Object.assign(mapping, type)
  Object.assign(list(mapping, 'attributesMapping')[0] as object, attribute)
  return doc
}

const EVERYTHING = {
  defaultValue: 'unnamed',
  transformations: [
    { type: 'trim' },
    { type: 'lower' },
    { type: 'replace', find: '\\s+', replacement: '-', regex: true, ignoreCase: false, all: true },
    { type: 'split', separator: ';' },
    { type: 'join', separator: ',' },
    { type: 'substring', start: 0, length: 60 },
    { type: 'pad', length: 3, fill: '0', side: 'start' },
    { type: 'lookup', table: { y: 'yes' }, fallback: 'other', ignoreCase: true },
    { type: 'number', decimalSeparator: ',', groupSeparator: '.', decimals: 2 },
    { type: 'date', from: 'dd/MM/yyyy', to: 'yyyy-MM-dd', zone: 'Europe/Berlin' },
    { type: 'template', template: '{first} {last}' },
  ],
  conditionalValues: [{ when: "state = 'retired'", value: 'gone' }],
}

describe('shaping members in the schema + mapping document', () => {
  it('are absent from a document that does not use them, in the stored and the GET form', () => {
    const document = expectOk(validateDocument(baseDocument(), CONTEXT))
    const entry = document.objectTypeMappings[0]!.attributesMapping[0]!
    expect(entry).not.toHaveProperty('transformations')
    expect(entry).not.toHaveProperty('defaultValue')
    expect(entry).not.toHaveProperty('conditionalValues')
    expect(document.objectTypeMappings[0]).not.toHaveProperty('condition')
    const wire = toWireDocument(document).mapping.objectTypeMappings[0]!
    expect(Object.keys(wire.attributesMapping[0]!).sort()).toEqual([
      'attributeExternalId',
      'attributeLocators',
      'attributeName',
      'externalIdPart',
    ])
    expect(wire).not.toHaveProperty('condition')
  })

  it('are stored and answered in GET exactly as submitted, and a GET PATCHed back changes nothing', () => {
    const doc = withShaping(EVERYTHING, { condition: "state = 'active' AND size > 0" })
    const document = expectOk(validateDocument(doc, CONTEXT))
    const wire = toWireDocument(document, { includeKeyAttribute: false })
    expect(wire.mapping.objectTypeMappings[0]).toMatchObject({ condition: "state = 'active' AND size > 0" })
    expect(wire.mapping.objectTypeMappings[0]!.attributesMapping[0]).toEqual({
      attributeExternalId: 'attr/host-name',
      attributeName: 'Name',
      attributeLocators: ['name'],
      externalIdPart: true,
      ...EVERYTHING,
    })
    const again = expectOk(mergeForPatch(document, wire, CONTEXT))
    expect(again).toEqual(document)
  })

  it('a PATCHed mapping without them removes them (the mapping of a type is replaced whole)', () => {
    const document = expectOk(validateDocument(withShaping(EVERYTHING, { condition: 'a = 1' }), CONTEXT))
    const plain = at(baseDocument(), 'mapping', 'objectTypeMappings', 0)
    const patched = expectOk(mergeForPatch(document, { mapping: { objectTypeMappings: [plain] } }, CONTEXT))
    expect(patched.objectTypeMappings[0]).not.toHaveProperty('condition')
    expect(patched.objectTypeMappings[0]!.attributesMapping[0]).not.toHaveProperty('transformations')
  })

  it('are checked on PATCH too, with pointers into the patch, and the stored document stays as it was', () => {
    const document = expectOk(validateDocument(withShaping(EVERYTHING), CONTEXT))
    const patched = structuredClone(at(baseDocument(), 'mapping', 'objectTypeMappings', 0))
    Object.assign(list(patched, 'attributesMapping')[0] as object, {
      transformations: [{ type: 'substring', start: 0, length: -1 }],
    })
    const problems = expectProblems(
      mergeForPatch(document, { mapping: { objectTypeMappings: [patched] } }, CONTEXT),
    )
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['INVALID_TRANSFORMATION', `${NAME}/transformations/0/length`],
    ])
    expect(document.objectTypeMappings[0]!.attributesMapping[0]!.transformations).toEqual(
      EVERYTHING.transformations,
    )
  })

  it('reports each bad step, condition and value with a pointer to it, all at once', () => {
    const doc = withShaping(
      {
        transformations: [
          { type: 'trim' },
          { type: 'shout' },
          { type: 'pad', length: 0, fill: 'ab' },
          { type: 'replace', find: '(a+)+', regex: true },
          { type: 'date', from: 'dd/QQ/yyyy', zone: 'Mars/Olympus' },
          { type: 'template', template: '{first' },
          { type: 'lookup', table: { Y: 1 } },
          { type: 'split' },
          { type: 'trim', extra: true },
          'lower',
        ],
        conditionalValues: [{ when: 'state = ', value: 'x' }, { when: 'a = 1' }],
        defaultValue: { nested: true },
      },
      { condition: 'object having inR()' },
    )
    const t = `${NAME}/transformations`
    expect(expectProblems(validateDocument(doc, CONTEXT)).map((p) => [p.code, p.pointer])).toEqual([
      ['INVALID_TYPE', `${NAME}/defaultValue`],
      ['INVALID_TYPE', `${t}/9`],
      ['INVALID_ENUM_VALUE', `${t}/1/type`],
      ['INVALID_TRANSFORMATION', `${t}/2/length`],
      ['INVALID_TRANSFORMATION', `${t}/2/fill`],
      ['INVALID_REGEX', `${t}/3/find`],
      ['INVALID_TRANSFORMATION', `${t}/4/from`],
      ['INVALID_TRANSFORMATION', `${t}/4/zone`],
      ['INVALID_TRANSFORMATION', `${t}/5/template`],
      ['INVALID_TYPE', `${t}/6/table/Y`],
      ['REQUIRED_FIELD_MISSING', `${t}/7/separator`],
      ['UNKNOWN_MEMBER', `${t}/8/extra`],
      ['INVALID_CONDITION', `${NAME}/conditionalValues/0/when`],
      ['REQUIRED_FIELD_MISSING', `${NAME}/conditionalValues/1/value`],
      ['INVALID_CONDITION', `${OTM}/condition`],
    ])
  })

  it('refuses a default or conditional value that is not a value of a number attribute', () => {
    const doc = baseDocument()
    const host = at(doc, 'schema', 'objectSchema', 'objectTypes', 0)
    list(host, 'attributes').push({
      externalId: 'attr/host-cpu',
      name: 'CPU',
      description: '',
      type: 'integer',
    })
    list(at(doc, 'mapping', 'objectTypeMappings', 0), 'attributesMapping').push({
      attributeExternalId: 'attr/host-cpu',
      attributeName: 'CPU',
      attributeLocators: ['cpu'],
      defaultValue: 'many',
      conditionalValues: [{ when: 'a = 1', value: [1, 'two'] }],
    })
    const problems = expectProblems(validateDocument(doc, CONTEXT))
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['INVALID_VALUE_FOR_TYPE', `${OTM}/attributesMapping/3/defaultValue`],
      ['INVALID_VALUE_FOR_TYPE', `${OTM}/attributesMapping/3/conditionalValues/0/value/1`],
    ])
  })
})
