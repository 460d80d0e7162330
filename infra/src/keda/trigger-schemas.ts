import { z } from 'zod';

/**
 * KEDA's CRD types trigger `metadata` as an untyped string map, so a misspelled key (`treshold`) is accepted by the
 * API server and silently ignored by the scaler. These schemas list the keys each scaler reads (KEDA 2.17 docs)
 * and reject anything else.
 */

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number in a string');
const positiveInt = z.string().regex(/^[1-9]\d*$/, 'must be a positive integer in a string');
const nonNegativeInt = z.string().regex(/^\d+$/, 'must be a non-negative integer in a string');
const bool = z.enum(['true', 'false']);
/** Five-field Linux cron (minute hour day-of-month month day-of-week). */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression');
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone');

export const PrometheusMetadata = z.strictObject({
  serverAddress: z.url(),
  query: z.string().min(1),
  threshold: decimal,
  activationThreshold: decimal.optional(),
  namespace: z.string().optional(),
  customHeaders: z.string().optional(),
  ignoreNullValues: bool.optional(),
  queryParameters: z.string().optional(),
  unsafeSsl: bool.optional(),
  authModes: z.string().optional(),
});

/** `cpu` and `memory`: the deprecated `type` key is rejected in favour of the trigger's `metricType`. */
export const ResourceMetadata = z.strictObject({
  value: decimal,
  activationValue: decimal.optional(),
  containerName: z.string().optional(),
});

export const CronMetadata = z
  .strictObject({
    timezone,
    start: cron,
    end: cron,
    desiredReplicas: positiveInt,
  })
  .refine((m) => m.start !== m.end, 'start and end must differ');

export const RedisStreamsMetadata = z
  .strictObject({
    address: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
    host: z.string().optional(),
    port: nonNegativeInt.optional(),
    addressFromEnv: z.string().optional(),
    hostFromEnv: z.string().optional(),
    portFromEnv: z.string().optional(),
    usernameFromEnv: z.string().optional(),
    passwordFromEnv: z.string().optional(),
    stream: z.string().min(1),
    consumerGroup: z.string().optional(),
    pendingEntriesCount: positiveInt.optional(),
    streamLength: positiveInt.optional(),
    lagCount: positiveInt.optional(),
    activationLagCount: nonNegativeInt.optional(),
    enableTLS: bool.optional(),
    unsafeSsl: bool.optional(),
    databaseIndex: nonNegativeInt.optional(),
  })
  .refine((m) => m.address || m.host || m.addressFromEnv || m.hostFromEnv, 'needs address, host, addressFromEnv or hostFromEnv')
  .refine((m) => !(m.lagCount && !m.consumerGroup), 'lagCount needs consumerGroup')
  .refine((m) => !(m.pendingEntriesCount && !m.consumerGroup), 'pendingEntriesCount needs consumerGroup');

export const KubernetesWorkloadMetadata = z.strictObject({
  podSelector: z.string().min(1),
  value: decimal,
  activationValue: decimal.optional(),
});

export const TRIGGER_METADATA_SCHEMAS = {
  prometheus: PrometheusMetadata,
  cpu: ResourceMetadata,
  memory: ResourceMetadata,
  cron: CronMetadata,
  'redis-streams': RedisStreamsMetadata,
  'kubernetes-workload': KubernetesWorkloadMetadata,
} as const;

export type TriggerType = keyof typeof TRIGGER_METADATA_SCHEMAS;

const resourceMetricTypes = ['Utilization', 'AverageValue'] as const;
const externalMetricTypes = ['AverageValue', 'Value'] as const;

/** A trigger as it appears in `spec.triggers`, with its metadata checked against its scaler's keys. */
export const KedaTrigger = z
  .strictObject({
    type: z.enum(Object.keys(TRIGGER_METADATA_SCHEMAS) as [TriggerType, ...TriggerType[]]),
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be an identifier usable in a scalingModifiers formula').optional(),
    metricType: z.enum(['Utilization', 'AverageValue', 'Value']).optional(),
    useCachedMetrics: z.boolean().optional(),
    authenticationRef: z.strictObject({ name: z.string().min(1), kind: z.enum(['TriggerAuthentication', 'ClusterTriggerAuthentication']).optional() }).optional(),
    metadata: z.record(z.string(), z.string()),
  })
  .superRefine((t, ctx) => {
    const result = TRIGGER_METADATA_SCHEMAS[t.type].safeParse(t.metadata);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['metadata', ...issue.path] });
      }
    }
    const isResource = t.type === 'cpu' || t.type === 'memory';
    const allowed: readonly string[] = isResource ? resourceMetricTypes : externalMetricTypes;
    if (t.metricType !== undefined && !allowed.includes(t.metricType)) {
      ctx.addIssue({ code: 'custom', message: `metricType ${t.metricType} is not valid for ${t.type}`, path: ['metricType'] });
    }
    if (isResource && t.metricType === undefined) {
      ctx.addIssue({ code: 'custom', message: `${t.type} triggers must set metricType`, path: ['metricType'] });
    }
  });
export type KedaTrigger = z.infer<typeof KedaTrigger>;

/** `spec.advanced.scalingModifiers`: formula and target together, AverageValue or Value. */
export const ScalingModifiersSchema = z.strictObject({
  formula: z.string().min(1),
  target: decimal,
  activationTarget: decimal.optional(),
  metricType: z.enum(['AverageValue', 'Value']).optional(),
});

/** Formats the issues of a failed parse as one readable line per problem. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
