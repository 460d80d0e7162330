import { z } from 'zod';
import { CapacityInputError } from './capacity-input-error.js';

/** zod schemas for everything the simulator reads: scenario files, ScaledObjects, Deployments. */

const ScalingPolicySchema = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: z.number().int().positive(),
  periodSeconds: z.number().int().min(1).max(1800),
});

const ScalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(ScalingPolicySchema).optional(),
  tolerance: z.number().min(0).optional(),
});

/** `autoscaling/v2` `HorizontalPodAutoscalerBehavior`. */
export const BehaviorSchema = z.strictObject({
  scaleUp: ScalingRulesSchema.optional(),
  scaleDown: ScalingRulesSchema.optional(),
});

/** `[[tSeconds, value], …]`: piecewise constant, times increasing. */
const LoadSchema = z
  .array(z.tuple([z.number().min(0), z.number().min(0)]))
  .min(1)
  .refine((points) => points.every((p, i) => i === 0 || p[0] > points[i - 1][0]), 'load times must increase');

const ScenarioMetricSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('AverageValue'), name: z.string().optional(), target: z.number().positive(), load: LoadSchema }),
  z.strictObject({ type: z.literal('Value'), name: z.string().optional(), target: z.number().positive(), load: LoadSchema }),
  z.strictObject({
    type: z.literal('Utilization'),
    name: z.string().optional(),
    /** Target average utilization in percent of the request. */
    target: z.number().int().min(1),
    /** Request per pod: cores for cpu, GiB for memory. */
    requestPerPod: z.number().positive(),
    resource: z.enum(['cpu', 'memory']).default('cpu'),
    load: LoadSchema,
  }),
]);

export const ScenarioSchema = z
  .strictObject({
    stepSeconds: z.number().int().min(1).max(3600),
    durationSeconds: z.number().int().min(1).max(31 * 86_400),
    initialReplicas: z.number().int().min(0).max(100_000),
    podStartupSeconds: z.number().min(0).default(0),
    syncPeriodSeconds: z.number().int().min(1).default(15),
    hpa: z.strictObject({
      minReplicas: z.number().int().min(0).default(1),
      maxReplicas: z.number().int().min(1),
      behavior: BehaviorSchema.optional(),
      /** Cluster-wide `--horizontal-pod-autoscaler-tolerance`. */
      tolerance: z.number().min(0).default(0.1),
    }),
    metrics: z.array(ScenarioMetricSchema).min(1),
  })
  .refine((s) => s.hpa.minReplicas <= s.hpa.maxReplicas, { message: 'hpa.minReplicas must not exceed hpa.maxReplicas', path: ['hpa', 'minReplicas'] });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioMetric = z.infer<typeof ScenarioMetricSchema>;

const decimalString = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
    return z.NEVER;
  }
  return n;
});

export const TriggerSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
  metricType: z.enum(['AverageValue', 'Value', 'Utilization']).optional(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
});
export type Trigger = z.infer<typeof TriggerSchema>;

export const ScaledObjectSchema = z.looseObject({
  apiVersion: z.string().startsWith('keda.sh/'),
  kind: z.literal('ScaledObject'),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ name: z.string().min(1), kind: z.string().optional(), apiVersion: z.string().optional() }),
    pollingInterval: z.number().int().positive().optional(),
    cooldownPeriod: z.number().int().min(0).optional(),
    initialCooldownPeriod: z.number().int().min(0).optional(),
    idleReplicaCount: z.number().int().min(0).optional(),
    minReplicaCount: z.number().int().min(0).optional(),
    maxReplicaCount: z.number().int().min(1).optional(),
    fallback: z.looseObject({}).optional(),
    advanced: z
      .looseObject({
        horizontalPodAutoscalerConfig: z.looseObject({ name: z.string().optional(), behavior: BehaviorSchema.optional() }).optional(),
        scalingModifiers: z
          .looseObject({
            formula: z.string().min(1),
            target: decimalString,
            activationTarget: decimalString.optional(),
            metricType: z.enum(['AverageValue', 'Value']).optional(),
          })
          .optional(),
      })
      .optional(),
    triggers: z.array(TriggerSchema).min(1),
  }),
});
export type ScaledObject = z.infer<typeof ScaledObjectSchema>;

const ResourceList = z.record(z.string(), z.union([z.string(), z.number()])).optional();

export const DeploymentSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('Deployment'),
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.looseObject({
    replicas: z.number().int().min(0).optional(),
    template: z.looseObject({
      spec: z.looseObject({
        containers: z
          .array(z.looseObject({ name: z.string(), resources: z.looseObject({ requests: ResourceList, limits: ResourceList }).optional() }))
          .min(1),
      }),
    }),
  }),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** Parses with `schema` or throws a `CapacityInputError` listing every problem with its path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CapacityInputError(`${where}: ${problems}`);
  }
  return result.data;
}
