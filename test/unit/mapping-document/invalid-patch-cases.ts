import type { DocumentContext } from '../../../src/domain/mapping/document.types.js'
import type { DocumentProblemCode } from '../../../src/domain/mapping/document-problems.js'
import type { Json } from './helpers.js'
import { PNG48 } from './helpers.js'

/** Each patch applies to the normalized base document (helpers.baseDocument) and breaks exactly one rule. */
export interface InvalidPatchCase {
  name: string
  patch: unknown
  code: DocumentProblemCode
  pointer: string
  context?: Partial<DocumentContext>
}

const OT = '/schema/objectSchema/objectTypes'
const types = (...objectTypes: Json[]): Json => ({ schema: { objectSchema: { objectTypes } } })
const host = (attributes: Json[], children: Json[] = []): Json => ({
  externalId: 'type/host',
  name: 'Host',
  description: 'A host',
  attributes,
  children,
})
const text = (externalId: string, name: string, more: Json = {}): Json => ({
  externalId,
  name,
  description: '',
  type: 'text',
  ...more,
})

export const INVALID_PATCH_CASES: InvalidPatchCase[] = [
  {
    name: 'renaming an object type',
    patch: types({ externalId: 'type/os', name: 'OS', description: '' }),
    code: 'RENAME_NOT_ALLOWED',
    pointer: `${OT}/0/name`,
  },
  {
    name: 'renaming an attribute',
    patch: types(host([{ externalId: 'attr/host-ip', name: 'Address', description: '', type: 'ipaddress' }])),
    code: 'RENAME_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/0/name`,
  },
  {
    name: "changing an attribute's type",
    patch: types(host([text('attr/host-ip', 'IP')])),
    code: 'ATTRIBUTE_TYPE_CHANGE_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/0/type`,
  },
  {
    name: 'changing a reference target',
    patch: types(
      host([
        {
          externalId: 'attr/host-os',
          name: 'OS',
          description: '',
          type: 'referenced_object',
          referenceObjectTypeExternalId: 'type/vm',
        },
      ]),
    ),
    code: 'REFERENCE_TARGET_CHANGE_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/0/referenceObjectTypeExternalId`,
  },
  {
    name: "changing an icon's key",
    patch: { schema: { iconSchema: { icons: [{ key: 'host-icon-v2', name: 'Host', png48: PNG48 }] } } },
    code: 'ICON_KEY_CHANGE_NOT_ALLOWED',
    pointer: '/schema/iconSchema/icons/0/key',
  },
  {
    name: 'moving a child type to the top level',
    patch: types({ externalId: 'type/vm', name: 'Virtual Machine', description: 'moved' }),
    code: 'MOVE_NOT_ALLOWED',
    pointer: `${OT}/0`,
  },
  {
    name: 'moving a top-level type under another',
    patch: types(host([], [{ externalId: 'type/os', name: 'Operating System', description: '' }])),
    code: 'MOVE_NOT_ALLOWED',
    pointer: `${OT}/0/children/0`,
  },
  {
    name: 'moving an attribute to another type',
    patch: types({
      externalId: 'type/os',
      name: 'Operating System',
      description: '',
      attributes: [{ externalId: 'attr/host-ip', name: 'IP', description: '', type: 'ipaddress' }],
    }),
    code: 'MOVE_NOT_ALLOWED',
    pointer: `${OT}/0/attributes/0`,
  },
  {
    name: 'restating an attribute without its type',
    patch: types(host([{ externalId: 'attr/host-ip', name: 'IP', description: 'Addresses' }])),
    code: 'REQUIRED_FIELD_MISSING',
    pointer: `${OT}/0/attributes/0/type`,
  },
  {
    name: 'a second label attribute next to the stored one',
    patch: types(host([text('attr/host-serial', 'Serial', { label: true })])),
    code: 'MULTIPLE_LABEL_ATTRIBUTES',
    pointer: `${OT}/0/attributes/0/label`,
  },
  {
    name: 'taking the label away from the only label attribute',
    patch: types(host([text('attr/host-name', 'Name', { label: false })])),
    code: 'MISSING_LABEL_ATTRIBUTE',
    pointer: `${OT}/0`,
  },
  {
    name: 'a new type named like a stored one',
    patch: types({
      externalId: 'type/host-2',
      name: 'host',
      description: '',
      attributes: [text('attr/h2', 'Name')],
    }),
    code: 'DUPLICATE_OBJECT_TYPE_NAME',
    pointer: `${OT}/0/name`,
  },
  {
    name: 'a new type with the externalId of a stored attribute',
    patch: types({
      externalId: 'attr/host-ip',
      name: 'Switch',
      description: '',
      attributes: [text('attr/sw', 'Name')],
    }),
    code: 'DUPLICATE_EXTERNAL_ID',
    pointer: `${OT}/0/externalId`,
  },
  {
    name: 'a new attribute with an externalId of another import source',
    patch: types(host([text('attr/host-serial', 'Serial')])),
    context: { externalIdsInUse: ['attr/host-serial'] },
    code: 'EXTERNAL_ID_IN_USE',
    pointer: `${OT}/0/attributes/0/externalId`,
  },
  {
    name: 'a new reference to a type neither stored nor patched',
    patch: types(
      host([
        {
          externalId: 'attr/host-rack',
          name: 'Rack',
          description: '',
          type: 'referenced_object',
          referenceObjectTypeExternalId: 'type/rack',
        },
      ]),
    ),
    code: 'UNKNOWN_REFERENCE_TARGET',
    pointer: `${OT}/0/attributes/0/referenceObjectTypeExternalId`,
  },
  {
    name: 'a patched mapping pointing at an unknown attribute',
    patch: {
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'type/os',
            objectTypeName: 'Operating System',
            selector: 'systems',
            description: '',
            attributesMapping: [
              {
                attributeExternalId: 'attr/os-name',
                attributeName: 'Name',
                attributeLocators: ['n'],
                externalIdPart: true,
              },
              { attributeExternalId: 'attr/os-version', attributeName: 'Version', attributeLocators: ['v'] },
            ],
          },
        ],
      },
    },
    code: 'UNKNOWN_EXTERNAL_ID_MAPPING',
    pointer: '/mapping/objectTypeMappings/0/attributesMapping/1/attributeExternalId',
  },
  {
    name: 'a status attribute in a patch without externalIds (2021_09_15)',
    patch: types({
      name: 'Operating System',
      description: '',
      attributes: [{ name: 'Lifecycle', description: '', type: 'status' }],
    }),
    code: 'INVALID_ATTRIBUTE_TYPE',
    pointer: `${OT}/0/attributes/0/type`,
  },
  {
    name: 'an iconKey neither declared nor existing',
    patch: types({ externalId: 'type/os', name: 'Operating System', description: '', iconKey: 'os' }),
    code: 'UNKNOWN_ICON',
    pointer: `${OT}/0/iconKey`,
  },
]
