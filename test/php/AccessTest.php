<?php
// Who gets which token, asked of mod_assign (the stand-in model of support/moodle/mod-assign.php):
// groups, suspended and unenrolled owners, team submissions, cut-off dates, plain-text names.

declare(strict_types=1);

use assignsubmission_s3video\access;
use PHPUnit\Framework\TestCase;

final class AccessTest extends TestCase {
    protected function setUp(): void {
        standin_site::reset();
    }

    private static function refused(callable $call): bool {
        try {
            $call();
            return false;
        } catch (moodle_exception $e) {
            return $e->errorcode === 'notallowed';
        }
    }

    public function test_a_separate_groups_teacher_gets_no_view_token_for_another_groups_submission(): void {
        $assign = assign_fixture::assign([], SEPARATEGROUPS);
        assign_fixture::student(11);
        assign_fixture::student(12);
        $teacher = assign_fixture::teacher(3);
        standin_site::group(1, 'A', 11, 3);
        standin_site::group(2, 'B', 12);
        $own = assign_fixture::submission($assign, 11);
        $other = assign_fixture::submission($assign, 12);
        assign_fixture::login($teacher);

        $this->assertSame('teacher', access::view_role($assign, $own, 3));
        $this->assertNull(access::view_role($assign, $other, 3), 'group B is not in the teacher\'s grading table');
        $this->assertTrue(self::refused(fn() => access::view_token($assign, $other, $teacher)));

        // With moodle/site:accessallgroups (an editing teacher) Moodle lists every group, and so do the tokens.
        standin_site::grant(3, 'moodle/site:accessallgroups');
        $this->assertSame('teacher', access::view_role($assign, $other, 3));
    }

