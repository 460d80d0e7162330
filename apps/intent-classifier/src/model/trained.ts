import { TRAIN_PATH } from '../paths.js';
import { loadExamples } from './dataset.js';
import { IntentModel } from './intent-model.js';

let cached: IntentModel | undefined;

/** The model trained on the bundled examples, trained once per process (a few hundred milliseconds). */
export function trainedModel(): IntentModel {
  cached ??= IntentModel.train(loadExamples(TRAIN_PATH));
  return cached;
}
