import OpenAI, { AzureOpenAI } from 'openai';
import type { DeploymentConfig } from './config.js';

/** Scope of Azure OpenAI (Cognitive Services) tokens for Entra ID auth. */
export const AZURE_COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';

export interface ProviderOptions {
  readonly timeoutMs: number;
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Override the Entra ID token provider (tests, managed identity with a client id, …). */
  readonly azureADTokenProvider?: () => Promise<string>;
}

/**
 * Entra ID bearer tokens via DefaultAzureCredential (managed identity, workload identity, az login, …).
 * `@azure/identity` is loaded on first use so key-based and local setups never pay for it.
 */
export function defaultAzureTokenProvider(): () => Promise<string> {
  let provider: Promise<() => Promise<string>> | undefined;
  return async () => {
    provider ??= import('@azure/identity').then(({ DefaultAzureCredential, getBearerTokenProvider }) =>
      getBearerTokenProvider(new DefaultAzureCredential(), AZURE_COGNITIVE_SCOPE),
    );
    return (await provider)();
  };
}

/**
 * The SDK client for one deployment. The SDK's own retries are off (`maxRetries: 0`): retries, failover and the
 * breaker are ours. HTTP goes through the deployment pool's keep-alive sockets.
 */
export function createProviderClient(d: DeploymentConfig, opts: ProviderOptions): OpenAI {
  const common = { maxRetries: 0, timeout: opts.timeoutMs, fetch: opts.fetch };
  if (d.provider === 'azure') {
    return new AzureOpenAI({
      ...common,
      endpoint: d.endpoint,
      apiVersion: d.apiVersion,
      deployment: d.deployment,
      ...(d.auth === 'entra'
        ? { azureADTokenProvider: opts.azureADTokenProvider ?? defaultAzureTokenProvider() }
        : { apiKey: d.apiKey }),
    });
  }
  return new OpenAI({ ...common, baseURL: d.endpoint, apiKey: d.apiKey ?? 'no-key' });
}
