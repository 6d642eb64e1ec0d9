import type { Connector, ConnectorType } from './connector.js'
import { csvConnector } from './csv/csv.connector.js'
import { jsonConnector } from './json/json.connector.js'
import { ldapConnector } from './ldap/ldap.connector.js'
import { xlsxConnector } from './xlsx/xlsx.connector.js'

/**
 * Every connector by source type: registering one here is what makes its source type creatable, discoverable,
 * testable and importable (docs/sources.md). Configs are validated against each connector's `configSchema`
 * (defaults applied) before any call, which is why the map can hold them as `Connector<unknown>`.
 */
export const CONNECTORS: Readonly<Partial<Record<ConnectorType, Connector<unknown>>>> = Object.freeze({
  csv: csvConnector as Connector<unknown>,
  json: jsonConnector as Connector<unknown>,
  xlsx: xlsxConnector as Connector<unknown>,
  ldap: ldapConnector as Connector<unknown>,
})

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
