import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Construct } from 'constructs';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

export interface MetricsServiceMonitorProps {
  /**
   * Scrape interval.
   * @default '15s'
   */
  readonly interval?: `${number}s`;
}

/** Tells the Prometheus operator to scrape `/metrics` on the service's `http` port. */
export class MetricsServiceMonitor extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: MetricsServiceMonitorProps = {}) {
    super(chart, id);
    this.name = names.serviceMonitor(chart.spec.name);
    addModel(
      this,
      'Resource',
      new ServiceMonitor({
        metadata: { name: this.name, labels: { ...chart.envConfig.monitoring.selectorLabels } },
        spec: {
          selector: { matchLabels: { ...chart.selector } },
          endpoints: [{ port: 'http', path: '/metrics', interval: props.interval ?? '15s', scrapeTimeout: '10s' }],
        },
      }),
    );
  }
}
