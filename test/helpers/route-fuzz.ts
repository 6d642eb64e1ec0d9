/**
 * Generated requests for every operation of the OpenAPI document the server serves (app.swagger()): path and query
 * parameters, headers and bodies, drawn by fast-check, mostly well-aimed (real ids, the admin token, JSON shaped by
 * the operation's schema) and partly hostile (garbage, odd encodings, wrong types, huge values). The assertions the
 * suite makes are general — no 5xx, no slow answer, no leak — so it stays a guard whatever the routes become.
 */
import http from 'node:http'
import fc from 'fast-check'

type Schema = Record<string, any>

export interface Operation {
  method: string
  /** The OpenAPI path template, `{name}` for parameters. */
  path: string
  parameters: { in: string; name: string; schema: Schema; required?: boolean }[]
  bodySchema: Schema | null
  /** Content types the operation declares for its body. */
  consumes: string[]
}

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: Buffer | null
  /** Sends fewer bytes than Content-Length announces, then closes the connection. */
  truncate: boolean
}

/** The real resources of the fuzzed server, so that many requests reach past the 404 of a lookup. */
export interface FuzzTargets {
  workspaceId: string
  token: string
  importSourceIds: string[]
  executionIds: string[]
  numericIds: number[]
}

/** Every operation of an OpenAPI 3 document, with $refs of its body schema resolved against the components. */
export function operationsOf(document: Schema): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths as Record<string, Schema>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: Schema }>
      const json = content['application/json']?.schema ?? Object.values(content)[0]?.schema ?? null
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p: Schema) => ({
          in: p.in,
          name: p.name,
          schema: resolve(document, p.schema ?? {}),
          required: p.required,
        })),
        bodySchema: json ? resolve(document, json) : null,
        consumes: Object.keys(content),
      })
    }
  }
  return operations
}

function resolve(document: Schema, schema: Schema, depth = 0): Schema {
  if (depth > 6 || typeof schema !== 'object' || schema === null) return schema
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').at(-1)!
    const target = document.components?.schemas?.[name] ?? {}
    return resolve(document, target, depth + 1)
  }
  const out: Schema = Array.isArray(schema) ? [] : {}
  for (const [k, v] of Object.entries(schema)) out[k] = resolve(document, v as Schema, depth + 1)
  return out
}

// ---- values ---------------------------------------------------------------------------------------------------

const junkText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\ud800',
    'null',
    'undefined',
    '[]',
    '{}',
    '-1',
    '0',
    '1.5',
    'NaN',
    'Infinity',
    '1e21',
    '9999999999999999999',
    "' OR 1=1 --",
    '<script>',
    '💥'.repeat(50),
    'x'.repeat(5000),
  ),
)

const junkNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e21, 1e300, -1e300, 0.5),
)

/** A value for a JSON schema: usually of its type (within or just outside its bounds), sometimes of any type. */
export function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.oneof(
    junkText,
    junkNumber,
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 3 }),
  )
  if (!schema || depth > 4) return anything
  const variants = schema.anyOf ?? schema.oneOf
  if (Array.isArray(variants) && variants.length > 0) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.oneof(...variants.map((v: Schema) => valueFor(v, depth + 1))) },
      anything,
    )
  }
  const typed = typedValue(schema, depth)
  return typed ? fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: anything }) : anything
}

function typedValue(schema: Schema, depth: number): fc.Arbitrary<unknown> | null {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]))
  if (schema.const !== undefined) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.string({
            minLength: schema.minLength ?? 0,
            maxLength: Math.min(schema.maxLength ?? 30, 60),
          }),
        },
        { weight: 1, arbitrary: junkText },
      )
    case 'integer':
    case 'number':
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.integer({
            min: Math.max(-1e6, Math.ceil(schema.minimum ?? -1e6)),
            max: Math.min(1e6, Math.floor(schema.maximum ?? 1e6)),
          }),
        },
        { weight: 2, arbitrary: junkNumber },
      )
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(valueFor(schema.items as Schema | undefined, depth + 1), { maxLength: 4 })
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>
      const names = Object.keys(properties)
      if (names.length === 0)
        return fc.dictionary(fc.string({ maxLength: 10 }), valueFor(undefined, depth + 1), { maxKeys: 4 })
      const required = new Set<string>((schema.required as string[] | undefined) ?? [])
      return fc.record(Object.fromEntries(names.map((n) => [n, valueFor(properties[n], depth + 1)])), {
        requiredKeys: names.filter((n) => required.has(n) || Math.random() < 0),
      })
    }
    default:
      return null
  }
}

// ---- requests ---------------------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** encodeURIComponent, with a lone surrogate (which it refuses) sent as the bytes of its CESU-8 form: invalid UTF-8. */
export function encodePathSegment(value: string): string {
  return value.split(LONE_SURROGATE).map(encodeURIComponent).join('%ED%A0%80')
}

