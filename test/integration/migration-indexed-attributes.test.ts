import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { foldCase } from '../../src/domain/aql/compare.js'
import { bootstrap } from '../../src/main.js'
import { expectAqlAsInMemory, loadRecords } from '../helpers/aql-repository.js'
import { databaseMigratedTo, insertLegacySchema, type Raw } from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0017 carries a database written with one search-index row per value: the label and unique attributes
 * keep their rows (ready), and so does the attribute a stored mapping's reference query looks up by (flagged);
 * every other attribute loses them and is answered from the objects' rows, and the AQL answers are those of the
 * in-memory evaluator over the same objects.
 */

const NOW = '2026-01-01T00:00:00.000Z'
const VALUES: [string, string[], number | null, string[]][] = [
  ['Alpha', ['Äpfel'], 3, ['Émile', 'red']],
  ['beta', ['Dell'], 10, ['émile']],
  ['Gamma', ['äpfel'], null, []],
  ['delta', ['HP'], 1, ['ß', 'Blue']],
  ['Émile', [], 7, ['RED']],
  ['zeta', ['dell'], 3, ['blue']],
]
const QUERIES = [
  'Vendor = "äpfel"',
  'Vendor == "Äpfel"',
  'Vendor like "PF"',
  'Name = "émile"',
  'Serial = "SN-3"',
  'Age > 2 order by Age desc',
  'Tags = "ÉMILE" order by Vendor',
  'objectType = Device order by Tags desc',
  'Tags in ("blue", "SS") AND Age >= 3',
  'Vendor is EMPTY OR Tags startswith "r"',
]

