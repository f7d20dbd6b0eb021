// A network's recent posts (GET /api/history/:platform), each turned into one row of post_snapshots: the network's
// post id, link, creation time, the figures each network sends under its own names, and one engagement figure per
// post defined per network (docs/metrics.md). Outside text: every string passes the run's boundary, and a link is
// kept only when it is an http(s) address.
import * as z from 'zod';
import { countValue } from '../ayrshare/schema';
import type { Boundary } from '../core/boundary';
import { AyrshareResponseError } from '../core/errors';
import type { PostOutcome, PostSnapshot } from '../core/model';

export type { PostOutcome, PostSnapshot };
import { getPath } from '../metrics/field-paths';
import type { Platform } from '../metrics/platforms';

/** Only posts created this many days before the snapshot date (or later) are kept. */
export const POST_WINDOW_DAYS = 30;
/** At most this many posts per network and profile and day. */
export const MAX_POSTS_PER_NETWORK = 100;
/** Post text kept in its column (the raw post keeps all of it). */
const POST_TEXT_LIMIT = 500;

export type PostFigure = 'likes' | 'comments' | 'shares' | 'impressions' | 'views';

interface NetworkPostFields {
  /** Where each figure is, in order of preference (dotted paths). */
  figures: Partial<Record<PostFigure, readonly string[]>>;
  /** Extra interactions that count towards engagement on this network, beyond likes, comments and shares. */
  alsoEngagement?: readonly string[];
  /** What docs/metrics.md says engagement is here. */
  engagement: string;
}

/**
 * The fields of each network's posts, as Ayrshare's own API tests assert them (Instagram, Facebook, LinkedIn, X,
 * TikTok), and the likely names for the others (their raw post is kept whatever they send). Engagement is the sum of
 * the interactions sent: a network that sends none of them has no engagement figure (NULL), never 0.
 */
export const POST_FIELDS: Partial<Record<Platform, NetworkPostFields>> = {
  bluesky: {
    figures: { likes: ['likeCount'], comments: ['replyCount'], shares: ['repostCount'] },
    alsoEngagement: ['quoteCount'],
    engagement: 'likes + replies + reposts + quotes',
  },
  facebook: {
    figures: {
      likes: ['likeCount'],
      comments: ['commentsCount'],
      shares: ['sharesCount'],
      impressions: ['impressionCount'],
    },
    engagement: 'likes + comments + shares',
  },
  instagram: {
    figures: {
      likes: ['likeCount'],
      comments: ['commentsCount'],
      impressions: ['impressionCount', 'impressions'],
      views: ['viewsCount', 'videoViews', 'plays'],
    },
    engagement: 'likes + comments',
  },
  linkedin: {
    figures: {
      likes: ['likeCount'],
      comments: ['commentCount'],
      shares: ['shareCount'],
      impressions: ['impressionCount'],
    },
    alsoEngagement: ['clickCount'],
    engagement: "likes + comments + shares + clicks (LinkedIn's own definition of engagement)",
  },
  threads: {
    figures: {
      likes: ['likeCount', 'likes'],
      comments: ['replyCount', 'replies'],
      shares: ['repostCount', 'reposts'],
      views: ['viewCount', 'views'],
    },
    alsoEngagement: ['quoteCount'],
    engagement: 'likes + replies + reposts + quotes',
  },
  tiktok: {
    figures: {
      likes: ['likeCount'],
      comments: ['commentsCount', 'commentCount'],
      shares: ['sharesCount', 'shareCount'],
      views: ['videoViews'],
    },
    engagement: 'likes + comments + shares',
  },
  twitter: {
    figures: {
      likes: ['publicMetrics.likeCount'],
      comments: ['publicMetrics.replyCount'],
      shares: ['publicMetrics.retweetCount'],
      impressions: ['publicMetrics.impressionCount', 'nonPublicMetrics.impressionCount'],
    },
    alsoEngagement: ['publicMetrics.quoteCount'],
    engagement: 'likes + replies + reposts + quotes',
  },
  youtube: {
    figures: {
      likes: ['likeCount', 'statistics.likeCount'],
      comments: ['commentCount', 'statistics.commentCount'],
      views: ['viewCount', 'statistics.viewCount'],
    },
    engagement: 'likes + comments',
  },
};

/** Networks without a list of their own (Pinterest, Reddit, Snapchat, Google Business): the common names. */
const COMMON_FIELDS: NetworkPostFields = {
  figures: {
    likes: ['likeCount'],
    comments: ['commentsCount', 'commentCount'],
    shares: ['sharesCount', 'shareCount'],
    impressions: ['impressionCount'],
    views: ['viewCount', 'views'],
  },
  engagement: 'likes + comments + shares',
};

export const postFieldsOf = (platform: Platform): NetworkPostFields => POST_FIELDS[platform] ?? COMMON_FIELDS;

export interface ParsedHistory {
  posts: PostSnapshot[];
  /** Posts Ayrshare listed that are not kept, and why ("3 older than 30 days"); said in the ledger's message. */
  skipped: string[];
}

