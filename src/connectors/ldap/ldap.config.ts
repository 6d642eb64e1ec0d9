import { type Static, Type } from '@sinclair/typebox'

/** A selector root: one segment, as the mapping's selector names it. */
const ROOT_NAME = '^[A-Za-z_][A-Za-z0-9_-]{0,99}$'
/** An attribute description (`cn`, `objectGUID`, `userCertificate;binary`) or `*` / `+` / `1.1`. */
const ATTRIBUTE = '^(?:\\*|\\+|1\\.1|[A-Za-z][A-Za-z0-9-]*(?:;[A-Za-z0-9-]+)*|\\d+(?:\\.\\d+)+)$'

export const LdapRootSchema = Type.Object(
  {
    baseDn: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: 'Where this root searches (default: the source’s baseDn)',
      }),
    ),
    // scope and filter are optional rather than defaulted: defaults inside a Record are not applied by TypeBox's
    // Value.Default, so the connector fills them in (searches() in ldap.connector.ts).
    scope: Type.Optional(
      Type.Union([Type.Literal('base'), Type.Literal('one'), Type.Literal('sub')], {
        description: 'base = the base entry only, one = its children, sub = the whole subtree (default)',
      }),
    ),
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 65_536,
        description:
          'An RFC 4515 search filter, e.g. `(&(objectClass=person)(!(disabled=TRUE)))`; default `(objectClass=*)`',
      }),
    ),
    attributes: Type.Optional(
      Type.Array(Type.String({ pattern: ATTRIBUTE, maxLength: 200 }), {
        maxItems: 500,
        description:
          'The attributes to read (default: all user attributes). `dn` is always there; list operational ' +
          'ones such as `createTimestamp` or `memberOf` explicitly (or `+`)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const LdapConfigSchema = Type.Object(
  {
    url: Type.String({
      pattern: '^ldaps?://[^/?#\\s]+/?$',
      maxLength: 2048,
      description: '`ldap://host:389` or `ldaps://host:636` (TLS from the first byte)',
    }),
    startTls: Type.Boolean({
      default: false,
      description: 'Upgrade an ldap:// connection with StartTLS before binding (ldaps:// is TLS already)',
    }),
    tls: Type.Optional(
      Type.Object(
        {
          rejectUnauthorized: Type.Boolean({
            default: true,
            description: 'Verify the server certificate (false accepts any certificate)',
          }),
          ca: Type.Optional(Type.String({ maxLength: 65_536, description: 'PEM of the CA to trust' })),
          servername: Type.Optional(
            Type.String({ maxLength: 255, description: 'The name the certificate must carry (SNI)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    bindDn: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description:
          'Who binds (`cn=reader,dc=example,dc=org`, or `user@domain` for Active Directory); none = anonymous',
      }),
    ),
    bindPassword: Type.Optional(
      Type.String({ maxLength: 1024, description: 'A secret: stored encrypted, never answered' }),
    ),
    baseDn: Type.String({ minLength: 1, maxLength: 4096, description: 'Where the searches start' }),
    pageSize: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 500,
      description:
        'Entries per page of the paged-results control (RFC 2696); keep it at or under the server’s page limit ' +
        '(Active Directory: MaxPageSize, 1000)',
    }),
    binaryAttributes: Type.Array(Type.String({ pattern: ATTRIBUTE, maxLength: 200 }), {
      default: [],
      maxItems: 100,
      description:
        'Attributes read as bytes (base64 text), besides objectGUID and objectSid (rendered as GUID and SID text) ' +
        'and every `;binary` attribute',
    }),
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000 }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3_600_000,
      default: 120_000,
      description: 'How long one operation (bind, one page of a search) may take',
    }),
    roots: Type.Record(Type.String({ pattern: ROOT_NAME }), LdapRootSchema, {
      minProperties: 1,
      description: 'Selector root → its search; the mapping selects entries by these names',
    }),
  },
  { additionalProperties: false },
)

export type LdapConfig = Static<typeof LdapConfigSchema>
export type LdapRoot = Static<typeof LdapRootSchema>
