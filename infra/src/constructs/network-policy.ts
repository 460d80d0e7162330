import { SERVICE_PORTS } from '@supportmesh/contracts';
import { Construct } from 'constructs';
import type { INetworkPolicyEgressRule, INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { EgressNeed } from '../catalogue.js';
import { names, selectorLabels } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

/** Private address ranges: "public HTTPS" egress excludes them so it cannot reach cluster or VNet hosts. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

export type ServiceNetworkPolicyProps = Record<string, never>;

const namespaceSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

/**
 * Default deny for the service's pods in both directions, then exactly what the catalogue says it needs:
 * ingress from the ingress controller (gateway) or from the gateway (everyone else), scrapes from Prometheus,
 * DNS, and egress per need (Redis and Azure private endpoints by CIDR, public Azure APIs on 443, other services).
 */
export class ServiceNetworkPolicy extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, _props: ServiceNetworkPolicyProps = {}) {
    super(chart, id);
    const { spec, envConfig: env } = chart;
    this.name = names.networkPolicy(spec.name);
    const port = { port: 'http', protocol: 'TCP' } as const;

    const ingress: INetworkPolicyIngressRule[] = [
      spec.reachableFrom === 'ingress'
        ? {
            from: [{ namespaceSelector: namespaceSelector(env.ingress.controllerNamespace), podSelector: { matchLabels: { ...env.ingress.controllerPodLabels } } }],
            ports: [port],
          }
        : { from: [{ podSelector: { matchLabels: selectorLabels('gateway') } }], ports: [port] },
      {
        from: [{ namespaceSelector: namespaceSelector(env.monitoring.namespace), podSelector: { matchLabels: { ...env.monitoring.prometheusPodLabels } } }],
        ports: [port],
      },
    ];

    const egress: INetworkPolicyEgressRule[] = [
      {
        to: [{ namespaceSelector: namespaceSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ];
    const privateEndpoints = (p: number): INetworkPolicyEgressRule => ({ to: [{ ipBlock: { cidr: env.azure.privateEndpointCidr } }], ports: [{ port: p, protocol: 'TCP' }] });
    const publicHttps: INetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }], ports: [{ port: 443, protocol: 'TCP' }] };
    const rules = new Map<string, INetworkPolicyEgressRule>();
    const add = (need: EgressNeed) => {
      if (typeof need === 'object') {
        rules.set(`service:${need.service}`, { to: [{ podSelector: { matchLabels: selectorLabels(need.service) } }], ports: [{ port: SERVICE_PORTS[need.service], protocol: 'TCP' }] });
        return;
      }
      switch (need) {
        case 'redis':
          rules.set('redis', privateEndpoints(env.redis.port));
          return;
        case 'azure-openai':
        case 'cosmos':
          rules.set('private-https', privateEndpoints(443));
          return;
        case 'azure-speech':
        case 'entra-id':
        case 'service-desk':
          rules.set('public-https', publicHttps);
          return;
      }
    };
    spec.egress.forEach(add);
    egress.push(...[...rules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r));

    addModel(
      this,
      'Resource',
      new NetworkPolicy({
        metadata: { name: this.name },
        spec: { podSelector: { matchLabels: { ...chart.selector } }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
      }),
    );
  }
}
