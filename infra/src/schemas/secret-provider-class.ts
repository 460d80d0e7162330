import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * `secrets-store.csi.x-k8s.io/v1` SecretProviderClass for the Azure Key Vault provider. No published TypeScript
 * model exists, so this schema follows the CRD and the Azure provider's documented parameters, and rejects
 * unknown keys (a misspelled parameter would otherwise be ignored by the driver).
 */
const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const KeyVaultObject = z.strictObject({
  objectName: z.string().min(1),
  objectType: z.enum(['secret', 'key', 'cert']),
  objectAlias: z.string().optional(),
  objectVersion: z.string().optional(),
});

/** `parameters.objects` is a YAML string holding `array:` of YAML strings, one per Key Vault object. */
const ObjectsParameter = z.string().superRefine((raw, ctx) => {
  try {
    const outer = z.strictObject({ array: z.array(z.string()).min(1) }).parse(parseYaml(raw));
    for (const entry of outer.array) KeyVaultObject.parse(parseYaml(entry));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `objects is not a valid Key Vault object list: ${(e as Error).message}` });
  }
});

export const SecretProviderClassSchema = z.strictObject({
  apiVersion: z.literal('secrets-store.csi.x-k8s.io/v1'),
  kind: z.literal('SecretProviderClass'),
  metadata: z.strictObject({
    name: dnsName,
    namespace: dnsName.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    provider: z.literal('azure'),
    parameters: z.strictObject({
      usePodIdentity: z.literal('false'),
      useVMManagedIdentity: z.literal('false').optional(),
      clientID: uuid,
      keyvaultName: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/),
      tenantId: uuid,
      cloudName: z.string().optional(),
      objects: ObjectsParameter,
    }),
    secretObjects: z
      .array(
        z.strictObject({
          secretName: dnsName,
          type: z.literal('Opaque'),
          labels: z.record(z.string(), z.string()).optional(),
          data: z.array(z.strictObject({ objectName: z.string().min(1), key: z.string().regex(/^[-._a-zA-Z0-9]+$/) })).min(1),
        }),
      )
      .optional(),
  }),
});
export type SecretProviderClassData = z.infer<typeof SecretProviderClassSchema>;
