import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The generated domain language model and dictionary (`src/scripts/build-lm.ts`): `../models/` from `src/`
 * (tsx, vitest) and `dist/` (tsc build), `./models/` beside a bundle.
 */
const candidates = [new URL('../models/', import.meta.url), new URL('./models/', import.meta.url)];
const MODELS_URL = candidates.find((u) => existsSync(fileURLToPath(u))) ?? (candidates[0] as URL);
export const MODELS_DIR = fileURLToPath(MODELS_URL);
export const DOMAIN_LM_PATH = fileURLToPath(new URL('northwind.lm', MODELS_URL));
export const DOMAIN_DICT_PATH = fileURLToPath(new URL('northwind.dict', MODELS_URL));
export const DOMAIN_LM_REPORT_PATH = fileURLToPath(new URL('northwind.json', MODELS_URL));
/** Where `src/scripts/wer.ts` writes its measurement. */
export const WER_RESULTS_PATH = fileURLToPath(new URL('../wer-results.json', import.meta.url));

/** Debian's `pocketsphinx-en-us` package. */
export const DEBIAN_SPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const DEBIAN_SPHINX_HMM = `${DEBIAN_SPHINX_MODEL_DIR}/en-us`;
export const DEBIAN_CMUDICT = `${DEBIAN_SPHINX_MODEL_DIR}/cmudict-en-us.dict`;
