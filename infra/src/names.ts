import { IMAGE_VERSION, type AppService, type Environment, type ServiceSpec } from './catalogue.js';

/** Everything a chart derives from `{ env, service }`: namespace, object names and labels. */
export interface ServiceIdentity {
  readonly env: Environment;
  readonly service: AppService;
}

export const PART_OF = 'supportmesh';

export function namespaceFor(env: Environment): string {
  return `supportmesh-${env}`;
}

/** Labels that select the service's pods (stable: used in immutable Deployment selectors). */
export function selectorLabels(service: AppService): Record<string, string> {
  return { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': PART_OF };
}

/** Labels on every object of the service. */
export function commonLabels(id: ServiceIdentity, spec: Pick<ServiceSpec, 'component'>, version: string = IMAGE_VERSION): Record<string, string> {
  return {
    ...selectorLabels(id.service),
    'app.kubernetes.io/component': spec.component,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/managed-by': 'cdk8s',
    'supportmesh.io/env': id.env,
  };
}

/** Object names inside the namespace. */
export const names = {
  deployment: (s: AppService) => s,
  service: (s: AppService) => s,
  serviceAccount: (s: AppService) => s,
  configMap: (s: AppService) => `${s}-config`,
  secretProviderClass: (s: AppService) => `${s}-keyvault`,
  syncedSecret: (s: AppService) => `${s}-secrets`,
  pdb: (s: AppService) => s,
  networkPolicy: (s: AppService) => s,
  ingress: (s: AppService) => s,
  serviceMonitor: (s: AppService) => s,
  scaledObject: (s: AppService) => s,
  triggerAuthentication: (s: AppService) => `${s}-redis`,
  prometheusRule: (s: AppService) => s,
  /** The HPA KEDA creates for a ScaledObject. */
  hpa: (s: AppService) => `keda-hpa-${s}`,
} as const;

/** Environment variable name for a service's base URL, e.g. `INTENT_CLASSIFIER_URL`. */
export function urlEnvVar(service: AppService): string {
  return `${service.toUpperCase().replaceAll('-', '_')}_URL`;
}
