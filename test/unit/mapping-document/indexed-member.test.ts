import { describe, expect, it } from 'vitest'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { toWireDocument } from '../../../src/domain/mapping/to-wire-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { CONTEXT, at, baseDocument, expectOk, expectProblems, typeNamed } from './helpers.js'

/** The `indexed` member of objectTypeAttributes (Assets' flag; docs/aql.md, "Indexed attributes"). */

function withIp(indexed: unknown, version?: '2021_09_15') {
  const doc = baseDocument()
  Object.assign(at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 1), { indexed })
  if (version)
    doc['$schema'] = `https://api.atlassian.com/jsm/assets/imports/external/schema/versions/${version}`
  return doc
}

const ipOf = (doc: ReturnType<typeof expectOk>) =>
  typeNamed(doc, 'Host').attributes.find((a) => a.name === 'IP')!

describe('the indexed member of an attribute', () => {
  it('is false when left out, and kept when sent', () => {
    expect(ipOf(expectOk(validateDocument(baseDocument(), CONTEXT))).indexed).toBe(false)
    expect(ipOf(expectOk(validateDocument(withIp(true), CONTEXT))).indexed).toBe(true)
  })

  it('is refused at its pointer when not a boolean', () => {
    const problems = expectProblems(validateDocument(withIp('yes'), CONTEXT))
    expect(problems.map((p) => p.pointer)).toContain(
      '/schema/objectSchema/objectTypes/0/attributes/1/indexed',
    )
  })

  it('is answered by GET and survives a PATCH that leaves it out, changed by one that sends it', () => {
    const stored = expectOk(validateDocument(withIp(true), CONTEXT))
    const wire = toWireDocument(stored) as any
    expect(wire.schema.objectSchema.objectTypes[0].attributes.find((a: any) => a.name === 'IP').indexed).toBe(
      true,
    )
    const patchIp = (extra: Record<string, unknown>) => ({
      schema: {
        objectSchema: {
          name: 'Inventory',
          objectTypes: [
            {
              externalId: 'type/host',
              name: 'Host',
              description: 'A host',
              attributes: [
                { externalId: 'attr/host-ip', name: 'IP', description: '', type: 'ipaddress', ...extra },
              ],
            },
          ],
        },
      },
    })
    expect(ipOf(expectOk(mergeForPatch(stored, patchIp({}), CONTEXT))).indexed).toBe(true)
    expect(ipOf(expectOk(mergeForPatch(stored, patchIp({ indexed: false }), CONTEXT))).indexed).toBe(false)
  })
})
