import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { IMAGE_REGISTRY, IMAGE_VERSION, imageFor, type EnvironmentConfig, type ServiceSpec } from '../catalogue.js';
import { commonLabels, selectorLabels, type ServiceIdentity } from '../names.js';

export interface BaseChartProps {
  /** The catalogue entry of the service this chart deploys. */
  readonly spec: ServiceSpec;
  /** Cluster and Azure settings of the target environment. */
  readonly env: EnvironmentConfig;
  /**
   * Image tag.
   * @default IMAGE_VERSION
   */
  readonly imageVersion?: string;
  /**
   * Image registry.
   * @default IMAGE_REGISTRY
   */
  readonly registry?: string;
}

/**
 * One chart per service per environment. Derives everything that depends only on `{ env, service }`: the namespace
 * (`supportmesh-<env>`), the labels on every object and the selector labels of the pods.
 */
export class BaseChart extends Chart {
  readonly identity: ServiceIdentity;
  readonly spec: ServiceSpec;
  readonly envConfig: EnvironmentConfig;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly image: string;
  readonly imageVersion: string;

  constructor(scope: Construct, id: string, props: BaseChartProps) {
    const version = props.imageVersion ?? IMAGE_VERSION;
    const identity: ServiceIdentity = { env: props.env.name, service: props.spec.name };
    const labels = commonLabels(identity, props.spec, version);
    super(scope, id, { namespace: props.env.namespace, labels, disableResourceNameHashes: true });
    this.identity = identity;
    this.spec = props.spec;
    this.envConfig = props.env;
    this.commonLabels = labels;
    this.selector = selectorLabels(props.spec.name);
    this.imageVersion = version;
    this.image = imageFor(props.spec.name, version, props.registry ?? IMAGE_REGISTRY);
  }
}
