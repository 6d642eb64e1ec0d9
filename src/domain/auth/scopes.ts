/** Scopes of workspace API tokens (DESIGN §7). `admin` implies every other scope. */
export const SCOPES = [
  'import:import-configuration:cmdb',
  'read:cmdb-object:jira',
  'write:cmdb-object:jira',
  'admin',
] as const
export type Scope = (typeof SCOPES)[number]

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}

export type Principal =
  | { kind: 'workspace'; tokenId: string; workspaceId: string; scopes: ReadonlySet<Scope> }
  | { kind: 'container'; tokenId: string; workspaceId: string; importSourceId: string }

/** Whether a principal may use a route that needs `scope`. Container tokens only reach their own source's routes. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.kind === 'container') return false
  return principal.scopes.has('admin') || principal.scopes.has(scope)
}
