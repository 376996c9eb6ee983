export { coldStartRoute } from './cold-start/index.ts';
export { eventsRoute } from './events/index.ts';
export { healthRoute } from './health/index.ts';
export { modelsRoute } from './models/index.ts';
export { predictRoute } from './predict/index.ts';
export { recommendationsRoute } from './recommendations/index.ts';
export { similarRoute } from './similar/index.ts';
export { notFound, onError } from './problem.ts';
