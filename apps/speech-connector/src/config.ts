import { SERVICE_PORTS } from '@supportmesh/contracts';
import { loadConfig } from '@supportmesh/service-kit';
import { z } from 'zod';
import { DEBIAN_SPHINX_HMM, DOMAIN_DICT_PATH, DOMAIN_LM_PATH } from './paths.js';

const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * The speech connector's environment; every variable has a local default. The provider is Azure Speech when
 * `SPEECH_PROVIDER=azure`, or with `auto` when Azure credentials are set; otherwise the local offline engines.
 */
export const SpeechConfigSchema = z
  .object({
    PORT: int(0, 65_535, SERVICE_PORTS['speech-connector']),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DRAIN_DELAY_MS: int(0, 60_000, 0),
    SHUTDOWN_TIMEOUT_MS: int(0, 120_000, 10_000),

    SPEECH_PROVIDER: z.enum(['auto', 'azure', 'local']).default('auto'),
    /** Recognition language when the request names none (`?language=`). */
    SPEECH_LANGUAGE: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i, 'must be a BCP-47 tag like en-US').default('en-US'),
    /** Largest audio body (Content-Length), bytes. */
    SPEECH_MAX_BYTES: int(1024, 100 * 1024 * 1024, 10 * 1024 * 1024),
    /** Longest audio, seconds. */
    SPEECH_MAX_SECONDS: int(1, 600, 60),
    /** Longest text to synthesize, characters (longer → 422 TEXT_TOO_LONG). */
    SPEECH_MAX_TEXT_CHARS: int(1, 4000, 2000),
    /** Transcriptions running at once per pod (the seed's per-unit figure). */
    SPEECH_MAX_CONCURRENT: int(1, 10_000, 50),
    /** Transcriptions allowed to wait for a slot; beyond that 503 at once. */
    SPEECH_MAX_QUEUE: int(0, 10_000, 50),
    /** Longest wait for a slot before 503 + Retry-After. */
    SPEECH_QUEUE_TIMEOUT_MS: int(0, 60_000, 250),
    /** Syntheses running at once per pod (each WASM engine worker holds ~40 MB while it runs). */
    SPEECH_MAX_CONCURRENT_SYNTHESIS: int(1, 1000, 8),
    SPEECH_TRANSCRIBE_TIMEOUT_MS: int(100, 600_000, 45_000),
    SPEECH_SYNTHESIZE_TIMEOUT_MS: int(100, 600_000, 20_000),
    /** Attempts (first included) for transient provider failures. */
    SPEECH_RETRY_ATTEMPTS: int(1, 5, 2),
    SPEECH_BREAKER_FAILURES: int(1, 100, 5),
    SPEECH_BREAKER_RESET_MS: int(1000, 600_000, 30_000),

    AZURE_SPEECH_KEY: optionalText,
    AZURE_SPEECH_REGION: optionalText,
    /** e.g. https://<custom-domain>.cognitiveservices.azure.com/ (needed for Entra ID). */
    AZURE_SPEECH_ENDPOINT: optionalText.pipe(z.url().optional()),
    /** `entra`: authenticate with DefaultAzureCredential (managed identity, workload identity, az login). */
    AZURE_SPEECH_AUTH: z.enum(['key', 'entra']).default('key'),
    AZURE_SPEECH_VOICE: z.string().min(1).default('en-US-JennyNeural'),

    SPEECH_LOCAL_TTS: z.enum(['auto', 'wasm', 'binary']).default('auto'),
    SPEECH_LOCAL_VOICE: z.string().min(1).default('en-us+f2'),
    SPEECH_LOCAL_WPM: int(80, 450, 160),
    SPEECH_ESPEAK_BIN: z.string().min(1).default('espeak-ng'),
    SPEECH_SPHINX_BIN: z.string().min(1).default('pocketsphinx_batch'),
    SPEECH_SOX_BIN: z.string().min(1).default('sox'),
    SPEECH_OPUSDEC_BIN: z.string().min(1).default('opusdec'),
    SPEECH_SPHINX_HMM: z.string().min(1).default(DEBIAN_SPHINX_HMM),
    SPEECH_SPHINX_LM: z.string().min(1).default(DOMAIN_LM_PATH),
    SPEECH_SPHINX_DICT: z.string().min(1).default(DOMAIN_DICT_PATH),
  })
  .superRefine((c, ctx) => {
    if (c.SPEECH_PROVIDER !== 'azure') return;
    const viaKey = Boolean(c.AZURE_SPEECH_KEY && (c.AZURE_SPEECH_REGION || c.AZURE_SPEECH_ENDPOINT));
    const viaEntra = c.AZURE_SPEECH_AUTH === 'entra' && Boolean(c.AZURE_SPEECH_ENDPOINT);
    if (!viaKey && !viaEntra) {
      ctx.addIssue({
        code: 'custom',
        path: ['SPEECH_PROVIDER'],
        message: 'azure needs AZURE_SPEECH_KEY with AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT), or AZURE_SPEECH_AUTH=entra with AZURE_SPEECH_ENDPOINT',
      });
    }
  });

export type SpeechConfig = Readonly<z.infer<typeof SpeechConfigSchema>>;

/** Parses and freezes the environment once; throws a ConfigError naming every bad variable. */
export function loadSpeechConfig(env: Readonly<Record<string, string | undefined>> = process.env): SpeechConfig {
  return loadConfig(SpeechConfigSchema, env);
}

/** Which provider the configuration selects. */
export function providerKind(c: SpeechConfig): 'azure' | 'local' {
  if (c.SPEECH_PROVIDER !== 'auto') return c.SPEECH_PROVIDER;
  const viaKey = Boolean(c.AZURE_SPEECH_KEY && (c.AZURE_SPEECH_REGION || c.AZURE_SPEECH_ENDPOINT));
  const viaEntra = c.AZURE_SPEECH_AUTH === 'entra' && Boolean(c.AZURE_SPEECH_ENDPOINT);
  return viaKey || viaEntra ? 'azure' : 'local';
}
