import { type Static, Type } from '@sinclair/typebox'

export const CSV_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'iso-8859-1', 'windows-1252'] as const
export type CsvEncoding = (typeof CSV_ENCODINGS)[number]

const singleChar = (description: string, fallback: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: fallback, description }))

/** Configuration of a CSV source. The first row is always the header: it names the columns (the locators). */
export const CsvConfigSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The file, as resolved and confined by the service.' }),
    delimiter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4,
        default: ',',
        description: 'Field delimiter (`,`, `;`, tab…).',
      }),
    ),
    quoteChar: singleChar('Quote character of quoted fields.', '"'),
    escapeChar: singleChar('Escapes a quote inside a quoted field (`"` doubles it).', '"'),
    encoding: Type.Optional(
      Type.Union(
        CSV_ENCODINGS.map((e) => Type.Literal(e)),
        {
          default: 'utf-8',
          description:
            'Encoding of the file; a UTF-8 or UTF-16 byte order mark overrides it and is stripped.',
        },
      ),
    ),
    multiValueSeparator: Type.Optional(
      Type.String({
        minLength: 1,
        default: '||',
        description: 'A cell containing it holds several values (split and trimmed).',
      }),
    ),
    hasHeader: Type.Optional(
      Type.Literal(true, { default: true, description: 'The first row names the columns (required).' }),
    ),
  },
  { additionalProperties: false },
)

export type CsvConfig = Static<typeof CsvConfigSchema>

/** A CSV configuration with its defaults applied. */
export type ResolvedCsvConfig = Required<CsvConfig>

export function resolveCsvConfig(config: CsvConfig): ResolvedCsvConfig {
  return {
    path: config.path,
    delimiter: config.delimiter ?? ',',
    quoteChar: config.quoteChar ?? '"',
    escapeChar: config.escapeChar ?? config.quoteChar ?? '"',
    encoding: config.encoding ?? 'utf-8',
    multiValueSeparator: config.multiValueSeparator ?? '||',
    hasHeader: true,
  }
}
