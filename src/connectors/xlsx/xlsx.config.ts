import { type Static, Type } from '@sinclair/typebox'

/** Configuration of an XLSX source: one sheet, whose header row names the columns (the locators). */
export const XlsxConfigSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The file, as resolved and confined by the service.' }),
    sheet: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 1 })], {
        description:
          'The sheet to read: its name, or its 1-based position among the tabs. Default: the first.',
      }),
    ),
    headerRow: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: 1,
        description: 'The 1-based row that names the columns; rows above it are ignored.',
      }),
    ),
  },
  { additionalProperties: false },
)

export type XlsxConfig = Static<typeof XlsxConfigSchema>
