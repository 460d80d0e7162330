import { describe, expect, it } from 'vitest';
import { extractEntities } from './entities.js';

describe('extractEntities', () => {
  it.each([
    ['where is my order 12345?', [{ type: 'order_number', value: '12345' }]],
    ['order NW-10482 and nw10483', [{ type: 'order_number', value: 'NW-10482' }, { type: 'order_number', value: 'NW-10483' }]],
    ['status of #5566778', [{ type: 'order_number', value: '5566778' }]],
    ['invoice INV-2024-0042 please', [{ type: 'invoice_number', value: 'INV-2024-0042' }]],
    ['mail it to anna.smith@example.com', [{ type: 'email', value: 'anna.smith@example.com' }]],
    ['I paid $49.99 and then 120 EUR', [{ type: 'amount', value: '$49.99' }, { type: 'amount', value: '120 EUR' }]],
    ['ups 1Z999AA10123456784 usps 9400111899223344556677', [{ type: 'tracking_number', value: '1Z999AA10123456784' }, { type: 'tracking_number', value: '9400111899223344556677' }]],
  ])('finds the entities in %j', (text, expected) => {
    expect(extractEntities(text)).toEqual(expected);
  });

  it('does not take zip codes, street numbers or phone numbers for order numbers', () => {
    expect(extractEntities('ship to 42 Maple Street, Portland OR 97201')).toEqual([]);
    expect(extractEntities('my zip code is 90210')).toEqual([]);
    expect(extractEntities('call me on 555-123-4567')).toEqual([]);
  });

  it('still reads "order ID 12345" as an order number', () => {
    expect(extractEntities('Order ID 12345')).toEqual([{ type: 'order_number', value: '12345' }]);
  });

  it('keeps the order of appearance and reports a repeated entity once', () => {
    expect(extractEntities('INV-2024-0042 for 12345, again 12345')).toEqual([
      { type: 'invoice_number', value: 'INV-2024-0042' },
      { type: 'order_number', value: '12345' },
    ]);
  });

  it('does not read the digits of an amount, invoice or email as an order number', () => {
    const types = extractEntities('$12345.00 on INV-2023-12345 to j12345@example.com').map((e) => e.type);
    expect(types).toEqual(['amount', 'invoice_number', 'email']);
  });
});
