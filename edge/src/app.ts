import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { ConfigError, loadConfig } from './config';
import { ApiError, errorResponse } from './http/errors';
import type { AppEnv } from './http/app-env';
import { admin, ping } from './routes/admin';
import { captions } from './routes/captions';
import { claim } from './routes/claim';
import { dev } from './routes/dev';
import { download } from './routes/download';
import { events } from './routes/events';
import { exportUrl } from './routes/export';
import { multipart } from './routes/multipart';
import { playback } from './routes/playback';
import { poster } from './routes/poster';
import { status } from './routes/status';
import { uploads } from './routes/uploads';

export const app = new Hono<AppEnv>();

app.use('*', async (c, next) => {
  c.set('config', loadConfig(c.env));
  c.set('now', Math.floor(Date.now() / 1000));
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

const api = new Hono<AppEnv>();
api.route('/', uploads);
api.route('/', claim);
api.route('/', events);
api.route('/', playback);
api.route('/', ping);
api.route('/', status);
api.route('/', exportUrl);
api.route('/', download);
api.route('/', captions);
api.route('/', poster);
api.route('/admin', admin);
api.route('/multipart', multipart);
app.route('/api', api);
app.route('/dev', dev);

app.notFound(() => errorResponse(new ApiError('NOT_FOUND', 'There is no such endpoint.')));

app.onError((err) => {
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
