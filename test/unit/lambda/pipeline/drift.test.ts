import { detectDrift, DRIFT_WINDOW, valueType } from '../../../../lambda/pipeline/drift';

const history = (analytics: Record<string, unknown>) => Array.from({ length: DRIFT_WINDOW }, () => ({ ...analytics }));

describe('metric drift', () => {
  it('needs an established history: fewer snapshots than the window say nothing', () => {
    expect(detectDrift('brand', 'youtube', {}, history({ views: 4 }).slice(1))).toEqual([]);
  });

  it('sees a mapped field disappear, turn null or change type, and names the column it fed', () => {
    const before = history({ views: 4, likes: 3, comments: 2, title: 'x' });
    const events = detectDrift('brand', 'youtube', { likes: null, comments: 'two', title: 'x' }, before);
    expect(events.map((e) => [e.field, e.change])).toEqual([
      ['comments', 'changed_type'],
      ['likes', 'turned_null'],
      ['views', 'disappeared'],
    ]);
    expect(events.find((e) => e.field === 'views')!.detail).toBe(
      `views (stored as views_total) was in the last ${DRIFT_WINDOW} snapshots and is gone`,
    );
  });

  it('sees a new field, and a nested mapped one by its top-level object', () => {
    const events = detectDrift('brand', 'linkedin', { followers: { organicFollowerCount: 1 } }, history({}));
    expect(events).toEqual([
      {
        profile: 'brand',
        platform: 'linkedin',
        field: 'followers',
        change: 'appeared',
        detail: `followers (stored as followers_count) is new: a object none of the last ${DRIFT_WINDOW} snapshots had`,
      },
    ]);
  });

  it('does not count a number sent as a string (YouTube) as a change of type', () => {
    expect(valueType('67')).toBe('number');
    expect(detectDrift('brand', 'youtube', { subscriberCount: '67' }, history({ subscriberCount: 66 }))).toEqual([]);
  });
});
