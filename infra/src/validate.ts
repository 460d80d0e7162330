import { TriggerAuthentication, ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describeIssues, KedaTrigger, ScalingModifiersSchema } from './keda/trigger-schemas.js';
import { SecretProviderClassSchema } from './schemas/secret-provider-class.js';
import type { K8sObject } from './synth.js';

type Validator = (o: K8sObject) => void;

const model =
  <T>(Model: new (data: T) => { validate(): void }): Validator =>
  (o) =>
    new Model(o as T).validate();

/** Published schema for each kind the charts emit, keyed by `apiVersion/kind`. */
export const VALIDATORS: Readonly<Record<string, Validator>> = {
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'v1/ServiceAccount': model(ServiceAccount),
  'apps/v1/Deployment': model(Deployment),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'networking.k8s.io/v1/Ingress': model(Ingress),
  'keda.sh/v1alpha1/TriggerAuthentication': model(TriggerAuthentication),
  'keda.sh/v1alpha1/ScaledObject': (o) => {
    new ScaledObject(o as never).validate();
    const spec = (o as unknown as { spec: { triggers: unknown[]; advanced?: { scalingModifiers?: unknown } } }).spec;
    for (const t of spec.triggers) {
      const r = KedaTrigger.safeParse(t);
      if (!r.success) throw new Error(`trigger: ${describeIssues(r.error)}`);
    }
    if (spec.advanced?.scalingModifiers !== undefined) ScalingModifiersSchema.parse(spec.advanced.scalingModifiers);
  },
  'monitoring.coreos.com/v1/ServiceMonitor': model(ServiceMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': model(PrometheusRule),
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': (o) => {
    SecretProviderClassSchema.parse(o);
  },
};

/** Validates one synthesized object against its published schema; throws naming the object on failure. */
export function validateObject(o: K8sObject): void {
  const key = `${o.apiVersion}/${o.kind}`;
  const validator = VALIDATORS[key];
  if (!validator) throw new Error(`no schema for ${key} (${o.metadata.name})`);
  try {
    validator(o);
  } catch (e) {
    throw new Error(`${key} ${o.metadata.name} is invalid: ${(e as Error).message}`, { cause: e });
  }
}
