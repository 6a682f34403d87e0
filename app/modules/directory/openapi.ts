import { LANGUAGES, PARTNER_KINDS, SPECIALTIES } from '~/modules/partners/codes';

const HSDS = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled';

const pageOf = (item: string) => ({
  type: 'object',
  required: [
    'total_items',
    'total_pages',
    'page_number',
    'size',
    'first_page',
    'last_page',
    'empty',
    'contents',
  ],
  properties: {
    total_items: { type: 'integer' },
    total_pages: { type: 'integer' },
    page_number: { type: 'integer' },
    size: { type: 'integer' },
    first_page: { type: 'boolean' },
    last_page: { type: 'boolean' },
    empty: { type: 'boolean' },
    contents: { type: 'array', items: { $ref: `${HSDS}/${item}.json` } },
  },
});

const paging = [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  {
    name: 'per_page',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  {
    name: 'search',
    in: 'query',
    description: 'Part of the organisation name.',
    schema: { type: 'string' },
  },
];

const errors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '429': { $ref: '#/components/responses/RateLimited' },
};

/** OpenAPI 3.1 description of the public directory API. */
export function openapi(baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: '伴走連携ネットワーク public directory API',
      version: '1.0.0',
      description:
        'Publicly listed, active partners of the network for the workers\u2019 portal: nearest search and an Open Referral HSDS 3.0 view. Bearer token required (issued by the secretariat); rate limited per token. Never returns bank details, private contacts or shelter locations.',
    },
    servers: [{ url: baseUrl }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/partners/nearest': {
        get: {
          summary: 'Partners nearest to a point, nearest first (straight-line distance)',
          parameters: [
            {
              name: 'lat',
              in: 'query',
              required: true,
              schema: { type: 'number', minimum: -90, maximum: 90 },
            },
            {
              name: 'lng',
              in: 'query',
              required: true,
              schema: { type: 'number', minimum: -180, maximum: 180 },
            },
            { name: 'language', in: 'query', schema: { type: 'string', enum: [...LANGUAGES] } },
            { name: 'specialty', in: 'query', schema: { type: 'string', enum: [...SPECIALTIES] } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
            },
          ],
          responses: {
            '200': {
              description: 'Partners',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['partners'],
                    additionalProperties: false,
                    properties: {
                      partners: {
                        type: 'array',
                        items: { $ref: '#/components/schemas/NearestPartner' },
                      },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      '/api/hsds/organizations': {
        get: {
          summary: 'HSDS organizations (paged)',
          parameters: paging,
          responses: {
            '200': {
              description: 'Page',
              content: { 'application/json': { schema: pageOf('organization_list') } },
            },
            ...errors,
          },
        },
      },
      '/api/hsds/organizations/{id}': {
        get: {
          summary: 'One HSDS organization with its service',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
          responses: {
            '200': {
              description: 'Organization',
              content: { 'application/json': { schema: { $ref: `${HSDS}/organization.json` } } },
            },
            '404': { $ref: '#/components/responses/NotFound' },
            ...errors,
          },
        },
      },
      '/api/hsds/services': {
        get: {
          summary: 'HSDS services (paged), one accompaniment service per partner',
          parameters: paging,
          responses: {
            '200': {
              description: 'Page',
              content: { 'application/json': { schema: pageOf('service_list') } },
            },
            ...errors,
          },
        },
      },
      '/api/hsds/services/{id}': {
        get: {
          summary:
            'One HSDS service: languages, service area, public phone, shelter beds (attribute)',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
          responses: {
            '200': {
              description: 'Service',
              content: { 'application/json': { schema: { $ref: `${HSDS}/service.json` } } },
            },
            '404': { $ref: '#/components/responses/NotFound' },
            ...errors,
          },
        },
      },
      '/api/hsds/service_at_locations': {
        get: {
          summary:
            'HSDS services at locations (paged); locations are municipality offices, never addresses or shelters',
          parameters: paging,
          responses: {
            '200': {
              description: 'Page',
              content: { 'application/json': { schema: pageOf('service_at_location_list') } },
            },
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        NearestPartner: {
          type: 'object',
          additionalProperties: false,
          required: [
            'id',
            'name',
            'kind',
            'municipality',
            'prefecture',
            'distance_km',
            'languages',
            'specialties',
            'phone',
            'url',
          ],
          properties: {
            id: { type: 'string', format: 'uuid' },
            name: { type: 'string' },
            kind: { type: 'string', enum: [...PARTNER_KINDS] },
            municipality: { type: ['string', 'null'] },
            prefecture: { type: ['string', 'null'] },
            distance_km: { type: 'number', description: 'Straight-line distance, 0.1 km' },
            languages: { type: 'array', items: { type: 'string', enum: [...LANGUAGES] } },
            specialties: { type: 'array', items: { type: 'string', enum: [...SPECIALTIES] } },
            phone: { type: ['string', 'null'] },
            url: { type: ['string', 'null'] },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        BadRequest: {
          description: 'Invalid parameters',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        Unauthorized: {
          description: 'Missing, unknown or revoked token',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        NotFound: {
          description: 'Not found (or not publicly listed)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        RateLimited: {
          description: 'Rate limit of the token exceeded; see Retry-After',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
