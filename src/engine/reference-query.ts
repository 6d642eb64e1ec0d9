/**
 * Recognises the reference queries that can be resolved in bulk: one attribute (or label / Key) compared with one
 * placeholder — `Name = ${os}`, `"Serial Number" == ${serial}`, `Name like ${os}`, `"Name" IN (${models${0}})`.
 * Anything else is evaluated as AQL per distinct interpolated query.
 */
export interface SimpleReferenceQuery {
  /** Attribute name on the referenced type, or the keywords label / key. */
  target: { kind: 'attribute'; name: string } | { kind: 'label' } | { kind: 'key' }
  operator: '=' | '==' | 'like' | 'in'
  placeholder: string
}

const SIMPLE =
  /^\s*(?:"((?:[^"\\]|\\.)+)"|([A-Za-z_][\w-]*))\s*(==|=|like|in)\s*(\(\s*)?\$\{([^${}]+)(\$\{0\})?\}(\s*\))?\s*$/i

const memo = new Map<string, SimpleReferenceQuery | null>()

export function parseSimpleReferenceQuery(query: string): SimpleReferenceQuery | null {
  if (memo.has(query)) return memo.get(query)!
  const parsed = parse(query)
  if (memo.size < 1000) memo.set(query, parsed)
  return parsed
}

function parse(query: string): SimpleReferenceQuery | null {
  const m = SIMPLE.exec(query)
  if (!m) return null
  const name = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!
  const op = m[3]!.toLowerCase() as SimpleReferenceQuery['operator']
  const list = m[4] !== undefined || m[7] !== undefined
  if (list !== (op === 'in') || (m[4] === undefined) !== (m[7] === undefined)) return null
  const lower = name.toLowerCase()
  const target: SimpleReferenceQuery['target'] =
    m[1] === undefined && lower === 'label'
      ? { kind: 'label' }
      : m[1] === undefined && lower === 'key'
        ? { kind: 'key' }
        : { kind: 'attribute', name }
  return { target, operator: op, placeholder: m[5]! }
}
