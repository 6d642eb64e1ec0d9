import type { TSchema } from '@sinclair/typebox'
import { Value, type ValueError } from '@sinclair/typebox/value'
import type { Connector, ConnectorType, SourceSchema } from '../connectors/connector.js'
import { generateDocument } from '../connectors/discovery.js'
import { CONNECTOR_TYPES, createConnectors } from '../connectors/registry.js'
import type { SourceLimits } from '../connectors/source-limits.js'
import type { FieldProblem } from '../domain/errors.js'

export type AnyConnector = Connector<Record<string, unknown>>

/** What the pull import services need of the connectors: one per source type, and the proposed document. */
export interface ConnectorCatalog {
  /** The types that have a connector. */
  types(): readonly ConnectorType[]
  connector(type: ConnectorType): AnyConnector
  generateDocument(
    schema: SourceSchema,
    options: { objectTypeName?: string; objectSchemaName?: string },
  ): Record<string, unknown>
}

/** The catalog of a server: its connectors keep `limits` (temp files under INTAKE_DATA_DIR, sizes, columns). */
export function connectorCatalog(limits: SourceLimits): ConnectorCatalog {
  const connectors = createConnectors(limits)
  return {
    types: () => CONNECTOR_TYPES,
    connector: (type) => {
      const connector = connectors[type]
      if (!connector) throw new Error(`No connector for source type ${String(type)}`)
      return connector as unknown as AnyConnector
    },
    generateDocument: (schema, options) => generateDocument(schema, options),
  }
}

/** A placeholder for the path while a client's config is checked: the path is never the client's to choose. */
const PLACEHOLDER_PATH = '/intake/the-source-file'

/**
 * Checks a client's connector config against the connector's TypeBox schema (defaults applied; a file
 * connector's `path` filled in by Intake); answers the problems, named under `field` (`body.config`). The value
 * of a secret field is never echoed.
 */
export function connectorConfigProblems(
  connector: AnyConnector,
  config: Record<string, unknown>,
  field: string,
): FieldProblem[] {
  const secrets = connector.secretFields ?? []
  // A value is echoed unless it is a secret or holds one (`auth` around `auth.password`, the whole config).
  const holdsSecret = (at: string) => secrets.some((s) => at === '' || s === at || s.startsWith(`${at}.`))
  if (connector.origin === 'connection') {
    const candidate = withDefaults(connector, config)
    const problems = [...configErrors(connector.configSchema, candidate)].map((error) => {
      const at = error.path.replace(/^\//, '').replace(/\//g, '.')
      const problem: FieldProblem = { field: at ? `${field}.${at}` : field, message: error.message }
      return holdsSecret(at) ? problem : { ...problem, value: error.value }
    })
    if (problems.length > 0 || !connector.configProblems) return problems
    return connector
      .configProblems(candidate)
      .map((p) => ({ field: `${field}.${p.path}`, message: p.message }))
  }
  const problems: FieldProblem[] = []
  if (Object.hasOwn(config, 'path')) {
    problems.push({
      field: `${field}.path`,
      message:
        'is chosen by Intake: upload the file, or PUT …/file {"path"} naming a file inside INTAKE_IMPORT_DIR',
      value: config.path,
    })
  }
  const candidate = withPath(connector, config, PLACEHOLDER_PATH)
  for (const error of Value.Errors(connector.configSchema, candidate)) {
    const at = error.path.replace(/^\//, '').replace(/\//g, '.')
    if (at === 'path') continue
    problems.push({ field: at ? `${field}.${at}` : field, message: error.message, value: error.value })
  }
  return problems
}

/** A connection connector's config for one call: the (decrypted) config with the schema's defaults applied. */
export function withDefaults(
  connector: AnyConnector,
  config: Record<string, unknown>,
): Record<string, unknown> {
  return Value.Default(connector.configSchema, Value.Clone(config)) as Record<string, unknown>
}

/** The connector's config for one read: the stored config with defaults applied and the confined file path. */
export function withPath(
  connector: AnyConnector,
  config: Record<string, unknown>,
  path: string,
): Record<string, unknown> {
  const { path: _ignored, ...rest } = config
  const value = Value.Default(connector.configSchema, Value.Clone({ ...rest, path })) as Record<
    string,
    unknown
  >
  return value
}

/** The `type` constant of each variant of a union of objects (`{ type: 'basic', … } | { type: 'bearer', … }`). */
const variantType = (variant: TSchema): unknown =>
  (variant as { properties?: { type?: { const?: unknown } } }).properties?.type?.const

/**
 * The schema errors of a config, with the errors of a union of `type`-tagged objects (a REST source's `auth`,
 * `pagination`) explained by the variant its `type` names (`auth.x Unexpected property`) or by the types there
 * are, instead of TypeBox's bare "Expected union value".
 */
function* configErrors(schema: TSchema, value: unknown): Generator<ValueError> {
  for (const error of Value.Errors(schema, value)) {
    const variants = (error.schema as { anyOf?: TSchema[] }).anyOf
    const tagged = variants?.every((v) => variantType(v) !== undefined) ?? false
    const inner = error.value as { type?: unknown } | null
    if (!variants || !tagged || inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      yield error
      continue
    }
    const match = variants.find((v) => variantType(v) === inner.type)
    if (!match) {
      const types = variants.map((v) => JSON.stringify(variantType(v))).join(', ')
      yield { ...error, path: `${error.path}/type`, message: `Expected one of ${types}`, value: inner.type }
      continue
    }
    for (const nested of configErrors(match, inner)) yield { ...nested, path: `${error.path}${nested.path}` }
  }
}
