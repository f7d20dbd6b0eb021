import { createRedactor } from '../../../../lambda/core/errors';

describe('redaction', () => {
  it('hides every secret, longest first', () => {
    const redact = createRedactor(['abcd1234', 'abcd1234-extended', undefined]);
    expect(redact('key abcd1234-extended and abcd1234')).toBe('key [redacted] and [redacted]');
  });
});
