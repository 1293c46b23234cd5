/** assignsubmission_s3video/player-lazy: the grader's player; the only module with Video.js. */
import '../../components/player/define';
import { stringKeys as keys } from '../../components/strings';

export const tags = ['s3v-player'];
export const stringKeys = keys('common_', 'player_');
export { CORE_STRING_REQUESTS as coreStrings, useMoodle } from '../../components/moodle-format';
