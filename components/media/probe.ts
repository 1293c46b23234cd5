/**
 * Reads a picked file's header — container, codecs, display size, duration,
 * and for MP4/MOV where the index sits — without reading the file: every byte
 * comes through Blob.slice (see ByteReader), a few hundred KB at most for a
 * 5 GB file (measured in bench/media-probe.ts).
 *
 * MP4/MOV and Matroska/WebM are read with mediabunny (MPL-2.0; see the README's
 * dependency table for why), AVI with the small RIFF reader beside this file.
 * This module is the only one that imports mediabunny (and, for the uploader, the
 * verdict table and codec names), and it is reached only
 * through a dynamic import when a file is picked (probe-loader.ts), so the
 * student's page does not download it before then.
 */
import { CustomSource, Input, MATROSKA, MP4, QTFF, WEBM, type InputTrack } from 'mediabunny';
import {
  MEDIA_CODEC_MAX_LENGTH,
  MEDIA_CODEC_PATTERN,
  MEDIA_MAX_DIMENSION,
  type MediaContainer,
  type MediaFacts,
} from '../../edge/src/contract';
import { sniffContainer, SNIFF_BYTES, type Container } from '../../edge/src/media/container';
import { readAviHeader } from './avi-header';
import { ByteReader } from './byte-reader';
import { moovBeforeMdat } from './iso-boxes';
import { describeMedia } from '../../edge/src/media/codecs';
import { verdictOf, type Verdict } from '../../edge/src/media/playability';

export interface ProbeResult {
  facts: MediaFacts;
  /** Where it plays and why (edge/src/media/playability.ts). */
  verdict: Verdict;
  /** One line for people: "MOV · HEVC (H.265) Main · AAC · 1920×1080". */
  summary: string;
  /** What it cost: bytes read from the file and the number of reads. */
  bytesRead: number;
  reads: number;
}

/** A longest duration worth reporting (the edge's own bound): a day. */
const MAX_DURATION_SECONDS = 86400;
/** mediabunny's read cache: headers are small, and this bounds what a broken file can make it hold. */
const CACHE_BYTES = 4 * 1024 * 1024;

const CONTAINERS: Record<Container, MediaContainer> = { mp4: 'mp4', mov: 'mov', matroska: 'mkv', webm: 'webm', avi: 'avi' };

/** A codec identifier in the contract's alphabet, or null. */
function codecText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().slice(0, MEDIA_CODEC_MAX_LENGTH);
  return MEDIA_CODEC_PATTERN.test(text) ? text : null;
}

function dimension(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MEDIA_MAX_DIMENSION ? value : null;
}

function seconds(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_DURATION_SECONDS
    ? Math.round(value * 1000) / 1000
    : null;
}

/** The RFC 6381 codecs parameter when mediabunny can build one, else the container's own identifier. */
async function codecOf(track: InputTrack | null): Promise<string | null> {
  if (!track) return null;
  const parameter = await track.getCodecParameterString().catch(() => null);
  if (parameter) return codecText(parameter);
  const internal = await track.getInternalCodecId().catch(() => null);
  return typeof internal === 'number' ? codecText(`0x${internal.toString(16)}`) : codecText(internal);
}

async function readWithMediabunny(reader: ByteReader, container: MediaContainer): Promise<Omit<MediaFacts, 'playability'>> {
  const input = new Input({
    formats: container === 'mp4' || container === 'mov' ? [MP4, QTFF] : [WEBM, MATROSKA],
    source: new CustomSource({
      getSize: () => reader.size,
      read: (start, end) => reader.read(start, end),
      maxCacheSize: CACHE_BYTES,
    }),
  });
  try {
    const video = await input.getPrimaryVideoTrack();
    const audio = await input.getPrimaryAudioTrack();
    const [videoCodec, audioCodec] = await Promise.all([codecOf(video), codecOf(audio)]);
    const width = video ? await video.getDisplayWidth().catch(() => null) : null;
    const height = video ? await video.getDisplayHeight().catch(() => null) : null;
    // The header's own figure: computeDuration() could walk a Matroska file's clusters.
    const duration = await input.getDurationFromMetadata().catch(() => null);
    const faststart = container === 'mp4' || container === 'mov' ? await moovBeforeMdat(reader) : null;
    return { container, video_codec: videoCodec, audio_codec: audioCodec, width: dimension(width), height: dimension(height), duration: seconds(duration), faststart };
  } finally {
    input.dispose();
  }
}

/**
 * The file's facts and the verdict on them; null when its header cannot be read
 * (not one of the accepted containers, or broken): such a file is not held back here.
 */
export async function probeMedia(file: Blob, signal?: AbortSignal): Promise<ProbeResult | null> {
  const reader = new ByteReader(file, signal);
  const sniffed = sniffContainer(await reader.read(0, SNIFF_BYTES));
  if (!sniffed) return null;
  const container = CONTAINERS[sniffed];
  let read: Omit<MediaFacts, 'playability'>;
  try {
    if (container === 'avi') {
      const avi = await readAviHeader(reader);
      if (!avi) return null;
      read = {
        container,
        video_codec: codecText(avi.videoCodec),
        audio_codec: codecText(avi.audioCodec),
        width: dimension(avi.width),
        height: dimension(avi.height),
        duration: seconds(avi.duration),
        faststart: null,
      };
    } else {
      read = await readWithMediabunny(reader, container);
    }
  } catch (err) {
    signal?.throwIfAborted();
    // A header mediabunny cannot make sense of: no verdict, and no reason to hold the file back.
    void err;
    return null;
  }
  const verdict = verdictOf(read);
  const facts: MediaFacts = { ...read, playability: verdict.playability };
  return { facts, verdict, summary: describeMedia(facts), bytesRead: reader.bytesRead, reads: reader.reads };
}
