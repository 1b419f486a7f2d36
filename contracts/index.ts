// The API's contracts: one TypeBox schema per answer and body, pure (no I/O). The server's routes
// declare them, the OpenAPI document is made from them, and web/ imports their types only.
export * from './common.ts';
export * from './errors.ts';
export * from './catalogue.ts';
export * from './editions.ts';
export * from './procedure.ts';
export * from './session.ts';
export * from './team.ts';
export * from './admin.ts';
export * from './service.ts';
