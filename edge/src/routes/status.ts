import { Hono } from 'hono';
import {
  MAX_STATUS_IDS,
  type DeletionReason,
  type VideoStatusEntry,
  type VideoStatusResponse,
} from '../contract';
import { requireToken } from '../http/auth';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/app-env';
import { readJsonObject } from '../http/validate';
import { signPlaybackUrl } from '../services/cdn';
import { videoStatuses, type VideoStatusRow } from '../services/videos';

/**
 * Moodle's server asks here, once per page it renders, what became of the videos its
 * summaries show: the edge holds the truth (an admin's deletion, a replacement, the
 * retention cleanup), Moodle only a link. Read-only.
 */
export const status = new Hono<AppEnv>();

/** 1000 ids of up to 16 digits, commas and the JSON around them. */
const MAX_STATUS_BODY_BYTES = 32 * 1024;
const REASONS: readonly DeletionReason[] = ['admin', 'retention', 'replaced', 'unclaimed', 'abandoned'];

const iso = (t: number | null): string | null => (t === null ? null : new Date(t * 1000).toISOString());

function readIds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_STATUS_IDS) {
    throw new ApiError('INVALID_REQUEST', `videoids must be a list of 1 to ${MAX_STATUS_IDS} video ids.`, 'videoids');
  }
  for (const id of value) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      throw new ApiError('INVALID_REQUEST', 'videoids must hold positive whole numbers.', 'videoids');
    }
  }
  return [...new Set(value as number[])];
}

function deletion(row: VideoStatusRow): { reason: DeletionReason | null; by: string | null } {
  let context: Record<string, unknown> = {};
  try {
    context = row.deletion_context ? (JSON.parse(row.deletion_context) as Record<string, unknown>) : {};
  } catch {
    // A context that is not JSON explains nothing; the status alone still holds.
  }
  const reason = REASONS.includes(context.reason as DeletionReason) ? (context.reason as DeletionReason) : null;
  return { reason, by: reason === 'admin' && typeof context.by === 'string' ? context.by : null };
}

/** `posterUrl` signs a poster key; it is asked only for videos that are ready and current. */
export async function toStatusEntry(row: VideoStatusRow, posterUrl: (key: string) => Promise<string>): Promise<VideoStatusEntry> {
  const entry: VideoStatusEntry = {
    status: row.upload_status,
    submissionid: row.submissionid,
    reason: null,
    uploaded_at: iso(row.confirmed_timestamp ?? row.upload_timestamp),
    deleted_at: iso(row.deleted_timestamp),
    deleted_by: null,
    replaced_at: iso(row.retired_timestamp),
    replaced_by: row.retired_timestamp !== null ? row.successor : null,
    duration: row.duration,
    poster_url: null,
  };
  if (row.upload_status === 'deleted') {
    const { reason, by } = deletion(row);
    // A video retired before its deletion was replaced, whoever removed it afterwards.
    entry.reason = reason ?? (row.retired_timestamp !== null ? 'replaced' : null);
    entry.deleted_by = by;
  } else if (row.upload_status === 'ready' && row.retired_timestamp !== null) {
    entry.status = 'replaced';
    entry.reason = 'replaced';
  } else if (row.upload_status === 'ready' && row.poster_key) {
    // A poster for the grading table's row: one signature per ready video, none per row fetch.
    entry.poster_url = await posterUrl(row.poster_key);
  }
  return entry;
}

const MISSING: VideoStatusEntry = {
  status: 'missing', submissionid: null, reason: null, uploaded_at: null, deleted_at: null, deleted_by: null, replaced_at: null, replaced_by: null,
  duration: null, poster_url: null,
};

status.post('/video-status', requireToken('server'), async (c) => {
  const body = await readJsonObject(c, MAX_STATUS_BODY_BYTES);
  const ids = readIds(body.videoids);
  const { config, now } = c.var;
  const rows = await videoStatuses(c.env.DB, c.var.claims.iss, ids);
  const expires = now + config.playbackUrlTtl;
  const videos: Record<string, VideoStatusEntry> = {};
  for (const id of ids) videos[String(id)] = MISSING;
  const sign = (key: string) => signPlaybackUrl(config.cdn, key, expires, undefined);
  for (const row of rows) videos[String(row.id)] = await toStatusEntry(row, sign);
  return c.json<VideoStatusResponse>({ videos });
});
