import { getPath, hasPath, withPath } from '../../../../lambda/metrics/field-paths';

describe('dotted field paths', () => {
  const analytics = { followers: { organicFollowerCount: 498, paidFollowerCount: null }, views: 3 };

  it('reads nested values, and tells a null field from a missing one', () => {
    expect(getPath(analytics, 'followers.organicFollowerCount')).toBe(498);
    expect(getPath(analytics, 'views.allPageViews')).toBeUndefined();
    expect([hasPath(analytics, 'followers.paidFollowerCount'), hasPath(analytics, 'followers.other')]).toEqual([
      true,
      false,
    ]);
  });

  it('never follows inherited properties', () => {
    expect(getPath({}, 'constructor.name')).toBeUndefined();
    expect(hasPath({}, 'toString')).toBe(false);
  });

  it('replaces or removes a value in a copy, leaving the original (the stored raw answer) as it was', () => {
    const changed = withPath(analytics, 'followers.organicFollowerCount', undefined);
    expect(changed).toEqual({ followers: { paidFollowerCount: null }, views: 3 });
    expect(analytics.followers.organicFollowerCount).toBe(498);
    expect(withPath(analytics, 'views', 4).views).toBe(4);
  });
});
