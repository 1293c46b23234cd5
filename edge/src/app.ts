import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { ConfigError, loadConfig } from './config';
import { ApiError, errorResponse } from './errors';
import type { AppEnv } from './http/app-env';
import { drainBody } from './http/bounded-body';
import { admin } from './routes/admin';
import { captions } from './routes/captions';
import { claim } from './routes/claim';
import { dev } from './routes/dev';
import { download } from './routes/download';
import { events } from './routes/events';
import { exportUrl } from './routes/export';
import { multipart } from './routes/multipart';
import { ping } from './routes/ping';
import { playback } from './routes/playback';
import { poster } from './routes/poster';
import { status } from './routes/status';
import { uploads } from './routes/uploads';
import { video } from './routes/video';
import { s3Client } from './services/s3';

export const app = new Hono<AppEnv>();

app.use('*', async (c, next) => {
  c.set('config', loadConfig(c.env));
  c.set('now', Math.floor(Date.now() / 1000));
  c.set('s3', s3Client(c.var.config.s3));
  await next();
});

// Browsers call the edge from Moodle's pages, so only those origins may read its answers.
const corsPolicy = cors({
  origin: (origin, c) => (c.var.config.allowedOrigins.includes(origin) ? origin : null),
  allowHeaders: ['Authorization', 'Content-Type'],
  allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  exposeHeaders: ['Retry-After'],
  maxAge: 600,
});
app.use('/api/*', corsPolicy);
app.use('/dev/*', corsPolicy);

// Which file serves which path: one line per resource, mounted at its public path.
// contract.ts's endpoint table lists every endpoint with its tokens; test/contract checks both.
app.route('/api', uploads); // POST /api/upload-url, POST /api/confirm-upload
app.route('/api/multipart', multipart); // POST start, sign-parts, complete, abort; GET parts
app.route('/api/claim', claim);
app.route('/api/video', video);
app.route('/api/playback-url', playback);
app.route('/api/download-url', download);
app.route('/api', captions); // GET /api/video-extras, POST and DELETE /api/captions
app.route('/api/poster', poster);
app.route('/api/events', events);
app.route('/api/video-status', status);
app.route('/api/export-url', exportUrl);
app.route('/api/ping', ping);
app.route('/api/admin', admin); // GET stats, videos, health; DELETE videos/:id
app.route('/dev', dev); // POST /dev/token (DEV_MODE, loopback only)

app.notFound(async (c) => {
  await drainBody(c.req.raw);
  return errorResponse(new ApiError('NOT_FOUND', 'There is no such endpoint.'));
});

// Every refusal reads what the client is still sending first (http/bounded-body.ts): answering
// mid-body resets the connection, and the client would see a network error, not the refusal.
app.onError(async (err, c) => {
  await drainBody(c.req.raw);
  if (err instanceof ApiError) return errorResponse(err);
  if (err instanceof ConfigError) {
    console.error('edge misconfigured:', err.message);
    return errorResponse(new ApiError('INTERNAL_ERROR', `The video service is misconfigured: ${err.message}.`));
  }
  if (err instanceof HTTPException && err.status < 500) {
    return errorResponse(new ApiError('INVALID_REQUEST', err.message || 'Bad request.'));
  }
  console.error('unhandled error', err);
  return errorResponse(new ApiError('INTERNAL_ERROR', 'Something went wrong in the video service; try again.'));
});
