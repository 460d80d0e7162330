import { CapacityInputError } from './capacity-input-error.js';

/**
 * Kubernetes resource quantities (`500m`, `1`, `1.5`, `512Mi`, `1Gi`, `1e3`, `2k`). Values are returned as plain
 * numbers: CPU in cores, memory in bytes. The HPA works in milli-units (`MilliValue()`); `toMilli` rounds up the
 * way `resource.Quantity.MilliValue` does for values that are not whole milli-units.
 */
const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function parseQuantity(q: string | number, what = 'quantity'): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new CapacityInputError(`${what}: ${q} is not a finite number`);
    return q;
  }
  const match = QUANTITY.exec(q.trim());
  if (!match) throw new CapacityInputError(`${what}: "${q}" is not a Kubernetes quantity (e.g. 500m, 1, 512Mi, 1Gi)`);
  return Number(match[1]) * (SUFFIX[match[2] ?? ''] ?? 1);
}

/** `Quantity.MilliValue()`: the value in thousandths, rounded up. */
export function toMilli(value: number): number {
  const milli = value * 1000;
  const rounded = Math.round(milli);
  // Treat values within floating-point noise of a whole milli-unit as that unit.
  return Math.abs(milli - rounded) < 1e-6 ? rounded : Math.ceil(milli);
}
