import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Construct } from 'constructs';
import { alertsFor, type AlertRule } from '../alerts.js';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

export interface ServiceAlertsProps {
  /**
   * Rules to install.
   * @default alertsFor(spec, env): the seed's alert table
   */
  readonly rules?: readonly AlertRule[];
}

/** The service's alerting rules as a PrometheusRule the Prometheus operator loads. */
export class ServiceAlerts extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: ServiceAlertsProps = {}) {
    super(chart, id);
    this.name = names.prometheusRule(chart.spec.name);
    const rules = props.rules ?? alertsFor(chart.spec, chart.envConfig);
    addModel(
      this,
      'Resource',
      new PrometheusRule({
        metadata: { name: this.name, labels: { ...chart.envConfig.monitoring.selectorLabels } },
        spec: {
          groups: [
            {
              name: `supportmesh.${chart.spec.name}`,
              rules: rules.map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } })),
            },
          ],
        },
      }),
    );
  }
}
