import { describe, expect, it } from 'vitest'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import type { Json } from './helpers.js'
import { CONTEXT, at, baseDocument, expectOk, expectProblems } from './helpers.js'

const OT = '/schema/objectSchema/objectTypes'
const OTM = '/mapping/objectTypeMappings'

interface TypoCase {
  level: string
  /** The object of the base document the member is added to. */
  target: (doc: Json) => Json
  key: string
  pointer: string
  /** The known member the message suggests, or null when none is near. */
  suggestion: string | null
}

const TYPOS: TypoCase[] = [
  { level: 'document root', target: (d) => d, key: 'mappings', pointer: '/mappings', suggestion: 'mapping' },
  {
    level: 'schema',
    target: (d) => at(d, 'schema'),
    key: 'iconsSchema',
    pointer: '/schema/iconsSchema',
    suggestion: 'iconSchema',
  },
  {
    level: 'objectSchema',
    target: (d) => at(d, 'schema', 'objectSchema'),
    key: 'objectType',
    pointer: '/schema/objectSchema/objectType',
    suggestion: 'objectTypes',
  },
  {
    level: 'iconSchema',
    target: (d) => at(d, 'schema', 'iconSchema'),
    key: 'icon',
    pointer: '/schema/iconSchema/icon',
    suggestion: 'icons',
  },
  {
    level: 'icon',
    target: (d) => at(d, 'schema', 'iconSchema', 'icons', 0),
    key: 'png64',
    pointer: '/schema/iconSchema/icons/0/png64',
    suggestion: 'png48',
  },
  {
    level: 'statusSchema',
    target: (d) => at(d, 'schema', 'statusSchema'),
    key: 'status',
    pointer: '/schema/statusSchema/status',
    suggestion: 'statuses',
  },
  {
    level: 'status',
    target: (d) => at(d, 'schema', 'statusSchema', 'statuses', 0),
    key: 'categroy',
    pointer: '/schema/statusSchema/statuses/0/categroy',
    suggestion: 'category',
  },
  {
    level: 'object type',
    target: (d) => at(d, 'schema', 'objectSchema', 'objectTypes', 0),
    key: 'childs',
    pointer: `${OT}/0/childs`,
    suggestion: 'children',
  },
  {
    level: 'nested object type',
    target: (d) => at(d, 'schema', 'objectSchema', 'objectTypes', 0, 'children', 0),
    key: 'iconkey',
    pointer: `${OT}/0/children/0/iconkey`,
    suggestion: 'iconKey',
  },
  {
    level: 'attribute',
    target: (d) => at(d, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 1),
    key: 'minimumCardinalty',
    pointer: `${OT}/0/attributes/1/minimumCardinalty`,
    suggestion: 'minimumCardinality',
  },
  {
    level: 'attribute of a nested object type',
    target: (d) => at(d, 'schema', 'objectSchema', 'objectTypes', 0, 'children', 0, 'attributes', 0),
    key: 'Unique',
    pointer: `${OT}/0/children/0/attributes/0/Unique`,
    suggestion: 'unique',
  },
  {
    level: 'mapping',
    target: (d) => at(d, 'mapping'),
    key: 'objectTypeMapping',
    pointer: '/mapping/objectTypeMapping',
    suggestion: 'objectTypeMappings',
  },
  {
    level: 'object type mapping',
    target: (d) => at(d, 'mapping', 'objectTypeMappings', 0),
    key: 'selectorIQL',
    pointer: `${OTM}/0/selectorIQL`,
    suggestion: 'selectorQlQuery',
  },
  {
    level: 'attribute mapping',
    target: (d) => at(d, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 1),
    key: 'externalIdpart',
    pointer: `${OTM}/0/attributesMapping/1/externalIdpart`,
    suggestion: 'externalIdPart',
  },
  {
    level: 'missingObjects',
    target: (d) => {
      const m = at(d, 'mapping', 'objectTypeMappings', 0)
      m['missingObjects'] = { policy: 'REMOVE' }
      return at(m, 'missingObjects')
    },
    key: 'treshold',
    pointer: `${OTM}/0/missingObjects/treshold`,
    suggestion: 'threshold',
  },
  {
    level: 'transformation step',
    target: (d) => {
      const e = at(d, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 0)
      e['transformations'] = [{ type: 'replace', find: 'a', replacement: 'b' }]
      return at(e, 'transformations', 0)
    },
    key: 'ignorecase',
    pointer: `${OTM}/0/attributesMapping/0/transformations/0/ignorecase`,
    suggestion: 'ignoreCase',
  },
  {
    level: 'conditional value',
    target: (d) => {
      const e = at(d, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 0)
      e['conditionalValues'] = [{ when: 'name = "a"', value: 'A' }]
      return at(e, 'conditionalValues', 0)
    },
    key: 'otherwise',
    pointer: `${OTM}/0/attributesMapping/0/conditionalValues/0/otherwise`,
    suggestion: null,
  },
]

