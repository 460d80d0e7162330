import { z } from 'zod';
import { IsoDateTime } from './common.js';

/** Local ports: the single source of truth for the local run and the docs. */
export const SERVICE_PORTS = {
  gateway: 8080,
  'intent-classifier': 8081,
  'knowledge-retrieval': 8082,
  'response-generator': 8083,
  escalation: 8084,
  analytics: 8085,
  critic: 8086,
  'speech-connector': 8087,
  'llm-emulator': 8090,
  cosmos: 8091,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];

export const ComponentStatus = z.enum(['up', 'degraded', 'down', 'unknown']);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

export const RegisteredService = z.object({
  name: z.string().min(1).max(64),
  url: z.string().max(512),
  version: z.string().max(64),
  status: ComponentStatus,
});
export type RegisteredService = z.infer<typeof RegisteredService>;

/** An external provider the platform depends on (LLM deployment, speech, Redis, Cosmos, service desk). */
export const RegisteredProvider = z.object({
  name: z.string().min(1).max(128),
  kind: z.string().min(1).max(64),
  status: ComponentStatus,
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RegisteredProvider = z.infer<typeof RegisteredProvider>;

/** `GET /v1/admin/registry` */
export const RegistryResponse = z.object({
  services: z.array(RegisteredService),
  providers: z.array(RegisteredProvider),
  generatedAt: IsoDateTime,
});
export type RegistryResponse = z.infer<typeof RegistryResponse>;
