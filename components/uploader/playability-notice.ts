import { html, type TemplateResult } from 'lit';
import type { Verdict } from '../../edge/src/media/playability';
import type { StringKey, StringParam } from '../strings';

/**
 * The warning a student sees before sending a video that plays only in some
 * browsers, or in none: what was found, which browsers, how to export an MP4
 * (H.264) instead, and the choice to upload it anyway or pick another file.
 */
export function playabilityNotice(
  t: (key: StringKey, a?: StringParam) => string,
  summary: string,
  verdict: Verdict,
  actions: { proceed(): void; choose(): void; cancel(): void },
): TemplateResult {
  const headline = verdict.playability === 'none' ? 'upload_playability_none' : 'upload_playability_some';
  return html`
    <div class="playability" role="alert" data-playability=${verdict.playability}>
      <p class="warning message">${t(headline, summary)}</p>
      <ul class="reasons">
        ${verdict.reasons.map((reason) => html`<li data-reason=${reason}>${t(`common_playability_${reason}`)}</li>`)}
      </ul>
      <p class="hint">${t('upload_playability_howto')}</p>
    </div>
    <div class="actions">
      <button type="button" class="primary" data-focus @click=${actions.choose}>${t('upload_choose_other')}</button>
      <button type="button" data-anyway @click=${actions.proceed}>${t('upload_playability_anyway')}</button>
      <button type="button" class="danger" @click=${actions.cancel}>${t('common_cancel')}</button>
    </div>
  `;
}
