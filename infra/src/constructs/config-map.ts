import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ConfigMap } from 'kubernetes-models/v1';
import { SERVICE_PORTS } from '@supportmesh/contracts';
import { names, urlEnvVar } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

export interface ServiceConfigMapProps {
  /**
   * Extra entries merged over the derived ones.
   * @default {}
   */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The service's non-secret settings as environment variables (read with `envFrom`). Secrets never go here: they come
 * from Key Vault through the Secrets Store CSI driver.
 */
export class ServiceConfigMap extends Construct {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
  /** Short content hash, put on the pod template so a config change rolls the pods. */
  readonly hash: string;

  constructor(chart: BaseChart, id: string, props: ServiceConfigMapProps = {}) {
    super(chart, id);
    const { spec, envConfig: env } = chart;
    const data: Record<string, string> = {
      NODE_ENV: 'production',
      // Every cluster (dev included) runs in production mode: real keys only, no self-signed Cosmos certificate.
      SUPPORTMESH_ENV: 'production',
      PORT: String(spec.port),
      LOG_LEVEL: env.logLevel,
      SHUTDOWN_TIMEOUT_MS: String(spec.drainDeadlineSeconds * 1000),
      OTEL_SERVICE_NAME: spec.name,
    };
    if (spec.egress.includes('azure-openai')) {
      data['AZURE_OPENAI_ENDPOINT'] = env.azure.openAiEndpoint;
      // Entra ID tokens through the pod's workload identity; no API key in the cluster.
      data['AZURE_OPENAI_USE_ENTRA_ID'] = 'true';
    }
    if (spec.egress.includes('cosmos')) data['COSMOS_ENDPOINT'] = env.azure.cosmosEndpoint;
    if (spec.egress.includes('azure-speech')) data['AZURE_SPEECH_REGION'] = env.azure.speechRegion;
    for (const need of spec.egress) {
      if (typeof need === 'object') {
        data[urlEnvVar(need.service)] = `http://${names.service(need.service)}.${env.namespace}.svc.cluster.local:${SERVICE_PORTS[need.service]}`;
      }
    }
    Object.assign(data, spec.config, props.extra ?? {});
    const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
    this.name = names.configMap(spec.name);
    this.data = sorted;
    this.hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
    addModel(this, 'Resource', new ConfigMap({ metadata: { name: this.name }, data: sorted }));
  }
}
