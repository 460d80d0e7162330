import { z } from 'zod';
import { MAX_MESSAGE_CHARS, NonNegative } from './common.js';
import { MessageResponse } from './conversation.js';

/** A voice name, e.g. `en-us` (espeak-ng) or `en-US-JennyNeural` (Azure Speech). */
export const SpeechVoice = z.string().regex(/^[A-Za-z0-9_.+:-]{1,64}$/, 'must be 1..64 chars of [A-Za-z0-9_.+:-]');
export type SpeechVoice = z.infer<typeof SpeechVoice>;

export const AudioFormat = z.enum(['wav', 'mp3']);
export type AudioFormat = z.infer<typeof AudioFormat>;

/** `POST /v1/speech/transcribe` (audio body) → */
export const TranscribeResponse = z.object({
  text: z.string().max(MAX_MESSAGE_CHARS * 4),
  language: z.string().max(35),
  confidence: z.number().min(0).max(1).optional(),
  durationMs: NonNegative,
  provider: z.string().max(64),
});
export type TranscribeResponse = z.infer<typeof TranscribeResponse>;

/** `POST /v1/speech/synthesize` → audio */
export const SynthesizeRequest = z.strictObject({
  text: z
    .string()
    .max(MAX_MESSAGE_CHARS)
    .refine((s) => s.trim().length > 0, 'must not be empty'),
  voice: SpeechVoice.optional(),
  format: AudioFormat.optional(),
});
export type SynthesizeRequest = z.infer<typeof SynthesizeRequest>;

/** Gateway voice turn: transcript → pipeline → spoken reply. */
export const VoiceTurnResponse = MessageResponse.extend({
  transcript: z.string().max(MAX_MESSAGE_CHARS * 4),
  /** Base64-encoded audio of `reply`. */
  audio: z.base64(),
  audioContentType: z.string().max(64),
});
export type VoiceTurnResponse = z.infer<typeof VoiceTurnResponse>;
