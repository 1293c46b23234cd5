import { canonicalVideoType, MAX_POST_BYTES, VIDEO_TYPE_NAMES, type UploadClaims } from '../contract';
import { ApiError } from '../errors';
import { extensionOf, isVideoExtension } from '../services/filenames';
import type { Transport, UploadRequest } from '../services/upload-session';
import { ownIdsInBody } from './auth';
import { readableSize } from './readable-size';
import { int, text, type Fields } from './validate';

/**
 * The checks every upload session passes, whichever way its bytes then travel
 * (POST /api/upload-url and POST /api/multipart/start take the same body).
 * The type is the extension's one canonical type (`canonicalVideoType`): a listed alias,
 * an empty type or `application/octet-stream` map to it, a type contradicting the
 * extension is refused. Whether the bytes are a video is checked at confirm, on the object.
 */
export function parseUploadRequest(body: Fields, claims: UploadClaims, transport: Transport): UploadRequest {
  const { assignmentid, submissionid } = ownIdsInBody(claims, body, 'assignmentid', 'submissionid');
  const filename = text(body, 'filename', 255);
  // An empty type is what a browser sends for a file its system has no type for.
  const reported = body.mimetype === '' ? '' : text(body, 'mimetype', 100);
  const filesize = int(body, 'filesize', 0, Number.MAX_SAFE_INTEGER);
  if (filesize < 1) throw new ApiError('INVALID_REQUEST', 'The file is empty.', 'filesize');
  if (filesize > claims.maxbytes) {
    throw new ApiError('FILE_TOO_LARGE', `The file is larger than this assignment's limit of ${readableSize(claims.maxbytes)}.`, 'filesize');
  }
  const ext = extensionOf(filename);
  const mimetype = isVideoExtension(ext) ? canonicalVideoType(ext, reported) : null;
  if (mimetype === null) {
    throw new ApiError('UNSUPPORTED_TYPE', `Only video files are allowed: ${VIDEO_TYPE_NAMES}.`, isVideoExtension(ext) ? 'mimetype' : 'filename');
  }
  // The store counts the whole POST body against its single-upload limit: never grant a POST it would refuse.
  if (transport === 'post' && filesize > MAX_POST_BYTES) {
    throw new ApiError('USE_MULTIPART', `Files over ${MAX_POST_BYTES / 1024 ** 3} GB are sent in parts: use /api/multipart/start.`, 'filesize');
  }
  return { assignmentid, submissionid, filename, filesize, mimetype };
}
