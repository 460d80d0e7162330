import { Construct } from 'constructs';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';
import type { ClusterService } from './cluster-service.js';

/** A path the ingress routes to the gateway. */
export interface PublicPath {
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact';
}

/**
 * An allow-list rather than `/` + a deny snippet: the public API under `/v1` and the chat page at exactly `/`.
 * `/metrics`, `/health` and `/ready` match none of them, so the controller answers 404 without reaching the pod.
 */
export const GATEWAY_PUBLIC_PATHS: readonly PublicPath[] = [
  { path: '/v1', pathType: 'Prefix' },
  { path: '/', pathType: 'Exact' },
];

export interface GatewayIngressProps {
  readonly service: ClusterService;
  /**
   * Paths routed to the gateway.
   * @default GATEWAY_PUBLIC_PATHS
   */
  readonly paths?: readonly PublicPath[];
}

/** Public HTTPS entry to the gateway: TLS from cert-manager, HTTP redirected to HTTPS. */
export class GatewayIngress extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: GatewayIngressProps) {
    super(chart, id);
    const { ingress } = chart.envConfig;
    this.name = names.ingress(chart.spec.name);
    addModel(
      this,
      'Resource',
      new Ingress({
        metadata: {
          name: this.name,
          annotations: {
            'cert-manager.io/cluster-issuer': ingress.clusterIssuer,
            'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
            'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
            'nginx.ingress.kubernetes.io/proxy-body-size': '1m',
          },
        },
        spec: {
          ingressClassName: ingress.className,
          tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }],
          rules: [
            {
              host: ingress.host,
              http: {
                paths: (props.paths ?? GATEWAY_PUBLIC_PATHS).map((p) => ({
                  path: p.path,
                  pathType: p.pathType,
                  backend: { service: { name: props.service.name, port: { name: 'http' } } },
                })),
              },
            },
          ],
        },
      }),
    );
  }
}
