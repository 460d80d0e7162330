import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Construct } from 'constructs';
import { scaledObjectSpec } from '../keda/scaling.js';
import { describeIssues, KedaTrigger, ScalingModifiersSchema } from '../keda/trigger-schemas.js';
import { names } from '../names.js';
import { addModel } from './api-object.js';
import type { BaseChart } from './base-chart.js';
import type { ServiceDeployment } from './service-deployment.js';

export interface KedaScaledObjectProps {
  /** The Deployment KEDA scales; `scaleTargetRef` is taken from its ApiObject. */
  readonly target: ServiceDeployment;
}

/**
 * KEDA ScaledObject for the service: the catalogue's signals as triggers, HPA behaviour, fallback and, where the
 * environment has a schedule, cron window triggers combined by `scalingModifiers` (see README "Scaling").
 */
export class KedaScaledObject extends Construct {
  readonly name: string;

  constructor(chart: BaseChart, id: string, props: KedaScaledObjectProps) {
    super(chart, id);
    this.name = names.scaledObject(chart.spec.name);
    const spec = scaledObjectSpec(chart.spec, chart.envConfig);
    for (const trigger of spec.triggers) {
      const parsed = KedaTrigger.safeParse(trigger);
      if (!parsed.success) throw new Error(`${chart.spec.name}: invalid ${trigger.type} trigger: ${describeIssues(parsed.error)}`);
    }
    const modifiers = spec.advanced?.scalingModifiers;
    if (modifiers) ScalingModifiersSchema.parse(modifiers);
    const target = props.target.resource;
    addModel(
      this,
      'Resource',
      new ScaledObject({
        metadata: { name: this.name },
        spec: {
          scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
          ...spec,
        },
      }),
    );
  }
}
