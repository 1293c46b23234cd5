/**
 * Which of the accepted containers this browser can play, to tell a teacher
 * facing a "format not supported" what would work. Asked of the browser
 * (canPlayType), never assumed from its name.
 */
const PROBES: ReadonlyArray<readonly [name: string, type: string]> = [
  ['MP4', 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"'],
  ['WebM', 'video/webm; codecs="vp9, opus"'],
  ['MOV', 'video/quicktime'],
  ['MKV', 'video/matroska'],
  ['AVI', 'video/x-msvideo'],
];

export function playableFormats(): string[] {
  const video = document.createElement('video');
  return PROBES.filter(([, type]) => video.canPlayType(type) !== '').map(([name]) => name);
}

/**
 * Whether this browser says it may play a stored type at all. When it says no, a failure is
 * the browser's lack; when it says yes and the file still fails, the file is at fault.
 */
export function browserPlays(mimetype: string): boolean {
  return document.createElement('video').canPlayType(sourceType(mimetype)) !== '';
}

/**
 * The type to declare for a source. Most MOV files hold H.264, which browsers
 * play when told it is MP4 and refuse outright when told it is QuickTime.
 */
export function sourceType(mimetype: string): string {
  return mimetype === 'video/quicktime' ? 'video/mp4' : mimetype;
}
