import { classOfErrorCode, likelyCause } from '../../../../lambda/ayrshare/advice';
import { readFixture } from '../../../support/paths';

describe("Ayrshare's refusals", () => {
  it("class X's credentials refusal (code 419, action x_credentials_required) and 'no data' (code 187) by their codes", () => {
    const refusal = readFixture('ayrshare-x-credentials-required.json');
    expect(classOfErrorCode(refusal.code, refusal.action)).toBe('x_credentials');
    expect(classOfErrorCode('419')).toBe('x_credentials');
    expect(classOfErrorCode(187)).toBe('no_data');
    expect(classOfErrorCode(101)).toBeUndefined();
  });

  it('let the code decide over the HTTP status, and name both X settings', () => {
    const x = likelyCause(400, { code: 419 });
    expect(x?.failureClass).toBe('x_credentials');
    expect(x?.hint).toMatch(/AYRSHARE_X_API_KEY and AYRSHARE_X_API_SECRET locally, xApiKey and xApiSecret/);
    expect(likelyCause(401)?.failureClass).toBe('auth');
    expect(likelyCause(404)?.failureClass).toBe('request');
    expect(likelyCause(500)).toBeUndefined();
  });
});
