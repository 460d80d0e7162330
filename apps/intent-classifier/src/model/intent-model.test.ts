import { INTENTS } from '@supportmesh/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UNSURE_THRESHOLD } from '../classifier.js';
import { HELDOUT_PATH, TRAIN_PATH } from '../paths.js';
import { dedupKey, generateData } from '../scripts/generate-data.js';
import { loadExamples, type HeldoutExample } from './dataset.js';
import { evaluateModel, type EvaluationReport } from './evaluation.js';
import { IntentModel, groupedSplit } from './intent-model.js';

const train = loadExamples(TRAIN_PATH);
const heldout: HeldoutExample[] = loadExamples(HELDOUT_PATH);

describe('the labelled data', () => {
  it('uses exactly the contract intents, with at least 40 training and 8 held-out examples each', () => {
    const count = (rows: readonly HeldoutExample[]) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.intent]: (acc[r.intent] ?? 0) + 1 }), {});
    const trainCounts = count(train);
    const heldoutCounts = count(heldout);
    expect(Object.keys(trainCounts).sort()).toEqual([...INTENTS].sort());
    expect(Object.keys(heldoutCounts).sort()).toEqual([...INTENTS].sort());
    for (const intent of INTENTS) {
      expect(trainCounts[intent], intent).toBeGreaterThanOrEqual(40);
      expect(heldoutCounts[intent], intent).toBeGreaterThanOrEqual(8);
    }
  });

  it('is exactly what the seeded generator produces (regenerable from the templates)', () => {
    const generated = generateData();
    expect(train).toEqual(generated.train);
    expect(heldout).toEqual(generated.heldout);
  });

  it('never repeats a training utterance in the held-out set', () => {
    const trainKeys = new Set(train.map((e) => dedupKey(e.text)));
    expect(heldout.filter((e) => trainKeys.has(dedupKey(e.text)))).toEqual([]);
  });

  it('contains what real customers type: order and invoice numbers, emails, lowercase without punctuation, typos', () => {
    const texts = train.map((e) => e.text);
    expect(texts.some((t) => /\bNW-\d{5}\b/.test(t))).toBe(true);
    expect(texts.some((t) => /\b\d{5,8}\b/.test(t))).toBe(true);
    expect(texts.some((t) => /INV-\d{4}-\d{4}/.test(t))).toBe(true);
    expect(texts.some((t) => /@/.test(t))).toBe(true);
    expect(texts.filter((t) => t === t.toLowerCase() && !/[?.!,]/.test(t)).length).toBeGreaterThan(300);
    expect(texts.filter((t) => /\b(?:adress|pasword|acount|refudn|oder|recieve|shiping)\b/.test(t)).length).toBeGreaterThan(20);
  });

  it('labels escalation hints in the held-out set: every request for a human, plus angry complaints', () => {
    const hinted = heldout.filter((e) => e.escalate === true);
    expect(hinted.length).toBeGreaterThanOrEqual(12);
    expect(heldout.filter((e) => e.intent === 'contact_human_agent').every((e) => e.escalate === true)).toBe(true);
    expect(hinted.some((e) => e.intent === 'complaint')).toBe(true);
    expect(heldout.filter((e) => e.intent === 'track_order').every((e) => e.escalate === false)).toBe(true);
  });
});

