<?php
// The summaries tell the edge's truth (one status call per page, an honest fallback when the
// edge is down), the grader shows the player without "+", and Moodle's privacy API calls
// export a download link for the video and have the edge delete it. Against a canned edge
// (support/fake-edge.php) through the plugin's real edge_client.

declare(strict_types=1);

use assignsubmission_s3video\video_status;
use core_privacy\local\request\approved_contextlist;
use core_privacy\local\request\approved_userlist;
use core_privacy\local\request\writer;
use PHPUnit\Framework\TestCase;

require_once(__DIR__ . '/support/fake-edge-server.php');

final class StatusAndPrivacyTest extends TestCase {
    private static fake_edge_server $server;
    private static string $url;
    private static string $state;

    public static function setUpBeforeClass(): void {
        self::$state = tempnam(sys_get_temp_dir(), 's3video-fake-edge-');
        self::$server = fake_edge_server::start(['FAKE_EDGE_STATE' => self::$state]);
        self::$url = self::$server->url;
    }

    public static function tearDownAfterClass(): void {
        self::$server->stop();
        unlink(self::$state);
    }

    private \assign $assign;

    protected function setUp(): void {
        standin_site::reset();
        video_status::reset_caches();
        writer::$exported = [];
        standin_site::$config['assignsubmission_s3video']['edgeurl'] = self::$url;
        $this->assign = assign_fixture::assign();
        $this->edge([]);
    }

    /** @param array<int, array> $statuses */
    private function edge(array $statuses, bool $down = false): void {
        file_put_contents(self::$state, json_encode(['secret' => assign_fixture::SECRET, 'now' => standin_site::$now, 'statuses' => (object) $statuses,
            'down' => $down, 'calls' => []]));
    }

    private static function calls(string $path): array {
        $calls = json_decode((string) file_get_contents(self::$state), true)['calls'];
        return array_values(array_filter($calls, fn(array $c): bool => str_starts_with($c[0], $path)));
    }

    /** A student's submission linked to edge video $videoid. */
    private function linked(int $userid, int $videoid): \stdClass {
        global $DB;
        assign_fixture::student($userid);
        $submission = assign_fixture::submission($this->assign, $userid);
        $DB->insert_record('assignsubmission_s3video', ['assignment' => $this->assign->get_instance()->id,
            'submission' => $submission->id, 'videoid' => $videoid, 's3key' => "videos/{$userid}/1_a/Final_cut.mp4",
            'filesize' => 1024 ** 2, 'duration' => 12.0, 'mimetype' => 'video/mp4', 'status' => 'ready',
            'timecreated' => standin_site::$now, 'timemodified' => standin_site::$now]);
        return $submission;
    }

    private function summary(\stdClass $submission, ?bool &$showviewlink = null): string {
        $showviewlink = null;
        return $this->assign->get_submission_plugin_by_type('s3video')->view_summary($submission, $showviewlink);
    }

    public function test_every_summary_of_a_page_tells_the_edges_state_from_one_call(): void {
        $ready = $this->linked(11, 1);
        $deleted = $this->linked(12, 2);
        $replaced = $this->linked(13, 3);
        $retention = $this->linked(14, 4);
        $restored = $this->linked(15, 5);
        $this->edge([
            1 => ['status' => 'ready', 'submissionid' => (int) $ready->id, 'reason' => null, 'uploaded_at' => '2027-01-01T00:00:00Z'],
            2 => ['status' => 'deleted', 'submissionid' => (int) $deleted->id, 'reason' => 'admin', 'deleted_at' => '2027-01-02T09:30:00Z'],
            3 => ['status' => 'replaced', 'submissionid' => (int) $replaced->id, 'reason' => 'replaced', 'replaced_at' => '2027-01-03T00:00:00Z'],
            4 => ['status' => 'deleted', 'submissionid' => (int) $retention->id, 'reason' => 'retention', 'deleted_at' => '2027-01-04T00:00:00Z'],
            5 => ['status' => 'ready', 'submissionid' => 999999, 'reason' => null],
        ]);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assign->returnaction = 'grading';

        $this->assertStringContainsString('>Ready<', $this->summary($ready));
        $this->assertStringContainsString('Deleted by an administrator on Saturday, 2 January 2027, 9:30 AM', $this->summary($deleted, $link));
        $this->assertFalse($link);
        $this->assertStringContainsString('Replaced by a newer video', $this->summary($replaced));
        $this->assertStringContainsString('Removed after the retention period, on Monday, 4 January 2027', $this->summary($retention));
        $this->assertStringContainsString('This copy of the course cannot play the original', $this->summary($restored));
        $this->assertCount(1, self::calls('/api/video-status'), 'one status call for the whole page');
        $this->assertEqualsCanonicalizing([1, 2, 3, 4, 5], self::calls('/api/video-status')[0][1]['videoids']);
    }

