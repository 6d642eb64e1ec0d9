import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentObjectPage } from '../presenters/object-page.js'
import {
  AqlSearchBody,
  AqlSearchPage,
  AqlSearchQuery,
  LegacyAqlPage,
  LegacyAqlQuery,
} from '../schemas/aql.schema.js'
import { authErrors, WorkspaceParams } from '../schemas/common.schema.js'
import { AqlTotalCountBody } from '../schemas/repository-write.schema.js'

const read = { auth: { scope: 'read:cmdb-object:jira' as const } }

const AQL_ERRORS =
  'A query that does not parse or names an unknown attribute or object type answers 400 with the AQL_* code, ' +
  'the position in the query, what was found, what was expected and, for names, the closest existing one.'

/** Finding objects with AQL (docs/aql.md). */
export function aqlRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.post('/object/aql', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'Find objects with AQL',
      description: `Matching objects, one page at a time, in the query's order (default: label, then id). ${AQL_ERRORS}`,
      params: WorkspaceParams,
      querystring: AqlSearchQuery,
      body: AqlSearchBody,
      response: { 200: AqlSearchPage, ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const { startAt, maxResults, includeAttributes } = req.query
      const page = await services.aql.search(ws, req.body.qlQuery, { startAt, maxResults })
      const presented = await presentObjectPage(services, req, ws, page.values, includeAttributes)
      return {
        startAt: page.startAt,
        maxResults: page.maxResults,
        total: page.total,
        isLast: page.isLast,
        last: page.isLast,
        values: presented.values,
        objectTypeAttributes: includeAttributes ? presented.objectTypeAttributes : [],
      }
    },
  })

  r.post('/object/aql/totalcount', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'How many objects match an AQL query',
      description: `Counts in SQL; no object is read. ${AQL_ERRORS}`,
      params: WorkspaceParams,
      body: AqlTotalCountBody,
      response: { 200: Type.Object({ totalCount: Type.Integer() }), ...authErrors },
    },
    handler: async (req) => ({
      totalCount: await services.aql.count(req.params.workspaceId, req.body.qlQuery),
    }),
  })

  r.get('/aql/objects', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'Find objects with AQL (legacy)',
      description: `The deprecated Assets form of POST object/aql, kept for old clients; page is 1-based. ${AQL_ERRORS}`,
      deprecated: true,
      params: WorkspaceParams,
      querystring: LegacyAqlQuery,
      response: { 200: LegacyAqlPage, ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const { qlQuery, page: pageNumber, resultPerPage, includeAttributes, includeTypeAttributes } = req.query
      const startAt = (pageNumber - 1) * resultPerPage
      const page = await services.aql.search(ws, qlQuery, { startAt, maxResults: resultPerPage })
      const presented = await presentObjectPage(services, req, ws, page.values, includeAttributes)
      return {
        startAt: page.startAt,
        maxResults: page.maxResults,
        total: page.total,
        isLast: page.isLast,
        values: presented.values,
        objectEntries: presented.values,
        objectTypeAttributes: includeTypeAttributes ? presented.objectTypeAttributes : [],
        totalFilterCount: page.total,
        pageNumber,
        pageSize: Math.ceil(page.total / resultPerPage),
        pageObjectSize: resultPerPage,
        startIndex: startAt,
        toIndex: startAt + page.values.length,
        qlQuery,
        qlQuerySearchResult: true,
        iql: qlQuery,
        iqlSearchResult: true,
        conversionPossible: false,
      }
    },
  })
}