describe('IntentModel trained on the team examples', () => {
  let model: IntentModel;
  let report: EvaluationReport;

  beforeAll(() => {
    model = IntentModel.train(train);
    report = evaluateModel(model, heldout, DEFAULT_UNSURE_THRESHOLD);
  });

  it('classifies at least 85 % of the held-out examples correctly', () => {
    expect(report.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('reaches at least 60 % on every single intent of the held-out set', () => {
    for (const [intent, row] of Object.entries(report.perIntent)) expect(row.accuracy, intent).toBeGreaterThanOrEqual(0.6);
  });

  it('is clearly more confident when it is right than when it is wrong', () => {
    expect(report.meanConfidenceCorrect - report.meanConfidenceWrong).toBeGreaterThan(0.2);
  });

  it('makes "unsure" mean something: predictions below the threshold are right far less often', () => {
    expect(report.unsure.examples).toBeGreaterThan(0);
    expect(report.sure.accuracy).toBeGreaterThan(0.9);
    expect(report.sure.accuracy - report.unsure.accuracy).toBeGreaterThan(0.3);
  });

  it('is calibrated on held-out data (expected calibration error below 0.1)', () => {
    expect(report.ece).toBeLessThan(0.1);
  });

  it.each([
    ['wher is my oder 12345', 'track_order'],
    ['i want to cancell my order NW-10482', 'cancel_order'],
    ['RESET MY PASSWORD', 'recover_password'],
    ['can i pay with paypal', 'check_payment_methods'],
    ['I want to talk to a person', 'contact_human_agent'],
    ['where is my refund for INV-2024-0042', 'track_refund'],
    ['asdfjkl qwer', 'other'],
  ])('understands %j as %s', (text, intent) => {
    expect(model.predict(text).intent).toBe(intent);
  });

  it('returns calibrated probabilities: a ranking that sums to at most 1, best first', () => {
    const p = model.predict('how long does shipping take to canada');
    const probabilities = p.ranking.map((r) => r.probability);
    expect(p.ranking[0]?.intent).toBe(p.intent);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(p.confidence).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThanOrEqual(1);
  });

  it('fits a temperature on held-back templates and records its training statistics', () => {
    expect(model.temperature).toBeGreaterThan(0.05);
    expect(model.temperature).toBeLessThan(20);
    expect(model.stats.examples).toBe(train.length);
    expect(model.stats.features).toBeGreaterThan(1000);
  });
});

describe('IntentModel as a learner', () => {
  const tiny = [
    { text: 'the blue lamp', intent: 'alpha' },
    { text: 'a blue lamp please', intent: 'alpha' },
    { text: 'blue lamp now', intent: 'alpha' },
    { text: 'the red chair', intent: 'beta' },
    { text: 'a red chair please', intent: 'beta' },
    { text: 'red chair now', intent: 'beta' },
  ];

  it('learns whatever the examples say (no built-in keyword rules)', () => {
    const model = IntentModel.train(tiny, { calibrationShare: 0 });
    expect(model.predict('i want the blue lamp').intent).toBe('alpha');
    expect(model.predict('give me a red chair').intent).toBe('beta');
    const swapped = IntentModel.train(tiny.map((e) => ({ ...e, intent: e.intent === 'alpha' ? 'beta' : 'alpha' })), { calibrationShare: 0 });
    expect(swapped.predict('i want the blue lamp').intent).toBe('beta');
  });

  it('is deterministic: the same data gives the same probabilities', () => {
    const a = IntentModel.train(tiny).predict('blue chair');
    const b = IntentModel.train(tiny).predict('blue chair');
    expect(a).toEqual(b);
  });

  it('refuses to train without examples', () => {
    expect(() => IntentModel.train([])).toThrow(RangeError);
  });
});

describe('groupedSplit', () => {
  it('holds back whole template groups per intent and keeps at least one group to fit on', () => {
    const examples = [
      ...['a1', 'a2', 'a3'].map((text) => ({ text, intent: 'a', group: 'a/t0' })),
      ...['a4', 'a5'].map((text) => ({ text, intent: 'a', group: 'a/t1' })),
      ...['b1', 'b2'].map((text) => ({ text, intent: 'b', group: 'b/t0' })),
    ];
    const { fit, holdout } = groupedSplit(examples, 0.3, 1);
    expect([...fit, ...holdout].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const groupsOf = (idx: number[]) => new Set(idx.map((i) => examples[i]?.group));
    for (const g of groupsOf(holdout)) expect(groupsOf(fit).has(g)).toBe(false);
    expect(holdout.some((i) => examples[i]?.intent === 'b')).toBe(false);
    expect(holdout.length).toBeGreaterThan(0);
  });
});
