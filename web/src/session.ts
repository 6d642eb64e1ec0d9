/** The signed-in token, kept for this browser tab only (sessionStorage): closing the tab signs out. */
export interface Session {
  token: string
  workspaceId: string
  canRunImports: boolean
}

const KEY = 'intake.console.session'

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (raw === null) return null
    const parsed = JSON.parse(raw) as Partial<Session>
    if (typeof parsed.token !== 'string' || typeof parsed.workspaceId !== 'string') return null
    return {
      token: parsed.token,
      workspaceId: parsed.workspaceId,
      canRunImports: parsed.canRunImports === true,
    }
  } catch {
    return null
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session))
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY)
}
