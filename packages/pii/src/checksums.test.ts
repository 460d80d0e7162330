import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, ssnValid } from './checksums.js';

describe('luhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '30569309025904', '4222222222222'])(
    'accepts the network test number %s',
    (n) => expect(luhnValid(n)).toBe(true),
  );

  it.each(['4111111111111112', '1234567812345678', '5555555555554445', '0000000000000001'])('rejects %s', (n) =>
    expect(luhnValid(n)).toBe(false),
  );

  it('rejects anything that is not only digits', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('ibanValid', () => {
  it.each([
    'DE89370400440532013000',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'ES9121000418450200051332',
    'CH9300762011623852957',
    'BE68539007547034',
    'IT60X0542811101000000123456',
    'NO9386011117947',
    'AT611904300234573201',
  ])('accepts the registry example %s', (iban) => expect(ibanValid(iban)).toBe(true));

  it('rejects a wrong check digit', () => expect(ibanValid('DE88370400440532013000')).toBe(false));
  it('rejects a changed BBAN digit', () => expect(ibanValid('DE89370400440532013001')).toBe(false));
  it('rejects the wrong length for the country', () => expect(ibanValid('DE8937040044053201300')).toBe(false));
  it('rejects an unknown country code', () => expect(ibanValid('ZZ89370400440532013000')).toBe(false));
  it('expects upper case without spaces', () => {
    expect(ibanValid('de89370400440532013000')).toBe(false);
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(false);
  });
});

describe('ssnValid', () => {
  it('accepts an ordinary number', () => expect(ssnValid('123', '45', '6789')).toBe(true));
  it.each([
    ['000', '12', '3456', 'area 000'],
    ['666', '12', '3456', 'area 666'],
    ['900', '12', '3456', 'area 9xx'],
    ['999', '12', '3456', 'area 9xx'],
    ['123', '00', '4567', 'group 00'],
    ['123', '45', '0000', 'serial 0000'],
  ])('rejects %s-%s-%s (%s)', (a, g, s) => expect(ssnValid(a, g, s)).toBe(false));
});
