import type { FastifyRequest } from 'fastify'

/** Absolute URLs: INTAKE_PUBLIC_URL when set, else the request's own scheme and host. */
export function origin(request: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${request.protocol}://${request.host}`
}

export function workspaceBase(
  request: FastifyRequest,
  publicUrl: string | null,
  workspaceId: string,
): string {
  return `${origin(request, publicUrl)}/jsm/assets/workspace/${encodeURIComponent(workspaceId)}/v1`
}
