import { ApiError } from '../http/errors';
import { currentVideo, type VideoRow } from './videos';

/**
 * The video a viewer of the submission may have a link to — for playback, download, its poster
 * and captions alike, so they are allowed in exactly the same cases: the claimed video, or while
 * none is claimed the newest confirmed one; 404 when there is none, 410 when it was deleted.
 */
export async function requireViewable(db: D1Database, site: string, submissionid: number): Promise<VideoRow> {
  const video = await currentVideo(db, site, submissionid);
  if (!video) throw new ApiError('VIDEO_NOT_FOUND', 'This submission has no video.');
  if (video.upload_status === 'deleted') throw new ApiError('VIDEO_DELETED', 'This video has been deleted.');
  return video;
}