describe('a member the document does not have', () => {
  it.each(TYPOS.map((c) => [c.level, c] as const))(
    'is refused at its pointer with the closest known member: %s',
    (_level, typo) => {
      const doc = baseDocument()
      typo.target(doc)[typo.key] = 1
      const problems = expectProblems(validateDocument(doc, CONTEXT))
      expect(problems).toEqual([
        { code: 'UNKNOWN_MEMBER', pointer: typo.pointer, message: expect.any(String) },
      ])
      const message = problems[0]?.message ?? ''
      expect(message).toContain(`"${typo.key}"`)
      if (typo.suggestion === null) expect(message).not.toContain('did you mean')
      else expect(message).toContain(`did you mean ${typo.suggestion}?`)
    },
  )

  it('is refused even when its value is null (a typo is never dropped)', () => {
    const doc = baseDocument()
    at(doc, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 0)['externalIdpart'] = null
    expect(expectProblems(validateDocument(doc, CONTEXT))).toEqual([
      {
        code: 'UNKNOWN_MEMBER',
        pointer: `${OTM}/0/attributesMapping/0/externalIdpart`,
        message: expect.stringContaining('did you mean externalIdPart?'),
      },
    ])
  })

  it('misspelling a required member answers the missing member and the typo with its suggestion', () => {
    const doc = baseDocument()
    const entry = at(doc, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 1)
    entry['atributeLocators'] = entry['attributeLocators']
    delete entry['attributeLocators']
    const problems = expectProblems(validateDocument(doc, CONTEXT))
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['UNKNOWN_MEMBER', `${OTM}/0/attributesMapping/1/atributeLocators`],
      ['REQUIRED_FIELD_MISSING', `${OTM}/0/attributesMapping/1/attributeLocators`],
    ])
    expect(problems[0]?.message).toContain('did you mean attributeLocators?')
  })

  it('with no known member near lists the members the object has', () => {
    const doc = baseDocument()
    at(doc, 'schema', 'statusSchema', 'statuses', 0)['colourOfTheSky'] = 'blue'
    const [problem] = expectProblems(validateDocument(doc, CONTEXT))
    expect(problem?.message).toContain('it has name, description, category')
  })

  it('is refused in a 2021_09_15 document too', () => {
    const doc: Json = {
      schema: {
        objectSchema: {
          name: 'Legacy',
          description: '',
          objectTypes: [
            {
              name: 'Host',
              description: '',
              attributes: [
                { name: 'Name', description: '', type: 'text', label: true, maximumCardinallity: 1 },
              ],
            },
          ],
        },
      },
      mapping: {
        objectTypeMappings: [
          {
            objectTypeName: 'Host',
            selector: 'hosts',
            description: '',
            attributesMapping: [{ attributeName: 'Name', attributeLocators: ['name'], externalIdPart: true }],
          },
        ],
      },
    }
    expect(expectProblems(validateDocument(doc, CONTEXT))).toEqual([
      {
        code: 'UNKNOWN_MEMBER',
        pointer: `${OT}/0/attributes/0/maximumCardinallity`,
        message: expect.stringContaining('did you mean maximumCardinality?'),
      },
    ])
  })

  it('is refused on PATCH, and nothing of the patch is applied', () => {
    const stored = expectOk(validateDocument(baseDocument(), CONTEXT))
    const patch = {
      schema: {
        objectSchema: {
          objectTypes: [
            { externalId: 'type/os', name: 'Operating System', description: 'new', colour: 'blue' },
          ],
        },
      },
    }
    expect(expectProblems(mergeForPatch(stored, patch, CONTEXT))).toEqual([
      { code: 'UNKNOWN_MEMBER', pointer: `${OT}/0/colour`, message: expect.any(String) },
    ])
  })
})

describe('an Assets member Intake does not apply', () => {
  it('inheritance: false (as Assets answers it) is accepted: Intake does not inherit attributes', () => {
    const doc = baseDocument()
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0)['inheritance'] = false
    const document = expectOk(validateDocument(doc, CONTEXT))
    expect(document.objectTypes[0]?.name).toBe('Host')
  })

  it('inheritance: true is refused with the reason, not ignored', () => {
    const doc = baseDocument()
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'children', 0)['inheritance'] = true
    expect(expectProblems(validateDocument(doc, CONTEXT))).toEqual([
      {
        code: 'UNSUPPORTED_MEMBER',
        pointer: `${OT}/0/children/0/inheritance`,
        message: expect.stringContaining('Intake does not support attribute inheritance'),
      },
    ])
  })

  it('$schema is accepted whatever it says (the version follows from the externalIds)', () => {
    const doc = baseDocument()
    doc['$schema'] = 'https://api.stg.atlassian.com/jsm/assets/imports/external/schema/versions/2021_09_15'
    expectOk(validateDocument(doc, CONTEXT))
  })
})
