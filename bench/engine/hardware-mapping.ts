import { MANUFACTURERS, STATUSES } from './hardware-data.js'

const attr = (id: string, name: string, type: string, extra: Record<string, unknown> = {}) => ({
  externalId: `hw/${id}`,
  name,
  description: '',
  type,
  ...extra,
})

/** The schema + mapping document of the benchmark: one type, eleven attributes, a self-reference. */
export const hardwareDocument = {
  schema: {
    objectSchema: {
      name: 'Hardware bench',
      description: 'npm run bench',
      objectTypes: [
        {
          externalId: 'hw/asset',
          name: 'Hardware',
          description: '',
          attributes: [
            attr('id', 'Asset ID', 'text', { unique: true }),
            attr('name', 'Name', 'text', { label: true }),
            attr('manufacturer', 'Manufacturer', 'select'),
            attr('model', 'Model', 'text'),
            attr('serial', 'Serial', 'text', { unique: true }),
            attr('status', 'Status', 'status', { typeValues: STATUSES }),
            attr('size', 'Size', 'integer'),
            attr('purchase', 'Purchase date', 'date'),
            attr('owner', 'Owner', 'email'),
            attr('ip', 'IP address', 'ipaddress'),
            attr('parent', 'Parent', 'referenced_object', { referenceObjectTypeExternalId: 'hw/asset' }),
          ],
        },
      ],
    },
    statusSchema: { statuses: STATUSES.map((name) => ({ name, description: '', category: 'active' })) },
  },
  mapping: {
    objectTypeMappings: [
      {
        objectTypeExternalId: 'hw/asset',
        objectTypeName: 'Hardware',
        selector: 'assets',
        description: '',
        missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' },
        unknownValues: 'ADD',
        attributesMapping: [
          {
            attributeExternalId: 'hw/id',
            attributeName: 'Asset ID',
            attributeLocators: ['id'],
            externalIdPart: true,
          },
          { attributeExternalId: 'hw/name', attributeName: 'Name', attributeLocators: ['name'] },
          {
            attributeExternalId: 'hw/manufacturer',
            attributeName: 'Manufacturer',
            attributeLocators: ['manufacturer'],
          },
          { attributeExternalId: 'hw/model', attributeName: 'Model', attributeLocators: ['model'] },
          { attributeExternalId: 'hw/serial', attributeName: 'Serial', attributeLocators: ['serial'] },
          { attributeExternalId: 'hw/status', attributeName: 'Status', attributeLocators: ['status'] },
          { attributeExternalId: 'hw/size', attributeName: 'Size', attributeLocators: ['size'] },
          {
            attributeExternalId: 'hw/purchase',
            attributeName: 'Purchase date',
            attributeLocators: ['purchase_date'],
          },
          { attributeExternalId: 'hw/owner', attributeName: 'Owner', attributeLocators: ['owner'] },
          { attributeExternalId: 'hw/ip', attributeName: 'IP address', attributeLocators: ['ip'] },
          {
            attributeExternalId: 'hw/parent',
            attributeName: 'Parent',
            attributeLocators: ['parent'],
            objectMappingIQL: '"Asset ID" = ${parent}',
          },
        ],
      },
    ],
  },
}

export const MANUFACTURER_OPTIONS = MANUFACTURERS
