export * from './catalogue.js';
export { synthAll, synthService, toYaml, type K8sObject, type SynthOptions } from './synth.js';
export { ServiceChart } from './constructs/service-chart.js';
export { scheduleFormula, windowAt, cronFor, baseCap, cappedWindows, HPA_BEHAVIOR } from './keda/scaling.js';
export { KedaTrigger, TRIGGER_METADATA_SCHEMAS } from './keda/trigger-schemas.js';
export { METRICS } from './metrics.js';
