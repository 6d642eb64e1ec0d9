/** The key prefix of the object schema a mapping creates (object keys are PREFIX-n). */
import { SCHEMA_KEY_PATTERN } from '../schema/definitions.js'

const MAX_KEY = 10
const FALLBACK = 'IMP'

/**
 * Derives an unused schema key from a schema name: the initials of its words ("Disk Analysis Tool" → "DAT"), or
 * the first letters of a single word ("Inventory" → "INV"); digits are appended on collision (DAT2, DAT3, …).
 * `taken` holds the keys of the workspace, compared case-insensitively.
 */
export function deriveSchemaKey(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((k) => k.toUpperCase()))
  const base = baseKey(name)
  if (!used.has(base)) return base
  for (let n = 2; ; n++) {
    const suffix = String(n)
    const candidate = base.slice(0, MAX_KEY - suffix.length) + suffix
    if (!used.has(candidate)) return candidate
  }
}

function baseKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
  const initials = words.map((w) => w[0] ?? '').join('')
  let key = initials.length >= 2 ? initials : (words[0] ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 3)
  key = key.toUpperCase().slice(0, MAX_KEY - 1)
  return SCHEMA_KEY_PATTERN.test(key) ? key : FALLBACK
}
