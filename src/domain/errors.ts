/**
 * The one error registry. Every error Intake raises on purpose is defined here with a stable code,
 * an HTTP status and typed details. Codes never change once released; messages may.
 */

export type ErrorDetails = Record<string, unknown>

export class AppError<D extends ErrorDetails = ErrorDetails> extends Error {
  readonly code: string
  readonly status: number
  readonly details: D
  /**
   * Members the error body carries at its top level beside `code`, `message`, `error` and `requestId`, for routes
   * whose Assets contract names other fields (such as `dataValidationErrors`). Never on 5xx answers.
   */
  readonly topLevel: Record<string, unknown>

  constructor(
    code: string,
    status: number,
    message: string,
    details: D,
    options?: { cause?: unknown; topLevel?: Record<string, unknown> },
  ) {
    super(message, options)
    this.name = 'AppError'
    this.code = code
    this.status = status
    this.details = details
    this.topLevel = options?.topLevel ?? {}
  }

  toJSON(): { code: string; message: string; details: D } {
    return { code: this.code, message: this.message, details: this.details }
  }
}

export interface ErrorDefinition<D extends ErrorDetails> {
  readonly code: string
  readonly status: number
  readonly description: string
  (details: D, options?: { cause?: unknown }): AppError<D>
  is(error: unknown): error is AppError<D>
}

const registry = new Map<string, { code: string; status: number; description: string }>()

/**
 * Defines an error kind. `description` is the documentation line used by the generated error reference;
 * `topLevel`, when given, adds members to the top level of the error body (see AppError.topLevel).
 */
export function defineError<D extends ErrorDetails = Record<string, never>>(
  code: string,
  status: number,
  message: (details: D) => string,
  description: string,
  topLevel?: (details: D) => Record<string, unknown>,
): ErrorDefinition<D> {
  if (registry.has(code)) throw new Error(`Error code ${code} defined twice`)
  registry.set(code, { code, status, description })
  const create = (details: D, options?: { cause?: unknown }): AppError<D> =>
    new AppError(code, status, message(details), details, {
      ...options,
      ...(topLevel ? { topLevel: topLevel(details) } : {}),
    })
  return Object.assign(create, {
    code,
    status,
    description,
    is: (error: unknown): error is AppError<D> => error instanceof AppError && error.code === code,
  })
}

/** Every defined error, for docs/errors.md and the closing notes. */
export function listErrors(): { code: string; status: number; description: string }[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code))
}

export interface FieldProblem {
  /** JSON pointer or dotted path of the offending field. */
  field: string
  /** What was wrong, in words a person can act on. */
  message: string
  value?: unknown
}

// ---- request and generic errors -------------------------------------------------------------

export const ValidationError = defineError<{ problems: FieldProblem[] }>(
  'VALIDATION_FAILED',
  400,
  ({ problems }) =>
    problems.length === 1
      ? `Invalid request: ${problems[0]!.field} ${problems[0]!.message}`
      : `Invalid request: ${problems.length} problems: ${problems
          .slice(0, 3)
          .map((p) => `${p.field} ${p.message}`)
          .join('; ')}${problems.length > 3 ? '; …' : ''}`,
  'The request did not match the declared schema; details.problems names each field and what was expected.',
)

export const MalformedBodyError = defineError<{ reason: string }>(
  'MALFORMED_BODY',
  400,
  ({ reason }) => `The request body could not be read: ${reason}`,
  'The body is not valid JSON or has the wrong content type.',
)

export const JsonTooDeepError = defineError<{ limit: number }>(
  'JSON_TOO_DEEP',
  400,
  ({ limit }) => `The JSON body nests objects and arrays deeper than the limit of ${limit} levels`,
  'A JSON body nests objects and arrays deeper than the limit (details.limit); flatten the data.',
)

export const BodyTooLargeError = defineError<{ limitBytes: number }>(
  'BODY_TOO_LARGE',
  413,
  ({ limitBytes }) => `The request body is larger than the limit of ${limitBytes} bytes`,
  'The request body exceeds INTAKE_MAX_BODY_BYTES.',
)

export const RouteNotFoundError = defineError<{ method: string; url: string }>(
  'ROUTE_NOT_FOUND',
  404,
  ({ method, url }) => `No route ${method} ${url}`,
  'No route answers this method and path.',
)

export const NotFoundError = defineError<{ entity: string; id: string | number }>(
  'NOT_FOUND',
  404,
  ({ entity, id }) => `${entity} ${id} was not found`,
  'The addressed resource does not exist (or belongs to another workspace).',
)

export const ConflictError = defineError<{ entity: string; reason: string }>(
  'CONFLICT',
  409,
  ({ entity, reason }) => `${entity}: ${reason}`,
  'The change conflicts with the current state of the resource.',
)

export const UniqueViolationError = defineError<{ table?: string; constraint?: string }>(
  'UNIQUE_VIOLATION',
  409,
  ({ table }) => `A record with the same unique value already exists${table ? ` in ${table}` : ''}`,
  'A unique constraint of the store was violated.',
)

export const ForeignKeyViolationError = defineError<{ table?: string; constraint?: string }>(
  'FOREIGN_KEY_VIOLATION',
  409,
  ({ table }) => `The change refers to a record that does not exist${table ? ` (${table})` : ''}`,
  'A foreign key of the store was violated.',
)

export const DatabaseBusyError = defineError<Record<string, never>>(
  'DATABASE_BUSY',
  503,
  () => 'The database is busy; try again',
  'The database could not take the lock in time (SQLite busy, PostgreSQL lock timeout or serialization failure).',
)

export const InternalError = defineError<Record<string, never>>(
  'INTERNAL',
  500,
  () => 'Internal Server Error',
  'An unexpected failure; the details are in the server log under the request id.',
)

// ---- auth -------------------------------------------------------------------------------------

export const AuthRequiredError = defineError<{ reason: string }>(
  'AUTH_REQUIRED',
  401,
  ({ reason }) => `Unauthorized: ${reason}`,
  'No credentials, or credentials that do not match an active token.',
)

export const ForbiddenError = defineError<{ requiredScope: string }>(
  'FORBIDDEN',
  403,
  ({ requiredScope }) => `This token lacks the scope ${requiredScope}`,
  'The token is valid but lacks the scope the route needs.',
)

export const RateLimitedError = defineError<{ retryAfterSeconds: number }>(
  'RATE_LIMITED',
  429,
  ({ retryAfterSeconds }) => `Too many failed authentication attempts; retry in ${retryAfterSeconds} s`,
  'Too many failed authentication attempts from one address.',
)

export const UnsupportedMediaTypeError = defineError<{ contentType: string }>(
  'UNSUPPORTED_MEDIA_TYPE',
  415,
  ({ contentType }) =>
    `Content type ${contentType || '(none)'} is not accepted here: send JSON with Content-Type: application/json`,
  'The request body has a content type the route does not read.',
)

export const BadRequestError = defineError<{ reason: string }>(
  'BAD_REQUEST',
  400,
  ({ reason }) => reason,
  'A request the server could not interpret (framework-level), with the reason.',
)
