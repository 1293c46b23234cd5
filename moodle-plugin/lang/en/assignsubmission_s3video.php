<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Strings for component 'assignsubmission_s3video', language 'en'.
 *
 * @package    assignsubmission_s3video
 * @copyright  2026 s3video contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

$string['allowedtypes'] = 'Allowed video types';
$string['allowedtypes_desc'] = 'The containers students may hand in. The uploader offers only these, and saving refuses a video of another type. Leaving every box empty allows all of them.';
$string['checkconnection'] = 'Check the video service connection';
$string['checkerror'] = 'The video service answered with HTTP {$a->status}: {$a->message}';
$string['checkreachable'] = 'The video service at {$a->url} is reachable and accepts this site\'s tokens (issuer {$a->issuer}, its clock: {$a->time}).';
$string['checksecretmismatch'] = 'The video service refused this site\'s token: the shared secret differs from the worker\'s MOODLE_SHARED_SECRET, or this site\'s address is not in the worker\'s MOODLE_ISSUERS. The service said: {$a}';
$string['checkstorageok'] = 'Storage: {$a}';
$string['checkstorageproblem'] = 'Storage needs a change: {$a}';
$string['checkunreachable'] = 'The video service could not be reached ({$a}). Check the URL, and that the site\'s HTTP security settings (blocked hosts and allowed ports) let Moodle reach it.';
$string['claimfailed'] = 'The video could not be attached to your submission: {$a} Your previous video, if any, is unchanged.';
$string['common_cancel'] = 'Cancel';
$string['common_retry'] = 'Retry';
$string['common_try_again_in'] = 'Try again in {$a}.';
$string['dashboard'] = 'Video dashboard';
$string['dashboard_cost'] = 'Estimated cost';
$string['dashboard_cost_detail'] = 'per month: {$a->storage} storage, {$a->delivery} delivery';
$string['dashboard_error_code'] = 'Error code';
$string['dashboard_errors'] = 'Errors by code';
$string['dashboard_errors_count'] = 'Count';
$string['dashboard_failures'] = 'Recent failures';
$string['dashboard_failures_none'] = 'No failures in this period.';
$string['dashboard_loading'] = 'Loading statistics…';
$string['dashboard_manage'] = 'Manage videos';
$string['dashboard_message'] = 'Message';
$string['dashboard_period'] = 'Period';
$string['dashboard_period_days'] = 'Last {$a} days';
$string['dashboard_storage'] = 'Total storage';
$string['dashboard_storage_detail'] = '{$a} videos stored';
$string['dashboard_success_rate'] = 'Success rate';
$string['dashboard_success_rate_detail'] = '{$a->ok} of {$a->total} uploads';
$string['dashboard_uploads'] = 'Total uploads';
$string['dashboard_uploads_detail'] = '{$a} failed';
$string['dashboard_video'] = 'Video';
$string['dashboard_when'] = 'When';
$string['dashboard_who'] = 'User';
$string['default'] = 'Enabled by default';
$string['default_help'] = 'If set, video submissions are enabled by default for all new assignments.';
$string['deletefailed'] = 'The video service could not delete the videos {$a}; the task will try again.';
$string['edgeheading'] = 'Video service';
$string['edgeheading_desc'] = 'Videos are uploaded and played through the s3video edge worker. After saving its URL and secret, <a href="{$a}">check the connection</a>.';
$string['edgeurl'] = 'Edge URL';
$string['edgeurl_desc'] = 'The address of the s3video worker, for example https://s3video-edge.example.workers.dev.';
$string['enabled'] = 'Video submissions';
$string['enabled_help'] = 'If enabled, students can upload a video of up to 5 GB as their submission. The video goes straight from their browser to cloud storage and teachers watch it in the browser.';
$string['eventassessableuploaded'] = 'A video has been uploaded.';
$string['limitsheading'] = 'Limits';
$string['maxbytes'] = 'Maximum video size';
$string['maxbytes_desc'] = 'The default, and the largest size an assignment may allow. 5 GB is the most cloud storage accepts in one upload.';
$string['maximumsize'] = 'Maximum video size';
$string['maximumsize_help'] = 'Videos students upload may be up to this size.';
$string['notallowed'] = 'You are not allowed to do this with this video.';
$string['notconfigured'] = 'Video submissions are not set up yet: a site administrator must enter the video service URL and shared secret.';
$string['novideo'] = 'No video has been submitted.';
$string['onlyownercanupload'] = 'Only the student can upload a video to their own submission.';
$string['player_buffering'] = 'Buffering…';
$string['player_captions_add'] = 'Add captions';
$string['player_captions_done'] = 'Captions “{$a}” attached.';
$string['player_captions_failed'] = 'The captions could not be attached. Try again.';
$string['player_captions_file'] = 'Caption file (WebVTT .vtt or SubRip .srt)';
$string['player_captions_invalid_empty'] = 'The caption file is empty.';
$string['player_captions_invalid_encoding'] = 'The caption file is not UTF-8 text. Save it as UTF-8 (most subtitle editors offer it) and try again.';
$string['player_captions_invalid_header'] = 'This is not a WebVTT or SubRip caption file: a WebVTT file starts with the line WEBVTT, a SubRip file with numbered cues and their times.';
$string['player_captions_invalid_no_cues'] = 'The caption file has no captions in it.';
$string['player_captions_invalid_timing'] = 'A caption time in the file is malformed or out of order (line {$a}). Times look like 00:01:02.500 --> 00:01:04.000, each cue after the one before.';
$string['player_captions_invalid_too_large'] = 'The caption file is too large: at most 512 KB.';
$string['player_captions_label'] = 'Name in the captions menu';
$string['player_captions_language'] = 'Language';
$string['player_captions_send'] = 'Attach captions';
$string['player_captions_sending'] = 'Attaching captions…';
$string['player_checksum'] = 'MD5 checksum';
$string['player_download'] = 'Download';
$string['player_download_failed'] = 'The download could not start. Try again.';
$string['player_download_hint'] = 'Download the file to watch it in a video player such as VLC, or ask the student for an MP4 (H.264) copy.';
$string['player_error_damaged'] = 'This video cannot be played: the file is damaged or is not a video.';
$string['player_error_damaged_hint'] = 'Ask the student to export the video again and hand it in anew.';
$string['player_error_denied'] = 'Access denied';
$string['player_error_failed'] = 'Playback failed, try refreshing';
$string['player_error_format'] = 'Video format not supported';
$string['player_error_format_hint'] = 'This browser plays: {$a}';
$string['player_error_network'] = 'Check your connection';
$string['player_error_ratelimited'] = 'Too many videos were opened in the last hour.';
$string['player_error_unavailable'] = 'Video not available';
$string['player_label'] = 'Submitted video';
$string['player_loading'] = 'Loading video…';
$string['pluginname'] = 'Video submissions';
$string['privacy:export:removed'] = 'The video itself was deleted from storage; only its details remain.';
$string['privacy:export:unavailable'] = 'A download link for the video could not be made ({$a}). Ask the site administrator for a copy.';
$string['privacy:metadata:assignsubmission_s3video'] = 'The link from a submission to its video in cloud storage.';
$string['privacy:metadata:assignsubmission_s3video:duration'] = 'The length of the video, in seconds.';
$string['privacy:metadata:assignsubmission_s3video:filesize'] = 'The size of the video, in bytes.';
$string['privacy:metadata:assignsubmission_s3video:mimetype'] = 'The type of the video file.';
$string['privacy:metadata:assignsubmission_s3video:s3key'] = 'Where the video is stored, including the name of the uploaded file.';
$string['privacy:metadata:assignsubmission_s3video:submission'] = 'The submission the video belongs to.';
$string['privacy:metadata:assignsubmission_s3video:timecreated'] = 'When the video was first attached to the submission.';
$string['privacy:metadata:assignsubmission_s3video:videoid'] = 'The video\'s identifier in the video service.';
$string['privacy:metadata:edge'] = 'Videos are uploaded to and played from an external video service (a Cloudflare worker, Amazon S3 storage and the CloudFront network). Moodle sends it short-lived signed tokens naming the user and the submission.';
$string['privacy:metadata:edge:assignmentname'] = 'The name of the assignment, shown to the site administrators in the list of videos.';
$string['privacy:metadata:edge:captions'] = 'Caption files a student or teacher attached to the video, with their language, name and who attached them; exported as download links like the video, deleted with it.';
$string['privacy:metadata:edge:coursename'] = 'The name of the course, shown to the site administrators in the list of videos.';
$string['privacy:metadata:edge:events'] = 'A log of uploads, failures, playbacks and deletions, with the user\'s id and role.';
$string['privacy:metadata:edge:exportlink'] = 'For an export of a user\'s data, the video service signs a link to download the video itself. The link works for 7 days, for anyone who has it.';
$string['privacy:metadata:edge:filename'] = 'The name of the uploaded file.';
$string['privacy:metadata:edge:fullname'] = 'The full name of the student who uploads, shown to the site administrators in the list of videos.';
$string['privacy:metadata:edge:poster'] = 'A small still image taken from the video in the student\'s browser, stored beside the video and deleted with it.';
$string['privacy:metadata:edge:userid'] = 'The id of the user who uploads or watches a video.';
$string['privacy:metadata:edge:video'] = 'The video itself, stored in Amazon S3 and played through CloudFront.';
$string['receipt_expired'] = 'This upload is too old to be attached. Please upload the video again.';
$string['receipt_foreign_site'] = 'This upload was made for another site and cannot be attached here.';
$string['receipt_foreign_submission'] = 'This upload belongs to another submission. Please upload the video again from this page.';
$string['receipt_foreign_user'] = 'This upload was made by another user and cannot be attached to your submission.';
$string['receipt_malformed'] = 'The upload confirmation is incomplete. Please upload the video again.';
$string['receipt_tampered'] = 'The upload confirmation is not valid. Please upload the video again.';
$string['s3video:manage'] = 'Manage the video service: dashboard, list and deletion of every video';
$string['sharedsecret'] = 'Shared secret';
$string['sharedsecret_desc'] = 'The secret this site and the worker both know (the worker\'s MOODLE_SHARED_SECRET): it signs every token and receipt. At least 32 characters; generate a random one.';
$string['sharedsecrettooshort'] = 'The shared secret must be at least {$a} characters long.';
$string['status_deleted'] = 'Removed';
$string['status_deleted_admin'] = 'Deleted by an administrator on {$a}';
$string['status_deleted_other'] = 'Deleted on {$a}';
$string['status_deleted_retention'] = 'Removed after the retention period, on {$a}';
$string['status_gone'] = 'Not found at the video service';
$string['status_othercopy'] = 'This copy of the course cannot play the original\'s video — open it in the original course';
$string['status_ready'] = 'Ready';
$string['status_replaced'] = 'Replaced by a newer video';
$string['status_unavailable'] = 'Status unavailable: the video service did not answer';
$string['taskdeletevideos'] = 'Delete videos at the video service';
$string['toolarge'] = 'This video is larger than this assignment allows ({$a}).';
$string['typenotallowed'] = 'This type of video is not allowed. Allowed types: {$a}.';
$string['upload_accepted'] = '{$a->types}, up to {$a->limit}';
$string['upload_cancelled'] = 'Upload cancelled.';
$string['upload_choose'] = 'Choose a video';
$string['upload_choose_other'] = 'Choose another file';
$string['upload_current'] = 'Current video';
$string['upload_current_details'] = '{$a->size}, uploaded {$a->date}';
$string['upload_drop'] = 'Drag and drop a video here, or';
$string['upload_error_checksum'] = 'The video that reached storage is not exactly the file you chose: it changed on the way.';
$string['upload_error_checksum_hint'] = 'Retry to send it again. If it happens again, close any program that has the file open, or try another network.';
$string['upload_error_confirm'] = 'The video reached storage, but the upload could not be finished.';
$string['upload_error_denied'] = 'The storage service refused the upload.';
$string['upload_error_denied_hint'] = 'Retry. If it happens again, tell your teacher.';
$string['upload_error_empty'] = 'The file is empty.';
$string['upload_error_failed'] = 'The upload failed.';
$string['upload_error_interrupted'] = 'Upload interrupted';
$string['upload_error_interrupted_hint'] = 'Check your connection, then retry.';
$string['upload_error_mismatch'] = 'The content of this file is {$a->found} video, but its name ends in .{$a->ext}. Rename it to match its content, then choose it again.';
$string['upload_error_notvideo'] = 'This file is not a video: its content is none of {$a}, whatever its name says.';
$string['upload_error_notvideo_hint'] = 'Choose the video file itself (not a shortcut, document or archive), or export the video again from your camera or editor.';
$string['upload_error_ratelimited'] = 'Too many uploads were started in the last hour.';
$string['upload_error_session'] = 'Your session has expired. Reload the page and try again.';
$string['upload_error_toolarge'] = 'File size exceeds {$a} limit';
$string['upload_error_toolarge_hint'] = 'Compress the video (for example with HandBrake) or trim it, then try again.';
$string['upload_error_type'] = 'Only video files are allowed: {$a}';
$string['upload_error_unavailable'] = 'The storage service is not responding.';
$string['upload_error_unavailable_hint'] = 'Wait a few minutes, then retry.';
$string['upload_label'] = 'Video submission';
$string['upload_leave_confirm'] = 'Stop the upload and leave';
$string['upload_leave_keep'] = 'Keep uploading';
$string['upload_leave_question'] = 'Cancel stops the upload in progress. The video saved before stays your submission.';
$string['upload_leave_question_none'] = 'Cancel stops the upload in progress. No video is handed in.';
$string['upload_offline'] = 'No connection. The upload goes on by itself when you are back online.';
$string['upload_processing'] = 'Finalizing upload…';
$string['upload_progress'] = '{$a->percent} % ({$a->sent} of {$a->total})';
$string['upload_progress_label'] = 'Upload progress';
$string['upload_replace'] = 'Replace';
$string['upload_resume_offer'] = 'The upload of {$a} stopped before it finished. Choose the same file again to go on from where it stopped.';
$string['upload_resuming'] = 'Resuming upload — {$a->done} of {$a->total} parts already sent';
$string['upload_save_dropped'] = 'The upload did not finish, so nothing was saved.';
$string['upload_save_held'] = 'Saving when the upload finishes…';
$string['upload_save_held_release'] = 'Cancel saving';
$string['upload_success'] = 'Upload complete!';
$string['upload_success_hint'] = 'Save changes to hand in this video.';
$string['upload_timeleft'] = 'About {$a} left';
$string['upload_uploading'] = 'Uploading {$a}';
$string['upload_validating'] = 'Checking your file…';
$string['uploadclosed'] = 'Submissions are closed: no video can be uploaded now.';
$string['videos'] = 'Videos';
$string['videos_all'] = 'All';
$string['videos_apply'] = 'Filter';
$string['videos_assignment'] = 'Assignment';
$string['videos_checksum'] = 'MD5 checksum';
$string['videos_course'] = 'Course';
$string['videos_date'] = 'Uploaded';
$string['videos_delete'] = 'Delete';
$string['videos_delete_confirm'] = 'Delete “{$a->filename}” by {$a->fullname}? The video is removed from storage and can no longer be watched.';
$string['videos_delete_done'] = 'Video deleted.';
$string['videos_delete_failed'] = 'The video could not be deleted: {$a}';
$string['videos_delete_title'] = 'Delete video';
$string['videos_empty'] = 'No videos match these filters.';
$string['videos_error_load'] = 'The videos could not be loaded.';
$string['videos_filters'] = 'Filters';
$string['videos_key'] = 'S3 key';
$string['videos_loading'] = 'Loading videos…';
$string['videos_next'] = 'Next page';
$string['videos_page'] = 'Page {$a->page} of {$a->pages}';
$string['videos_pagination'] = 'Pages';
$string['videos_perpage'] = 'Per page';
$string['videos_previous'] = 'Previous page';
$string['videos_search'] = 'Search';
$string['videos_search_hint'] = 'Name, course, assignment, file or key';
$string['videos_status'] = 'Status';
$string['videos_status_deleted'] = 'Deleted';
$string['videos_status_deleted_on'] = 'Deleted on {$a}';
$string['videos_status_error'] = 'Error';
$string['videos_status_pending'] = 'Uploading';
$string['videos_status_ready'] = 'Ready';
$string['videos_status_replaced'] = 'Replaced';
$string['videos_status_replaced_on'] = 'Replaced by a newer video on {$a}';
$string['videos_student'] = 'Student';
$string['videos_title'] = 'Submitted videos';
$string['videos_total'] = 'Videos found: {$a}';
