<?php
// TEST STAND-IN — not shipped, not used by Moodle.
//
// core_privacy's request API and mod_assign's privacy provider (public/mod/assign/classes/privacy/
// provider.php of Moodle 5.1, the same flow in 4.5), reduced to the submission-plugin calls:
// export_user_data() exports each of the user's submissions and asks every assignsubmission
// plugin for its part (export_submission_user_data with no teacher); delete_data_for_user()
// calls delete_submission_for_userid for each of the user's own submissions; delete_data_for_users()
// calls delete_submissions with the users' submission ids; then mod_assign deletes its rows.
// Plus core's ad-hoc task queue, which the plugin's deletions go through.

declare(strict_types=1);

namespace core_privacy\local\metadata {
    interface provider {
    }
    final class collection {
        /** @var array<string, array> */
        public array $items = [];
        public function add_database_table($name, array $privacyfields, $summary = '') {
            $this->items[$name] = ['fields' => $privacyfields, 'summary' => $summary];
            return $this;
        }
        public function add_external_location_link($name, array $privacyfields, $summary = '') {
            $this->items[$name] = ['fields' => $privacyfields, 'summary' => $summary];
            return $this;
        }
    }
}

namespace core_privacy\local\request {
    class contextlist {
    }
    class userlist {
    }
    /** The contexts of one user a data request was approved for. */
    final class approved_contextlist implements \IteratorAggregate {
        public function __construct(private \stdClass $user, private string $component, private array $contextids) {
        }
        public function get_user(): \stdClass {
            return $this->user;
        }
        public function get_contexts(): array {
            return array_map(fn(int $id) => \context::instance_by_id($id), $this->contextids);
        }
        public function getIterator(): \Iterator {
            return new \ArrayIterator($this->get_contexts());
        }
    }
    /** The users of one context a deletion was approved for. */
    final class approved_userlist {
        public function __construct(private \context $context, private string $component, private array $userids) {
        }
        public function get_context(): \context {
            return $this->context;
        }
        public function get_userids(): array {
            return $this->userids;
        }
    }
    /** What writer::with_context() collected: path => data. */
    final class writer {
        /** @var array<string, \stdClass> "contextid/a/b" => data */
        public static array $exported = [];
        private static \context $context;
        public static function with_context(\context $context): self {
            self::$context = $context;
            return new self();
        }
        public function export_data(array $subcontext, \stdClass $data): self {
            self::$exported[implode('/', array_merge([self::$context->id], $subcontext))] = $data;
            return $this;
        }
    }
    final class transform {
        public static function datetime($datetime) {
            return $datetime ? gmdate('c', (int) $datetime) : null;
        }
    }
}

namespace mod_assign\privacy {
    interface assignsubmission_provider {
    }
    interface assignsubmission_user_provider {
    }
    class useridlist {
    }
    /** mod/assign/classes/privacy/assign_plugin_request_data.php. */
    final class assign_plugin_request_data {
        private array $submissionids = [];
        public function __construct(
            private \context $context,
            private \assign $assign,
            private ?\stdClass $pluginobject = null,
            private array $subcontext = [],
            private ?\stdClass $user = null,
        ) {
        }
        public function get_context() {
            return $this->context;
        }
        public function get_pluginobject() {
            return $this->pluginobject;
        }
        public function get_subcontext() {
            return $this->subcontext;
        }
        public function get_user() {
            return $this->user;
        }
        public function get_assign() {
            return $this->assign;
        }
        public function get_assignid() {
            return $this->assign->get_instance()->id;
        }
        public function set_userids(array $userids) {
            global $DB;
            foreach ($DB->get_records_list('assign_submission', 'userid', $userids) as $s) {
                if ((int) $s->assignment === (int) $this->get_assignid()) {
                    $this->submissionids[] = (int) $s->id;
                }
            }
        }
        public function get_submissionids() {
            return $this->submissionids;
        }
    }

    /** The submission part of mod_assign's provider, calling the one plugin under test. */
    final class provider {
        private const PLUGIN = \assignsubmission_s3video\privacy\provider::class;

        private static function assign(\context $context): \assign {
            return new \assign($context, \standin_site::$cms[$context->instanceid], (object) ['id' => 2, 'fullname' => 'Film 101']);
        }

        public static function export_user_data(\core_privacy\local\request\approved_contextlist $contextlist): void {
            foreach ($contextlist->get_contexts() as $context) {
                $assign = self::assign($context);
                foreach ($assign->get_all_submissions($contextlist->get_user()->id) as $submission) {
                    $path = ['[[privacy:attemptpath, mod_assign]] ' . ($submission->attemptnumber + 1)];
                    (self::PLUGIN)::export_submission_user_data(new assign_plugin_request_data($context, $assign, $submission, $path, null));
                }
            }
        }

        public static function delete_data_for_user(\core_privacy\local\request\approved_contextlist $contextlist): void {
            global $DB;
            $user = $contextlist->get_user();
            foreach ($contextlist as $context) {
                $assign = self::assign($context);
                $id = $assign->get_instance()->id;
                foreach ($DB->get_records('assign_submission', ['assignment' => $id, 'userid' => $user->id]) as $submission) {
                    (self::PLUGIN)::delete_submission_for_userid(new assign_plugin_request_data($context, $assign, $submission, [], $user));
                }
                $DB->delete_records('assign_submission', ['assignment' => $id, 'userid' => $user->id]);
            }
        }

        public static function delete_data_for_users(\core_privacy\local\request\approved_userlist $userlist): void {
            global $DB;
            $assign = self::assign($userlist->get_context());
            $requestdata = new assign_plugin_request_data($userlist->get_context(), $assign);
            $requestdata->set_userids($userlist->get_userids());
            (self::PLUGIN)::delete_submissions($requestdata);
            $DB->delete_records_list('assign_submission', 'id', $requestdata->get_submissionids());
        }
    }
}

namespace core\task {
    /** lib/classes/task/adhoc_task.php: custom data as JSON. */
    abstract class adhoc_task {
        private string $customdata = '';
        public function set_custom_data($data) {
            $this->customdata = json_encode($data);
        }
        public function get_custom_data() {
            return json_decode($this->customdata);
        }
        abstract public function execute();
    }
    final class manager {
        public static function queue_adhoc_task(adhoc_task $task, $checkforexisting = false) {
            \standin_site::$adhoctasks[] = $task;
            return count(\standin_site::$adhoctasks);
        }
    }
}

namespace {
    const DEBUG_DEVELOPER = 32767;
    /** @var string[] what debugging() and mtrace() said */
    $GLOBALS['standin_output'] = [];
    function debugging($message = '', $level = DEBUG_DEVELOPER) {
        $GLOBALS['standin_output'][] = $message;
        return true;
    }
    function mtrace($string, $eol = "\n") {
        $GLOBALS['standin_output'][] = $string;
    }
}
