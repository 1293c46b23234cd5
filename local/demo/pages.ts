import { amdCall } from './moodle-standins';
import { DEMO_COURSE } from './edge-dev';

/**
 * The demo's HTML: stand-ins for Moodle's assignment pages, rendering the
 * elements exactly as the plugin's PHP does (docs/integration.md). Every
 * value put into HTML goes through esc().
 */

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Boost's look, roughly: its colours as the Bootstrap custom properties the components read. */
const STYLE = `
  :root { --primary: #0f6cbf; --danger: #ca3120; --success: #357a32; --gray-200: #e9ecef; --gray-400: #ced4da; --gray-600: #6a737b; --white: #fff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 0.9375rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d2125; background: #f8f9fa; }
  .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem 1rem; z-index: 10; }
  .skip:focus { left: 0.5rem; top: 0.5rem; }
  header { display: flex; align-items: center; gap: 1.5rem; padding: 0 1.5rem; height: 3.75rem; background: #fff; border-bottom: 1px solid #dee2e6; }
  header .brand { font-weight: 700; font-size: 1.25rem; color: #1d2125; text-decoration: none; }
  header nav a { color: #1d2125; margin-right: 1rem; text-decoration: none; }
  header nav a[aria-current=page] { border-bottom: 3px solid var(--primary); padding-bottom: 1.1rem; }
  main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
  .breadcrumb { font-size: 0.875rem; color: #6a737b; margin-bottom: 0.5rem; }
  .breadcrumb a { color: var(--primary); }
  h1 { font-size: 1.75rem; margin: 0 0 1rem; }
  .card { background: #fff; border: 1px solid #dee2e6; border-radius: 0.5rem; padding: 1.25rem 1.5rem; margin-bottom: 1.5rem; }
  .card h2 { font-size: 1.25rem; margin-top: 0; }
  .notice { padding: 0.75rem 1rem; border-radius: 0.375rem; margin-bottom: 1rem; }
  .notice.ok { background: #d7e6d6; }
  .notice.error { background: #f4d6d2; }
  .buttons { display: flex; gap: 0.5rem; margin-top: 1.25rem; }
  .btn { font: inherit; padding: 0.375rem 0.75rem; border-radius: 0.375rem; border: 1px solid var(--primary); background: #fff; color: var(--primary); text-decoration: none; cursor: pointer; }
  .btn-primary { background: var(--primary); color: #fff; }
  :focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
  dt { font-weight: 600; }
`;

type Section = 'home' | 'student' | 'teacher' | 'admin';

interface Layout {
  title: string;
  section: Section;
  crumbs: Array<[label: string, href?: string]>;
  body: string;
  script?: string;
}

