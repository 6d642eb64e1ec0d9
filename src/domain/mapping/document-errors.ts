import { defineError } from '../errors.js'
import type { DocumentProblem } from './document.types.js'

/** A PUT or PATCH of a schema + mapping document that breaks one or more rules; nothing was applied. */
export const MappingDocumentInvalidError = defineError<{ problems: DocumentProblem[] }>(
  'MAPPING_DOCUMENT_INVALID',
  400,
  ({ problems }) => {
    const first = problems[0]
    if (problems.length === 1 && first)
      return `Invalid schema and mapping: ${first.pointer || '/'} ${first.message}`
    return `Invalid schema and mapping: ${problems.length} problems`
  },
  'The schema + mapping document breaks one or more rules; details.problems (and, for Assets clients, the ' +
    'top-level dataValidationErrors) lists every one with its code (see docs/mapping.md) and a JSON pointer into ' +
    'the submitted document. Nothing was applied.',
  ({ problems }) => ({
    dataValidationErrors: problems.map(({ code, pointer, message }) => ({ code, pointer, message })),
  }),
)
