import { Type, type Static } from '@sinclair/typebox'

/** A table or view, optionally schema-qualified (`hosts`, `inventory.hosts`); quoted by the driver. */
const TABLE_NAME = '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$'
const COLUMN_NAME = '^[A-Za-z_][A-Za-z0-9_$]*$'
/** A selector root: one segment, as the mapping's selector names it. */
export const ROOT_NAME = '^[A-Za-z_][A-Za-z0-9_-]{0,99}$'

export const SqlRootSchema = Type.Object(
  {
    table: Type.Optional(
      Type.String({ pattern: TABLE_NAME, description: 'A table or view (`hosts`, `inventory.hosts`)' }),
    ),
    query: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100_000,
        description: 'A SELECT (or WITH … SELECT) query; its column names are the locators',
      }),
    ),
    incremental: Type.Optional(
      Type.Object(
        {
          column: Type.String({
            pattern: COLUMN_NAME,
            description:
              'High-water-mark column (`updated_at`, a growing id): the next run reads the rows whose value is at ' +
              'least the highest one the last completed run read',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

export const SqlConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('sqlite')], {
      description: 'postgres (PostgreSQL), mysql (MySQL and MariaDB) or sqlite',
    }),
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description:
          'Connection URL (`postgres://user:pass@host:5432/db`, `mysql://user:pass@host:3306/db`), instead of ' +
          'host, port, database, user and password. A secret (it may hold the password).',
      }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    database: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: 'Database name; for sqlite the database file inside INTAKE_IMPORT_DIR',
      }),
    ),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'A secret: stored encrypted, never answered' }),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ default: true }),
          rejectUnauthorized: Type.Boolean({
            default: true,
            description: 'Verify the server certificate (false accepts any certificate)',
          }),
          ca: Type.Optional(Type.String({ maxLength: 65_536, description: 'PEM of the CA to trust' })),
        },
        { additionalProperties: false },
      ),
    ),
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000 }),
    roots: Type.Record(Type.String({ pattern: ROOT_NAME }), SqlRootSchema, {
      minProperties: 1,
      description: 'Selector root → its table or query; the mapping selects entries by these names',
    }),
  },
  { additionalProperties: false },
)

export type SqlConfig = Static<typeof SqlConfigSchema>
export type SqlRoot = Static<typeof SqlRootSchema>

/** Problems the schema cannot express: one of table or query; where to connect. */
export function sqlConfigProblems(config: SqlConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = []
  for (const [name, root] of Object.entries(config.roots ?? {})) {
    if ((root.table === undefined) === (root.query === undefined))
      problems.push({ path: `roots.${name}`, message: 'must name either a table or a query (one of them)' })
    if (root.query !== undefined && !/^\s*(select|with)\b/i.test(root.query))
      problems.push({ path: `roots.${name}.query`, message: 'must be a SELECT (or WITH … SELECT) query' })
  }
  if (config.driver === 'sqlite') {
    if (config.database === undefined)
      problems.push({
        path: 'database',
        message: 'names the SQLite database file (inside INTAKE_IMPORT_DIR)',
      })
    for (const key of ['url', 'host', 'port', 'user', 'password', 'tls'] as const)
      if (config[key] !== undefined) problems.push({ path: key, message: 'does not apply to sqlite' })
  } else if (config.url === undefined && (config.host === undefined || config.database === undefined)) {
    problems.push({ path: 'host', message: 'with database (or a url) says where to connect' })
  }
  if (config.url !== undefined) {
    let ok = false
    try {
      const u = new URL(config.url)
      ok =
        config.driver === 'postgres'
          ? /^postgres(ql)?:$/.test(u.protocol)
          : /^(mysql|mariadb):$/.test(u.protocol)
    } catch {
      ok = false
    }
    if (!ok)
      problems.push({
        path: 'url',
        message: `must be a ${config.driver === 'postgres' ? 'postgres://' : 'mysql://'} URL`,
      })
  }
  return problems
}
