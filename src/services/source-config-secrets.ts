import { ValidationError } from '../domain/errors.js'
import { SecretKeyMissingError, SecretUnreadableError } from '../domain/import-source/source-secret-errors.js'
import type { SecretBox } from './secret-box.js'

/** What GET answers in place of a stored secret; sent back unchanged (PATCH), it keeps the stored secret. */
export const SECRET_MASK = '********'

/** How a secret is stored inside the config JSON: an object no connector config value can be mistaken for. */
interface Sealed {
  $sealed: string
}

type Config = Record<string, unknown>

function isSealed(value: unknown): value is Sealed {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $sealed?: unknown }).$sealed === 'string' &&
    Object.keys(value).length === 1
  )
}

function getAt(config: Config, path: string): unknown {
  let node: unknown = config
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined
    if (!Object.hasOwn(node, key)) return undefined
    node = (node as Config)[key]
  }
  return node
}

/** Sets (or with `undefined` deletes) the value at `path` of a deep copy made by the caller. */
function setAt(config: Config, path: string, value: unknown): void {
  const keys = path.split('.')
  let node: Config = config
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (value === undefined) return
      node[key] = {}
    }
    node = node[key] as Config
  }
  const last = keys[keys.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
}

const copy = (config: Config): Config => structuredClone(config)

/**
 * The secrets of source configs (the connector's `secretFields`): sealed with INTAKE_SECRET_KEY before they are
 * stored, opened only to hand the config to the connector, masked in everything the API answers.
 */
export class SourceConfigSecrets {
  constructor(
    private readonly box: SecretBox | null,
    private readonly fieldsOf: (type: string) => readonly string[],
  ) {}

  /** Whether `path` (dotted, relative to the config) is a secret of the type's connector. */
  isSecret(type: string, path: string): boolean {
    return this.fieldsOf(type).includes(path)
  }

  /**
   * The config to store: each secret sealed. A secret sent as SECRET_MASK keeps the one `stored` holds (a client
   * may send back what GET answered); a secret left out is removed. 409 SECRET_KEY_MISSING without a key.
   */
  seal(
    type: string,
    sourceId: string,
    incoming: Config,
    stored: Config | null,
    field = 'body.config',
  ): Config {
    const out = copy(incoming)
    for (const path of this.fieldsOf(type)) {
      const value = getAt(incoming, path)
      if (value === undefined || value === null) continue
      if (value === SECRET_MASK) {
        const kept = stored === null ? undefined : getAt(stored, path)
        if (!isSealed(kept)) {
          throw ValidationError({
            problems: [
              {
                field: `${field}.${path}`,
                message: `is the mask Intake answers for a stored secret, but none is stored: send the secret itself`,
              },
            ],
          })
        }
        setAt(out, path, kept)
        continue
      }
      if (this.box === null) throw SecretKeyMissingError({ field: `${field}.${path}` })
      setAt(out, path, { $sealed: this.box.seal(JSON.stringify(value), `${sourceId}:${path}`) })
    }
    return out
  }

  /** The config with its secrets in plain text, for the connector only (never answered, never logged). */
  open(type: string, sourceId: string, stored: Config): Config {
    const out = copy(stored)
    for (const path of this.fieldsOf(type)) {
      const value = getAt(stored, path)
      if (!isSealed(value)) continue
      const plain = this.box?.open(value.$sealed, `${sourceId}:${path}`) ?? null
      if (plain === null) throw SecretUnreadableError({ importSourceId: sourceId, field: `config.${path}` })
      setAt(out, path, JSON.parse(plain) as unknown)
    }
    return out
  }

  /** The config as the API answers it: each stored secret as SECRET_MASK. */
  mask(type: string, stored: Config): Config {
    const out = copy(stored)
    for (const path of this.fieldsOf(type)) {
      if (getAt(stored, path) !== undefined) setAt(out, path, SECRET_MASK)
    }
    return out
  }
}
