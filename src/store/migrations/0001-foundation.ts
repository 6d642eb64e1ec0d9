import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/** Workspaces, tokens and the object repository. */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const text = 'text'
  const int = 'integer'

  await db.schema
    .createTable('workspace')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_token')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('import_source_id', text)
    .addColumn('scopes', text, (c) => c.notNull())
    .addColumn('token_prefix', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_used_at', text)
    .addColumn('revoked_at', text)
    .execute()
  await db.schema.createIndex('api_token_workspace_idx').on('api_token').columns(['workspace_id']).execute()

  await caps
    .addIdColumn(db.schema.createTable('object_schema'))
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('object_schema_key', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('next_object_seq', caps.bigintType, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('object_schema_key_uq', ['workspace_id', 'object_schema_key'])
    .addUniqueConstraint('object_schema_name_uq', ['workspace_id', 'name'])
    .execute()

  await caps
    .addIdColumn(db.schema.createTable('object_type'))
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('object_schema_id', caps.bigintType, (c) =>
      c.notNull().references('object_schema.id').onDelete('cascade'),
    )
    .addColumn('parent_object_type_id', caps.bigintType, (c) => c.references('object_type.id'))
    .addColumn('external_id', text)
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('icon_key', text)
    .addColumn('position', int, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('object_type_name_uq', ['object_schema_id', 'name'])
    .addUniqueConstraint('object_type_external_id_uq', ['workspace_id', 'external_id'])
    .execute()
  await db.schema
    .createIndex('object_type_parent_idx')
    .on('object_type')
    .columns(['parent_object_type_id'])
    .execute()

  await caps
    .addIdColumn(db.schema.createTable('attribute'))
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('object_type_id', caps.bigintType, (c) =>
      c.notNull().references('object_type.id').onDelete('cascade'),
    )
    .addColumn('external_id', text)
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('is_label', int, (c) => c.notNull().defaultTo(0))
    .addColumn('minimum_cardinality', int, (c) => c.notNull().defaultTo(0))
    .addColumn('maximum_cardinality', int, (c) => c.notNull().defaultTo(1))
    .addColumn('is_unique', int, (c) => c.notNull().defaultTo(0))
    .addColumn('reference_object_type_id', caps.bigintType, (c) => c.references('object_type.id'))
    .addColumn('allowed_values', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('position', int, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('attribute_name_uq', ['object_type_id', 'name'])
    .addUniqueConstraint('attribute_external_id_uq', ['workspace_id', 'external_id'])
    .execute()

  await caps
    .addIdColumn(db.schema.createTable('status'))
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('object_schema_id', caps.bigintType, (c) =>
      c.references('object_schema.id').onDelete('cascade'),
    )
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('category', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('status_scope_idx')
    .on('status')
    .columns(['workspace_id', 'object_schema_id'])
    .execute()

  await caps
    .addIdColumn(db.schema.createTable('object'))
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('object_schema_id', caps.bigintType, (c) => c.notNull().references('object_schema.id'))
    .addColumn('object_type_id', caps.bigintType, (c) => c.notNull().references('object_type.id'))
    .addColumn('object_key', text, (c) => c.notNull())
    .addColumn('label', text, (c) => c.notNull())
    .addColumn('identity', text)
    .addColumn('import_source_id', text)
    .addColumn('content_hash', text, (c) => c.notNull())
    .addColumn('attribute_values', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('object_key_uq', ['workspace_id', 'object_key'])
    .addUniqueConstraint('object_identity_uq', ['object_type_id', 'import_source_id', 'identity'])
    .execute()
  await db.schema
    .createIndex('object_type_label_idx')
    .on('object')
    .columns(['object_type_id', 'label'])
    .execute()

  // The search index of attribute values, clustered on what queries look up. Maintained by the services and
  // the import engine from object.attribute_values (no foreign key: rows are removed by their keys).
  let valueIndex = db.schema
    .createTable('object_value')
    .addColumn('attribute_id', caps.bigintType, (c) => c.notNull())
    .addColumn('value_ci', text, (c) => c.notNull())
    .addColumn('object_id', caps.bigintType, (c) => c.notNull())
    .addColumn('position', int, (c) => c.notNull())
    .addColumn('value_text', text, (c) => c.notNull())
    .addColumn('value_num', caps.doubleType)
    .addPrimaryKeyConstraint('object_value_pk', ['attribute_id', 'value_ci', 'object_id', 'position'])
  if (caps.dialect === 'sqlite') valueIndex = valueIndex.modifyEnd(sql`without rowid`)
  await valueIndex.execute()
  await db.schema
    .createIndex('object_value_num_idx')
    .on('object_value')
    .columns(['attribute_id', 'value_num'])
    .where(sql.ref('value_num'), 'is not', null)
    .execute()

  await db.schema
    .createTable('object_reference')
    .addColumn('object_id', caps.bigintType, (c) => c.notNull().references('object.id').onDelete('cascade'))
    .addColumn('attribute_id', caps.bigintType, (c) =>
      c.notNull().references('attribute.id').onDelete('cascade'),
    )
    .addColumn('position', int, (c) => c.notNull())
    .addColumn('target_object_id', caps.bigintType, (c) =>
      c.notNull().references('object.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('object_reference_pk', ['object_id', 'attribute_id', 'position'])
    .execute()
  await db.schema
    .createIndex('object_reference_target_idx')
    .on('object_reference')
    .columns(['target_object_id', 'attribute_id'])
    .execute()
}
