// Post history answers in the shape Ayrshare's own API tests assert (test/fixtures/ayrshare-history-2026.json), read
// into post snapshots: each network's own field names, engagement as docs/metrics.md defines it (computed by hand
// below), the 30-day window, the 100-post cap, and outside text that stays text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBoundary, PLAIN_BOUNDARY } from '../../../../lambda/core/boundary';
import { AyrshareResponseError } from '../../../../lambda/core/errors';
import type { Platform } from '../../../../lambda/metrics/platforms';
import { parsePostHistory, postFieldsOf, type PostFigure } from '../../../../lambda/pipeline/posts';

const fixture = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../fixtures/ayrshare-history-2026.json'), 'utf8'),
) as Record<string, unknown>;
const parse = (platform: Platform, body: unknown = fixture[platform], date = '2026-11-30', boundary = PLAIN_BOUNDARY) =>
  parsePostHistory(body, { profile: 'brand', platform, date, boundary });

describe("a network's post history", () => {
  it.each([
    // network, id, likes, comments, shares, impressions, views, engagement (by hand from the fixture)
    ['instagram', '17912345678901234', 212, 18, null, null, null, 212 + 18],
    ['facebook', '104599345678901_122187654321098', 41, 7, 3, null, null, 41 + 7 + 3],
    ['linkedin', 'urn:li:share:7268912345678901234', 58, 9, 4, 3400, null, 58 + 9 + 4 + 120],
    ['twitter', '1862345678901234567', 140, 5, 12, 9800, null, 140 + 5 + 12 + 2],
    ['tiktok', '7441234567890123456', 880, null, null, null, 15200, 880],
  ] as const)(
    'reads %s posts in its own field names',
    (platform, id, likes, comments, shares, impressions, views, engagement) => {
      const { posts, skipped } = parse(platform);
      expect(skipped).toEqual([]);
      expect(posts[0]).toMatchObject({
        profile: 'brand',
        platform,
        post_id: id,
        likes,
        comments,
        shares,
        impressions,
        views,
        engagement,
      });
    },
  );

  it("takes LinkedIn's publishedAt as the creation time and keeps each post's raw form", () => {
    const [post] = parse('linkedin').posts;
    expect(post.posted_at).toBe('2026-11-26T14:00:00.000Z');
    expect(post.post_url).toBeNull();
    expect(post.raw_data).toMatchObject({ uniqueImpressionsCount: 2100, visibility: 'PUBLIC' });
  });

  it('lists the newest first and keeps only the posts of the last 30 days', () => {
    const posts = parse('instagram', fixture.instagram, '2026-12-25').posts;
    // 2026-11-28 is 27 days before, 2026-11-24 is 31 days before.
    expect(posts.map((p) => p.post_id)).toEqual(['17912345678901234']);
    expect(parse('instagram', fixture.instagram, '2026-12-25').skipped).toEqual(['1 older than 30 days']);
    expect(parse('instagram').posts.map((p) => p.posted_at)).toEqual([
      '2026-11-28T15:02:11.000Z',
      '2026-11-24T12:30:00.000Z',
    ]);
  });

  it('never counts a -1 (not computed) or a text as a figure, and has no engagement when nothing was sent', () => {
    const body = {
      status: 'success',
      posts: [
        { id: 'a', created: '2026-11-29T00:00:00Z', likeCount: -1, commentsCount: 'many', sharesCount: 2 },
        { id: 'b', created: '2026-11-29T00:00:00Z' },
      ],
    };
    const [a, b] = parse('facebook', body).posts;
    expect(a).toMatchObject({ likes: null, comments: null, shares: 2, engagement: 2 });
    expect(b).toMatchObject({ likes: null, comments: null, shares: null, engagement: null });
  });

  it('skips posts without an id or a creation time, or listed twice, and says how many', () => {
    const body = {
      posts: [
        { created: '2026-11-29T00:00:00Z', likeCount: 1 },
        { id: 'x', likeCount: 1 },
        { id: 'y', created: 'yesterday' },
        { id: 'z', created: '2026-11-29T00:00:00Z' },
        { id: 'z', created: '2026-11-29T00:00:00Z' },
        'not a post',
      ],
    };
    const parsed = parse('instagram', body);
    expect(parsed.posts.map((p) => p.post_id)).toEqual(['z']);
    expect(parsed.skipped).toEqual(['2 without an id', '2 without a readable creation time', '1 listed twice']);
  });

  it('keeps at most the 100 most recent posts', () => {
    const posts = Array.from({ length: 130 }, (_, i) => ({
      id: `p${i}`,
      created: new Date(Date.parse('2026-11-29T12:00:00Z') - i * 600_000).toISOString(),
    }));
    const parsed = parse('threads', { posts });
    expect(parsed.posts).toHaveLength(100);
    expect(parsed.posts[0].post_id).toBe('p0');
    expect(parsed.posts[99].post_id).toBe('p99');
    expect(parsed.skipped).toEqual(['30 beyond the 100 most recent']);
  });

  it('keeps a script as text, drops a link that is not http(s), and redacts an echoed key', () => {
    const key = 'SECRET-API-KEY-0123456789';
    const body = {
      posts: [
        {
          id: 'h',
          created: '2026-11-29T00:00:00Z',
          post: `<script>alert(1)</script> ${key}`,
          postUrl: 'javascript:alert(1)',
          note: key,
        },
        { id: 'i', created: '2026-11-29T00:00:00Z', postUrl: 'https://x.com/a/status/1' },
      ],
    };
    const [h, i] = parse('twitter', body, '2026-11-30', createBoundary([key])).posts;
    expect(h.post_text).toContain('<script>alert(1)</script>');
    expect(h.post_text).not.toContain(key);
    expect(JSON.stringify(h.raw_data)).not.toContain(key);
    expect(h.post_url).toBeNull();
    expect(i.post_url).toBe('https://x.com/a/status/1');
  });

  it('refuses an answer without a list of posts, quoting its error', () => {
    expect(() => parse('instagram', { status: 'error', code: 106, message: 'Monthly quota used' })).toThrow(
      new AyrshareResponseError(
        "Ayrshare's post history for instagram has no list of posts: Monthly quota used (code 106).",
      ),
    );
    expect(() => parse('instagram', 'nonsense')).toThrow(AyrshareResponseError);
  });
});

describe('docs/metrics.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../../docs/metrics.md'), 'utf8');
  it.each(['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'] as const)(
    "states %s's engagement and fields as the code reads them",
    (platform) => {
      const fields = postFieldsOf(platform);
      const row = doc.split('\n').find((line) => line.startsWith(`| ${platform} |`));
      const cells = row
        ?.split('|')
        .map((c) => c.trim())
        .slice(2, -1);
      const figure = (name: PostFigure) => (fields.figures[name] ?? []).join(', ');
      expect(cells).toEqual([
        figure('likes'),
        figure('comments'),
        figure('shares'),
        figure('impressions'),
        figure('views'),
        fields.engagement,
      ]);
    },
  );
});
