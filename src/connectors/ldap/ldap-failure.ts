/**
 * ldapts and socket errors → LdapSourceError with a code and a sentence a user can act on (where, what, what to
 * do). The bind password never appears: messages name the URL, the bind DN, the base DN and the filter only.
 */
import { LdapSourceError, type LdapFailureCode } from './ldap-errors.js'

/** LDAP result codes (RFC 4511 §4.1.9) that mean something a user can fix. */
const RESULT_CODES: Record<number, LdapFailureCode> = {
  3: 'TIMEOUT', // timeLimitExceeded
  4: 'SIZE_LIMIT_EXCEEDED',
  11: 'SIZE_LIMIT_EXCEEDED', // adminLimitExceeded (a page larger than the server allows)
  13: 'TLS_FAILED', // confidentialityRequired
  32: 'BASE_DN_NOT_FOUND', // noSuchObject
  34: 'BASE_DN_NOT_FOUND', // invalidDNSyntax
  48: 'AUTH_FAILED', // inappropriateAuthentication (e.g. an anonymous bind the server refuses)
  49: 'AUTH_FAILED', // invalidCredentials
  50: 'PERMISSION_DENIED', // insufficientAccessRights
  51: 'HOST_UNREACHABLE', // busy
  52: 'HOST_UNREACHABLE', // unavailable
  87: 'FILTER_INVALID', // filterError
}

const WHAT: Record<LdapFailureCode, string> = {
  HOST_UNREACHABLE: 'The directory server does not answer',
  TLS_FAILED: 'The TLS connection to the directory server failed',
  AUTH_FAILED: 'The directory server refused the bind',
  BASE_DN_NOT_FOUND: 'The base DN does not exist in the directory',
  FILTER_INVALID: 'The search filter is invalid',
  PERMISSION_DENIED: 'The bind user may not read this',
  SIZE_LIMIT_EXCEEDED: 'The directory server stopped the search at its size limit',
  CONNECTION_LOST: 'The connection to the directory server was lost',
  TIMEOUT: 'The directory server did not answer in time',
  DIRECTORY_ERROR: 'The directory server answered with an error',
}

const ADVICE: Record<LdapFailureCode, string> = {
  HOST_UNREACHABLE: 'check the host and port of the url, and that the server accepts connections from Intake',
  TLS_FAILED:
    'check ldaps:// versus startTls, tls.ca (the CA of the server certificate) and tls.servername; ' +
    'tls.rejectUnauthorized false accepts any certificate',
  AUTH_FAILED: 'check bindDn and bindPassword (Active Directory also accepts user@domain as bindDn)',
  BASE_DN_NOT_FOUND: 'check the baseDn (e.g. dc=example,dc=org) and its spelling',
  FILTER_INVALID: 'write it as RFC 4515 wants it, e.g. (&(objectClass=person)(uid=*))',
  PERMISSION_DENIED: 'grant the bind user read access to the base DN and the attributes',
  SIZE_LIMIT_EXCEEDED: 'lower pageSize to the server’s page limit, or raise the limit for the bind user',
  CONNECTION_LOST: 'the server closed the connection (restarted, or an idle timeout); start the import again',
  TIMEOUT: 'raise timeoutMs, or narrow the filter',
  DIRECTORY_ERROR: 'see the server’s message',
}

export interface FailureContext {
  url: string
  bindDn?: string
  baseDn?: string
  filter?: string
  root?: string
  entriesRead?: number
}

/** The failure code and detail of an error thrown by ldapts, the socket or TLS. */
export function classify(error: unknown): { code: LdapFailureCode; detail: string } {
  const e = error as { code?: unknown; message?: unknown }
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0]!.trim() : String(error)
  if (typeof e?.code === 'number') {
    return { code: RESULT_CODES[e.code] ?? 'DIRECTORY_ERROR', detail: `${message} (LDAP result ${e.code})` }
  }
  const errno = typeof e?.code === 'string' ? e.code : ''
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/.test(errno))
    return { code: 'HOST_UNREACHABLE', detail: `${errno}: ${message}` }
  if (
    /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(errno) ||
    /\bSSL\b|TLS|certificate/i.test(message)
  )
    return { code: 'TLS_FAILED', detail: message }
  if (/^Connection timeout$/i.test(message)) return { code: 'HOST_UNREACHABLE', detail: 'connect timeout' }
  if (/Operation timed out/i.test(message)) return { code: 'TIMEOUT', detail: message }
  if (
    errno === 'ECONNRESET' ||
    errno === 'EPIPE' ||
    /Connection closed|Socket connection not established|Socket error/i.test(message)
  )
    return { code: 'CONNECTION_LOST', detail: message }
  // ldapts parses the filter on the client: its errors name the part it could not read.
  if (/filter|paren|Invalid expression|Invalid attribute name|escaped|Wildcard missing/i.test(message))
    return { code: 'FILTER_INVALID', detail: message }
  return { code: 'DIRECTORY_ERROR', detail: message }
}

/** An error as an LdapSourceError whose message says where, what and what to do. */
export function ldapFailure(error: unknown, at: FailureContext): Error {
  if (LdapSourceError.is(error)) return error
  if (error instanceof Error && error.name === 'AbortError') return error
  const { code, detail } = classify(error)
  const where = [
    `at ${at.url}`,
    code === 'AUTH_FAILED' && at.bindDn ? `as ${at.bindDn}` : code === 'AUTH_FAILED' ? 'anonymously' : '',
    code === 'BASE_DN_NOT_FOUND' && at.baseDn ? `(base DN "${at.baseDn}")` : '',
    code === 'FILTER_INVALID' && at.filter ? `(filter ${at.filter})` : '',
    at.root === undefined
      ? ''
      : `(root "${at.root}"${at.entriesRead ? ` after ${at.entriesRead} entries` : ''})`,
  ]
    .filter(Boolean)
    .join(' ')
  const reason = `${WHAT[code]} ${where}: ${detail}; ${ADVICE[code]}`
  return LdapSourceError(
    {
      code,
      reason,
      ...(at.root === undefined ? {} : { root: at.root }),
      ...(at.entriesRead === undefined ? {} : { entriesRead: at.entriesRead }),
    },
    { cause: error },
  )
}
