import { barChart, escapeHtml, lineChart, niceTicks, tickLabels } from '../../../../lambda/render/svg-charts';

const dates = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];

describe('SVG charts', () => {
  it('picks round ticks that cover the data, whole ones for counts', () => {
    expect(niceTicks(0, 95)).toEqual([0, 50, 100]);
    expect(niceTicks(11_300, 11_433)).toEqual([11_300, 11_350, 11_400, 11_450]);
    expect(niceTicks(0, 0, 4, true)).toEqual([-1, 0, 1]);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('labels each tick differently, compact where that suffices', () => {
    // Seen in the demo report: 15,650 to 15,850 in steps of 50 read "15.7K, 15.7K, 15.8K, 15.8K".
    expect(tickLabels([15_650, 15_700, 15_750, 15_800, 15_850])).toEqual([
      '15.65K',
      '15.7K',
      '15.75K',
      '15.8K',
      '15.85K',
    ]);
    expect(tickLabels([10_000, 20_000, 30_000])).toEqual(['10K', '20K', '30K']);
    expect(tickLabels([1_000_001, 1_000_002])).toEqual(['1,000,001', '1,000,002']);
    expect(tickLabels([1_450, 1_500])).toEqual(['1,450', '1,500']);
    expect(tickLabels([0.5, 1], (v) => `${v * 100}%`)).toEqual(['50%', '100%']);
    const svg = lineChart(
      [
        {
          name: 'x',
          color: '#000',
          points: dates.map((x, i) => ({ x, y: 15_660 + i * 45 })),
        },
      ],
      { dates, label: 'l', integer: true },
    );
    const shown = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(2);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('breaks a line at a missing day and never draws it as zero', () => {
    const svg = lineChart(
      [
        {
          name: 'x',
          color: '#000',
          points: [
            { x: dates[0], y: 5 },
            { x: dates[1], y: 6 },
            { x: dates[3], y: 8 },
            { x: dates[4], y: 9 },
          ],
        },
      ],
      { dates, label: 'l' },
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('data-points="4"');
    expect(svg).not.toMatch(/x 2026-01-03/);
  });

  it('breaks a line where what it measures changes, with a marked rule, and never joins the two measures', () => {
    const points = dates.map((x, i) => ({ x, y: 10 + i, measure: i < 3 ? 'impressions' : 'views' }));
    const svg = lineChart([{ name: 'facebook', color: '#000', points }], { dates, label: 'rate' });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<line class="measure-change"/g)).toHaveLength(1);
    expect(svg).toContain('facebook from 2026-01-04: of views (was of impressions)');
    expect(svg).toContain('facebook 2026-01-03: 12 (of impressions)');
    const same = lineChart(
      [{ name: 'tiktok', color: '#000', points: dates.map((x, i) => ({ x, y: i, measure: 'views' })) }],
      { dates, label: 'rate' },
    );
    expect(same.match(/<polyline/g)).toHaveLength(1);
    expect(same).not.toContain('measure-change');
  });

  it('draws one bar per present day, red when negative', () => {
    const svg = barChart(
      [
        { x: dates[0], y: 3 },
        { x: dates[1], y: null },
        { x: dates[2], y: -2 },
      ],
      { dates, label: 'b' },
    );
    expect(svg.match(/<rect class="bar up"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="bar down"/g)).toHaveLength(1);
  });

  it('says so instead of drawing an empty frame, and escapes every text', () => {
    expect(lineChart([], { dates, label: 'none' })).toContain('No data in this window');
    expect(escapeHtml(`<b a="1">'&'</b>`)).toBe('&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
    expect(
      lineChart([{ name: '<script>', color: '#000', points: [{ x: dates[0], y: 1 }] }], { dates, label: '<x>' }),
    ).not.toContain('<script>');
  });
});
