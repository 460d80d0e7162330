import { Construct } from 'constructs';
import { Service } from 'kubernetes-models/v1';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

export interface ClusterServiceProps {
  /**
   * Name of the container port to route to.
   * @default 'http'
   */
  readonly targetPortName?: string;
}

/** In-cluster address of the service: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
export class ClusterService extends Construct {
  readonly name: string;
  readonly port: number;

  constructor(chart: BaseChart, id: string, props: ClusterServiceProps = {}) {
    super(chart, id);
    this.name = names.service(chart.spec.name);
    this.port = chart.spec.port;
    addModel(
      this,
      'Resource',
      new Service({
        metadata: { name: this.name },
        spec: {
          type: 'ClusterIP',
          selector: { ...chart.selector },
          ports: [{ name: 'http', port: this.port, targetPort: props.targetPortName ?? 'http', protocol: 'TCP' }],
        },
      }),
    );
  }
}
