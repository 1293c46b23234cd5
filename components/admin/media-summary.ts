import { html, nothing, type TemplateResult } from 'lit';
import type { AdminStatsResponse, MediaFacts } from '../../edge/src/contract';
import { describeMedia } from '../../edge/src/media/codecs';
import { formatNumber } from '../format';
import type { StringKey, StringParam } from '../strings';

type T = (key: StringKey, a?: StringParam) => string;

/** The admin table's line about a video's format: container, codecs, size, where it plays, index at the end. */
export function mediaLine(t: T, media: MediaFacts | null): TemplateResult | typeof nothing {
  if (!media) return nothing;
  const indexLast = media.faststart === false ? ` · ${t('videos_index_last')}` : '';
  return html`<br /><span class="media muted" data-playability=${media.playability}
    >${t('videos_format')}: ${describeMedia(media)}${indexLast} — ${t('videos_playability')}: ${t(`videos_playability_${media.playability}`)}</span
  >`;
}

/** The dashboard card's detail: current videos by where they play. */
export function playabilityDetail(t: T, counts: AdminStatsResponse['playability']): string {
  return [
    `${t('videos_playability_some')}: ${formatNumber(counts.some)}`,
    `${t('videos_playability_none')}: ${formatNumber(counts.none)}`,
    `${t('videos_playability_unknown')}: ${formatNumber(counts.unknown)}`,
    `${t('dashboard_playability_unrecorded')}: ${formatNumber(counts.unrecorded)}`,
  ].join(' · ');
}
