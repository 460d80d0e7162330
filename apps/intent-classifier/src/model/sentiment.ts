/**
 * Lexicon sentiment scorer in the spirit of VADER: word valences (−3..+3), negation flips the next few
 * words, intensifiers and ALL CAPS amplify, exclamation marks add emphasis; the sum is squashed into −1..1.
 */
export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface SentimentResult {
  label: SentimentLabel;
  /** −1 (very negative) … 1 (very positive). */
  score: number;
}

const LEXICON: Record<string, number> = {
  // negative
  angry: -3, furious: -3, livid: -3, terrible: -3, awful: -3, horrible: -3, worst: -3, disgrace: -3, disgraceful: -3,
  unacceptable: -3, shameful: -3, pathetic: -3, incompetent: -3, nightmare: -3, scam: -3, cheated: -3, hate: -3,
  outrageous: -3, disgusting: -3, ridiculous: -2, useless: -2, hopeless: -2, rude: -2, unprofessional: -2, bad: -2,
  poor: -2, disappointed: -2, disappointing: -2, unhappy: -2, upset: -2, frustrated: -2, frustrating: -2, annoyed: -2,
  annoying: -2, mad: -2, sad: -2, stupid: -2, lousy: -2, sucks: -2, overcharged: -2, broken: -2, damaged: -2,
  defective: -2, faulty: -2, fed: -1, joke: -1, wrong: -1, late: -1, problem: -1, issue: -1, error: -1, failed: -1,
  fails: -1, declined: -1, missing: -1, lost: -1, complaint: -1, complain: -1, ripped: -1, delayed: -1, slow: -1,
  confusing: -1, unfortunately: -1, worried: -1, nobody: -1,
  // positive
  great: 2, excellent: 3, amazing: 3, awesome: 3, fantastic: 3, perfect: 3, love: 3, loved: 3, wonderful: 3,
  brilliant: 3, superb: 3, outstanding: 3, good: 1, nice: 1, happy: 2, pleased: 2, glad: 2, satisfied: 2, helpful: 2,
  appreciate: 2, recommend: 2, best: 2, thanks: 1, thank: 1, cool: 1, fast: 1, quick: 1, easy: 1, comfortable: 1,
};

const NEGATORS = new Set([
  'not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'cant', 'cannot', 'wont', 'hardly',
  'without', 'nothing', 'neither', 'nor', 'aint', 'havent', 'hasnt', 'wouldnt', 'shouldnt',
]);
const INTENSIFIERS: Record<string, number> = {
  very: 1.5, really: 1.4, so: 1.3, extremely: 1.8, absolutely: 1.6, totally: 1.5, super: 1.4, incredibly: 1.7,
  completely: 1.5, utterly: 1.7, truly: 1.3,
};

const NEGATION_WINDOW = 3;
/** VADER's normalisation constant: score = sum / sqrt(sum² + α). */
const ALPHA = 15;
const LABEL_THRESHOLD = 0.2;

export function scoreSentiment(text: string): SentimentResult {
  const raw = text.replace(/['’]/g, '').match(/[A-Za-z]+/g) ?? [];
  let sum = 0;
  let negateFor = 0;
  let boost = 1;
  for (const token of raw) {
    const w = token.toLowerCase();
    if (NEGATORS.has(w)) {
      negateFor = NEGATION_WINDOW;
      continue;
    }
    const intensity = INTENSIFIERS[w];
    if (intensity !== undefined) {
      boost *= intensity;
      continue;
    }
    const valence = LEXICON[w];
    if (valence !== undefined) {
      let v = valence * boost;
      if (token.length >= 3 && token === token.toUpperCase()) v *= 1.3;
      // "not bad" is mildly positive, "not happy" is negative
      if (negateFor > 0) v *= -0.6;
      sum += v;
      boost = 1;
    }
    if (negateFor > 0) negateFor--;
  }
  const exclamations = Math.min(3, (text.match(/!/g) ?? []).length);
  if (sum !== 0) sum += Math.sign(sum) * exclamations * 0.3;
  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + ALPHA);
  const rounded = Math.round(score * 1000) / 1000;
  const label: SentimentLabel = rounded <= -LABEL_THRESHOLD ? 'negative' : rounded >= LABEL_THRESHOLD ? 'positive' : 'neutral';
  return { label, score: rounded };
}
