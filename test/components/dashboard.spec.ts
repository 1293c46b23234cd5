import { expect, fixture, html } from '@open-wc/testing';
import type { AdminStatsResponse } from '../../edge/src/contract';
import '../../components/admin/define';
import type { S3vDashboard } from '../../components/admin/dashboard';
import { api, clip, devToken, env, textOf, unique, until, uploadThroughApi } from './support/stack';

const XSS = '<img src=x onerror=alert(1)>';

/** Records the URLs the page fetches, passing every call through untouched. */
function recordFetches(): { urls: string[]; restore(): void } {
  const original = window.fetch;
  const urls: string[] = [];
  window.fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return original(input, init);
  };
  return { urls, restore: () => (window.fetch = original) };
}

describe('<s3v-dashboard>', () => {
  let admin: string;
  let code: string;
  let key: string;
  const sub = String(unique());

  before(async () => {
    admin = await devToken({ scope: 'admin' });
    const submissionid = unique();
    const { token, s3_key } = await uploadThroughApi(await clip('Mon film.mp4'), { submissionid, sub, fullname: 'Zoë Ångström' });
    key = s3_key;
    code = `TEST_${unique()}`;
    for (let i = 0; i < 3; i++) {
      const res = await api(token, '/api/events', {
        body: { event_type: 'upload_failure', submissionid, error_code: code, error_message: XSS },
      });
      expect(res.status).to.equal(201);
    }
  });

  async function dashboard(): Promise<S3vDashboard> {
    const el = await fixture<S3vDashboard>(html`<s3v-dashboard edge-url=${env().edgeUrl} token=${admin} videos-url="/admin/videos?x=1&y=2"></s3v-dashboard>`);
    await until(() => el.shadowRoot!.querySelector('.cards'), 'the figures');
    return el;
  }

  it('shows the period’s uploads, success rate, storage and cost as the edge counts them', async () => {
    const el = await dashboard();
    const stats = (await api<AdminStatsResponse>(admin, '/api/admin/stats?days=30')).body;
    const cards = [...el.shadowRoot!.querySelectorAll('.card')].map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    expect(cards).to.have.length(5);
    // Each figure says what it counts, and the parts add up (review: "30 · 1 failed" beside "50% · 15 of 30").
    expect(cards[0]).to.contain('Uploads started').and.contain(String(stats.total_uploads)).and.contain(
      `${stats.successful_uploads} completed, ${stats.failed_uploads} ended without a video, ${stats.pending_uploads} in progress`,
    );
    expect(stats.successful_uploads + stats.failed_uploads + stats.pending_uploads).to.equal(stats.total_uploads);
    expect(cards[1]).to.contain('Success rate')
      .and.contain(`${stats.successful_uploads} of the ${stats.successful_uploads + stats.failed_uploads} uploads that ended (those in progress not counted)`);
    expect(textOf(el)).to.contain('Refusals and failed attempts by code')
      .and.contain('retried ones included: this is not a count of failed uploads.');
    expect(cards[2]).to.contain('Total storage').and.contain(`${stats.ready_videos} videos stored`);
    const p = stats.playability;
    expect(cards[3]).to.contain('Where videos play').and.contain(`Every browser: ${p.all}`).and.contain(`Some browsers: ${p.some}`)
      .and.contain(`No browser: ${p.none}`).and.contain(`Not checked: ${p.unrecorded}`);
    expect(cards[4]).to.contain('Estimated cost').and.contain('$');
    await expect(el).to.be.accessible();
  });

  it('reloads when the period changes', async () => {
    const el = await dashboard();
    const select = el.shadowRoot!.querySelector('select')!;
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['Last 7 days', 'Last 30 days', 'Last 90 days', 'Last 365 days']);
    expect(select.value).to.equal('30');
    const fetches = recordFetches();
    try {
      select.value = '7';
      select.dispatchEvent(new Event('change'));
      await until(() => fetches.urls.some((u) => u.includes('/api/admin/stats?days=7')), 'a request for 7 days');
    } finally {
      fetches.restore();
    }
    expect(el.days).to.equal(7);
  });

  it('draws failures by code as bars in a table a screen reader reads as rows', async () => {
    const el = await dashboard();
    const chart = el.shadowRoot!.querySelector('table.chart')!;
    expect(chart.querySelector('caption')!.textContent).to.equal('Refusals and failed attempts by code');
    const row = [...chart.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('th')!.textContent === code)!;
    expect(row, 'a row for the logged code').to.exist;
    expect(row.querySelector('th')!.getAttribute('scope')).to.equal('row');
    expect(row.querySelector('.count')!.textContent).to.equal('3');
    const bar = row.querySelector<HTMLElement>('.bar')!;
    expect(bar.getAttribute('aria-hidden')).to.equal('true');
    expect(bar.getBoundingClientRect().width).to.be.greaterThan(0);
  });

  it('shows recent failures with the browser’s message as text, never as HTML', async () => {
    const el = await dashboard();
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(textOf(el)).to.contain(XSS);
  });

  it('names who failed, linked to their Moodle profile, and the video: not "User 3" and an empty column', async () => {
    const el = await fixture<S3vDashboard>(html`<s3v-dashboard edge-url=${env().edgeUrl} token=${admin} wwwroot="https://moodle.example.edu/"></s3v-dashboard>`);
    await until(() => el.shadowRoot!.querySelector('.cards'), 'the figures');
    const row = [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('.scroll tbody tr')].find((tr) => tr.textContent!.includes(code))!;
    expect(row, 'a row for the logged failure').to.exist;
    const who = row.cells[1]!.querySelector('a')!;
    expect(who.textContent).to.equal('Zoë Ångström');
    expect(who.getAttribute('href')).to.equal(`https://moodle.example.edu/user/profile.php?id=${sub}`);
    expect(row.cells[4]!.querySelector('.name')!.textContent).to.equal('Mon film.mp4');
    // The record names the played key: the staging key the upload went to, under videos/.
    expect(row.cells[4]!.querySelector('.key')!.textContent).to.equal(key.replace(/^uploads\//, 'videos/'));
    await expect(el).to.be.accessible();
  });

  it('links to video management', async () => {
    const el = await dashboard();
    const link = el.shadowRoot!.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('/admin/videos?x=1&y=2');
    expect(link.textContent).to.equal('Manage videos');
  });
});
