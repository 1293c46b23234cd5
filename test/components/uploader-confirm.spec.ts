import { expect, fixture, html } from '@open-wc/testing';
import '../../components/uploader/define';
import type { S3vUploader } from '../../components/uploader/uploader';
import { clip, devToken, env, unique, until } from './support/stack';
import { watchTraffic, type Traffic } from './support/traffic';

/**
 * Confirm, the upload's last step, is as patient as every other edge call of
 * the upload (components/uploader/edge-retry.ts): after minutes (or an hour)
 * of sending, a 429 or an offline spell at the very end must not throw the
 * upload away. Through the real edge into the real local S3; only confirm's
 * answers are bent.
 */

async function render(): Promise<{ el: S3vUploader; input: HTMLInputElement }> {
  const submissionid = unique();
  const token = await devToken({ scope: 'upload', sub: String(unique()), submissionid });
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <s3v-uploader edge-url=${env().edgeUrl} token=${token} assignmentid="10" submissionid=${submissionid}
        receipt-input="s3video_receipt" current-filename="old.mp4"></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="previous-receipt" />
    </form>
  `);
  const el = form.querySelector('s3v-uploader')!;
  await el.updateComplete;
  return { el, input: form.querySelector('input')! };
}

const liveText = (el: S3vUploader) => el.shadowRoot!.querySelector('[role=status]')!.textContent!.trim();

/** Every alert the element showed while the upload ran. */
function alertsOf(el: S3vUploader): { alerts: string[]; stop(): void } {
  const alerts: string[] = [];
  const watcher = new MutationObserver(() => {
    const alert = el.shadowRoot!.querySelector('[role=alert]');
    if (alert) alerts.push(alert.textContent!.trim());
  });
  watcher.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
  return { alerts, stop: () => watcher.disconnect() };
}

/** `navigator.onLine` as the test says, until restored (the prototype's getter answers again). */
function fakeConnection(): { online: boolean; restore(): void } {
  const state = { online: true, restore: () => delete (navigator as { onLine?: boolean }).onLine };
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => state.online });
  return state;
}

describe('<s3v-uploader> confirm waits out what complete waits out', () => {
  let traffic: Traffic | null = null;
  let connection: ReturnType<typeof fakeConnection> | null = null;
  afterEach(() => {
    traffic?.restore();
    traffic = null;
    connection?.restore();
    connection = null;
  });

  it('confirm answered 429 with Retry-After: waits it out and asks again; the upload succeeds, no error shown', async () => {
    const { el, input } = await render();
    traffic = watchTraffic({
      edge: (path, _body, attempt) =>
        path === '/api/confirm-upload' && attempt === 1
          ? new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Slow down.' } }), {
              status: 429,
              headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
            })
          : null,
    });
    const shown = alertsOf(el);
    el.choose(await clip());
    await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
    shown.stop();

    expect(el.phase).to.equal('success');
    expect(shown.alerts, 'the student was not bothered').to.deep.equal([]);
    expect(traffic.calls('/api/confirm-upload').map((c) => c.status)).to.deep.equal([429, 200]);
    expect(input.value.split('.')).to.have.length(3);
    await traffic.settled();
    const retries = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string; error_context: { stage: string } });
    expect(retries.map((e) => [e.event_type, e.error_code, e.error_context.stage])).to.deep.equal([['upload_retry', 'RATE_LIMITED', 'confirm']]);
  });

  it('upload-url answered 503 once: asked again after a pause, under the same policy; the upload succeeds, no error shown', async () => {
    const { el, input } = await render();
    traffic = watchTraffic({
      edge: (path, _body, attempt) =>
        path === '/api/upload-url' && attempt === 1
          ? new Response(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'Try again.' } }), {
              status: 503,
              headers: { 'Content-Type': 'application/json' },
            })
          : null,
    });
    const shown = alertsOf(el);
    el.choose(await clip());
    await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
    shown.stop();

    expect(el.phase).to.equal('success');
    expect(shown.alerts, 'the student was not bothered').to.deep.equal([]);
    expect(traffic.calls('/api/upload-url').map((c) => c.status)).to.deep.equal([503, 201]);
    expect(input.value.split('.')).to.have.length(3);
    await traffic.settled();
    const retries = traffic.calls('/api/events').map((c) => c.body as { event_type: string; error_code: string; error_context: { stage: string } });
    expect(retries.map((e) => [e.event_type, e.error_code])).to.deep.equal([['upload_retry', 'INTERNAL_ERROR']]);
  });

  it('confirm failing while the browser is offline: says so, waits for `online`, then confirms', async () => {
    const { el, input } = await render();
    connection = fakeConnection();
    const link = connection;
    traffic = watchTraffic({
      // The connection is gone for confirm only, for as long as the browser says it is offline.
      edge: (path) => (path === '/api/confirm-upload' && !link.online ? 'no-answer' : null),
    });
    const shown = alertsOf(el);
    const offline = 'No connection. The upload goes on by itself when you are back online.';
    // Offline from the start: nothing before confirm asks the browser (only a failure makes the uploader look).
    link.online = false;
    el.choose(await clip());
    await until(() => liveText(el) === offline || el.phase === 'error' || el.phase === 'success', 'the uploader to notice it is offline');

    expect(el.phase, 'still confirming, waiting').to.equal('processing');
    expect(liveText(el)).to.equal(offline);
    expect(traffic.calls('/api/confirm-upload').map((c) => c.status), 'asked once, then waits for the browser').to.deep.equal([0]);

    link.online = true;
    window.dispatchEvent(new Event('online'));
    await until(() => el.phase === 'success' || el.phase === 'error', 'the upload to end');
    shown.stop();

    expect(el.phase).to.equal('success');
    expect(shown.alerts, 'the student was not bothered').to.deep.equal([]);
    expect(traffic.calls('/api/confirm-upload').map((c) => c.status)).to.deep.equal([0, 200]);
    expect(input.value.split('.')).to.have.length(3);
  });
});
