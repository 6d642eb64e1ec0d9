/** What every merge phase shares: the draft, its indexes by externalId, the context and the problems. */
import type { DocumentContext, DocumentVersion } from './document.types.js'
import type { Draft, DraftAttribute, DraftType } from './document-draft.js'
import { allTypes } from './document-draft.js'
import type { ParseMode } from './document-parsed.types.js'
import type { ProblemCollector } from './document-problems.js'

export interface MergeState {
  readonly draft: Draft
  /** Version of the submitted document: how its elements are identified (externalId, or name in 2021). */
  readonly version: DocumentVersion
  readonly mode: ParseMode
  readonly context: DocumentContext
  readonly problems: ProblemCollector
  readonly typesById: Map<string, DraftType>
  readonly attributesById: Map<string, { attribute: DraftAttribute; owner: DraftType }>
  readonly externalIdsInUse: ReadonlySet<string>
  readonly existingIconKeys: ReadonlySet<string>
  /** null: the caller did not say which statuses exist, so typeValues are not checked. */
  readonly existingStatusNames: ReadonlySet<string> | null
}

export function createMergeState(
  draft: Draft,
  version: DocumentVersion,
  mode: ParseMode,
  context: DocumentContext,
  problems: ProblemCollector,
): MergeState {
  const state: MergeState = {
    draft,
    version,
    mode,
    context,
    problems,
    typesById: new Map(),
    attributesById: new Map(),
    externalIdsInUse: new Set(context.externalIdsInUse ?? []),
    existingIconKeys: new Set(context.existingIconKeys ?? []),
    existingStatusNames:
      context.existingStatusNames === undefined
        ? null
        : new Set([...context.existingStatusNames].map((name) => name.toLowerCase())),
  }
  for (const type of allTypes(draft)) {
    state.typesById.set(type.externalId, type)
    for (const attribute of type.attributes)
      state.attributesById.set(attribute.externalId, { attribute, owner: type })
  }
  return state
}

export function findTypeByName(state: MergeState, name: string | undefined): DraftType | undefined {
  if (name === undefined) return undefined
  return allTypes(state.draft).find((type) => type.name === name)
}

/**
 * Checks a new externalId given in the submission: unique in the document (types and attributes share one
 * namespace) and not used by another import source of the workspace. Answers false when it cannot be used.
 */
export function checkNewExternalId(state: MergeState, id: string, at: string): boolean {
  const type = state.typesById.get(id)
  const attribute = state.attributesById.get(id)
  if (type !== undefined || attribute !== undefined) {
    const owner =
      type !== undefined ? `object type "${type.name}"` : `attribute "${attribute?.attribute.name}"`
    state.problems.add('DUPLICATE_EXTERNAL_ID', at, `externalId "${id}" is already used by ${owner}`)
    return false
  }
  if (state.externalIdsInUse.has(id)) {
    state.problems.add(
      'EXTERNAL_ID_IN_USE',
      at,
      `externalId "${id}" is used by another import source of this workspace`,
    )
  }
  return true
}

/** A placeholder id for an element whose externalId is unusable; never stored (its problem is reported). */
export function placeholderId(at: string): string {
  return `\u0000missing:${at}`
}
