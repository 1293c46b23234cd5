/**
 * Every text the components show, keyed as in the plugin's lang file
 * (`moodle-plugin/lang/en/assignsubmission_s3video.php`, the source of truth;
 * a test checks it defines each key with this same English text).
 *
 * Placeholders follow Moodle: `{$a}` for one value, `{$a->name}` for several.
 * The English here is what an element shows until the loader hands it the
 * strings of the user's language from `core/str`.
 */
export const STRINGS = {
  common_cancel: 'Cancel',
  common_retry: 'Retry',
  common_try_again_in: 'Try again in {$a}.',

  upload_accepted: '{$a->types}, up to {$a->limit}',
  upload_cancelled: 'Upload cancelled.',
  upload_choose: 'Choose a video',
  upload_choose_other: 'Choose another file',
  upload_current: 'Current video',
  upload_current_details: '{$a->size}, uploaded {$a->date}',
  upload_drop: 'Drag and drop a video here, or',
  upload_error_checksum: 'The video that reached storage is not exactly the file you chose: it changed on the way.',
  upload_error_checksum_hint: 'Retry to send it again. If it happens again, close any program that has the file open, or try another network.',
  upload_error_confirm: 'The video reached storage, but the upload could not be finished.',
  upload_error_denied: 'The storage service refused the upload.',
  upload_error_denied_hint: 'Retry. If it happens again, tell your teacher.',
  upload_error_empty: 'The file is empty.',
  upload_error_failed: 'The upload failed.',
  upload_error_interrupted: 'Upload interrupted',
  upload_error_interrupted_hint: 'Check your connection, then retry.',
  upload_error_mismatch: 'The content of this file is {$a->found} video, but its name ends in .{$a->ext}. Rename it to match its content, then choose it again.',
  upload_error_notvideo: 'This file is not a video: its content is none of {$a}, whatever its name says.',
  upload_error_notvideo_hint: 'Choose the video file itself (not a shortcut, document or archive), or export the video again from your camera or editor.',
  upload_error_ratelimited: 'Too many uploads were started in the last hour.',
  upload_error_session: 'Your session has expired. Reload the page and try again.',
  upload_error_toolarge: 'File size exceeds {$a} limit',
  upload_error_toolarge_hint: 'Compress the video (for example with HandBrake) or trim it, then try again.',
  upload_error_type: 'Only video files are allowed: {$a}',
  upload_error_unavailable: 'The storage service is not responding.',
  upload_error_unavailable_hint: 'Wait a few minutes, then retry.',
  upload_label: 'Video submission',
  upload_leave_confirm: 'Stop the upload and leave',
  upload_leave_keep: 'Keep uploading',
  upload_leave_question: 'Cancel stops the upload in progress. The video saved before stays your submission.',
  upload_leave_question_none: 'Cancel stops the upload in progress. No video is handed in.',
  upload_offline: 'No connection. The upload goes on by itself when you are back online.',
  upload_processing: 'Finalizing upload…',
  upload_progress: '{$a->percent} % ({$a->sent} of {$a->total})',
  upload_progress_label: 'Upload progress',
  upload_replace: 'Replace',
  upload_resume_offer: 'The upload of {$a} stopped before it finished. Choose the same file again to go on from where it stopped.',
  upload_resuming: 'Resuming upload — {$a->done} of {$a->total} parts already sent',
  upload_save_dropped: 'The upload did not finish, so nothing was saved.',
  upload_save_held: 'Saving when the upload finishes…',
  upload_save_held_release: 'Cancel saving',
  upload_success: 'Upload complete!',
  upload_success_hint: 'Save changes to hand in this video.',
  upload_timeleft: 'About {$a} left',
  upload_uploading: 'Uploading {$a}',
  upload_validating: 'Checking your file…',

  player_buffering: 'Buffering…',
  player_captions_add: 'Add captions',
  player_captions_done: 'Captions “{$a}” attached.',
  player_captions_failed: 'The captions could not be attached. Try again.',
  player_captions_file: 'Caption file (WebVTT .vtt or SubRip .srt)',
  player_captions_invalid_empty: 'The caption file is empty.',
  player_captions_invalid_encoding: 'The caption file is not UTF-8 text. Save it as UTF-8 (most subtitle editors offer it) and try again.',
  player_captions_invalid_header: 'This is not a WebVTT or SubRip caption file: a WebVTT file starts with the line WEBVTT, a SubRip file with numbered cues and their times.',
  player_captions_invalid_no_cues: 'The caption file has no captions in it.',
  player_captions_invalid_timing: 'A caption time in the file is malformed or out of order (line {$a}). Times look like 00:01:02.500 --> 00:01:04.000, each cue after the one before.',
  player_captions_invalid_too_large: 'The caption file is too large: at most 512 KB.',
  player_captions_label: 'Name in the captions menu',
  player_captions_language: 'Language',
  player_captions_send: 'Attach captions',
  player_captions_sending: 'Attaching captions…',
  player_checksum: 'MD5 checksum',
  player_download: 'Download',
  player_download_failed: 'The download could not start. Try again.',
  player_download_hint: 'Download the file to watch it in a video player such as VLC, or ask the student for an MP4 (H.264) copy.',
  player_error_damaged: 'This video cannot be played: the file is damaged or is not a video.',
  player_error_damaged_hint: 'Ask the student to export the video again and hand it in anew.',
  player_error_denied: 'Access denied',
  player_error_failed: 'Playback failed, try refreshing',
  player_error_format: 'Video format not supported',
  player_error_format_hint: 'This browser plays: {$a}',
  player_error_network: 'Check your connection',
  player_error_ratelimited: 'Too many videos were opened in the last hour.',
  player_error_unavailable: 'Video not available',
  player_label: 'Submitted video',
  player_loading: 'Loading video…',

  dashboard_cost: 'Estimated cost',
  dashboard_cost_detail: 'per month: {$a->storage} storage, {$a->delivery} delivery',
  dashboard_error_code: 'Error code',
  dashboard_errors: 'Errors by code',
  dashboard_errors_count: 'Count',
  dashboard_failures: 'Recent failures',
  dashboard_failures_none: 'No failures in this period.',
  dashboard_loading: 'Loading statistics…',
  dashboard_manage: 'Manage videos',
  dashboard_message: 'Message',
  dashboard_period: 'Period',
  dashboard_period_days: 'Last {$a} days',
  dashboard_storage: 'Total storage',
  dashboard_storage_detail: '{$a} videos stored',
  dashboard_success_rate: 'Success rate',
  dashboard_success_rate_detail: '{$a->ok} of {$a->total} uploads',
  dashboard_uploads: 'Total uploads',
  dashboard_uploads_detail: '{$a} failed',
  dashboard_video: 'Video',
  dashboard_when: 'When',
  dashboard_who: 'User',

  videos_all: 'All',
  videos_apply: 'Filter',
  videos_assignment: 'Assignment',
  videos_checksum: 'MD5 checksum',
  videos_course: 'Course',
  videos_date: 'Uploaded',
  videos_delete: 'Delete',
  videos_delete_confirm: 'Delete “{$a->filename}” by {$a->fullname}? The video is removed from storage and can no longer be watched.',
  videos_delete_done: 'Video deleted.',
  videos_delete_failed: 'The video could not be deleted: {$a}',
  videos_delete_title: 'Delete video',
  videos_empty: 'No videos match these filters.',
  videos_error_load: 'The videos could not be loaded.',
  videos_filters: 'Filters',
  videos_key: 'S3 key',
  videos_loading: 'Loading videos…',
  videos_next: 'Next page',
  videos_page: 'Page {$a->page} of {$a->pages}',
  videos_pagination: 'Pages',
  videos_perpage: 'Per page',
  videos_previous: 'Previous page',
  videos_search: 'Search',
  videos_search_hint: 'Name, course, assignment, file or key',
  videos_status: 'Status',
  videos_status_deleted: 'Deleted',
  videos_status_deleted_on: 'Deleted on {$a}',
  videos_status_error: 'Error',
  videos_status_pending: 'Uploading',
  videos_status_ready: 'Ready',
  videos_status_replaced: 'Replaced',
  videos_status_replaced_on: 'Replaced by a newer video on {$a}',
  videos_student: 'Student',
  videos_title: 'Submitted videos',
  videos_total: 'Videos found: {$a}',
} as const;

export type StringKey = keyof typeof STRINGS;

/** What an element's `strings` property holds: any subset, English fills the rest. */
export type Strings = Partial<Record<StringKey, string>>;

/** The value of a placeholder: one scalar for `{$a}`, named ones for `{$a->name}`. */
export type StringParam = string | number | Record<string, string | number>;

/** Moodle's substitution, done here because the loader fetches each string once, unfilled. */
export function format(template: string, a?: StringParam): string {
  if (a === undefined) return template;
  if (typeof a !== 'object') return template.replaceAll('{$a}', String(a));
  return template.replace(/\{\$a->([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.hasOwn(a, name) ? String(a[name]) : whole,
  );
}

export const STRING_COMPONENT = 'assignsubmission_s3video';

/** The keys one kind of element uses, so the loader asks Moodle for those only. */
export function stringKeys(...prefixes: string[]): StringKey[] {
  return (Object.keys(STRINGS) as StringKey[]).filter((key) => prefixes.some((p) => key.startsWith(p)));
}

