import { useEffect, useState } from 'preact/hooks'

/** The console's own router: the route is the URL's hash (`#/sources/…`), so the server only serves index.html. */
export interface Route {
  path: string[]
  query: URLSearchParams
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const [pathPart = '', queryPart = ''] = raw.split('?', 2)
  return {
    path: pathPart.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(queryPart),
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

export function href(...parts: (string | number)[]): string {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/')
}

export function navigate(to: string): void {
  if (location.hash === to) window.dispatchEvent(new HashChangeEvent('hashchange'))
  else location.hash = to
}
