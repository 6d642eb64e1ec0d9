import { type Static, Type } from '@sinclair/typebox'

/** A selector root: one segment, as the mapping's selector names it. */
const ROOT_NAME = '^[A-Za-z_][A-Za-z0-9_-]{0,99}$'
const HTTP_URL = '^https?://[^\\s]+$'
/** A dotted path into a JSON body (`data.items`); '' is the body itself. */
const JSON_PATH = '^$|^[^.\\s]+(\\.[^.\\s]+)*$'
const PARAM = { minLength: 1, maxLength: 200 }
/** An HTTP header name (RFC 9110 token) and a value fetch can send (no CR, LF, NUL; Latin-1). */
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
const HEADER_VALUE = '^[\\t\\x20-\\x7e\\x80-\\xff]*$'

const Params = (description: string) =>
  Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 4096 }), {
    default: {},
    description,
  })

export const RestAuthSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('none') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('basic'),
        username: Type.String({ maxLength: 1024 }),
        password: Type.String({ maxLength: 1024, description: 'A secret: stored encrypted, never answered' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('bearer'),
        token: Type.String({ minLength: 1, maxLength: 8192, pattern: HEADER_VALUE, description: 'A secret' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('apiKey'),
        header: Type.String({
          ...PARAM,
          pattern: HEADER_NAME,
          description: 'e.g. X-API-Key',
        }),
        value: Type.String({ minLength: 1, maxLength: 8192, pattern: HEADER_VALUE, description: 'A secret' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('oauth2'),
        tokenUrl: Type.String({ pattern: HTTP_URL, maxLength: 4096 }),
        clientId: Type.String({ minLength: 1, maxLength: 1024 }),
        clientSecret: Type.String({ minLength: 1, maxLength: 8192, description: 'A secret' }),
        scope: Type.Optional(Type.String({ maxLength: 4096 })),
        clientAuthentication: Type.Optional(
          Type.Union([Type.Literal('basic'), Type.Literal('body')], {
            description:
              'How the client authenticates at the token endpoint: HTTP Basic (default, RFC 6749 §2.3.1) or ' +
              'client_id and client_secret in the form body',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'How requests authenticate (default none)' },
)

export const RestPaginationSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('none') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('page'),
        param: Type.String({ ...PARAM, description: 'Query parameter of the page number, e.g. page' }),
        firstPage: Type.Optional(Type.Integer({ minimum: 0, description: 'default 1' })),
        sizeParam: Type.Optional(Type.String({ ...PARAM, description: 'Query parameter of the page size' })),
        size: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 100_000, description: 'Page size (sent as sizeParam)' }),
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('offset'),
        offsetParam: Type.String({ ...PARAM, description: 'e.g. offset' }),
        limitParam: Type.String({ ...PARAM, description: 'e.g. limit' }),
        limit: Type.Integer({ minimum: 1, maximum: 100_000 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        type: Type.Literal('cursor'),
        cursorPath: Type.String({
          minLength: 1,
          pattern: JSON_PATH,
          description: 'Dotted path of the next cursor in the body, e.g. meta.next_cursor',
        }),
        param: Type.String({ ...PARAM, description: 'Query parameter the cursor is sent in' }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ type: Type.Literal('linkHeader') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('nextUrl'),
        nextUrlPath: Type.String({
          minLength: 1,
          pattern: JSON_PATH,
          description: 'Dotted path of the next page URL (absolute or relative) in the body, e.g. links.next',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'How the next page is found (default none: one request)' },
)

/**
 * One endpoint. Its fields are optional (TypeBox applies no defaults inside a record): path '', method GET, no
 * query parameters, records '' (the body is the array), pagination none.
 */
export const RestEndpointSchema = Type.Object(
  {
    path: Type.Optional(
      Type.String({
        maxLength: 4096,
        description: 'Appended to baseUrl (`devices`, `v2/users?active=true`); default none',
      }),
    ),
    method: Type.Optional(
      Type.Union([Type.Literal('GET'), Type.Literal('POST')], { description: 'default GET' }),
    ),
    query: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 4096 }), {
        description: 'Query parameters of this endpoint',
      }),
    ),
    body: Type.Optional(Type.Unknown({ description: 'JSON body of a POST' })),
    records: Type.Optional(
      Type.String({
        pattern: JSON_PATH,
        maxLength: 1000,
        description:
          'Dotted path of the array of records in each response (`data.items`); default empty: the body is the array',
      }),
    ),
    pagination: Type.Optional(RestPaginationSchema),
  },
  { additionalProperties: false },
)

export const RestConfigSchema = Type.Object(
  {
    baseUrl: Type.String({
      pattern: HTTP_URL,
      maxLength: 4096,
      description: 'e.g. https://mdm.example.com/api/v2',
    }),
    headers: Type.Record(
      Type.String({ pattern: HEADER_NAME, maxLength: 200 }),
      Type.String({ maxLength: 8192, pattern: HEADER_VALUE }),
      {
        default: {},
        additionalProperties: false,
        description: 'Headers of every request (no line breaks; Latin-1)',
      },
    ),
    query: Params('Query parameters of every request'),
    auth: Type.Optional(RestAuthSchema),
    endpoints: Type.Record(Type.String({ pattern: ROOT_NAME }), RestEndpointSchema, {
      minProperties: 1,
      additionalProperties: false,
      description: 'Selector root → its endpoint; the mapping selects entries by these names',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 600_000,
      default: 30_000,
      description: 'Per request, the body included',
    }),
    maxAttempts: Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 5,
      description: 'Attempts per request on 429, 5xx, timeouts and network errors',
    }),
    retryDelayMs: Type.Integer({
      minimum: 1,
      maximum: 60_000,
      default: 500,
      description: 'First backoff delay; doubled on each further attempt (with jitter), at most 30 s',
    }),
    maxRetryAfterSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 300,
      description: 'A 429 or 503 asking to wait longer than this fails the read instead of waiting',
    }),
    maxRequestsPerSecond: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Request rate cap of this source' }),
    ),
  },
  { additionalProperties: false },
)

export type RestConfig = Static<typeof RestConfigSchema>
export type RestAuth = Static<typeof RestAuthSchema>
export type RestPagination = Static<typeof RestPaginationSchema>
export type RestEndpoint = Static<typeof RestEndpointSchema>

/** The config fields that hold secrets (docs/sources.md "Secrets"). */
export const REST_SECRET_FIELDS = ['auth.password', 'auth.token', 'auth.value', 'auth.clientSecret'] as const