const historyAnswerSchema = z.looseObject({
  status: z.string().optional(),
  posts: z.array(z.unknown()),
});

const postIdSchema = z.union([z.string().trim().min(1).max(300), z.number().int().nonnegative()]).transform(String);

/**
 * Parses one history answer. Throws AyrshareResponseError when the answer has no post list at all (an error answer,
 * or something else); a post without an id or a readable creation time is skipped and counted, never guessed.
 */
export function parsePostHistory(
  body: unknown,
  context: { profile: string; platform: Platform; date: string; boundary: Boundary },
): ParsedHistory {
  const parsed = historyAnswerSchema.safeParse(body);
  if (!parsed.success) {
    const error = z.looseObject({ code: z.unknown().optional(), message: z.string().optional() }).safeParse(body);
    const code = error.success && error.data.code !== undefined ? String(error.data.code) : undefined;
    const detail =
      error.success && error.data.message
        ? `: ${context.boundary.text(error.data.message, 200)}${code ? ` (code ${context.boundary.text(code, 20)})` : ''}`
        : '';
    throw new AyrshareResponseError(`Ayrshare's post history for ${context.platform} has no list of posts${detail}.`);
  }
  const fields = postFieldsOf(context.platform);
  const oldest = Date.parse(`${context.date}T00:00:00Z`) - POST_WINDOW_DAYS * 86_400_000;
  const posts: PostSnapshot[] = [];
  const seen = new Set<string>();
  let noId = 0;
  let noDate = 0;
  let tooOld = 0;
  let repeated = 0;
  for (const entry of parsed.data.posts) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      noId += 1;
      continue;
    }
    const post = entry as Record<string, unknown>;
    const id = postIdSchema.safeParse(post.id);
    if (!id.success) {
      noId += 1;
      continue;
    }
    const postedAt = instant(post.created ?? post.publishedAt ?? post.createTime);
    if (postedAt === null) {
      noDate += 1;
      continue;
    }
    if (Date.parse(postedAt) < oldest) {
      tooOld += 1;
      continue;
    }
    const postId = context.boundary.text(id.data, 300);
    if (seen.has(postId)) {
      repeated += 1;
      continue;
    }
    seen.add(postId);
    const figure = (name: PostFigure) => firstCount(post, fields.figures[name] ?? []);
    const likes = figure('likes');
    const comments = figure('comments');
    const shares = figure('shares');
    const extra = (fields.alsoEngagement ?? []).map((path) => count(getPath(post, path)));
    const parts = [likes, comments, shares, ...extra].filter((v): v is number => v !== null);
    posts.push({
      profile: context.profile,
      platform: context.platform,
      post_id: postId,
      post_url: webAddress(post.postUrl ?? post.url, context.boundary),
      posted_at: postedAt,
      post_text: typeof post.post === 'string' ? context.boundary.text(post.post, POST_TEXT_LIMIT) : null,
      likes,
      comments,
      shares,
      impressions: figure('impressions'),
      views: figure('views'),
      engagement: parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : null,
      raw_data: context.boundary.json(post),
    });
  }
  // The most recent first, then cut: Ayrshare was asked for at most 100, this holds the line if it sends more.
  posts.sort((a, b) => b.posted_at.localeCompare(a.posted_at) || a.post_id.localeCompare(b.post_id));
  const beyond = Math.max(0, posts.length - MAX_POSTS_PER_NETWORK);
  const skipped = [
    noId && `${noId} without an id`,
    noDate && `${noDate} without a readable creation time`,
    tooOld && `${tooOld} older than ${POST_WINDOW_DAYS} days`,
    repeated && `${repeated} listed twice`,
    beyond && `${beyond} beyond the ${MAX_POSTS_PER_NETWORK} most recent`,
  ].filter((s): s is string => Boolean(s));
  return { posts: posts.slice(0, MAX_POSTS_PER_NETWORK), skipped };
}

/** A count, or null: absent, Ayrshare's -1 ("not computed"), or not a whole non-negative number. */
function count(value: unknown): number | null {
  if (value === -1 || value === '-1') return null;
  const parsed = countValue.safeParse(value);
  return parsed.success ? (parsed.data ?? null) : null;
}

function firstCount(post: Record<string, unknown>, paths: readonly string[]): number | null {
  for (const path of paths) {
    const value = count(getPath(post, path));
    if (value !== null) return value;
  }
  return null;
}

/** An ISO instant from an ISO text or epoch seconds/milliseconds, or null. */
function instant(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'string' && value.trim() !== '' && !/^\d+$/.test(value.trim())) ms = Date.parse(value);
  else if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim())))
    ms = Number(value) < 1e11 ? Number(value) * 1000 : Number(value);
  else return null;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 9999
    ? null
    : date.toISOString();
}

/** Kept only when it is an http(s) address: a `javascript:` link must never reach a report's href. */
function webAddress(value: unknown, boundary: Boundary): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return boundary.text(url.href, 2048);
  } catch {
    return null;
  }
}
