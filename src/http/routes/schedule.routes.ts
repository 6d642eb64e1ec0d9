import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentSchedule, presentScheduleRun } from '../presenters/schedule.presenter.js'
import { authErrors, ErrorResponse } from '../schemas/common.schema.js'
import { ImportSourceParams } from '../schemas/import-source.schema.js'
import {
  CreatedScheduleResource,
  CreateScheduleBody,
  ScheduleLinksResponse,
  ScheduleParams,
  ScheduleResource,
  ScheduleRunsResponse,
  UpdateScheduleBody,
} from '../schemas/schedule.schema.js'
import { requestBase } from './execution.routes.js'

/** Workspace tokens with the scope, or the container token of the source in the path. */
const config = { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } }
const tags = ['Import schedules']
const errors = { ...authErrors, 409: Type.Ref(ErrorResponse) }
const S = '/importsource/:importSourceId/importschedule'

/** Import schedules (Assets `importschedule`, seed 002) and the `schedule` links resource. */
export function scheduleRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const schedules = services.schedules

  r.get('/importsource/:importSourceId/schedule', {
    config,
    schema: {
      tags,
      summary: 'Links to create the schedule and, when the source has one, to read it',
      params: ImportSourceParams,
      response: { 200: ScheduleLinksResponse, ...authErrors },
    },
    handler: async (req) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      const schedule = await schedules.ofSource(ws, id)
      const base = `${requestBase(req, services.config.publicUrl)}/importsource/${id}/importschedule`
      return {
        links: { createSchedule: base, ...(schedule && { schedule: `${base}/${schedule.id}` }) },
        result: 'success' as const,
      }
    },
  })

  r.post(S, {
    config,
    schema: {
      tags,
      summary:
        'Create the schedule of the source (one at most); 409 MISSING_MAPPING or SCHEDULE_EXISTS. Answers the ' +
        'callback signing secret once',
      params: ImportSourceParams,
      body: CreateScheduleBody,
      response: { 201: CreatedScheduleResource, ...errors },
    },
    handler: async (req, reply) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      const { schedule, callbackSecret } = await schedules.create(ws, id, req.body)
      return reply.code(201).send({ ...presentSchedule(schedule), callbackSecret })
    },
  })

  r.get(`${S}/:importScheduleId`, {
    config,
    schema: {
      tags,
      summary: 'Get a schedule',
      params: ScheduleParams,
      response: { 200: ScheduleResource, ...authErrors },
    },
    handler: async ({ params: p }) =>
      presentSchedule(await schedules.get(p.workspaceId, p.importSourceId, p.importScheduleId)),
  })

  r.put(`${S}/:importScheduleId`, {
    config,
    schema: {
      tags,
      summary: 'Change a schedule: given fields replace the stored ones; the next run is computed from now',
      params: ScheduleParams,
      body: UpdateScheduleBody,
      response: { 200: ScheduleResource, ...errors },
    },
    handler: async ({ params: p, body }) =>
      presentSchedule(await schedules.update(p.workspaceId, p.importSourceId, p.importScheduleId, body)),
  })

  r.delete(`${S}/:importScheduleId`, {
    config,
    schema: {
      tags,
      summary: 'Delete a schedule: no further run starts',
      params: ScheduleParams,
      response: { 204: Type.Null(), ...authErrors },
    },
    handler: async ({ params: p }, reply) => {
      await schedules.remove(p.workspaceId, p.importSourceId, p.importScheduleId)
      return reply.code(204).send(null)
    },
  })

  r.get(`${S}/:importScheduleId/runs`, {
    config,
    schema: {
      tags,
      summary:
        'The latest runs of a schedule (started, delivered, skipped with the reason, failed), newest first',
      params: ScheduleParams,
      response: { 200: ScheduleRunsResponse, ...authErrors },
    },
    handler: async ({ params: p }) => ({
      values: (await schedules.runs(p.workspaceId, p.importSourceId, p.importScheduleId)).map(
        presentScheduleRun,
      ),
    }),
  })
}
