import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Deployment } from 'kubernetes-models/apps/v1';
import type { IProbe } from 'kubernetes-models/v1';
import type { ProbeTiming } from '../catalogue.js';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';
import type { KeyVaultSecrets } from './secret-provider-class.js';
import type { ServiceConfigMap } from './config-map.js';
import { WORKLOAD_IDENTITY_USE, type WorkloadIdentityServiceAccount } from './service-account.js';

/** Non-root user and group of the runtime image (distroless `nonroot`). */
export const RUN_AS_USER = 65532;
/** Where the Key Vault secrets are mounted read-only. */
export const SECRETS_MOUNT_PATH = '/mnt/secrets-store';
/** Pod template annotation holding the ConfigMap hash. */
export const CONFIG_HASH_ANNOTATION = 'supportmesh.io/config-hash';

export interface ServiceDeploymentProps {
  readonly configMap: ServiceConfigMap;
  /** Key Vault secrets; absent for services that need none. */
  readonly secrets?: KeyVaultSecrets;
  readonly serviceAccount: WorkloadIdentityServiceAccount;
  /**
   * Seconds the pod keeps serving after it is marked terminating, so endpoints and the ingress stop routing to it
   * before SIGTERM.
   * @default readiness periodSeconds × failureThreshold
   */
  readonly preStopSleepSeconds?: number;
}

/** Seconds of slack on top of pre-stop sleep and drain deadline before the kubelet sends SIGKILL. */
export const TERMINATION_SLACK_SECONDS = 5;

const httpProbe = (path: string, t: ProbeTiming): IProbe => ({
  httpGet: { path, port: 'http', scheme: 'HTTP' },
  periodSeconds: t.periodSeconds,
  timeoutSeconds: t.timeoutSeconds,
  failureThreshold: t.failureThreshold,
  ...(t.initialDelaySeconds === undefined ? {} : { initialDelaySeconds: t.initialDelaySeconds }),
});

/**
 * The service's pods: one hardened container (non-root, read-only root filesystem, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp) with startup, liveness and readiness probes, a pre-stop sleep and a
 * grace period longer than the drain deadline, config from the ConfigMap and secrets from Key Vault, spread across
 * zones and nodes. Replicas are left to KEDA.
 */
export class ServiceDeployment extends Construct {
  readonly name: string;
  readonly resource: ApiObject;
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;

  constructor(chart: BaseChart, id: string, props: ServiceDeploymentProps) {
    super(chart, id);
    const { spec } = chart;
    this.name = names.deployment(spec.name);
    const readiness = spec.probes.readiness;
    this.preStopSleepSeconds = props.preStopSleepSeconds ?? readiness.periodSeconds * readiness.failureThreshold;
    this.terminationGracePeriodSeconds = this.preStopSleepSeconds + spec.drainDeadlineSeconds + TERMINATION_SLACK_SECONDS;
    const podLabels = { ...chart.commonLabels, [WORKLOAD_IDENTITY_USE]: 'true' };
    const spreadSelector = { matchLabels: { ...chart.selector } };

    this.resource = addModel(
      this,
      'Resource',
      new Deployment({
        metadata: { name: this.name },
        spec: {
          revisionHistoryLimit: 5,
          selector: { matchLabels: { ...chart.selector } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: podLabels,
              annotations: { [CONFIG_HASH_ANNOTATION]: props.configMap.hash },
            },
            spec: {
              serviceAccountName: props.serviceAccount.name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_USER,
                runAsGroup: RUN_AS_USER,
                fsGroup: RUN_AS_USER,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: spreadSelector, matchLabelKeys: ['pod-template-hash'] },
                { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: spreadSelector, matchLabelKeys: ['pod-template-hash'] },
              ],
              containers: [
                {
                  name: spec.name,
                  image: chart.image,
                  imagePullPolicy: 'IfNotPresent',
                  ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
                  envFrom: [
                    { configMapRef: { name: props.configMap.name } },
                    ...(props.secrets ? [{ secretRef: { name: props.secrets.secretName } }] : []),
                  ],
                  resources: {
                    requests: { ...spec.resources.requests },
                    limits: { ...spec.resources.limits },
                  },
                  startupProbe: httpProbe('/health', spec.probes.startup),
                  livenessProbe: httpProbe('/health', spec.probes.liveness),
                  readinessProbe: httpProbe('/ready', spec.probes.readiness),
                  lifecycle: { preStop: { sleep: { seconds: this.preStopSleepSeconds } } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ['ALL'] },
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  volumeMounts: [
                    { name: 'tmp', mountPath: '/tmp' },
                    ...(props.secrets ? [{ name: 'secrets-store', mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: 'tmp', emptyDir: { sizeLimit: spec.tmpSizeLimit } },
                ...(props.secrets
                  ? [
                      {
                        name: 'secrets-store',
                        csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: props.secrets.name } },
                      },
                    ]
                  : []),
              ],
            },
          },
        },
      }),
    );
  }
}
