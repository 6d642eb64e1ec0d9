import { sql, type Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { backfillFoldedLabels } from '../../src/store/migrations/0003-aql-indexes.js'
import { describeEachDialect } from '../helpers/test-env.js'

/** What the compiled queries rely on in the store: the folded label, kept by every write, and the indexes. */
describeEachDialect('AQL store support', (env) => {
  let typeId = 0

  beforeAll(async () => {
    const { services } = env().booted
    const ws = env().workspaceId
    const schema = await services.schemas.createSchema(ws, { name: 'Store', objectSchemaKey: 'STO' })
    typeId = (await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Thing' })).id
    await services.schemas.createAttribute(ws, typeId, { name: 'Name', kind: 'text', label: true })
  })

  const labels = async (query: string) =>
    (
      await env().booted.services.aql.search(env().workspaceId, query, { startAt: 0, maxResults: 50 })
    ).values.map((o) => o.label)

  it('keeps label_ci = foldCase(label) when objects are created and renamed', async () => {
    const { services, workspaceId: ws } = { ...env().booted, workspaceId: env().workspaceId }
    const o = await services.objects.create(ws, {
      objectTypeId: typeId,
      attributes: [{ attribute: 'Name', values: ['ÉCOLE'] }],
    })
    expect(await labels('label = "école"')).toEqual(['ÉCOLE'])
    await services.objects.update(ws, o.id, [{ attribute: 'Name', values: ['ΣΟΦΊΑ'] }])
    expect(await labels('label = "école"')).toEqual([])
    expect(await labels('label = "σοφία"')).toEqual(['ΣΟΦΊΑ'])
    await services.objects.update(ws, o.id, [{ attribute: 'Name', values: [] }])
    const row = await services.store.db
      .selectFrom('object')
      .select(['label', 'label_ci'])
      .where('id', '=', o.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ label: 'STO-1', label_ci: 'sto-1' })
  })

  it('backfills the folded label of objects written before migration 0003', async () => {
    const { db } = env().booted.services.store
    const o = await env().booted.services.objects.create(env().workspaceId, {
      objectTypeId: typeId,
      attributes: [{ attribute: 'Name', values: ['Ärger İm Büro'] }],
    })
    await db.updateTable('object').set({ label_ci: '' }).where('id', '=', o.id).execute()
    expect(await labels('label = "ärger i̇m büro"')).toEqual([])
    await backfillFoldedLabels(db as unknown as Kysely<unknown>)
    expect(await labels('label = "ärger i̇m büro"')).toEqual(['Ärger İm Büro'])
  })

  it('has the indexes the compiled queries use', async () => {
    const { db, caps } = env().booted.services.store
    const names =
      caps.dialect === 'sqlite'
        ? (
            await sql<{
              name: string
            }>`select name from sqlite_master where type = 'index' and tbl_name = 'object'`.execute(db)
          ).rows
        : (
            await sql<{
              name: string
            }>`select indexname as name from pg_indexes where tablename = 'object'`.execute(db)
          ).rows
    const indexes = names.map((r) => r.name)
    expect(indexes).toEqual(expect.arrayContaining(['object_type_label_ci_idx']))
    expect(indexes).not.toContain('object_type_label_idx')
    // Key equality reads object_key_uq (migration 0027).
    expect(indexes).not.toContain('object_key_ci_idx')
    // pg_trgm is optional (a managed server may refuse the extension); this server allows it.
    if (caps.dialect === 'postgres') expect(indexes).toContain('object_label_trgm_idx')
  })
})