    public function test_an_edge_that_does_not_answer_leaves_an_honest_status(): void {
        $submission = $this->linked(11, 1);
        $this->linked(12, 2);
        $this->edge([], true);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assertStringContainsString('Status unavailable: the video service did not answer', $this->summary($submission));
        $this->assertStringNotContainsString('>Ready<', $this->summary($submission));
        $this->assertCount(1, self::calls('/api/video-status'), 'asked once, not once per row');
    }

    public function test_the_grader_shows_the_player_in_the_summary_and_the_grading_table_does_not(): void {
        $submission = $this->linked(11, 1);
        $this->edge([1 => ['status' => 'ready', 'submissionid' => (int) $submission->id]]);
        assign_fixture::login(assign_fixture::teacher(3));

        $this->assign->returnaction = 'grade';
        $grader = $this->summary($submission, $link);
        $this->assertStringContainsString('<s3v-player', $grader);
        $this->assertFalse($link, 'no "+" to click');

        $this->assign->returnaction = 'grading';
        $this->assertStringNotContainsString('<s3v-player', $this->summary($submission, $link));
        $this->assertFalse($link, 'the table signs no playback URL per row');
    }

    public function test_no_player_for_a_video_the_edge_deleted(): void {
        $submission = $this->linked(11, 1);
        $this->edge([1 => ['status' => 'deleted', 'submissionid' => (int) $submission->id, 'reason' => 'admin', 'deleted_at' => '2027-01-02T00:00:00Z']]);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assign->returnaction = 'grade';
        $this->assertStringNotContainsString('<s3v-player', $this->summary($submission));
        $this->assertStringNotContainsString('<s3v-player', $this->assign->get_submission_plugin_by_type('s3video')->view($submission));
    }

    public function test_the_privacy_export_holds_the_details_and_a_download_link(): void {
        $submission = $this->linked(11, 1);
        $this->edge([1 => ['status' => 'ready', 'submissionid' => (int) $submission->id]]);
        $context = $this->assign->get_context();
        \mod_assign\privacy\provider::export_user_data(new approved_contextlist((object) ['id' => 11], 'mod_assign', [$context->id]));

        $exported = array_values(writer::$exported);
        $this->assertCount(1, $exported);
        $this->assertSame('Final_cut.mp4', $exported[0]->filename);
        $this->assertSame('https://s3.example.net/videos/1?X-Amz-Expires=604800', $exported[0]->download);
        $this->assertSame('2027-01-08T00:00:00+00:00', $exported[0]->downloadexpires);
        $this->assertSame([1], array_column(array_column(self::calls('/api/export-url'), 1), 'videoid'));
    }

    public function test_the_privacy_export_links_the_caption_files_too(): void {
        $this->linked(11, 1);
        $caption = ['language' => 'pt-BR', 'label' => 'Português', 'url' => 'https://s3.example.net/videos/1/captions/pt-BR.vtt?X-Amz-Expires=604800'];
        $this->edge([1 => ['status' => 'ready', 'submissionid' => 1, 'captions' => [$caption]]]);
        $context = $this->assign->get_context();
        \mod_assign\privacy\provider::export_user_data(new approved_contextlist((object) ['id' => 11], 'mod_assign', [$context->id]));
        $exported = array_values(writer::$exported);
        $this->assertSame([['language' => 'pt-BR', 'label' => 'Português', 'download' => $caption['url']]], $exported[0]->captions);
    }

    public function test_the_summary_shows_the_poster_the_status_call_signed_and_no_call_per_row(): void {
        $first = $this->linked(11, 1);
        $second = $this->linked(12, 2);
        $poster = 'https://cdn.example.net/videos/11/1_a/poster.jpg?Expires=1&Signature=x&Key-Pair-Id=K';
        $this->edge([
            1 => ['status' => 'ready', 'submissionid' => (int) $first->id, 'poster_url' => $poster, 'duration' => 12.0],
            2 => ['status' => 'deleted', 'submissionid' => (int) $second->id, 'reason' => 'admin', 'poster_url' => $poster],
        ]);
        $this->assertStringContainsString('<img src="' . s($poster) . '"', $this->summary($first));
        $this->assertStringNotContainsString('<img', $this->summary($second), 'no poster for a deleted video');
        $this->assertCount(1, self::calls('/api/video-status'));
    }

    public function test_privacy_deletion_for_a_user_and_for_users_has_the_edge_delete_the_videos(): void {
        global $DB;
        $this->linked(11, 1);
        $this->linked(12, 2);
        $this->linked(13, 3);
        $context = $this->assign->get_context();

        \mod_assign\privacy\provider::delete_data_for_user(new approved_contextlist((object) ['id' => 11], 'mod_assign', [$context->id]));
        \mod_assign\privacy\provider::delete_data_for_users(new approved_userlist($context, 'mod_assign', [12, 13]));

        $this->assertSame([], $DB->get_records('assignsubmission_s3video'));
        foreach (standin_site::$adhoctasks as $task) {
            $task->execute();
        }
        $this->assertEqualsCanonicalizing(['/api/admin/videos/1', '/api/admin/videos/2', '/api/admin/videos/3'],
            array_column(self::calls('/api/admin/videos'), 0));
    }
}
