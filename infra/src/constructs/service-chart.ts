import type { Construct } from 'constructs';
import { BaseChart, type BaseChartProps } from './base-chart.js';
import { ClusterService } from './cluster-service.js';
import { ServiceConfigMap } from './config-map.js';
import { DisruptionBudget } from './disruption-budget.js';
import { GatewayIngress } from './gateway-ingress.js';
import { KedaScaledObject } from './keda-scaled-object.js';
import { MetricsServiceMonitor } from './metrics-service-monitor.js';
import { ServiceNetworkPolicy } from './network-policy.js';
import { RedisTriggerAuthentication } from './redis-trigger-authentication.js';
import { KeyVaultSecrets } from './secret-provider-class.js';
import { ServiceAlerts } from './service-alerts.js';
import { WorkloadIdentityServiceAccount } from './service-account.js';
import { ServiceDeployment } from './service-deployment.js';

export type ServiceChartProps = BaseChartProps;

/** Everything one service needs in one environment, from its catalogue entry. */
export class ServiceChart extends BaseChart {
  readonly deployment: ServiceDeployment;

  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    super(scope, id, props);
    const configMap = new ServiceConfigMap(this, 'Config');
    // Services without secrets (those using workload identity only) get no SecretProviderClass and no CSI mount.
    const secrets = this.spec.secrets.length > 0 ? new KeyVaultSecrets(this, 'Secrets', { secrets: this.spec.secrets }) : undefined;
    const serviceAccount = new WorkloadIdentityServiceAccount(this, 'ServiceAccount');
    this.deployment = new ServiceDeployment(this, 'Deployment', { configMap, secrets, serviceAccount });
    const service = new ClusterService(this, 'Service');
    new DisruptionBudget(this, 'DisruptionBudget');
    new ServiceNetworkPolicy(this, 'NetworkPolicy');
    if (this.spec.reachableFrom === 'ingress') new GatewayIngress(this, 'Ingress', { service });
    if (this.spec.scaling.some((s) => s.kind === 'stream-lag')) {
      if (!secrets) throw new Error(`${this.spec.name}: a redis-streams trigger needs the Redis secrets`);
      new RedisTriggerAuthentication(this, 'RedisAuth', { secrets });
    }
    new KedaScaledObject(this, 'ScaledObject', { target: this.deployment });
    new MetricsServiceMonitor(this, 'ServiceMonitor');
    new ServiceAlerts(this, 'Alerts');
  }
}
