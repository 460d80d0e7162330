import { Construct } from 'constructs';
import { ServiceAccount } from 'kubernetes-models/v1';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

/** Annotation the Azure workload identity webhook reads to federate the pod's token with a managed identity. */
export const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';
/** Pod label that opts a pod into the workload identity webhook. */
export const WORKLOAD_IDENTITY_USE = 'azure.workload.identity/use';

export type WorkloadIdentityServiceAccountProps = Record<string, never>;

/**
 * The service's own Kubernetes identity, federated with its user-assigned managed identity in Azure (client id from
 * the environment config). The API token is not automounted: the pods never call the Kubernetes API.
 */
export class WorkloadIdentityServiceAccount extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, _props: WorkloadIdentityServiceAccountProps = {}) {
    super(chart, id);
    this.name = names.serviceAccount(chart.spec.name);
    addModel(
      this,
      'Resource',
      new ServiceAccount({
        metadata: {
          name: this.name,
          annotations: {
            [WORKLOAD_IDENTITY_CLIENT_ID]: chart.envConfig.azure.clientIds[chart.spec.name],
            'azure.workload.identity/tenant-id': chart.envConfig.azure.tenantId,
          },
        },
        automountServiceAccountToken: false,
      }),
    );
  }
}