/** A path parameter: a real id of the kind its name suggests, or something else. */
function pathValue(name: string, targets: FuzzTargets): fc.Arbitrary<string> {
  const real: string[] =
    name === 'workspaceId' || name === 'cloudId'
      ? [targets.workspaceId]
      : name === 'importSourceId'
        ? targets.importSourceIds
        : name === 'executionId' || name === 'resourceId'
          ? targets.executionIds
          : [...targets.numericIds.map(String), ...targets.executionIds]
  const other = fc.oneof(
    fc.uuid().map(String),
    junkText.filter((t) => t !== ''),
    junkNumber.map(String),
  )
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(real.length > 0 ? real : ['1'])) },
      { weight: 1, arbitrary: other },
    )
    .map(encodePathSegment)
}

function queryText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/octet-stream',
  'text/csv',
  'application/x-www-form-urlencoded',
  'application/vnd.api+json',
  'application/json; charset=utf-16',
  'multipart/form-data',
  'multipart/form-data; boundary=fuzz',
  'garbage',
]

/** JSON nested `depth` deep, as text (built without recursion). */
export function nestedJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`
}

/** Header values Node's client accepts (no control characters). */
const headerText = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '?'))

function authorization(targets: FuzzTargets): fc.Arbitrary<string | null> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${targets.token}`) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: headerText.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constant(`Basic ${Buffer.from(`x:${targets.token}`).toString('base64')}`) },
    { weight: 1, arbitrary: headerText },
  )
}

function bodyFor(op: Operation): fc.Arbitrary<{ body: Buffer | null; contentType: string | null }> {
  const shaped = valueFor(op.bodySchema ?? undefined).map((v) => Buffer.from(JSON.stringify(v) ?? 'null'))
  const json = fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null'))
  const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))
  const broken = fc
    .constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"x":1}}', 'null', '""', '   ', '\u0000')
    .map((s) => Buffer.from(s))
  const deep = fc.integer({ min: 50, max: 12_000 }).map((depth) => Buffer.from(nestedJson(depth)))
  const payload = fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 2, arbitrary: json },
    { weight: 1, arbitrary: bytes },
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: deep },
  )
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant(op.consumes[0] ?? 'application/json') },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  )
  return fc.oneof(
    {
      weight: op.bodySchema || op.consumes.length > 0 ? 8 : 1,
      arbitrary: fc.record({ body: payload, contentType }),
    },
    { weight: 2, arbitrary: fc.constant({ body: null, contentType: null }) },
  )
}

/** Requests for one operation; `prefixes` are the API's aliases to swap in for the compatible prefix. */
export function requestsFor(op: Operation, targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path')
  const queryParams = op.parameters.filter((p) => p.in === 'query')
  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p.name, targets)])))
  const queryArb = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, fc.option(valueFor(p.schema), { freq: 2 })])),
  )
  const extraQuery = fc.option(fc.tuple(headerText, headerText), { freq: 4 })
  const aliasArb = fc.constantFrom('/jsm/assets/workspace/', '/jsm/insight/workspace/')
  const extraHeaders = fc.dictionary(fc.stringMatching(/^x-[a-z]{1,12}$/), headerText, { maxKeys: 3 })
  return fc
    .record({
      params: pathArb,
      query: queryArb,
      extraQuery,
      alias: aliasArb,
      auth: authorization(targets),
      payload: bodyFor(op),
      extraHeaders,
      accept: fc.constantFrom('application/json', '*/*', 'text/html', 'garbage'),
      truncate: fc.boolean().map((b) => b && Math.random() < 0.1),
    })
    .map(({ params, query, extraQuery, alias, auth, payload, extraHeaders, accept, truncate }) => {
      let path = op.path.replace(
        /\{(\w+)\}/g,
        (_, name: string) => (params as Record<string, string>)[name] ?? 'x',
      )
      path = path.replace('/jsm/assets/workspace/', alias)
      const search = new URLSearchParams()
      for (const [k, v] of Object.entries(query)) if (v !== null) search.append(k, queryText(v))
      if (extraQuery) search.append(extraQuery[0] || 'x', extraQuery[1])
      const qs = search.toString()
      const headers: Record<string, string> = { ...extraHeaders, accept }
      if (auth !== null) headers.authorization = auth
      if (payload.body !== null) {
        if (payload.contentType !== null) headers['content-type'] = payload.contentType
      }
      return {
        method: op.method,
        url: `${path}${qs ? `?${qs}` : ''}`,
        headers,
        body: payload.body,
        truncate: truncate && payload.body !== null && payload.body.length > 1,
      }
    })
}

export interface FuzzAnswer {
  status: number
  ms: number
  body: string
}

/** Sends one request to `base` (http://host:port) on `agent`; a truncated one answers status 0 when the server closes. */
export function send(
  base: string,
  agent: http.Agent,
  request: FuzzRequest,
  timeoutMs: number,
): Promise<FuzzAnswer> {
  const url = new URL(request.url, base)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers }
    if (request.body !== null) headers['content-length'] = request.body.length
    const req = http.request(
      url,
      { method: request.method, headers, agent: request.truncate ? false : agent },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (error) => {
      if (request.truncate) resolve({ status: 0, ms: performance.now() - started, body: '' })
      else reject(error)
    })
    if (request.body === null) req.end()
    else if (request.truncate) {
      req.write(request.body.subarray(0, Math.floor(request.body.length / 2)), () =>
        setTimeout(() => {
          req.destroy()
          resolve({ status: 0, ms: performance.now() - started, body: '' })
        }, 5),
      )
    } else req.end(request.body)
  })
}
