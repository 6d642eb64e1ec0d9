/**
 * PATCH of a schema + mapping document (reference §1.8), and the merge both PUT and PATCH run.
 * Pure: nothing is applied anywhere; the caller stores `document` only when `ok` is true.
 */
import type { DocumentContext, DocumentResult, NormalizedDocument } from './document.types.js'
import { checkDraft } from './document-checks.js'
import { draftFromNormalized, draftToNormalized } from './document-draft.js'
import { mergeIcons, mergeStatuses } from './document-merge-catalog.js'
import { mergeMappings } from './document-merge-mapping.js'
import { mergeObjectTypes } from './document-merge-schema.js'
import { createMergeState } from './document-merge-state.js'
import { parseDocument } from './document-parse.js'
import type { ParseMode } from './document-parsed.types.js'
import { ProblemCollector } from './document-problems.js'

/**
 * Merges a PATCH into the stored document. Object types and attributes are identified by externalId (by name
 * when the patch has no externalIds): new ones are added anywhere in the tree, known ones take new
 * descriptions, icons, label / cardinality / unique / typeValues; the mapping of every object type the patch
 * maps is replaced, the others are kept. Renames, attribute type changes, reference target changes, icon key
 * changes and moves are refused. Nothing can be deleted: what the patch leaves out stays. The merged result is
 * validated as a whole, and every problem of the patch comes back at once.
 */
export function mergeForPatch(
  existing: NormalizedDocument,
  patch: unknown,
  context: DocumentContext,
): DocumentResult {
  return mergeSubmission(existing, patch, 'patch', context)
}

export function mergeSubmission(
  base: NormalizedDocument,
  submitted: unknown,
  mode: ParseMode,
  context: DocumentContext,
): DocumentResult {
  const problems = new ProblemCollector()
  const parsed = parseDocument(submitted, mode, context, problems)
  if (parsed === undefined) return { ok: false, problems: problems.list() }
  const draft = draftFromNormalized(base)
  if (mode === 'put') {
    draft.objectSchema = {
      name: parsed.objectSchemaName ?? '',
      description: parsed.objectSchemaDescription ?? '',
    }
  } else if (parsed.objectSchemaDescription !== undefined) {
    // The object schema keeps its name on PATCH (GET answers the real name); its description may change.
    draft.objectSchema.description = parsed.objectSchemaDescription
  }
  const state = createMergeState(draft, parsed.version, mode, context, problems)
  mergeIcons(state, parsed.icons)
  mergeStatuses(state, parsed.statuses)
  mergeObjectTypes(state, parsed.objectTypes)
  mergeMappings(state, parsed.mappings)
  checkDraft(state)
  if (problems.size > 0) return { ok: false, problems: problems.list() }
  return { ok: true, document: draftToNormalized(draft), version: parsed.version }
}
