import { defineError } from '../../domain/errors.js'

/** Why an LDAP source failed; the codes `POST importsource/{id}/test` answers (docs/sources.md). */
export type LdapFailureCode =
  | 'HOST_UNREACHABLE'
  | 'TLS_FAILED'
  | 'AUTH_FAILED'
  | 'BASE_DN_NOT_FOUND'
  | 'FILTER_INVALID'
  | 'PERMISSION_DENIED'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'DIRECTORY_ERROR'

/** A directory source failed to connect or read; `details.code` says why, the message what to fix. */
export const LdapSourceError = defineError<{
  code: LdapFailureCode
  reason: string
  root?: string
  entriesRead?: number
}>(
  'LDAP_SOURCE_FAILED',
  400,
  ({ reason }) => reason,
  'A directory (LDAP) source cannot be reached or read (host unreachable, TLS, invalid credentials, base DN ' +
    'missing, filter invalid, the connection lost mid-read); `details.code` says why and the message what to fix.',
)
