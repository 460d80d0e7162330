import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { APP_SERVICES, CATALOGUE, ENVIRONMENT_CONFIG, ENVIRONMENTS, type AppService, type Catalogue, type Environment, type EnvironmentConfig } from './catalogue.js';
import { ServiceChart } from './constructs/service-chart.js';

/** A Kubernetes object as synthesized (plain JSON). */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

export interface SynthOptions {
  /** @default CATALOGUE */
  readonly catalogue?: Catalogue;
  /** @default ENVIRONMENT_CONFIG */
  readonly environments?: Readonly<Record<Environment, EnvironmentConfig>>;
  /** @default IMAGE_VERSION */
  readonly imageVersion?: string;
  /** @default IMAGE_REGISTRY */
  readonly registry?: string;
}

/** The objects of one service in one environment. */
export function synthService(service: AppService, env: Environment, options: SynthOptions = {}): K8sObject[] {
  const catalogue = options.catalogue ?? CATALOGUE;
  const environments = options.environments ?? ENVIRONMENT_CONFIG;
  const app = new App();
  const chart = new ServiceChart(app, service, {
    spec: catalogue[service],
    env: environments[env],
    ...(options.imageVersion === undefined ? {} : { imageVersion: options.imageVersion }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  });
  return chart.toJson() as K8sObject[];
}

/** Multi-document YAML for `kubectl apply -f`. */
export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Every `<env>/<service>.k8s.yaml` file and its content. */
export function synthAll(options: SynthOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of ENVIRONMENTS) {
    for (const service of APP_SERVICES) {
      files.set(`${env}/${service}.k8s.yaml`, toYaml(synthService(service, env, options)));
    }
  }
  return files;
}
