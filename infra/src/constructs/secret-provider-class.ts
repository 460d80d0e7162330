import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { SecretRef } from '../catalogue.js';
import { names } from '../names.js';
import { SecretProviderClassSchema, type SecretProviderClassData } from '../schemas/secret-provider-class.js';
import type { BaseChart } from './base-chart.js';

export interface KeyVaultSecretsProps {
  /** Key Vault secrets to mount and sync; names only, never values. */
  readonly secrets: readonly SecretRef[];
}

/**
 * Azure Key Vault secrets through the Secrets Store CSI driver: mounted read-only into the pod and synced to a
 * Kubernetes Secret (`<service>-secrets`) that the container reads with `envFrom`. The driver authenticates with
 * the service's workload identity, so the manifests hold names and ids, never secret values.
 */
export class KeyVaultSecrets extends Construct {
  readonly name: string;
  /** Name of the synced Kubernetes Secret. */
  readonly secretName: string;

  constructor(chart: BaseChart, id: string, props: KeyVaultSecretsProps) {
    super(chart, id);
    const { spec, envConfig: env } = chart;
    this.name = names.secretProviderClass(spec.name);
    this.secretName = names.syncedSecret(spec.name);
    const objects = stringify({
      array: props.secrets.map((s) => stringify({ objectName: s.objectName, objectType: 'secret' })),
    });
    const data: SecretProviderClassData = {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: this.name },
      spec: {
        provider: 'azure',
        parameters: {
          usePodIdentity: 'false',
          clientID: env.azure.clientIds[spec.name],
          keyvaultName: env.azure.keyVaultName,
          tenantId: env.azure.tenantId,
          objects,
        },
        secretObjects: [
          {
            secretName: this.secretName,
            type: 'Opaque',
            data: props.secrets.map((s) => ({ objectName: s.objectName, key: s.env })),
          },
        ],
      },
    };
    const valid = SecretProviderClassSchema.parse(data);
    new ApiObject(this, 'Resource', valid);
  }
}
