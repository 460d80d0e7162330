import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The package's data folder: `../data/` from `src/` (tsx, vitest) and `dist/` (tsc build),
 * `./data/` beside an esbuild bundle (infra/scripts/bundle.mjs copies it there).
 */
const candidates = [new URL('../data/', import.meta.url), new URL('./data/', import.meta.url)];
export const DATA_DIR = candidates.find((u) => existsSync(fileURLToPath(u))) ?? (candidates[0] as URL);
export const TRAIN_PATH = new URL('train.jsonl', DATA_DIR);
export const HELDOUT_PATH = new URL('heldout.jsonl', DATA_DIR);
