/**
 * assignsubmission_s3video/loader — the one non-lazy module. Moodle puts
 * every non-lazy module of every plugin into the JavaScript of every page,
 * so this file only knows how to fetch the lazy one, hand it Moodle's
 * strings and answer token renewals; it imports no code (the build checks).
 *
 * PHP: $PAGE->requires->js_call_amd('assignsubmission_s3video/loader', 'init', [$kind]);
 */
import type { ComponentKind, TokenExpiredEvent, TOKEN_EXPIRED as TokenExpiredName } from '../../components/events';
import type { STRING_COMPONENT as ComponentName } from '../../components/strings';
import type { LazyModule } from './lazy-module';
import type { Prefetch, PrefetchPath, PREFETCH_PROPERTY as PrefetchName } from '../../components/player/prefetch';

// Literals typed by the components' own constants: the compiler keeps them equal without an import.
const COMPONENT: typeof ComponentName = 'assignsubmission_s3video';
const TOKEN_EXPIRED: typeof TokenExpiredName = 's3v-token-expired';
const TOKEN_FUNCTION = 'assignsubmission_s3video_get_token';
const PREFETCH: typeof PrefetchName = 's3vPrefetch';
const PREFETCH_PATHS: PrefetchPath[] = ['/api/playback-url', '/api/video-extras'];

/** Lazy module → every shared chunk under it, written in by the build (scripts/build-amd.mjs). */
declare const __S3V_CHUNKS__: Record<string, string[]>;

type AmdRequire = (deps: string[], ok: (...modules: unknown[]) => void, fail: (err: Error) => void) => void;

interface CoreStr {
  getStrings(requests: Array<{ key: string; component: string }>): Promise<string[]>;
}

interface CoreUserDate {
  get(requests: Array<{ timestamp: number; format: string }>): Promise<string[]>;
}

interface CoreAjax {
  call(calls: Array<{ methodname: string; args: Record<string, unknown> }>): Array<Promise<{ token: string }>>;
}

interface S3vHost extends HTMLElement {
  token: string;
  strings: Record<string, string>;
  submissionid?: number;
}

declare global {
  interface Window {
    requirejs: AmdRequire;
    M?: { cfg?: { contextid?: number } };
  }
}

function load(deps: string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    // RequireJS silently never calls an async function: a plain one, resolving the promise.
    window.requirejs(deps, function (...modules: unknown[]) {
      resolve(modules);
    }, reject);
  });
}

/** Asks Moodle for a new token for the element whose token expired, and gives it to it. */
function renewToken(kind: ComponentKind, event: TokenExpiredEvent): void {
  if (event.detail.kind !== kind) return;
  const element = event.composedPath()[0] as S3vHost;
  const args = {
    kind,
    contextid: Number(element.dataset.contextid ?? window.M?.cfg?.contextid ?? 0),
    submissionid: element.submissionid ?? 0,
  };
  load(['core/ajax'])
    .then(([ajax]) => (ajax as CoreAjax).call([{ methodname: TOKEN_FUNCTION, args }])[0]!)
    .then((result) => {
      element.token = result.token;
    })
    // The element gives up after its own timeout and tells the user to reload.
    .catch((err: unknown) => window.console.error(`${COMPONENT}: no new token`, err));
}

/**
 * Each player's first requests (its URL, its poster and captions), sent now:
 * the player, once RequireJS has brought Video.js, takes the answers
 * (components/player/prefetch.ts) instead of only then asking. The same
 * requests the player makes (components/edge-client.ts).
 */
function prefetchPlayer(): void {
  for (const element of document.querySelectorAll<HTMLElement>('s3v-player:not(:defined)')) {
    const edgeUrl = element.getAttribute('edge-url');
    const token = element.getAttribute('token');
    const submissionid = Number(element.getAttribute('submissionid'));
    if (!edgeUrl || !token || !submissionid) continue;
    const prefetch: Prefetch = { submissionid, token, responses: {} };
    for (const path of PREFETCH_PATHS) {
      const url = new URL(path, edgeUrl.replace(/\/?$/, '/'));
      url.searchParams.set('submissionid', String(submissionid));
      const response = fetch(url, { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
      // Handled by the player; until then a failure is not an unhandled rejection.
      response.catch(() => undefined);
      prefetch.responses[path] = response;
    }
    (element as unknown as Record<string, Prefetch>)[PREFETCH] = prefetch;
  }
}

const started = new Set<ComponentKind>();

/** Loads the elements of one kind, translates them, gives them Moodle's sizes and dates, and keeps their tokens fresh. */
export function init(kind: ComponentKind): void {
  // A page may ask twice (two elements, two js_call_amd): once is enough.
  if (started.has(kind)) return;
  started.add(kind);
  document.addEventListener(TOKEN_EXPIRED, (event) => renewToken(kind, event));
  if (kind === 'player') prefetchPlayer();
  const entry = `${kind}-lazy`;
  // The entry's chunks in the same request round as the entry, not one level of define() at a time.
  const chunks = (__S3V_CHUNKS__[entry] ?? []).map((chunk) => `${COMPONENT}/${chunk}`);
  load([`${COMPONENT}/${entry}`, 'core/str', 'core/user_date', ...chunks])
    .then(([lazy, str, userDate]) => {
      const { tags, stringKeys, coreStrings, useMoodle } = lazy as LazyModule;
      return (str as CoreStr)
        .getStrings([...stringKeys.map((key) => ({ key, component: COMPONENT })), ...coreStrings])
        .then((values) => {
          const core = values.slice(stringKeys.length);
          // Sizes as display_size() with core's units, lengths as format_time(), dates from core/user_date in the user's timezone.
          useMoodle({
            sizeUnits: core.slice(0, 6),
            dateFormat: core[6]!,
            timeUnits: core.slice(7, 16),
            userDates: (requests) => Promise.resolve((userDate as CoreUserDate).get(requests)),
          });
          const strings = Object.fromEntries(stringKeys.map((key, i) => [key, values[i]!]));
          for (const element of document.querySelectorAll<S3vHost>(tags.join(','))) element.strings = strings;
        });
    })
    .catch((err: unknown) => window.console.error(`${COMPONENT}: the ${kind} could not start`, err));
}
