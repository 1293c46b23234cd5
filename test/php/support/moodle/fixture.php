<?php
// TEST FIXTURE — builds one course (id 2) with one assignment (course module 7) in the stand-in
// site: the plugin's settings, users with their enrolments and capabilities, groups, submissions.

declare(strict_types=1);

final class assign_fixture {
    public const SECRET = 'a-shared-secret-of-at-least-32-characters';
    public const CMID = 7;

    /** An assignment with the plugin enabled; $settings override the assign record. */
    public static function assign(array $settings = [], int $groupmode = NOGROUPS, string $coursename = 'Film 101'): \assign {
        global $DB;
        standin_site::$config['assignsubmission_s3video'] = [
            'edgeurl' => standin_site::$config['assignsubmission_s3video']['edgeurl'] ?? 'https://edge.example.net',
            'sharedsecret' => self::SECRET,
        ];
        $id = $DB->insert_record('assign', array_merge([
            'course' => 2, 'name' => 'Final cut', 'teamsubmission' => 0, 'preventsubmissionnotingroup' => 0,
            'teamsubmissiongroupingid' => 0, 'requireallteammemberssubmit' => 0, 'submissiondrafts' => 0,
            'allowsubmissionsfromdate' => 0, 'duedate' => 0, 'cutoffdate' => 0, 'timelimit' => 0,
            'blindmarking' => 0,
        ], $settings));
        $cm = (object) ['id' => self::CMID, 'instance' => $id, 'course' => 2, 'groupmode' => $groupmode, 'groupingid' => 0];
        standin_site::$cms[self::CMID] = $cm;
        $DB->insert_record('assign_plugin_config', ['assignment' => $id, 'plugin' => 's3video', 'name' => 'enabled', 'value' => 1]);
        return new \assign(context_module::instance(self::CMID), $cm, (object) ['id' => 2, 'fullname' => $coursename]);
    }

    public static function student(int $id, string $enrolment = 'active'): \stdClass {
        standin_site::$enrolments[$id] = $enrolment;
        standin_site::grant($id, 'mod/assign:view', 'mod/assign:submit');
        return (object) ['id' => $id, 'firstname' => 'Student', 'lastname' => (string) $id];
    }

    /** A non-editing teacher: grades, sees no other groups' work, nor suspended students. */
    public static function teacher(int $id, string ...$extra): \stdClass {
        standin_site::$enrolments[$id] = 'active';
        standin_site::grant($id, 'mod/assign:view', 'mod/assign:grade', 'mod/assign:viewgrades', ...$extra);
        return (object) ['id' => $id, 'firstname' => 'Teacher', 'lastname' => (string) $id];
    }

    public static function submission(\assign $assign, int $userid, int $groupid = 0, string $status = 'new'): \stdClass {
        global $DB;
        $id = $DB->insert_record('assign_submission', [
            'assignment' => $assign->get_instance()->id, 'userid' => $userid, 'groupid' => $groupid,
            'status' => $status, 'latest' => 1, 'attemptnumber' => 0, 'timecreated' => standin_site::$now,
            'timemodified' => standin_site::$now,
        ]);
        return $DB->get_record('assign_submission', ['id' => $id]);
    }

    public static function login(\stdClass $user): void {
        global $USER;
        $USER = $user;
    }

    /** The claims of a token, verified with the shared secret as the edge does. */
    public static function claims(string $token): array {
        \Firebase\JWT\JWT::$timestamp = standin_site::$now;
        try {
            return (array) \Firebase\JWT\JWT::decode($token, new \Firebase\JWT\Key(self::SECRET, 'HS256'));
        } finally {
            \Firebase\JWT\JWT::$timestamp = null;
        }
    }
}
