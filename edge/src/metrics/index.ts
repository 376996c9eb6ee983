export { servingMetrics } from './middleware.ts';
export { ServingMeter, type Arm, type MeterWindow } from './serving-meter.ts';
