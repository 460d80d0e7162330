export { HorizontalPodAutoscaler, type HpaBehavior, type HpaSpec, type MetricInput, type PodSample, type ReconcileInput, type ReconcileResult } from './hpa.js';
export { KedaScaledObject, type ServiceSignals } from './keda.js';
export { ScaledTarget } from './control.js';
export { simulateScenario, type ScenarioResult, type TimelinePoint } from './scenario.js';
export { simulateProfile, type CapacityReport, type SimulationOptions } from './simulate.js';
export { readManifests, type ManifestService } from './manifests.js';
export { blackFridayProfile, csvProfile, weeklyProfile, type TrafficProfile } from './profiles.js';
export { renderHtml, renderText } from './render.js';
export { CapacityInputError, isCapacityInputError } from './capacity-input-error.js';
