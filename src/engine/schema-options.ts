/** unknownValues ADD: new select options and statuses become part of the schema before values use them. */
import type { AttributeDef } from '../domain/schema/types.js'
import { setMappedValues, type MappedEntry } from './map-entry.js'
import type { WriteContext } from './run-context.js'
import type { TypePlan } from './type-plan.js'

export async function addNewOptions(ctx: WriteContext, plan: TypePlan, batch: MappedEntry[]): Promise<void> {
  const wanted = new Map<number, Set<string>>()
  for (const e of batch)
    for (const [id, names] of e.newOptions)
      for (const n of names) (wanted.get(id) ?? wanted.set(id, new Set()).get(id)!).add(n)
  for (const [attrId, names] of wanted) {
    const attr = plan.allAttributes.get(attrId)!
    // One spelling per option, case-insensitively: the existing one, else the first this batch brought.
    const spelling = new Map<string, string>()
    for (const v of attr.kind === 'status' ? ctx.statusNames : attr.allowedValues)
      if (!spelling.has(v.toLowerCase())) spelling.set(v.toLowerCase(), v)
    const fresh: string[] = []
    for (const n of names) {
      if (spelling.has(n.toLowerCase())) continue
      spelling.set(n.toLowerCase(), n)
      fresh.push(n)
    }
    for (const e of batch) {
      const vals = e.values.get(attrId)
      if (vals)
        setMappedValues(e, attrId, [
          ...new Set(vals.map((v) => (typeof v === 'string' ? (spelling.get(v.toLowerCase()) ?? v) : v))),
        ])
    }
    if (fresh.length === 0) continue
    if (attr.kind === 'select') {
      const allowedValues = [...attr.allowedValues, ...fresh]
      await ctx.catalog.setSelectOptions(ctx.workspaceId, attr, allowedValues)
      replaceAttribute(plan, { ...attr, allowedValues })
    } else {
      await ctx.catalog.addStatuses(ctx.workspaceId, ctx.objectSchemaId, fresh)
      ctx.statusNames = [...ctx.statusNames, ...fresh]
    }
  }
}

function replaceAttribute(plan: TypePlan, next: AttributeDef): void {
  plan.allAttributes.set(next.id, next)
  for (const a of plan.attributes) if (a.attribute.id === next.id) a.attribute = next
}
