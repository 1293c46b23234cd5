import { html, nothing, type TemplateResult } from 'lit';
import type { MediaFacts } from '../../edge/src/contract';
import { describeMedia, videoCodecName } from '../../edge/src/media/codecs';
import { verdictOf } from '../../edge/src/media/playability';
import type { StringKey, StringParam } from '../strings';
import type { PartialFinding } from './partial-playback';

/**
 * What the teacher reads instead of a silent black box: what happened (or, from
 * the stored facts, what is likely to), why, and what to do — download the file
 * (the player's own Download button, shown beside it) or ask the student for an
 * MP4 (H.264).
 */
export function playabilityNote(
  t: (key: StringKey, a?: StringParam) => string,
  media: MediaFacts | null,
  finding: PartialFinding | 'unsupported',
): TemplateResult {
  const what = media ? describeMedia(media) : '';
  const codec = media?.video_codec ? videoCodecName(media.video_codec) : what;
  const message =
    finding === 'no-picture' || finding === 'no-frame' ? t('player_partial_nopicture', codec || '—')
    : finding === 'no-metadata' ? t('player_partial_nometadata', what || '—')
    : t('player_media_cannot', what);
  const reasons = media ? verdictOf(media).reasons : [];
  return html`
    <div class="playability-note" role="alert" data-finding=${finding}>
      <p class="message">${message}</p>
      ${reasons.length > 0
        ? html`<ul class="reasons">${reasons.map((r) => html`<li data-reason=${r}>${t(`common_playability_${r}`)}</li>`)}</ul>`
        : nothing}
      <p class="hint">${t('player_partial_download')}</p>
    </div>
  `;
}
