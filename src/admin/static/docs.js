// Swagger UI on the OpenAPI document, both served by the gateway (relative URLs: they stay under a proxy's prefix).
// No validator badge: it would call a public service, and the gateway may have no internet access.
/* global SwaggerUIBundle */
SwaggerUIBundle({ url: 'openapi.json', dom_id: '#api', validatorUrl: null, deepLinking: true, tryItOutEnabled: false });