function layout(p: Layout): string {
  const nav = (section: Section, href: string, label: string) =>
    `<a href="${href}"${p.section === section ? ' aria-current="page"' : ''}>${label}</a>`;
  const crumbs = p.crumbs.map(([label, href]) => (href ? `<a href="${esc(href)}">${esc(label)}</a>` : esc(label))).join(' / ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(p.title)} | Moodle demo</title>
  <style>${STYLE}</style>
</head>
<body>
  <a class="skip" href="#main">Skip to main content</a>
  <header>
    <a class="brand" href="/">Moodle <small>demo</small></a>
    <nav aria-label="Site">
      ${nav('student', '/student?submission=100', 'Student')}
      ${nav('teacher', '/teacher?submission=100', 'Teacher')}
      ${nav('admin', '/admin', 'Admin')}
    </nav>
  </header>
  <main id="main">
    <nav class="breadcrumb" aria-label="Breadcrumb">${crumbs}</nav>
    <h1>${esc(p.title)}</h1>
    ${p.body}
  </main>
  ${p.script ?? ''}
</body>
</html>`;
}

const COURSE_CRUMBS: Array<[string, string?]> = [[DEMO_COURSE.coursename, '/'], [DEMO_COURSE.assignmentname]];

export function indexPage(): string {
  return layout({
    title: 'Video submissions demo',
    section: 'home',
    crumbs: [['Home']],
    body: `<div class="card">
      <h2>Pages</h2>
      <p>Stand-ins for Moodle's pages, hosting the same AMD build Moodle loads.</p>
      <ul>
        <li><a href="/student?submission=100">Student: hand in a video</a> (submission 100)</li>
        <li><a href="/teacher?submission=100">Teacher: watch the submitted video</a></li>
        <li><a href="/admin">Admin: dashboard</a></li>
        <li><a href="/admin/videos">Admin: video management</a></li>
      </ul>
      <p>Other submissions: change <code>?submission=</code>. Options on the student page:
      <code>maxbytes=</code> (the assignment's limit), <code>refuse_unplayable=1</code> (refuse videos no browser plays), <code>token_lifetime=</code> (seconds, to watch a token renewal).</p>
    </div>`,
  });
}

export interface StudentView {
  submissionid: number;
  edgeUrl: string;
  token: string;
  maxbytes: number;
  refuseUnplayable: boolean;
  current: { filename: string; filesize: number; uploaded: string } | null;
  notice: { ok: boolean; text: string } | null;
  action: string;
}

export function studentPage(v: StudentView): string {
  const current = v.current
    ? ` current-filename="${esc(v.current.filename)}" current-filesize="${esc(v.current.filesize)}" current-uploaded="${esc(v.current.uploaded)}"`
    : '';
  return layout({
    title: DEMO_COURSE.assignmentname,
    section: 'student',
    crumbs: [...COURSE_CRUMBS.slice(0, 1), [DEMO_COURSE.assignmentname, `/student?submission=${v.submissionid}`], ['Edit submission']],
    body: `${v.notice ? `<p class="notice ${v.notice.ok ? 'ok' : 'error'}" role="${v.notice.ok ? 'status' : 'alert'}">${esc(v.notice.text)}</p>` : ''}
    <form class="card" method="post" action="${esc(v.action)}">
      <h2>Video submission</h2>
      <s3v-uploader edge-url="${esc(v.edgeUrl)}" token="${esc(v.token)}" assignmentid="${DEMO_COURSE.assignmentid}"
        submissionid="${v.submissionid}" maxbytes="${v.maxbytes}" receipt-input="s3video_receipt"${v.refuseUnplayable ? ' refuse-unplayable' : ''}${current}></s3v-uploader>
      <input type="hidden" name="s3video_receipt" value="">
      <div class="buttons">
        <input type="submit" class="btn btn-primary" name="submitbutton" id="id_submitbutton" value="Save changes">
        <input type="submit" class="btn" name="cancel" id="id_cancel" value="Cancel" data-skip-validation="1" data-cancel="1" formnovalidate>
      </div>
    </form>`,
    script: amdCall('uploader', 42),
  });
}

export function teacherPage(v: { submissionid: number; edgeUrl: string; token: string }): string {
  return layout({
    title: `${DEMO_COURSE.assignmentname}: grading`,
    section: 'teacher',
    crumbs: [...COURSE_CRUMBS.slice(0, 1), [DEMO_COURSE.assignmentname, '/'], ['Grade']],
    body: `<section class="card" aria-labelledby="submission">
      <h2 id="submission">Submission ${v.submissionid}</h2>
      <s3v-player edge-url="${esc(v.edgeUrl)}" token="${esc(v.token)}" submissionid="${v.submissionid}"></s3v-player>
    </section>`,
    script: amdCall('player', 42),
  });
}

export function dashboardPage(v: { edgeUrl: string; token: string }): string {
  return layout({
    title: 'Video submissions: dashboard',
    section: 'admin',
    crumbs: [['Site administration', '/admin'], ['Plugins'], ['Video submissions']],
    body: `<div class="card"><s3v-dashboard edge-url="${esc(v.edgeUrl)}" token="${esc(v.token)}" videos-url="/admin/videos"></s3v-dashboard></div>`,
    script: amdCall('admin', 1),
  });
}

export function videosPage(v: { edgeUrl: string; token: string }): string {
  return layout({
    title: 'Video submissions: videos',
    section: 'admin',
    crumbs: [['Site administration', '/admin'], ['Video submissions', '/admin'], ['Videos']],
    body: `<div class="card"><s3v-admin-table edge-url="${esc(v.edgeUrl)}" token="${esc(v.token)}"></s3v-admin-table></div>`,
    script: amdCall('admin', 1),
  });
}
