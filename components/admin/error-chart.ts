import { html, type TemplateResult } from 'lit';

/**
 * Failures by error code as one table that is also the chart: sighted
 * readers compare the bars, screen readers read rows of "code, count".
 * The bars are decoration (aria-hidden); the number sits beside each.
 */
export function errorChart(
  rows: ReadonlyArray<{ error_code: string; count: number }>,
  labels: { caption: string; code: string; count: string },
): TemplateResult {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return html`
    <table class="chart">
      <caption class="visually-hidden">${labels.caption}</caption>
      <thead class="visually-hidden">
        <tr>
          <th scope="col">${labels.code}</th>
          <th scope="col">${labels.count}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr>
            <th scope="row"><code>${r.error_code}</code></th>
            <td>
              <div class="barline">
                <span class="bar" style="width: ${Math.max(2, (r.count / max) * 100)}%" aria-hidden="true"></span>
                <span class="count">${r.count}</span>
              </div>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  `;
}
