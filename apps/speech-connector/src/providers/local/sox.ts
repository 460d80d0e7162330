import { SpeechProviderError } from '../../errors/speech-provider-error.js';
import { runProcess } from './process.js';

/** SoX at `path` with the file formats its installed format libraries handle. */
export interface Sox {
  readonly path: string;
  /** e.g. `wav`, `mp3` (only with libsox-fmt-mp3), `opus` (only with an Opus-enabled build). */
  readonly formats: ReadonlySet<string>;
  /**
   * Converts `input` to `rate` Hz with `channels` channels, written as `type`: `wav` (16-bit PCM), `raw`
   * (headerless 16-bit signed little-endian) or `mp3`. `inputType` forces the input format (else the extension).
   */
  convert(input: string, output: string, opts: { readonly rate: number; readonly channels: number; readonly type: 'wav' | 'raw' | 'mp3'; readonly inputType?: string; readonly signal?: AbortSignal }): Promise<void>;
}

/** Parses the `AUDIO FILE FORMATS:` line of `sox -h`. */
export function parseSoxFormats(help: string): Set<string> {
  const line = help.split('\n').find((l) => l.startsWith('AUDIO FILE FORMATS:'));
  return new Set((line ?? '').replace('AUDIO FILE FORMATS:', '').trim().split(/\s+/).filter(Boolean));
}

/** Asks `sox -h` which formats it handles (sox exits 0 for `-h`). */
export async function probeSox(path: string): Promise<Sox> {
  const help = await runProcess(path, ['-h']);
  const formats = parseSoxFormats(help.stdout.toString('utf8'));
  return {
    path,
    formats,
    async convert(input, output, opts) {
      const args = [
        '-q',
        '-V1',
        '-R', // repeatable dither: the same input always gives the same samples
        ...(opts.inputType ? ['-t', opts.inputType] : []),
        input,
        ...(opts.type === 'mp3' ? [] : ['-b', '16', '-e', 'signed-integer']),
        ...(opts.type === 'raw' ? ['-L'] : []),
        '-r',
        String(opts.rate),
        '-c',
        String(opts.channels),
        '-t',
        opts.type,
        output,
      ];
      const r = await runProcess(path, args, { signal: opts.signal });
      if (r.code !== 0) {
        throw new SpeechProviderError('SoX could not convert the audio', { provider: 'local', reason: `sox exit ${r.code ?? r.signal ?? 'unknown'}`, retryable: false });
      }
    },
  };
}
