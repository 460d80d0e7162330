/**
 * Builds the local speech-to-text domain model from the help-desk corpus:
 *   models/northwind.lm    ARPA trigram LM (interpolated Witten–Bell, see src/lm/arpa.ts)
 *   models/northwind.dict  pronunciations of every LM word (CMUdict; fallbacks for missing words)
 *   models/northwind.json  build report (sizes, fallbacks, perplexity and OOV rate of the WER set)
 *
 * Run: cd /work/main && npx tsx --conditions=@supportmesh/source apps/speech-connector/src/scripts/build-lm.ts [path/to/cmudict]
 * Needs CMUdict (Debian `pocketsphinx-en-us`: /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict) and,
 * only for words CMUdict lacks that are not compounds, eSpeak NG.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { estimateModel, perplexity, toArpa } from '../lm/arpa.js';
import { buildCorpus } from '../lm/corpus.js';
import { buildLexicon, parseCmudict, toSphinxDict } from '../lm/lexicon.js';
import { normalizeText, normalizeWords } from '../lm/normalize.js';
import { DEBIAN_CMUDICT, DOMAIN_DICT_PATH, DOMAIN_LM_PATH, DOMAIN_LM_REPORT_PATH, MODELS_DIR } from '../paths.js';
import { binaryEspeak, loadWasmEspeak, type EspeakEngine } from '../providers/local/espeak.js';
import { findExecutable } from '../providers/local/process.js';
import { WER_SENTENCES } from '../wer/sentences.js';

const ORDER = 3;

async function espeak(): Promise<EspeakEngine | undefined> {
  const wasm = await loadWasmEspeak();
  if (wasm) return wasm;
  const bin = await findExecutable('espeak-ng');
  return bin ? binaryEspeak(bin) : undefined;
}

const cmudictPath = process.argv[2] ?? DEBIAN_CMUDICT;
const corpus = buildCorpus().map(normalizeWords).filter((s) => s.length > 0);
const corpusSet = new Set(corpus.map((s) => s.join(' ')));
const leaked = WER_SENTENCES.map(normalizeText).filter((s) => corpusSet.has(s));
if (leaked.length > 0) {
  throw new Error(`WER sentences must be held out of the LM corpus; found: ${leaked.join(' | ')}`);
}

const cmudict = parseCmudict(await readFile(cmudictPath, 'utf8'));
const vocabulary = new Set(corpus.flat());
const engine = await espeak();
const lexicon = await buildLexicon(vocabulary, cmudict, engine ? (word) => engine.ipa(word) : undefined);
const model = estimateModel(corpus, ORDER);

const werSentences = WER_SENTENCES.map(normalizeWords);
const werWords = werSentences.flat();
const oov = [...new Set(werWords.filter((w) => !vocabulary.has(w)))].sort();
const inVocabulary = werSentences.filter((s) => s.every((w) => vocabulary.has(w)));

await mkdir(MODELS_DIR, { recursive: true });
await writeFile(DOMAIN_LM_PATH, toArpa(model));
await writeFile(DOMAIN_DICT_PATH, toSphinxDict(lexicon));
const report = {
  corpusSentences: corpus.length,
  distinctSentences: corpusSet.size,
  vocabulary: vocabulary.size,
  order: ORDER,
  smoothing: 'interpolated Witten-Bell, ARPA back-off form',
  ngrams: model.ngrams.map((t, i) => ({ order: i + 1, count: t.size })),
  pronunciations: {
    cmudict: lexicon.filter((e) => e.source === 'cmudict').length,
    fallback: lexicon.filter((e) => e.source !== 'cmudict').map((e) => ({ word: e.word, source: e.source, phones: e.pronunciations[0] })),
  },
  werSet: {
    sentences: WER_SENTENCES.length,
    heldOut: true,
    oovWords: oov,
    oovRate: Number((werWords.filter((w) => !vocabulary.has(w)).length / werWords.length).toFixed(4)),
    perplexityInVocabularySentences: Number(perplexity(model, inVocabulary).toFixed(2)),
  },
};
await writeFile(DOMAIN_LM_REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
