import { Type } from '@sinclair/typebox'
import { BoundedInteger } from './common.schema.js'
import { AttributeResource, ObjectResource } from './repository.schema.js'

/** Request and response shapes of the AQL search routes (Assets' findObjectsByAql and the legacy aql/objects). */

const QL_QUERY_DESCRIPTION =
  'AQL, for example `objectType = "Server" AND "Operating System" like linux order by Name desc` (docs/aql.md)'

export const AqlSearchBody = Type.Object({
  qlQuery: Type.String({ maxLength: 65_536, description: QL_QUERY_DESCRIPTION }),
})

export const AqlSearchQuery = Type.Object({
  startAt: BoundedInteger({ default: 0, description: 'Index of the first object (0-based)' }),
  maxResults: BoundedInteger({
    minimum: 1,
    maximum: 1000,
    default: 25,
    description: 'Objects per page, at most 1000',
  }),
  includeAttributes: Type.Boolean({
    default: true,
    description: 'false answers the objects without their attributes (faster)',
  }),
})

const page = {
  startAt: Type.Integer(),
  maxResults: Type.Integer(),
  total: Type.Integer({ description: 'How many objects match in all' }),
  isLast: Type.Boolean(),
  values: Type.Array(Type.Ref(ObjectResource), {
    description: 'The objects, as GET object/{id} answers them',
  }),
}

export const AqlSearchPage = Type.Object({
  ...page,
  last: Type.Boolean({ description: 'Same as isLast (Assets sends both)' }),
  objectTypeAttributes: Type.Array(Type.Ref(AttributeResource), {
    description: 'The attributes of the object types on this page (empty without includeAttributes)',
  }),
})

export const LegacyAqlQuery = Type.Object({
  qlQuery: Type.String({ maxLength: 65_536, description: QL_QUERY_DESCRIPTION }),
  page: BoundedInteger({ minimum: 1, default: 1, description: 'Page number, 1-based' }),
  resultPerPage: BoundedInteger({ minimum: 1, maximum: 1000, default: 25, description: 'Objects per page' }),
  includeAttributes: Type.Boolean({ default: true }),
  includeTypeAttributes: Type.Boolean({ default: false, description: 'Fill objectTypeAttributes' }),
})

export const LegacyAqlPage = Type.Object({
  ...page,
  objectEntries: Type.Array(Type.Ref(ObjectResource), { description: 'The objects (the same as values)' }),
  objectTypeAttributes: Type.Array(Type.Ref(AttributeResource)),
  totalFilterCount: Type.Integer({ description: 'How many objects match in all' }),
  pageNumber: Type.Integer({ description: 'This page, 1-based' }),
  pageSize: Type.Integer({ description: 'How many pages there are' }),
  pageObjectSize: Type.Integer({ description: 'Objects per page (resultPerPage)' }),
  startIndex: Type.Integer({ description: 'Index of the first object of this page' }),
  toIndex: Type.Integer({ description: 'Index after the last object of this page' }),
  qlQuery: Type.String(),
  qlQuerySearchResult: Type.Boolean(),
  iql: Type.String(),
  iqlSearchResult: Type.Boolean(),
  conversionPossible: Type.Boolean(),
})
