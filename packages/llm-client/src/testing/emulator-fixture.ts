// Test-only helpers for this package's own tests (not exported): real emulators over HTTP on 127.0.0.1:0.
import { startEmulator, type Emulator, type EmulatorOptions } from '@supportmesh/llm-emulator';
import type { DeploymentConfigInput } from '../config.js';

export type { Emulator };

const started: Emulator[] = [];

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ ...options, port: 0, host: '127.0.0.1' });
  started.push(emu);
  return emu;
}

export async function closeEmulators(): Promise<void> {
  await Promise.all(started.splice(0).map((e) => e.close()));
}

/** An OpenAI-compatible deployment on an emulator. */
export function openaiDeployment(emu: Emulator, name: string, model: string, extra: Partial<DeploymentConfigInput> = {}): DeploymentConfigInput {
  return { name, provider: 'openai', endpoint: `${emu.url}/v1`, apiKey: 'test-key', model, ...extra };
}

/** An Azure OpenAI deployment on an emulator (`/openai/deployments/{deployment}/…?api-version=…`). */
export function azureDeployment(emu: Emulator, name: string, model: string, deployment: string, extra: Partial<DeploymentConfigInput> = {}): DeploymentConfigInput {
  return { name, provider: 'azure', endpoint: emu.url, apiKey: 'test-key', model, deployment, ...extra };
}

/** Chat requests the emulator received for one deployment (its model, or Azure deployment name). */
export function upstreamChats(emu: Emulator, deployment: string): number {
  return emu.stats().requests.byDeployment[deployment]?.chat ?? 0;
}

/** The same number read over HTTP from the emulator's admin endpoint, as an operator would. */
export async function adminStats(emu: Emulator): Promise<{ requests: { total: number; byDeployment: Record<string, { chat: number; embeddings: number }> } }> {
  const res = await fetch(`${emu.url}/admin/stats`);
  return (await res.json()) as { requests: { total: number; byDeployment: Record<string, { chat: number; embeddings: number }> } };
}
