import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Construct } from 'constructs';
import { REDIS_PASSWORD } from '../catalogue.js';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';
import type { KeyVaultSecrets } from './secret-provider-class.js';

export interface RedisTriggerAuthenticationProps {
  /** The synced Key Vault secret holding `REDIS_PASSWORD`. */
  readonly secrets: KeyVaultSecrets;
}

/** Lets KEDA's redis-streams scaler authenticate with the password synced from Key Vault (no value in YAML). */
export class RedisTriggerAuthentication extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: RedisTriggerAuthenticationProps) {
    super(chart, id);
    this.name = names.triggerAuthentication(chart.spec.name);
    addModel(
      this,
      'Resource',
      new TriggerAuthentication({
        metadata: { name: this.name },
        spec: { secretTargetRef: [{ parameter: 'password', name: props.secrets.secretName, key: REDIS_PASSWORD.env }] },
      }),
    );
  }
}
