<?php
// TEST STAND-IN: lib/filelib.php, whose class curl the suite already has (support/moodle-curl-standin.php).
