/** PUT of a schema + mapping document: the whole document, validated and normalized. */
import type { DocumentContext, DocumentResult } from './document.types.js'
import { EMPTY_DOCUMENT } from './document-draft.js'
import { mergeSubmission } from './merge-document.js'

/**
 * Validates a submitted document (either version; `$schema` is ignored) and answers it normalized: defaults
 * filled in, externalIds generated for a 2021_09_15 document, one label per object type, mappings resolved to
 * externalIds. Or every problem at once, each with a code and a JSON pointer into `document`.
 */
export function validateDocument(document: unknown, context: DocumentContext): DocumentResult {
  return mergeSubmission(EMPTY_DOCUMENT, document, 'put', context)
}
