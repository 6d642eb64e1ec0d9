import { Value } from '@sinclair/typebox/value'
import type { Connector, ConnectorType, SourceSchema } from '../connectors/connector.js'
import { generateDocument } from '../connectors/discovery.js'
import { connectorFor, createConnectors } from '../connectors/registry.js'
import type { SourceLimits } from '../connectors/source-limits.js'
import type { FieldProblem } from '../domain/errors.js'

export type AnyConnector = Connector<Record<string, unknown>>

/** What the file import services need of the connectors: one per source type, and the proposed document. */
export interface ConnectorCatalog {
  connector(type: ConnectorType): AnyConnector
  generateDocument(
    schema: SourceSchema,
    options: { objectTypeName?: string; objectSchemaName?: string },
  ): Record<string, unknown>
}

export const defaultConnectorCatalog: ConnectorCatalog = {
  connector: (type) => connectorFor(type) as unknown as AnyConnector,
  generateDocument: (schema, options) => generateDocument(schema, options),
}

/** The catalog of a server: its connectors keep `limits` (temp files under INTAKE_DATA_DIR, sizes, columns). */
export function connectorCatalog(limits: SourceLimits): ConnectorCatalog {
  const connectors = createConnectors(limits)
  return {
    connector: (type) => connectors[type] as unknown as AnyConnector,
    generateDocument: (schema, options) => generateDocument(schema, options),
  }
}

/** A placeholder for the path while a client's config is checked: the path is never the client's to choose. */
const PLACEHOLDER_PATH = '/intake/the-source-file'

/**
 * Checks a client's connector config against the connector's TypeBox schema (defaults applied, `path` filled in
 * by Intake); answers the problems, named under `field` (`body.config`).
 */
export function connectorConfigProblems(
  connector: AnyConnector,
  config: Record<string, unknown>,
  field: string,
): FieldProblem[] {
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
