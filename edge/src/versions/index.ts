export { edgeState, type Resolved } from './serving.ts';
export { ModelUnavailableError } from './errors.ts';
export type { ServingVersion } from './load-version.ts';
export { keepAliveOf, type KeepAlive } from './keep-alive.ts';
