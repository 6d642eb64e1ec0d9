import { CliError } from './import-client.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An id argument checked before anything is sent, answered in words (what it is, an example, where to find one). */
export function requireUuid(what: string, value: string, whereToFind: string): string {
  if (UUID.test(value.trim())) return value.trim()
  throw new CliError(
    `${JSON.stringify(value)} is not ${what}: those are UUIDs such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301 (${whereToFind})`,
  )
}

export const SOURCE_IDS_HINT = 'intake sources lists them'
