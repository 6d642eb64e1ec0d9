import type { Services } from '../../src/services/services.js'

/** A small schema with every attribute type: Hardware (Laptop child) and Person, a global and a schema status. */
export async function seedRepository(services: Services, workspaceId: string, key = 'HW') {
  const schema = await services.schemas.createSchema(workspaceId, {
    name: `Schema ${key}`,
    objectSchemaKey: key,
  })
  const person = await services.schemas.createType(workspaceId, { objectSchemaId: schema.id, name: 'Person' })
  const hardware = await services.schemas.createType(workspaceId, {
    objectSchemaId: schema.id,
    name: 'Hardware',
  })
  const laptop = await services.schemas.createType(workspaceId, {
    objectSchemaId: schema.id,
    name: 'Laptop',
    parentObjectTypeId: hardware.id,
  })
  const personName = await services.schemas.createAttribute(workspaceId, person.id, {
    name: 'Name',
    kind: 'text',
    label: true,
    minimumCardinality: 1,
  })
  const email = await services.schemas.createAttribute(workspaceId, person.id, {
    name: 'Email',
    kind: 'email',
    unique: true,
  })
  await services.schemas.createStatus(workspaceId, {
    objectSchemaId: null,
    name: 'Running',
    category: 'active',
  })
  await services.schemas.createStatus(workspaceId, {
    objectSchemaId: schema.id,
    name: 'Retired',
    category: 'inactive',
  })
  const a = (name: string, kind: any, extra: Record<string, unknown> = {}) =>
    services.schemas.createAttribute(workspaceId, hardware.id, { name, kind, ...extra })
  const attrs = {
    name: await a('Name', 'text', { label: true, minimumCardinality: 1 }),
    notes: await a('Notes', 'textarea'),
    size: await a('Size', 'integer'),
    weight: await a('Weight', 'double'),
    active: await a('Active', 'boolean'),
    bought: await a('Bought', 'date'),
    backupAt: await a('Backup at', 'time'),
    seen: await a('Last seen', 'date_time'),
    site: await a('Site', 'url'),
    contact: await a('Contact', 'email'),
    vendor: await a('Vendor', 'select', { allowedValues: ['Dell', 'Lenovo', 'HP'] }),
    ip: await a('IP', 'ipaddress', { maximumCardinality: -1 }),
    owner: await a('Owner', 'referenced_object', { referenceObjectTypeId: person.id }),
    state: await a('State', 'status'),
    serial: await a('Serial', 'text', { unique: true }),
  }
  return { schema, person, hardware, laptop, personName, email, attrs }
}
