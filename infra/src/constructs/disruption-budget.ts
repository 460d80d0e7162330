import { Construct } from 'constructs';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';

export interface DisruptionBudgetProps {
  /**
   * Pods that voluntary disruptions (node drains, upgrades) may take down at once. `maxUnavailable` rather than
   * `minAvailable` so a single-replica service still lets a node drain.
   * @default 1
   */
  readonly maxUnavailable?: number;
}

export class DisruptionBudget extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: DisruptionBudgetProps = {}) {
    super(chart, id);
    this.name = names.pdb(chart.spec.name);
    addModel(
      this,
      'Resource',
      new PodDisruptionBudget({
        metadata: { name: this.name },
        spec: {
          maxUnavailable: props.maxUnavailable ?? 1,
          selector: { matchLabels: { ...chart.selector } },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      }),
    );
  }
}
