import type { Connector, ConnectorType } from './connector.js'
import { createCsvConnector } from './csv/csv.connector.js'
import { createJsonConnector } from './json/json.connector.js'
import { ldapConnector } from './ldap/ldap.connector.js'
import { restConnector } from './rest/rest.connector.js'
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from './source-limits.js'
import { sqlConnector } from './sql/sql.connector.js'
import { createXlsxConnector } from './xlsx/xlsx.connector.js'

/**
 * Every connector by source type, file connectors within `limits`: registering one here is what makes its source
 * type creatable, discoverable, testable and importable (docs/sources.md). Configs are validated against each
 * connector's `configSchema` (defaults applied) before any call, which is why the map can hold them as
 * `Connector<unknown>`.
 */
export function createConnectors(
  limits: SourceLimits,
): Readonly<Partial<Record<ConnectorType, Connector<unknown>>>> {
  return Object.freeze({
    csv: createCsvConnector(limits) as Connector<unknown>,
    json: createJsonConnector(limits) as Connector<unknown>,
    xlsx: createXlsxConnector(limits) as Connector<unknown>,
    sql: sqlConnector as Connector<unknown>,
    ldap: ldapConnector as Connector<unknown>,
    rest: restConnector as Connector<unknown>,
  })
}

/** The connectors with the default limits (temp files in the system temp directory). */
export const CONNECTORS = createConnectors(DEFAULT_SOURCE_LIMITS)

/** The source types that have a connector. */
export const CONNECTOR_TYPES = Object.keys(CONNECTORS) as ConnectorType[]

export function hasConnector(type: string): type is ConnectorType {
  return Object.hasOwn(CONNECTORS, type)
}

export function connectorFor(type: ConnectorType): Connector<unknown> {
  const connector = CONNECTORS[type]
  if (!connector) throw new Error(`No connector for source type ${String(type)}`)
  return connector
}