    public function test_a_teacher_in_no_group_sees_nothing_in_separate_groups(): void {
        $assign = assign_fixture::assign([], SEPARATEGROUPS);
        assign_fixture::student(11);
        standin_site::group(1, 'A', 11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assertNull(access::view_role($assign, $submission, 3));
    }

    public function test_visible_groups_and_no_groups_do_not_filter(): void {
        foreach ([VISIBLEGROUPS, NOGROUPS] as $mode) {
            standin_site::reset();
            $assign = assign_fixture::assign([], $mode);
            assign_fixture::student(12);
            standin_site::group(2, 'B', 12);
            assign_fixture::login(assign_fixture::teacher(3));
            $this->assertSame('teacher', access::view_role($assign, assign_fixture::submission($assign, 12), 3), "group mode {$mode}");
        }
    }

    public function test_a_suspended_owners_video_is_for_those_who_may_see_suspended_students(): void {
        $assign = assign_fixture::assign();
        $student = assign_fixture::student(11, 'suspended');
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assertNull(access::view_role($assign, $submission, 3));

        standin_site::grant(3, 'moodle/course:viewsuspendedusers');
        $this->assertSame('teacher', access::view_role($assign, $submission, 3));

        // The suspended student has lost the course: no upload token, whatever the dates say.
        assign_fixture::login($student);
        $this->assertFalse(access::can_upload($assign, $submission, 11));
        $this->assertTrue(self::refused(fn() => access::upload_token($assign, $submission, $student)));
    }

    public function test_an_unenrolled_owners_video_is_for_nobody_in_the_course(): void {
        $assign = assign_fixture::assign();
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login(assign_fixture::teacher(3, 'moodle/course:viewsuspendedusers'));
        $this->assertNull(access::view_role($assign, $submission, 3));
    }

    public function test_a_token_is_only_for_the_sessions_user(): void {
        $assign = assign_fixture::assign();
        $student = assign_fixture::student(11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assertNull(access::view_role($assign, $submission, 11), 'mod_assign answers for $USER, not for 11');
        $this->assertTrue(self::refused(fn() => access::upload_token($assign, $submission, $student)));
    }

    public function test_students_must_submit_in_a_group_refuses_a_student_in_no_group_or_two(): void {
        $assign = assign_fixture::assign(['teamsubmission' => 1, 'preventsubmissionnotingroup' => 1]);
        foreach ([11, 12, 13] as $id) {
            assign_fixture::student($id);
        }
        standin_site::group(1, 'A', 11, 13);
        standin_site::group(2, 'B', 13);
        $team = assign_fixture::submission($assign, 0, 1);
        $default = assign_fixture::submission($assign, 0, 0);

        $this->assertTrue(access::can_upload($assign, $team, 11), 'one group: the team submission');
        $this->assertFalse(access::can_upload($assign, $default, 12), 'no group');
        $this->assertFalse(access::can_upload($assign, $default, 13), 'two groups');
        $this->assertFalse(access::can_upload($assign, $team, 13), 'two groups: not group A\'s member for submitting');
    }

    public function test_without_the_group_rule_a_student_in_two_groups_submits_into_the_default_team(): void {
        $assign = assign_fixture::assign(['teamsubmission' => 1]);
        assign_fixture::student(13);
        standin_site::group(1, 'A', 13);
        standin_site::group(2, 'B', 13);
        $team = assign_fixture::submission($assign, 0, 1);
        $default = assign_fixture::submission($assign, 0, 0);
        $this->assertTrue(access::can_upload($assign, $default, 13));
        $this->assertFalse(access::can_upload($assign, $team, 13));
    }

    public function test_a_team_submission_is_viewed_by_its_members_and_by_their_groups_teachers(): void {
        $assign = assign_fixture::assign(['teamsubmission' => 1], SEPARATEGROUPS);
        assign_fixture::student(11);
        assign_fixture::student(12);
        standin_site::group(1, 'A', 11, 3);
        standin_site::group(2, 'B', 12, 4);
        $team = assign_fixture::submission($assign, 0, 1);
        assign_fixture::login((object) ['id' => 11]);
        $this->assertSame('student', access::view_role($assign, $team, 11));
        assign_fixture::login((object) ['id' => 12]);
        $this->assertNull(access::view_role($assign, $team, 12), 'another team');
        assign_fixture::login(assign_fixture::teacher(3));
        $this->assertSame('teacher', access::view_role($assign, $team, 3));
        assign_fixture::login(assign_fixture::teacher(4));
        $this->assertNull(access::view_role($assign, $team, 4), 'group B\'s teacher');
    }

    public function test_no_upload_token_after_the_cut_off(): void {
        $assign = assign_fixture::assign(['cutoffdate' => standin_site::$now - 1]);
        $student = assign_fixture::student(11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login($student);
        $this->assertTrue(self::refused(fn() => access::upload_token($assign, $submission, $student)));
    }

    public function test_an_upload_token_asked_for_just_before_the_cut_off_ends_at_it(): void {
        $cutoff = standin_site::$now + 120;
        $assign = assign_fixture::assign(['cutoffdate' => $cutoff]);
        $student = assign_fixture::student(11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login($student);
        $claims = assign_fixture::claims(access::upload_token($assign, $submission, $student));
        $this->assertSame($cutoff, $claims['exp']);
        $this->assertSame(standin_site::$now, $claims['iat']);
    }

    public function test_the_cut_off_is_the_users_own_after_overrides_and_extensions(): void {
        global $DB;
        $now = standin_site::$now;
        $assign = assign_fixture::assign(['cutoffdate' => $now - 3600]);
        $student = assign_fixture::student(11);
        standin_site::group(1, 'A', 11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login($student);
        $id = $assign->get_instance()->id;

        $DB->insert_record('assign_overrides', ['assignid' => $id, 'groupid' => 1, 'userid' => null, 'sortorder' => 1,
            'cutoffdate' => $now + 600, 'duedate' => null, 'allowsubmissionsfromdate' => null, 'timelimit' => null]);
        $this->assertSame($now + 600, access::upload_deadline($assign, 11), 'the group override');

        $DB->insert_record('assign_overrides', ['assignid' => $id, 'groupid' => null, 'userid' => 11, 'sortorder' => null,
            'cutoffdate' => $now + 900, 'duedate' => null, 'allowsubmissionsfromdate' => null, 'timelimit' => null]);
        $fresh = new assign(context_module::instance(assign_fixture::CMID), $assign->get_course_module(), $assign->get_course());
        $this->assertSame($now + 900, access::upload_deadline($fresh, 11), 'the user override wins');

        $DB->insert_record('assign_user_flags', ['assignment' => $id, 'userid' => 11, 'locked' => 0, 'extensionduedate' => $now + 1800]);
        $claims = assign_fixture::claims(access::upload_token($fresh, $submission, $student));
        $this->assertSame($now + 1800, $claims['exp'], 'an extension beyond the cut-off');
    }

    public function test_no_cut_off_leaves_the_six_hours(): void {
        $assign = assign_fixture::assign(['duedate' => standin_site::$now + 60]);
        $student = assign_fixture::student(11);
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login($student);
        $claims = assign_fixture::claims(access::upload_token($assign, $submission, $student));
        $this->assertSame(standin_site::$now + 6 * 3600, $claims['exp']);
    }

    public function test_a_locked_submission_or_a_submitted_draft_gets_no_upload_token(): void {
        global $DB;
        $assign = assign_fixture::assign(['submissiondrafts' => 1]);
        assign_fixture::student(11);
        assign_fixture::student(12);
        $submitted = assign_fixture::submission($assign, 11, 0, 'submitted');
        $locked = assign_fixture::submission($assign, 12);
        $DB->insert_record('assign_user_flags', ['assignment' => $assign->get_instance()->id, 'userid' => 12, 'locked' => 1, 'extensionduedate' => 0]);
        $this->assertFalse(access::can_upload($assign, $submitted, 11));
        $this->assertFalse(access::can_upload($assign, $locked, 12));
    }

    public function test_names_travel_as_plain_text(): void {
        $assign = assign_fixture::assign(['name' => 'Essay: <i>Rock & Roll</i>'], NOGROUPS, 'Physics & Chemistry');
        $student = assign_fixture::student(11);
        $student->firstname = 'Élodie';
        $student->lastname = 'Østergård & Co';
        $submission = assign_fixture::submission($assign, 11);
        assign_fixture::login($student);
        $claims = assign_fixture::claims(access::upload_token($assign, $submission, $student));
        $this->assertSame(['Physics & Chemistry', 'Essay: Rock & Roll', 'Élodie Østergård & Co'],
            [$claims['coursename'], $claims['assignmentname'], $claims['fullname']]);

        // A site that keeps tags in names gets cleaned HTML from format_string(): still plain text in the token.
        \core\formatting_standin::$striptags = false;
        $this->assertSame('Physics & Chemistry', access::plain_name('Physics & Chemistry', $assign->get_context()));
    }
}