for (const dialect of dialects()) {
  describe(`migration 0017: existing objects keep their AQL answers [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('keeps the label, unique and reference-lookup rows, drops the others, and answers as memory does', async () => {
      const { db, made: attributeIds } = await databaseMigratedTo(
        dialect,
        dbs,
        '0016-pull-read-state',
        writeAsBefore,
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const kept = await services.store.db
          .selectFrom('object_value')
          .select('attribute_id')
          .distinct()
          .execute()
        // Name, a single-valued text label, kept its rows through 0017; migration 0030 answers it from the object
        // rows' labels and deletes them (index state `label`).
        expect(kept.map((r) => Number(r.attribute_id)).sort()).toEqual(
          [attributeIds.Serial!, attributeIds.Age!].sort(),
        )
        const attrs = await services.schemas.attributesOfTypes([attributeIds.type!])
        expect(Object.fromEntries(attrs.map((a) => [a.name, [a.indexed, a.indexState]]))).toEqual({
          Name: [false, 'label'],
          Serial: [false, 'ready'],
          Vendor: [false, 'none'],
          Age: [true, 'ready'],
          Tags: [false, 'none'],
        })
        const catalog = await services.aql.catalog('w')
        const { records } = await loadRecords(services, 'w', catalog)
        expect(records).toHaveLength(VALUES.length)
        await expectAqlAsInMemory(services, 'w', QUERIES)
      } finally {
        await booted.close()
      }
    })
  })
}

/** A schema and objects written as the code of migration 0016's time wrote them: an index row for every value. */
async function writeAsBefore(db: Raw): Promise<Record<string, number>> {
  const schema = await insertLegacySchema(db, { nextObjectSeq: VALUES.length + 1, at: NOW })
  const type = await db
    .insertInto('object_type')
    .values({
      workspace_id: 'w',
      object_schema_id: schema.id,
      parent_object_type_id: null,
      external_id: 'leg/type/device',
      name: 'Device',
      description: '',
      icon_key: null,
      position: 0,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const ids: Record<string, number> = { type: Number(type.id) }
  const attributes: [string, string, boolean, boolean, number][] = [
    ['Name', 'text', true, false, 1],
    ['Serial', 'text', false, true, 1],
    ['Vendor', 'select', false, false, 1],
    ['Age', 'integer', false, false, 1],
    ['Tags', 'textarea', false, false, -1],
  ]
  for (const [position, [name, kind, label, unique, max]] of attributes.entries()) {
    const row = await db
      .insertInto('attribute')
      .values({
        workspace_id: 'w',
        object_type_id: type.id,
        external_id: `leg/attr/${name.toLowerCase()}`,
        name,
        description: '',
        kind,
        is_label: label ? 1 : 0,
        minimum_cardinality: 0,
        maximum_cardinality: max,
        is_unique: unique ? 1 : 0,
        reference_object_type_id: null,
        allowed_values: kind === 'select' ? JSON.stringify(['Äpfel', 'äpfel', 'Dell', 'dell', 'HP']) : '[]',
        position,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids[name] = Number(row.id)
  }
  await storedMappingWithReference(db, Number(schema.id), Number(type.id))
  for (const [i, [name, vendor, age, tags]] of VALUES.entries()) {
    const values: Record<string, (string | number)[]> = {
      [ids.Name!]: [name],
      [ids.Serial!]: [`SN-${i + 1}`],
    }
    if (vendor.length > 0) values[ids.Vendor!] = vendor
    if (age !== null) values[ids.Age!] = [age]
    if (tags.length > 0) values[ids.Tags!] = tags
    const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => Number(a) - Number(b)))
    const object = await db
      .insertInto('object')
      .values({
        workspace_id: 'w',
        object_schema_id: schema.id,
        object_type_id: type.id,
        object_key: `LEG-${i + 1}`,
        label: name,
        label_ci: foldCase(name),
        identity: null,
        import_source_id: null,
        content_hash: `h${i}`,
        attribute_values: JSON.stringify(sorted),
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [attributeId, list] of Object.entries(values)) {
      for (const [position, value] of list.entries()) {
        const text = String(value)
        await db
          .insertInto('object_value')
          .values({
            attribute_id: Number(attributeId),
            value_ci: foldCase(text),
            object_id: object.id,
            position,
            value_text: text,
            value_num: typeof value === 'number' ? value : null,
          })
          .execute()
      }
    }
  }
  return ids
}

/**
 * A Rack type whose Device reference an import source's stored mapping resolves with `Age = ${age}`: the Device's
 * Age is what the reference pass looks up by.
 */
async function storedMappingWithReference(db: Raw, schemaId: number, deviceTypeId: number): Promise<void> {
  const rack = await db
    .insertInto('object_type')
    .values({
      workspace_id: 'w',
      object_schema_id: schemaId,
      parent_object_type_id: null,
      external_id: 'leg/type/rack',
      name: 'Rack',
      description: '',
      icon_key: null,
      position: 1,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('attribute')
    .values({
      workspace_id: 'w',
      object_type_id: rack.id,
      external_id: 'leg/attr/rack-device',
      name: 'Device',
      description: '',
      kind: 'referenced_object',
      is_label: 0,
      minimum_cardinality: 0,
      maximum_cardinality: 1,
      is_unique: 0,
      reference_object_type_id: deviceTypeId,
      allowed_values: '[]',
      position: 0,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute()
  const attribute = (name: string, type = 'text', target: string | null = null) => ({
    externalId: `leg/attr/${name.toLowerCase()}`,
    name,
    description: '',
    type,
    label: name === 'Name',
    minimumCardinality: 0,
    maximumCardinality: 1,
    unique: name === 'Serial',
    typeValues: [],
    referenceObjectTypeExternalId: target,
    referenceObjectTypeName: target === null ? null : 'Device',
  })
  const mapping = {
    objectSchema: { name: 'Legacy', description: '' },
    objectTypes: [
      {
        externalId: 'leg/type/device',
        name: 'Device',
        description: '',
        iconKey: null,
        attributes: ['Name', 'Serial', 'Vendor', 'Age', 'Tags'].map((n) => attribute(n)),
        children: [],
      },
      {
        externalId: 'leg/type/rack',
        name: 'Rack',
        description: '',
        iconKey: null,
        attributes: [
          {
            ...attribute('Device', 'referenced_object', 'leg/type/device'),
            externalId: 'leg/attr/rack-device',
          },
        ],
        children: [],
      },
    ],
    icons: [],
    statuses: [],
    objectTypeMappings: [
      {
        objectTypeExternalId: 'leg/type/rack',
        objectTypeName: 'Rack',
        selector: 'racks',
        description: '',
        attributesMapping: [
          {
            attributeExternalId: 'leg/attr/rack-device',
            attributeName: 'Device',
            attributeLocators: ['age'],
            externalIdPart: false,
            objectMappingIQL: 'Age = ${age}',
          },
        ],
        selectorQlQuery: null,
        missingObjects: null,
        emptyValues: null,
        unknownValues: null,
        matchIdentifierIgnoreCase: null,
        disabled: false,
      },
    ],
  }
  await db
    .insertInto('import_source')
    .values({
      id: 'legacy-source',
      workspace_id: 'w',
      name: 'Legacy',
      description: '',
      type: 'external',
      object_schema_id: schemaId,
      settings: '{}',
      config: '{}',
      enabled: 1,
      mapping: JSON.stringify(mapping),
      mapping_version: 1,
      mapping_updated_at: NOW,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute()
}
