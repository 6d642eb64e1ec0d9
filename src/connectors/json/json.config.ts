import { type Static, Type } from '@sinclair/typebox'

/**
 * Configuration of a JSON source. The file has the shape of a push chunk's `data` object:
 * `{ "hardDrives": [ {...}, ... ], "other": [...] }`; each top-level array is a selector root.
 */
export const JsonConfigSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The file, as resolved and confined by the service.' }),
  },
  { additionalProperties: false },
)

export type JsonConfig = Static<typeof JsonConfigSchema>
